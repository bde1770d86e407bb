import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";

import { licenseIdOf } from "../../helpers/constants.js";
import { ROOT, SYSTEM_NODE, runProcess, type ProcessRun } from "../../helpers/outside.js";

/** The tarball may not grow past this without someone deciding it should (it is ~150 kB). */
const MAX_TARBALL_BYTES = 400 * 1024;
/** What the tarball may hold: the build, the address books, the two documents, the manifest. */
const ALLOWED =
  /^(dist\/.+\.(js|d\.ts)|deployments\/[A-Za-z0-9._-]+\.json|README\.md|CHANGELOG\.md|package\.json)$/;

/** Hardhat's default accounts 0, 1 and 2 (public test keys). */
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];

/**
 * The environment of a machine that has only Node and npm: no repository node_modules/.bin on
 * PATH (so `node`, `npm` and `npx` are the system's), and none of the variables npm sets for the
 * script running this test (they would point the install back at the repository).
 */
function outsideEnv(): NodeJS.ProcessEnv {
  const keep = new Set(["npm_config_registry", "npm_config_cache", "npm_config_userconfig"]);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("npm_") && !keep.has(name)) continue;
    if (name === "INIT_CWD" || name === "LICENSE_LEDGER_RPC" || name === "NODE_OPTIONS") continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && !dir.includes("node_modules"))
    .join(delimiter);
  return env;
}

/** A dealer's plain script: ethers and the package, nothing else (no TypeScript, no Hardhat). */
const SCENARIO = `
import { JsonRpcProvider, Wallet, id, parseEther } from "ethers";
import {
  LicenseLedger, LicenseMarket__factory, LicenseRegistry__factory, ROLES, ContractRefusalError,
} from "@license-ledger/sdk";

const provider = new JsonRpcProvider(process.env.RPC_URL, undefined, { cacheTimeout: -1 });
const [admin, holder, buyer] = ${JSON.stringify(KEYS)}.map((key) => new Wallet(key, provider));
const twoDays = 2n * 24n * 3600n;

const registry = await new LicenseRegistry__factory(admin).deploy("License Ledger", "LICENSE", admin.address, twoDays);
const registryAddress = await registry.getAddress();
const market = await new LicenseMarket__factory(admin).deploy(registryAddress, admin.address, twoDays, admin.address, 250n);
const marketAddress = await market.getAddress();
await (await registry.grantRole(ROLES.PUBLISHER, admin.address)).wait();

const as = (wallet) => LicenseLedger.connect(wallet, { registry: registryAddress, market: marketAddress });
const publisher = await as(admin);
const { productId } = await publisher.registerProduct(
  { validityDays: 0, maxSeatsPerLicense: 10, transferable: true, splittable: true, attestationRequired: false },
  "ipfs://outside",
);
const { licenseId } = await publisher.issue({ productId, holder: holder.address, seats: 5, licenseKey: "OUTSIDE-0001" });

const seller = await as(holder);
let refusal;
try {
  await (await as(buyer)).release(licenseId, id("not mine"));
} catch (error) {
  refusal = { isRefusal: error instanceof ContractRefusalError, code: error.code, message: error.message };
}
await seller.release(licenseId, id("declaration: my copy is unusable"));
await seller.approveMarket();
const order = await seller.signSellOrder({ licenseId, price: parseEther("2"), nonce: 1n });
const bought = await (await as(buyer)).buy(order);
const license = await publisher.getLicense(licenseId);

console.log(JSON.stringify({
  registry: registryAddress, market: marketAddress, productId, licenseId, paid: bought.total,
  holder: license.holder, status: license.status, valid: license.valid, seats: license.seats,
  buyer: buyer.address, refusal,
}, (_key, value) => (typeof value === "bigint" ? value.toString() : value)));
`;

