import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";

import { ZeroHash, keccak256 } from "ethers";

import {
  CONTRACT_ERRORS,
  ContractRefusalError,
  LedgerError,
  LicenseLedger,
  type DeploymentRecord,
} from "@license-ledger/sdk";
import { marketFixture, type MarketFixture } from "./fixtures.js";

/** The accounts of the market fixture that act through the SDK in the tests. */
export const SDK_ACTORS = [
  "admin",
  "publisher",
  "operator",
  "arbiter",
  "distributor",
  "dealer",
  "holder",
  "buyer",
  "stranger",
  "feeRecipient",
] as const;
export type SdkActor = (typeof SDK_ACTORS)[number];

export interface SdkFixture extends MarketFixture {
  registryAddress: string;
  /** One `LicenseLedger` per actor, connected with `{ registry, market }`. */
  ledgers: Record<SdkActor, LicenseLedger>;
}

/**
 * The fixture's address book, as `license:deploy` would write it for the in-process network
 * "hardhat": the registry and the market with their code hashes, and the test stablecoin as a
 * recognised currency.
 */
export async function fixtureDeployment(
  f: Pick<MarketFixture, "registry" | "marketAddress" | "usdc">,
): Promise<DeploymentRecord> {
  const provider = f.registry.runner!.provider!;
  const contract = async (address: string) => ({
    address,
    deploymentTx: ZeroHash,
    block: 0,
    commit: "test",
    constructorArgs: [],
    codeHash: keccak256(await provider.getCode(address)),
  });
  return {
    version: 1,
    network: "hardhat",
    chainId: 31337,
    contracts: {
      LicenseRegistry: await contract(await f.registry.getAddress()),
      LicenseMarket: await contract(f.marketAddress),
    },
    currencies: [{ address: await f.usdc.getAddress(), symbol: "mUSDC", decimals: 6 }],
  };
}

/** Connects a signer to the fixture's registry and market through the SDK, by its address book. */
export async function connectLedger(
  signer: HardhatEthersSigner,
  f: Pick<MarketFixture, "registry" | "marketAddress" | "usdc">,
): Promise<LicenseLedger> {
  return LicenseLedger.connect(signer, {
    deployment: await fixtureDeployment(f),
    trustSource: "the test fixture's address book",
  });
}

/** The market fixture, with every actor connected through the SDK. */
export async function sdkFixture(): Promise<SdkFixture> {
  const f = await marketFixture();
  const entries = await Promise.all(
    SDK_ACTORS.map(async (name) => [name, await connectLedger(f[name], f)] as const),
  );
  return {
    ...f,
    registryAddress: await f.registry.getAddress(),
    ledgers: Object.fromEntries(entries) as Record<SdkActor, LicenseLedger>,
  };
}

/** What `attempt` threw; fails the test if it did not throw. */
export async function thrown(attempt: Promise<unknown>): Promise<unknown> {
  try {
    await attempt;
  } catch (error) {
    return error;
  }
  expect.fail("expected the call to throw, but it succeeded");
}

/** What `attempt` threw, checked to be a `LedgerError` of class `type` with `code`. */
export async function ledgerErrorOf<T extends LedgerError>(
  attempt: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
  code: string,
): Promise<T> {
  const error = await thrown(attempt);
  expect(error, String(error)).to.be.instanceOf(type);
  const typed = error as T;
  expect(typed.code, typed.message).to.equal(code);
  return typed;
}

export interface ExpectedRefusal {
  code: string;
  /** Every named argument of the custom error, with its value. */
  args: Record<string, unknown>;
  /** The exact sentence. */
  message: string;
}

/**
 * Checks that `attempt` failed with a `ContractRefusalError` carrying the custom error `code`,
 * exactly these named `args`, the exact sentence, the raw revert data and the original error.
 */
export async function expectRefusal(
  attempt: Promise<unknown>,
  expected: ExpectedRefusal,
): Promise<ContractRefusalError> {
  const error = await ledgerErrorOf(attempt, ContractRefusalError, expected.code);
  expect(error).to.be.instanceOf(LedgerError);
  expect(error.name).to.equal("ContractRefusalError");
  expect(error.message).to.equal(expected.message);
  expect({ ...error.args }).to.deep.equal(expected.args);
  const fragment = CONTRACT_ERRORS.getError(expected.code);
  expect(fragment, `no error ${expected.code} in CONTRACT_ERRORS`).to.not.equal(null);
  expect(error.signature).to.equal(fragment!.format("sighash"));
  expect(error.data.slice(0, 10)).to.equal(fragment!.selector);
  expect(error.cause, "the underlying error is kept").to.be.instanceOf(Error);
  return error;
}

/** A fresh temporary directory, removed by `removeTempDirs` (call it in `after`). */
const tempDirs: string[] = [];
export function tempDir(prefix = "license-ledger-sdk-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
