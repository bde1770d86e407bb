import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, Wallet, id, parseEther } from "ethers";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";

import {
  LicenseLedger,
  LicenseMarket__factory,
  LicenseRegistry__factory,
  ROLES,
} from "@license-ledger/sdk";
import { shippedNetworks } from "@license-ledger/sdk/cli";
import { ADMIN_DELAY, VOLUME_TERMS, licenseIdOf } from "../../helpers/constants.js";
import {
  ROOT,
  SYSTEM_NODE,
  cleanEnv,
  runProcess,
  systemNodeMajor,
  type ProcessRun,
} from "../../helpers/outside.js";
import { removeTempDirs, tempDir } from "../../helpers/sdk.js";

/** Hardhat's default accounts 0, 1 and 2 (public test keys). */
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const;
const BIN = join(ROOT, "packages/sdk/dist/cli/main.js");
const LICENSE_KEY = "BIN-TEST-0001";
/** The address books the package ships (none until the first public deployment). */
const SHIPPED = shippedNetworks(join(ROOT, "packages/sdk/deployments")).join(", ") || "none";

/** Runs the built bin with the system's Node, as a dealer without this repository would. */
function bin(args: readonly string[], env: Record<string, string> = {}): Promise<ProcessRun> {
  return runProcess(SYSTEM_NODE, [BIN, ...args], { env: cleanEnv(env), timeout: 30_000 });
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The sentence and the underlying-error line a refusal printed. */
function refusal(run: ProcessRun): { sentence: string; underlying: string | undefined } {
  const [first, second] = run.stderr.trimEnd().split("\n");
  return { sentence: first ?? "", underlying: second?.replace(/^ {2}underlying error: /, "") };
}

describe("license-ledger bin (built, on the system's Node)", function () {
  this.timeout(60_000);

  let server: JsonRpcServer | undefined;
  let rpc = "";
  let registry = "";
  let market = "";
  let holder = "";
  let buyer = "";
  let issuedAt = 0;
  let soldAt = 0;
  const license = licenseIdOf(1, 1).toString();

  before(async function () {
    server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    rpc = `http://${address}:${port}`;
    const provider = new JsonRpcProvider(rpc, undefined, { cacheTimeout: -1 });
    const [deployer, holderWallet, buyerWallet] = KEYS.map((k) => new Wallet(k, provider));
    const r = await new LicenseRegistry__factory(deployer).deploy(
      "License Ledger",
      "LICENSE",
      deployer!.address,
      ADMIN_DELAY,
    );
    registry = await r.getAddress();
    const m = await new LicenseMarket__factory(deployer).deploy(
      registry,
      deployer!.address,
      ADMIN_DELAY,
      deployer!.address,
      250n,
    );
    market = await m.getAddress();
    await (await r.grantRole(ROLES.PUBLISHER, deployer!.address)).wait();
    const connect = (w: Wallet) => LicenseLedger.connect(w, { registry, market });
    const publisher = await connect(deployer!);
    const { productId } = await publisher.registerProduct(VOLUME_TERMS, "ipfs://bin-test");
    holder = holderWallet!.address;
    buyer = buyerWallet!.address;
    const issued = await publisher.issue({ productId, holder, seats: 3, licenseKey: LICENSE_KEY });
    issuedAt = issued.blockNumber;
    const seller = await connect(holderWallet!);
    await seller.approveMarket();
    const order = await seller.signSellOrder({
      licenseId: issued.licenseId,
      price: parseEther("1"),
      nonce: 1n,
      declarationHash: id("bin-test declaration"),
    });
    soldAt = (await (await connect(buyerWallet!)).buy(order)).blockNumber;
    provider.destroy();
  });

  after(async function () {
    await server?.close();
    removeTempDirs();
  });

  it("runs on the system's Node 20 or later (no Hardhat, no TypeScript)", async function () {
    expect(systemNodeMajor()).to.be.at.least(20);
    const version = await bin(["--version"]);
    expect(version).to.deep.include({ code: 0, stdout: "0.2.0\n", stderr: "" });
    const help = await bin(["help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain("license-ledger 0.2.0: read License Ledger licenses");
    expect(help.stdout).to.match(/\n {2}show {9}Shows a license/);
    expect(help.stdout).to.match(/\n {2}history {6}Shows a license's chain of title/);
    expect(help.stdout).to.match(/\n {2}certificate {2}Writes a license's certificate/);
    expect(help.stdout).to.match(/\n {2}verify {7}Checks a certificate/);
    expect(help.stdout).to.match(/\n {2}held-by {6}Lists the licenses an account held/);
    const verbHelp = await bin(["show", "--help"]);
    expect(verbHelp.stdout).to.contain(
      "Usage: license-ledger show <license> --rpc <url> [options]",
    );
  });

  it("show: a license as aligned lines, and by its key with --json", async function () {
    const byId = await bin(["show", license, "--rpc", rpc, "--registry", registry]);
    expect(byId).to.deep.equal({
      code: 0,
      stderr: "",
      stdout: [
        `license   ${license}`,
        "product   1",
        `holder    ${buyer}`,
        "seats     3",
        "status    active",
        "valid     yes",
        "validity  perpetual",
        "terms     transferable, splittable",
        "",
      ].join("\n"),
    });
    const byKey = await bin(
      ["show", "--key", "bin test 0001", "--product", "1", "--json", "--registry", registry],
      { LICENSE_LEDGER_RPC: rpc },
    );
    expect(byKey.code).to.equal(0);
    expect(JSON.parse(byKey.stdout)).to.deep.equal({
      licenseId: license,
      productId: "1",
      holder: buyer,
      seats: "3",
      status: "active",
      valid: true,
      validUntil: "0",
      perpetual: true,
      expired: false,
      suspended: false,
      attested: false,
      transferable: true,
      splittable: true,
      attestationRequired: false,
      foundByKey: true,
    });
  });

  it("held-by: an account's licenses now, at a past block and at a date", async function () {
    const where = ["--rpc", rpc, "--registry", registry];
    const [before, now, json, early] = await Promise.all([
      bin(["held-by", holder, "--at", String(issuedAt), ...where]),
      bin(["held-by", holder, ...where]),
      bin(["held-by", buyer, "--at", String(soldAt), "--json", ...where]),
      bin(["held-by", buyer, "--at", "2001-01-01", ...where]),
    ]);
    expect(before.stdout).to.equal(`${holder} held 1 license at block ${issuedAt}: ${license}\n`);
    expect(now.stdout).to.match(
      new RegExp(`^${holder} held no licenses at block \\d+ \\(the latest\\)\\n$`),
    );
    expect(JSON.parse(json.stdout)).to.deep.equal({
      account: buyer,
      atBlock: soldAt,
      count: 1,
      licenses: [license],
    });
    expect(early.stdout).to.equal(
      `${buyer} held no licenses at 2001-01-01T00:00:00Z (before the chain's first block)\n`,
    );
    for (const run of [before, now, json, early]) expect(run.code).to.equal(0);
  });

  it("reads the registry and market from a --trust address book", async function () {
    const contract = (address: string) => ({
      address,
      deploymentTx: `0x${"00".repeat(32)}`,
      block: 0,
      commit: "test",
      constructorArgs: [],
    });
    const book = join(tempDir(), "private.json");
    writeFileSync(
      book,
      JSON.stringify({
        version: 1,
        network: "dealer-devnet",
        chainId: 31337,
        contracts: { LicenseRegistry: contract(registry), LicenseMarket: contract(market) },
      }),
    );
    const run = await bin(["show", license, "--rpc", rpc, "--trust", book, "--json"]);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.include({ licenseId: license, holder: buyer });
    const otherChain = join(tempDir(), "other.json");
    writeFileSync(
      otherChain,
      JSON.stringify({ chainId: 11155111, contracts: { LicenseRegistry: contract(registry) } }),
    );
    const wrong = await bin(["show", license, "--rpc", rpc, "--trust", otherChain]);
    expect(wrong.code).to.equal(1);
    expect(refusal(wrong).sentence).to.equal(
      'Error: the deployment "other" is on chain 11155111, but the connection is to chain 31337: connect to the right network',
    );
  });

  it("history, certificate and verify: the chain of title, a PDF and its verdict, with its exit code", async function () {
    const where = ["--rpc", rpc, "--registry", registry, "--market", market];
    const history = await bin(["history", license, ...where]);
    expect(history.code, history.stderr).to.equal(0);
    expect(history.stdout).to.include(`holder   ${buyer}\n`);
    expect(history.stdout).to.include("origin (who vouched for it)\n");
    expect(history.stdout).to.match(/ sold +0x[0-9a-f]{64}\n/);

    const pdf = join(tempDir(), "certificate.pdf");
    const drawn = await bin(["certificate", license, "--out", pdf, ...where]);
    expect(drawn.code, drawn.stderr).to.equal(0);
    expect(drawn.stdout).to.match(/^wrote +\S+ \(PDF, \d pages?, [\d.]+ kB\)\n/);
    const verified = await bin(["verify", pdf, ...where]);
    expect(verified.code, verified.stdout + verified.stderr).to.equal(0);
    expect(verified.stdout).to.match(/\nverdict +CURRENT: genuine/);
    expect(verified.stdout).to.include("trusted from the --registry and --market options");

    // Checked against a deployment that is not the one the certificate names: exit code 2.
    const other = await bin(["verify", pdf, "--rpc", rpc, "--registry", market]);
    expect(other.code).to.equal(2);
    expect(other.stdout).to.include("NOT OFFICIAL: not the official License Ledger of chain-31337");

    // An edited JSON certificate: exit code 1, the field named.
    const json = join(tempDir(), "certificate.json");
    expect((await bin(["certificate", license, "--out", json, ...where])).code).to.equal(0);
    const edited = JSON.parse(readFileSync(json, "utf8")) as { license: { seats: string } };
    edited.license.seats = "400";
    writeFileSync(json, JSON.stringify(edited));
    const forged = await bin(["verify", json, ...where, "--json"]);
    expect(forged.code).to.equal(1);
    const doc = JSON.parse(forged.stdout) as { verdict: string; differences: string[] };
    expect(doc.verdict).to.equal("not-genuine");
    expect(doc.differences.join("\n")).to.include("(license.seats)");
  });

  it("refuses with a sentence, the underlying error and exit code 1", async function () {
    const where = ["--rpc", rpc, "--registry", registry];
    const bad = `http://127.0.0.1:${await closedPort()}`;
    const cases: [
      string[],
      Record<string, string>,
      string | RegExp,
      string | RegExp | undefined,
    ][] = [
      [
        ["show", license, "--registry", registry],
        {},
        "Error: which node? Give --rpc <url> (the JSON-RPC URL of an Ethereum node or provider, such as https://sepolia.infura.io/v3/<key>), or set LICENSE_LEDGER_RPC",
        undefined,
      ],
      [
        ["show", license, "--rpc", bad, "--registry", registry],
        {},
        `Error: cannot reach the node at ${bad}: check the URL (--rpc or LICENSE_LEDGER_RPC) and that the node is running`,
        /^connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
      ],
      [
        ["show", license, "--registry", registry],
        { LICENSE_LEDGER_RPC: "localhost:8545" },
        "Error: --rpc must be an http:// or https:// URL, got 'localhost:8545' (WebSocket and IPC endpoints are not supported)",
        undefined,
      ],
      [
        ["show", license, "--rpc", rpc, "--network", "atlantis"],
        {},
        `Error: this package knows no network "atlantis" (it ships address books for: ${SHIPPED}): for a private deployment give --trust <address book.json>, or --registry <address>`,
        undefined,
      ],
      [
        ["show", license, "--rpc", rpc],
        {},
        `Error: this package ships no address book for chain 31337, the chain of ${rpc} (it has: ${SHIPPED}): name the registry with --registry <address>, or give its address book with --trust <file.json>`,
        undefined,
      ],
      [
        ["show", "first", ...where],
        {},
        "Error: the license id must be a whole number, got 'first'",
        undefined,
      ],
      [
        ["show", licenseIdOf(1, 99).toString(), ...where],
        {},
        `Error: license ${licenseIdOf(1, 99)} does not exist`,
        /ERC721NonexistentToken/,
      ],
      [
        ["show", "--key", "NOPE", "--product", "1", ...where],
        {},
        "Error: no license of product 1 is bound to that key",
        undefined,
      ],
      [
        ["show", "--key", "NOPE", ...where],
        {},
        "Error: --key needs --product: license keys are bound per product",
        undefined,
      ],
      [
        ["held-by", "0x1234", ...where],
        {},
        "Error: the account must be an address (0x and 40 hex digits), got '0x1234'",
        undefined,
      ],
      [
        ["held-by", holder, "--at", "yesterday", ...where],
        {},
        "Error: --at must be a block number or a date such as 2027-01-01 or 2027-01-01T12:00:00Z, got 'yesterday'",
        undefined,
      ],
      [
        ["held-by", holder, "--at", "99999999", ...where],
        {},
        /^Error: block 99999999 has not been mined yet: the chain is at block \d+$/,
        undefined,
      ],
      [
        ["show", license, "--rpc", rpc, "--registry", holder],
        {},
        `Error: there is no registry contract at ${holder} on chain 31337: wrong address or wrong network`,
        undefined,
      ],
      [
        ["transfer", license, ...where],
        {},
        "Error: unknown verb 'transfer': the verbs are show, history, certificate, verify, held-by (see `license-ledger help`)",
        undefined,
      ],
      [
        ["show", license, "--colour", ...where],
        {},
        "Error: show takes no option --colour (see `license-ledger help show`)",
        /Unknown option '--colour'/,
      ],
    ];
    const runs = await Promise.all(cases.map(([args, env]) => bin(args, env)));
    cases.forEach(([args, , sentence, underlying], i) => {
      const run = runs[i]!;
      const label = args.join(" ");
      expect(run.code, label).to.equal(1);
      expect(run.stdout, label).to.equal("");
      const said = refusal(run);
      if (typeof sentence === "string") expect(said.sentence, label).to.equal(sentence);
      else expect(said.sentence, label).to.match(sentence);
      if (underlying === undefined) expect(said.underlying, label).to.equal(undefined);
      else expect(said.underlying, label).to.match(new RegExp(underlying));
    });
  });

  it("never repeats credentials given in the RPC URL", async function () {
    const port = await closedPort();
    const run = await bin([
      "show",
      license,
      "--rpc",
      `https://dealer:s3cret@127.0.0.1:${port}/v3/key`,
      "--registry",
      registry,
    ]);
    expect(run.code).to.equal(1);
    expect(refusal(run).sentence).to.equal(
      `Error: cannot reach the node at https://127.0.0.1:${port}/v3/key: check the URL (--rpc or LICENSE_LEDGER_RPC) and that the node is running`,
    );
    expect(run.stderr).to.not.contain("s3cret");
  });

  it("gives up on a node that does not answer after --timeout seconds, and says so", async function () {
    const silent = createServer(() => {
      // Accepts the connection and never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    const run = await bin([
      "show",
      license,
      "--rpc",
      url,
      "--registry",
      registry,
      "--timeout",
      "1",
    ]);
    const elapsed = Date.now() - started;
    silent.close();
    expect(run.code).to.equal(1);
    expect(refusal(run)).to.deep.equal({
      sentence: `Error: the node at ${url} did not answer within 1 s: check the URL, or allow longer with --timeout <seconds>`,
      underlying: "no answer within 1 s",
    });
    expect(elapsed, "ms until the bin gave up").to.be.below(10_000);
  });

  it("with --json, a refusal is one JSON document on stdout as well", async function () {
    const run = await bin(["show", "first", "--json", "--rpc", rpc, "--registry", registry]);
    expect(run.code).to.equal(1);
    expect(JSON.parse(run.stdout)).to.deep.equal({
      error: {
        code: "BadArgument",
        message: "the license id must be a whole number, got 'first'",
        args: { what: "the license id", value: "first" },
      },
    });
  });
});
