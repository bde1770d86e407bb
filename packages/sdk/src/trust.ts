import { getAddress, keccak256, type Provider } from "ethers";

import {
  DEFAULT_DEPLOYMENTS_DIR,
  listDeployments,
  readDeploymentFile,
  type DeploymentRecord,
} from "./deployments.js";
import { LedgerError, toLedgerError } from "./errors.js";

/**
 * Trust anchors: the deployments a verifier accepts as "the official License Ledger" of a chain.
 * A certificate names a registry and a market, but that is only its own word: verification always
 * decides against a `TrustedDeployment` that came from somewhere the verifier chose (the address
 * books shipped with this package, a trust file for a private deployment, or an address the
 * caller gave), and every verdict says which one and where its trust came from.
 */

/** An ERC-20 the trusted deployment recognises, by checksummed address. */
export interface RecognisedCurrency {
  symbol: string;
  decimals: number;
}

/** One deployment a verifier trusts. */
export interface TrustedDeployment {
  /** The network's name in the address book (what certificates of this chain must say). */
  network: string;
  chainId: bigint;
  /** Checksummed address of the registry. */
  registry: string;
  /** keccak256 of the registry's runtime code at deployment, or null when not recorded. */
  registryCodeHash: string | null;
  /** Checksummed address of the market, or null when the deployment has none. */
  market: string | null;
  marketCodeHash: string | null;
  /** The registry's deployment block: log scans start there. */
  fromBlock: number;
  /** Tokens recognised as payment currencies, by checksummed address. */
  currencies: ReadonlyMap<string, RecognisedCurrency>;
  /** The block explorer, if any (`<explorer>/tx/<hash>`). */
  explorer: string | null;
  /** The deployment's published verification page, if any. */
  verifyPage: string | null;
  /** Where this trust came from, in words ("the address book sepolia.json shipped with ..."). */
  source: string;
}

/** A trusted deployment from an address book (or a trust file in the same format). */
export function trustFromRecord(record: DeploymentRecord, source: string): TrustedDeployment {
  const { LicenseRegistry: registry, LicenseMarket: market } = record.contracts;
  return {
    network: record.network,
    chainId: BigInt(record.chainId),
    registry: getAddress(registry.address),
    registryCodeHash: registry.codeHash?.toLowerCase() ?? null,
    market: market === undefined ? null : getAddress(market.address),
    marketCodeHash: market?.codeHash?.toLowerCase() ?? null,
    fromBlock: registry.block ?? 0,
    currencies: new Map(
      (record.currencies ?? []).map((c) => [
        getAddress(c.address),
        { symbol: c.symbol, decimals: c.decimals },
      ]),
    ),
    explorer: record.explorer ?? null,
    verifyPage: record.verifyPage ?? null,
    source,
  };
}

/**
 * The official deployments of `chainId`: every address book in `dir` (default: the books this
 * package ships) whose chain id is `chainId`. Empty when none is known.
 */
export function officialDeployments(
  chainId: bigint,
  dir: string = DEFAULT_DEPLOYMENTS_DIR,
): TrustedDeployment[] {
  const shipped = dir === DEFAULT_DEPLOYMENTS_DIR;
  return listDeployments(dir)
    .filter((record) => BigInt(record.chainId) === chainId)
    .map((record) =>
      trustFromRecord(
        record,
        shipped
          ? `the address book ${record.network}.json shipped with @license-ledger/sdk`
          : `the address book ${record.network}.json in ${dir}`,
      ),
    );
}

/** The deployment a trust file describes (an address book for a private deployment). */
export function readTrustFile(path: string): TrustedDeployment {
  return trustFromRecord(readDeploymentFile(path), `the trust file ${path}`);
}

/** A deployment trusted because the caller named its addresses (e.g. `--registry`). */
export function trustAddresses(params: {
  chainId: bigint;
  network: string;
  registry: string;
  market?: string | null;
  fromBlock?: number;
  source: string;
}): TrustedDeployment {
  return {
    network: params.network,
    chainId: params.chainId,
    registry: getAddress(params.registry),
    registryCodeHash: null,
    market:
      params.market === undefined || params.market === null ? null : getAddress(params.market),
    marketCodeHash: null,
    fromBlock: params.fromBlock ?? 0,
    currencies: new Map(),
    explorer: null,
    verifyPage: null,
    source: params.source,
  };
}

/**
 * Checks that the node serves the trusted deployment: code at the registry and market, hashing to
 * what the address book recorded at deployment, and a market bound to this registry. Returns each
 * problem as a sentence (empty: the node serves it).
 */
export async function checkDeployment(
  provider: Provider,
  trusted: TrustedDeployment,
): Promise<string[]> {
  const problems: string[] = [];
  const contracts: [string, string | null, string | null][] = [
    ["registry", trusted.registry, trusted.registryCodeHash],
    ["market", trusted.market, trusted.marketCodeHash],
  ];
  for (const [name, address, expected] of contracts) {
    if (address === null) continue;
    let code: string;
    try {
      code = await provider.getCode(address);
    } catch (error) {
      throw toLedgerError(error, `reading the ${name}'s code at ${address}`);
    }
    if (code === "0x") {
      problems.push(
        `the node has no ${name} contract at ${address}, where ${trusted.source} puts the official one: it serves another chain under chain id ${trusted.chainId}`,
      );
    } else if (expected !== null && keccak256(code) !== expected) {
      problems.push(
        `the ${name}'s code at ${address} hashes to ${keccak256(code)}, but ${trusted.source} recorded ${expected} at deployment: the node serves other code there (another chain under the same id, or a fork)`,
      );
    }
  }
  if (trusted.market !== null && problems.length === 0) {
    try {
      const answer = await provider.call({ to: trusted.market, data: REGISTRY_SELECTOR });
      const bound = answer.length === 66 ? getAddress(`0x${answer.slice(26)}`) : undefined;
      if (bound !== trusted.registry) {
        problems.push(
          `the market at ${trusted.market} is bound to the registry ${bound ?? "(none)"}, not to the official registry ${trusted.registry}`,
        );
      }
    } catch (error) {
      problems.push(
        `the market at ${trusted.market} does not answer registry(): ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    }
  }
  return problems;
}

/** `registry()` */
const REGISTRY_SELECTOR = "0x7b103999";

/** Refuses a provider whose chain is not the trusted deployment's. */
export function requireChain(trusted: TrustedDeployment, chainId: bigint): void {
  if (trusted.chainId !== chainId) {
    throw new LedgerError(
      "WrongNetwork",
      `the trusted deployment ${trusted.network} (${trusted.source}) is on chain ${trusted.chainId}, but the node is chain ${chainId}`,
      { expected: trusted.chainId, actual: chainId },
    );
  }
}
