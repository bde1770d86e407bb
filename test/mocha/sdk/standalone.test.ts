import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

import { expect } from "chai";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";

import { licenseIdOf } from "../../helpers/constants.js";
import { removeTempDirs, tempDir } from "../../helpers/sdk.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Hardhat's first default account (a public test key). */
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const HOLDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/**
 * The dealer's script: plain ethers and the SDK, no Hardhat. A module-resolution hook refuses
 * `hardhat` and `@nomicfoundation/*`, so the run fails if anything the SDK loads reaches for them.
 */
function script(): string {
  const sdk = pathToFileURL(join(ROOT, "packages/sdk/src/index.ts")).href;
  // The script lives in a temporary folder: it names the project's ethers by its location.
  const ethers = import.meta.resolve("ethers");
  const refuseHardhat = `export async function resolve(specifier, context, next) {
    if (/^(hardhat($|\\/)|@nomicfoundation\\/)/.test(specifier)) throw new Error("refused: " + specifier);
    return next(specifier, context);
  }`;
  return `
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(refuseHardhat)}));

let hardhatRefused = false;
try {
  await import("hardhat");
} catch (error) {
  hardhatRefused = String(error).includes("refused: hardhat");
}

const { JsonRpcProvider, Wallet, id } = await import(${JSON.stringify(ethers)});
const sdk = await import(${JSON.stringify(sdk)});
const { LicenseRegistry__factory } = sdk;

const provider = new JsonRpcProvider(process.env.RPC_URL, undefined, { cacheTimeout: -1 });
const wallet = new Wallet(${JSON.stringify(DEPLOYER_KEY)}, provider);
const registry = await new LicenseRegistry__factory(wallet).deploy(
  "License Ledger", "LICENSE", wallet.address, 2n * 24n * 3600n,
);
await registry.waitForDeployment();
await (await registry.grantRole(id("PUBLISHER_ROLE"), wallet.address)).wait();

const ledger = await sdk.LicenseLedger.connect(wallet, { registry: await registry.getAddress() });
const { productId } = await ledger.registerProduct(
  { validityDays: 0, maxSeatsPerLicense: 10, transferable: true, splittable: true, attestationRequired: false },
  "ipfs://standalone",
);
const { licenseId } = await ledger.issue({
  productId, holder: ${JSON.stringify(HOLDER)}, seats: 3, licenseKey: "STAND-ALONE-0001",
});
const license = await ledger.getLicense(licenseId);
const foundByKey = await ledger.licenseOfKey(productId, { licenseKey: "stand alone 0001" });

let refusal;
try {
  await ledger.release(licenseId, id("declaration"));
} catch (error) {
  refusal = { name: error.name, code: error.code, message: error.message };
}

console.log(JSON.stringify({
  hardhatRefused,
  chainId: ledger.chainId,
  productId, licenseId, foundByKey,
  holder: license.holder, seats: license.seats, status: license.status, valid: license.valid,
  refusal,
}, (_key, value) => (typeof value === "bigint" ? value.toString() : value)));
`;
}

interface Report {
  hardhatRefused: boolean;
  chainId: string;
  productId: string;
  licenseId: string;
  foundByKey: string;
  holder: string;
  seats: string;
  status: string;
  valid: boolean;
  refusal?: { name: string; code: string; message: string };
}

describe("SDK outside Hardhat", function () {
  this.timeout(30_000);

  let server: JsonRpcServer | undefined;
  let url = "";

  before(async function () {
    server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    url = `http://${address}:${port}`;
  });

  after(async function () {
    await server?.close();
    removeTempDirs();
  });

  it("issues and reads a license from a plain tsx script over JSON-RPC", async function () {
    const file = join(tempDir(), "dealer-script.mts");
    writeFileSync(file, script());
    const started = Date.now();
    const { stdout } = await run("npx", ["tsx", file], {
      cwd: ROOT,
      env: { ...process.env, RPC_URL: url },
      timeout: 25_000,
    });
    const elapsed = Date.now() - started;
    const line = stdout.trim().split("\n").at(-1) ?? "";
    const report = JSON.parse(line) as Report;

    expect(report.hardhatRefused, "the script refuses to load Hardhat").to.equal(true);
    expect(report.chainId).to.equal("31337");
    expect(report.productId).to.equal("1");
    expect(report.licenseId).to.equal(licenseIdOf(1, 1).toString());
    expect(report.foundByKey).to.equal(report.licenseId);
    expect(report.holder).to.equal(HOLDER);
    expect(report.seats).to.equal("3");
    expect(report.status).to.equal("active");
    expect(report.valid).to.equal(true);
    // A refusal over JSON-RPC is decoded the same way: the deployer does not hold the license.
    expect(report.refusal).to.deep.equal({
      name: "ContractRefusalError",
      code: "ERC721InsufficientApproval",
      message: `0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 may not act on license ${report.licenseId}: it is neither its holder nor approved by it`,
    });
    expect(elapsed, "run time of the script (ms)").to.be.below(15_000);
  });
});