/** A TypeScript consumer of the shipped .d.ts; the @ts-expect-error lines must stay errors. */
const CONSUMER = `
import { JsonRpcProvider } from "ethers";
import {
  LedgerError, LicenseLedger, LicenseRegistry__factory, keyCommitment,
  type ChainOfTitle, type DeploymentRecord, type License, type Signed, type SellOrder,
} from "@license-ledger/sdk";
import { heldByReport, showReport, type HeldByDoc, type ShowDoc } from "@license-ledger/sdk/cli";

export async function read(url: string, registry: string): Promise<string> {
  const provider = new JsonRpcProvider(url);
  const ledger: LicenseLedger = await LicenseLedger.connect(provider, { registry });
  const license: License = await ledger.getLicense(1_000_000_000_001n);
  const seats: bigint = license.seats;
  const status: "active" | "released" | "revoked" | "surrendered" | "split" = license.status;
  const title: ChainOfTitle = await ledger.chainOfTitle(license.licenseId);
  const shown: { doc: ShowDoc; lines: string[] } = await showReport(ledger, { licenseId: 1n });
  const held: HeldByDoc = (await heldByReport(ledger, { account: license.holder })).doc;
  const commitment: string = keyCommitment(1n, "KEY-0001");
  const factory = LicenseRegistry__factory.connect(registry, provider);
  const name: string = await factory.name();
  // @ts-expect-error: license ids are bigints
  await ledger.getLicense("1000000000001");
  // @ts-expect-error: a License has no price
  license.price;
  const book: DeploymentRecord | undefined = undefined;
  const order: Signed<SellOrder> | undefined = undefined;
  try {
    await ledger.release(license.licenseId, "0x");
  } catch (error) {
    if (error instanceof LedgerError) return error.code + error.message;
  }
  return [seats, status, title.steps.length, shown.lines[0], held.count, commitment, name, book, order].join();
}
`;

interface ScenarioReport {
  registry: string;
  market: string;
  productId: string;
  licenseId: string;
  paid: string;
  holder: string;
  status: string;
  valid: boolean;
  seats: string;
  buyer: string;
  refusal: { isRefusal: boolean; code: string; message: string };
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

function ok(run: ProcessRun, what: string): ProcessRun {
  expect(run.code, `${what}\n${run.stderr}`).to.equal(0);
  return run;
}

describe("the SDK package from the outside (npm pack, npm install, plain Node)", function () {
  this.timeout(180_000);

  let server: JsonRpcServer | undefined;
  let rpc = "";
  let dir = "";
  let pack: PackResult;
  const env = outsideEnv();
  const figures: Record<string, string> = {};

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "license-ledger-outside-"));
    server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    rpc = `http://${address}:${port}`;
  });

  after(async function () {
    await server?.close();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
    if (Object.keys(figures).length > 0) {
      console.log(
        `      package figures: ${Object.entries(figures)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
      );
    }
  });

  it("packs only the build, the address books and the documents, under the size ceiling", async function () {
    const started = Date.now();
    const run = ok(
      await runProcess(
        "npm",
        ["pack", "--workspace", "@license-ledger/sdk", "--pack-destination", dir, "--json"],
        { cwd: ROOT, env },
      ),
      "npm pack",
    );
    figures.pack = `${Date.now() - started} ms`;
    [pack] = JSON.parse(run.stdout) as [PackResult];
    figures.tarball = `${(pack.size / 1024).toFixed(1)} kB (${pack.entryCount} files, ${(pack.unpackedSize / 1024).toFixed(0)} kB unpacked)`;
    const paths = pack.files.map((f) => f.path).sort();
    expect(
      paths.filter((p) => !ALLOWED.test(p)),
      "files outside the allowed set",
    ).to.deep.equal([]);
    expect(paths).to.include.members([
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli/main.js",
      "dist/cli/index.d.ts",
      "dist/contracts/index.d.ts",
    ]);
    expect(
      paths.some(
        (p) => /(^|\/)(src|test|contracts)\/.*\.(ts|sol)$/.test(p) && !p.endsWith(".d.ts"),
      ),
    ).to.equal(false);
    expect(paths.some((p) => /\.env|\.tgz$|\.map$/.test(p))).to.equal(false);
    expect(pack.size, "tarball bytes").to.be.below(MAX_TARBALL_BYTES);
    expect(existsSync(join(dir, pack.filename))).to.equal(true);
  });

  it("installs with plain npm into an empty folder outside the repository", async function () {
    expect(pack, "packed").to.not.equal(undefined);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    const started = Date.now();
    ok(
      await runProcess(
        "npm",
        ["install", "--no-audit", "--no-fund", "--prefer-offline", join(dir, pack.filename)],
        { cwd: dir, env, timeout: 120_000 },
      ),
      "npm install",
    );
    figures.install = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    expect(existsSync(join(dir, "node_modules/@license-ledger/sdk/dist/index.js"))).to.equal(true);
    expect(existsSync(join(dir, "node_modules/ethers"))).to.equal(true);
    for (const absent of ["hardhat", "typescript", "@nomicfoundation"]) {
      expect(existsSync(join(dir, "node_modules", absent)), absent).to.equal(false);
    }
  });

  it("a plain .mjs script deploys, issues, releases, sells and reads a license; the bin reads it", async function () {
    writeFileSync(join(dir, "scenario.mjs"), SCENARIO);
    let started = Date.now();
    const run = ok(
      await runProcess(SYSTEM_NODE, ["scenario.mjs"], {
        cwd: dir,
        env: { ...env, RPC_URL: rpc },
      }),
      "scenario.mjs",
    );
    figures.script = `${Date.now() - started} ms`;
    const report = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "") as ScenarioReport;
    expect(report).to.deep.include({
      productId: "1",
      licenseId: licenseIdOf(1, 1).toString(),
      paid: "2050000000000000000",
      holder: report.buyer,
      status: "active",
      valid: true,
      seats: "5",
    });
    expect(report.refusal).to.deep.equal({
      isRefusal: true,
      code: "ERC721InsufficientApproval",
      message: `${report.buyer} may not act on license ${report.licenseId}: it is neither its holder nor approved by it`,
    });

    started = Date.now();
    const shown = ok(
      await runProcess(
        "npx",
        [
          "--no",
          "license-ledger",
          "show",
          report.licenseId,
          "--rpc",
          rpc,
          "--registry",
          report.registry,
        ],
        { cwd: dir, env },
      ),
      "npx license-ledger show",
    );
    figures.bin = `${Date.now() - started} ms`;
    expect(shown.stdout).to.equal(
      [
        `license   ${report.licenseId}`,
        "product   1",
        `holder    ${report.buyer}`,
        "seats     5",
        "status    active",
        "valid     yes",
        "validity  perpetual",
        "terms     transferable, splittable",
        "",
      ].join("\n"),
    );
    const held = ok(
      await runProcess(
        "npx",
        [
          "--no",
          "license-ledger",
          "held-by",
          report.buyer,
          "--json",
          "--registry",
          report.registry,
        ],
        { cwd: dir, env: { ...env, LICENSE_LEDGER_RPC: rpc } },
      ),
      "npx license-ledger held-by",
    );
    expect(JSON.parse(held.stdout)).to.deep.include({ count: 1, licenses: [report.licenseId] });

    // A court clerk's two commands: draw the certificate (a PDF), then verify it.
    const trust = join(dir, "devnet.json");
    writeFileSync(
      trust,
      JSON.stringify({
        version: 1,
        network: "devnet",
        chainId: 31337,
        contracts: {
          LicenseRegistry: {
            address: report.registry,
            deploymentTx: "",
            block: 0,
            commit: "",
            constructorArgs: [],
          },
          LicenseMarket: {
            address: report.market,
            deploymentTx: "",
            block: 0,
            commit: "",
            constructorArgs: [],
          },
        },
      }),
    );
    const pdf = join(dir, "certificate.pdf");
    const drawn = ok(
      await runProcess(
        "npx",
        [
          "--no",
          "license-ledger",
          "certificate",
          report.licenseId,
          "--out",
          pdf,
          "--rpc",
          rpc,
          "--trust",
          trust,
        ],
        { cwd: dir, env },
      ),
      "npx license-ledger certificate",
    );
    expect(drawn.stdout).to.match(/^wrote +\S+certificate\.pdf \(PDF, \d pages?, [\d.]+ kB\)\n/);
    const verified = await runProcess(
      "npx",
      ["--no", "license-ledger", "verify", pdf, "--rpc", rpc, "--trust", trust],
      { cwd: dir, env },
    );
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/verdict +CURRENT: genuine/);
    expect(verified.stdout).to.include(`trusted from the trust file ${trust}`);
  });

  it("type-checks a TypeScript consumer against the shipped .d.ts (nodenext)", async function () {
    writeFileSync(join(dir, "consumer.ts"), CONSUMER);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2023"],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ["consumer.ts"],
      }),
    );
    const started = Date.now();
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    const run = await runProcess(SYSTEM_NODE, [tsc, "-p", join(dir, "tsconfig.json")], {
      cwd: dir,
      env,
    });
    figures.tsc = `${Date.now() - started} ms`;
    expect(run.stdout + run.stderr, "tsc output").to.equal("");
    expect(run.code).to.equal(0);
  });
});
