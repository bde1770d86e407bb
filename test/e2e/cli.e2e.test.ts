/**
 * End to end: the CLI as a person runs it, against real JSON-RPC nodes this suite starts on
 * free ports of 127.0.0.1: `npx hardhat node`, anvil, and anvil with Sepolia's chain id reached
 * through the real `sepolia` network settings (`SEPOLIA_RPC_URL`, `DEPLOYER_PRIVATE_KEY`).
 * Every step is an `npx hardhat license:*` child process whose exit code and output are checked,
 * and whose effects are checked on the node over JSON-RPC. Run with `npm run test:e2e`.
 *
 * Children never see the developer's settings: a fixed environment without any network setting,
 * dotenv pointed at an empty file, and an empty Hardhat config folder (no keystore).
 *
 * `npm run test:e2e` starts mocha with `--no-compile`: `license:deploy` builds what it deploys
 * itself (Ignition's production profile), and a default-profile build before it would only make
 * the first deploy compile everything a second time. Nothing here imports generated types.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import {
  Contract,
  JsonRpcProvider,
  Wallet,
  formatEther,
  id,
  parseEther,
  type InterfaceAbi,
} from "ethers";

import type { DeploymentRecord } from "@license-ledger/sdk";
import { droppingProxy } from "../helpers/dropping-proxy.js";
import {
  ROOT,
  freePorts,
  groupAlive,
  hardhat,
  killGroup,
  onExit,
  portOpen,
  rpc,
  startAnvil,
  startHardhat,
  startHardhatNode,
  stopAllGroups,
  tsx,
  type CliResult,
  type RunningNode,
} from "./nodes.js";

// ------------------------------------------------------------------ fixed inputs

/** The public test keys of the default mnemonic, which hardhat node and anvil fund (no real money). */
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
] as const;
const ADDRESSES = KEYS.map((key) => new Wallet(key).address);
/** Who is who: account indexes of the default mnemonic. */
const DEPLOYER = 0; // deploys, is the registry's admin, and the publisher
const HOLDER = 1; // the first holder of the licenses issued one by one
const BUYER = 2; // buys a license on the market
const RECEIVER = 3; // receives a license by transfer
const DEALER = 4; // receives licenses of the batch, with the buyer and the receiver
const FEE_RECIPIENT = 5;
const address = (account: number) => ADDRESSES[account]!;

/** The registry's roles: the admin's (OpenZeppelin's DEFAULT_ADMIN_ROLE) and the publishers'. */
const ADMIN_ROLE = `0x${"00".repeat(32)}`;
const PUBLISHER_ROLE = id("PUBLISHER_ROLE");

const SEPOLIA_CHAIN_ID = 11_155_111n;
const BATCH_ROWS = 600;
const BATCH_CHUNK = 5;
const BATCH_STEPS = BATCH_ROWS / BATCH_CHUNK;
/** The batch is killed once its journal shows this many confirmed transactions. */
const KILL_AFTER_CONFIRMED = 20;
/** While a batch runs, the node mines a block this often (the batch then takes a few seconds). */
const BLOCK_INTERVAL_MS = 100;
/** The dropped-transactions batch: rows (one transaction each, all in flight at once), which of
 * the sends the node's pool evicts, its block time and the task's --resend-after. */
const DROP_ROWS = 20;
/** Hardhat's node evicts any of them; anvil cannot evict a transaction queued behind a nonce gap
 * (hardhat_dropTransaction leaves it in the pool), so there only one is dropped. */
const droppedOn = (target: { title: string }) =>
  target.title === "hardhat node" ? [1, 7, 13] : [7];
const DROP_BLOCK_MS = 2_000;
const DROP_RESEND_S = 5;

const licenseId = (product: number, serial: number) =>
  BigInt(product) * 10n ** 12n + BigInt(serial);

// ------------------------------------------------------------------ the chains under test

interface Target {
  title: string;
  /** The Hardhat network the commands name. */
  network: "localhost" | "sepolia";
  chainId: bigint;
  start(port: number, logPath: string, env: NodeJS.ProcessEnv): Promise<RunningNode>;
  /** Market fee given with `--parameters` (none: the module's default, no fee). */
  fee?: { recipient: number; bps: number };
}

const TARGETS: Target[] = [
  {
    title: "hardhat node",
    network: "localhost",
    chainId: 31337n,
    start: startHardhatNode,
    fee: { recipient: FEE_RECIPIENT, bps: 250 },
  },
  {
    title: "anvil",
    network: "localhost",
    chainId: 31337n,
    start: (port, log, env) => startAnvil(port, log, env),
  },
  {
    title: "anvil with Sepolia's chain id, through the sepolia network settings",
    network: "sepolia",
    chainId: SEPOLIA_CHAIN_ID,
    start: (port, log, env) => startAnvil(port, log, env, SEPOLIA_CHAIN_ID),
  },
];

// ------------------------------------------------------------------ the children's environment

/** Settings the children must not inherit: network settings, dotenv's, and Hardhat's own. */
const PRIVATE_SETTING =
  /^(HARDHAT_.*|HH_.*|DOTENV_.*|NODE_ENV|LOCALHOST_RPC_URL|SEPOLIA_RPC_URL|OP_SEPOLIA_RPC_URL|ARBITRUM_SEPOLIA_RPC_URL|DEPLOYER_PRIVATE_KEY|ETHERSCAN_API_KEY)$/;

let scratch = "";

/**
 * The environment of every child: this process's, without any network setting or Hardhat test
 * variable (`hardhat test` sets HH_TEST and HARDHAT_*), with dotenv reading an empty file
 * instead of a `.env` the developer may have, and an empty Hardhat config folder (no keystore).
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!PRIVATE_SETTING.test(name)) env[name] = value;
  }
  return {
    ...env,
    DOTENV_CONFIG_PATH: join(scratch, "empty.env"),
    XDG_CONFIG_HOME: join(scratch, "config"),
    NO_COLOR: "1",
    ...extra,
  };
}

// ------------------------------------------------------------------ output helpers

function explain(run: CliResult): string {
  return `${run.command}\nexit ${run.code} ${run.signal ?? ""}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

function expectSuccess(run: CliResult): CliResult {
  expect(run.code, explain(run)).to.equal(0);
  return run;
}

function jsonOf<T = Record<string, unknown>>(run: CliResult): T {
  expectSuccess(run);
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${explain(run)}`);
  }
}

/** The value of `key` in a task's aligned `key  value` layout. */
function field(run: CliResult, key: string): string {
  const line = run.stdout.split("\n").find((l) => l.startsWith(`${key} `));
  if (line === undefined) throw new Error(`no '${key}' line:\n${explain(run)}`);
  return line.slice(key.length).trim();
}

/** A refusal: exit code 1, and the `Error: <sentence>` line, without a stack trace. */
function expectRefusal(run: CliResult, sentence: string): string[] {
  expect(run.code, explain(run)).to.equal(1);
  const lines = run.stderr.split("\n").filter((l) => !l.startsWith("npm warn"));
  expect(
    lines.find((l) => l.startsWith("Error")),
    explain(run),
  ).to.equal(`Error: ${sentence}`);
  expect(run.stderr, "no stack trace").not.to.match(/\n\s+at /);
  return lines;
}

/** An amount as the CLI prints it: "0.5125 ETH", "0 ETH". */
const eth = (wei: bigint) => `${formatEther(wei).replace(/\.0$/, "")} ETH`;

const sha256 = (path: string) =>
  `0x${createHash("sha256").update(readFileSync(path)).digest("hex")}`;

// ------------------------------------------------------------------ contracts, read directly

function abiOf(contract: "LicenseRegistry" | "LicenseMarket"): InterfaceAbi {
  const path = join(ROOT, "artifacts", "contracts", `${contract}.sol`, `${contract}.json`);
  return (JSON.parse(readFileSync(path, "utf8")) as { abi: InterfaceAbi }).abi;
}

// ------------------------------------------------------------------ the suite

describe("end to end: the license:* CLI against real nodes", function () {
  // The first deploy compiles the contracts with Ignition's production profile (up to a minute
  // and a half on a 2-core machine); everything else takes seconds.
  this.timeout(240_000);

  const nodes = new Map<Target, RunningNode>();
  const runId = `e2e-${process.pid}-${Date.now().toString(36)}`;
  const ignitionDeployments = join(ROOT, "ignition", "deployments");
  const ignitionDirExisted = existsSync(ignitionDeployments);

  before(async function () {
    scratch = mkdtempSync(join(tmpdir(), "license-ledger-e2e-"));
    writeFileSync(join(scratch, "empty.env"), "");
    mkdirSync(join(scratch, "config"));

    const ports = await freePorts(TARGETS.length);
    const started = await Promise.allSettled(
      TARGETS.map(async (target, i) => {
        const node = await target.start(ports[i]!, join(scratch, `node-${i}.log`), childEnv());
        nodes.set(target, node);
      }),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  });

  /** Removes what the suite wrote: its temporary folder and its Ignition deployments. */
  function removeLeftovers(): void {
    if (existsSync(ignitionDeployments)) {
      for (const entry of readdirSync(ignitionDeployments)) {
        // This run's deployments, and those of earlier runs whose process is gone. (Every deploy
        // names its --deployment-id, so the suite never touches chain-31337, where a developer's
        // own localhost deployment may live.)
        const owner = /^e2e-(\d+)-/.exec(entry);
        if (owner === null) continue;
        if (Number(owner[1]) === process.pid || !processAlive(Number(owner[1]))) {
          rmSync(join(ignitionDeployments, entry), { recursive: true, force: true });
        }
      }
      if (!ignitionDirExisted && readdirSync(ignitionDeployments).length === 0) {
        rmSync(ignitionDeployments, { recursive: true });
      }
    }
    if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
  }
  onExit(removeLeftovers); // also when mocha is interrupted and `after` never runs

  after(async function () {
    // Also when a test failed: stop whatever still runs, then remove what the suite wrote.
    await Promise.all([...nodes.values()].map((node) => node.stop()));
    await stopAllGroups(); // a command a failed test left running
    removeLeftovers();
  });

  for (const target of TARGETS) {
    describe(`on ${target.title}`, function () {
      /** What the steps learn and later steps use. */
      const state: {
        node?: RunningNode;
        provider?: JsonRpcProvider;
        dir?: string;
        record?: DeploymentRecord;
        registry?: Contract;
        market?: Contract;
        productId?: number;
      } = {};

      const node = () => state.node ?? expect.fail("the node did not start");
      const provider = () => state.provider ?? expect.fail("no provider");
      const registry = () => state.registry ?? expect.fail("nothing deployed");
      const market = () => state.market ?? expect.fail("nothing deployed");
      const dir = () => state.dir ?? expect.fail("no deployments folder");

      /** How account `account` runs a command: `--from` on localhost, its own key on sepolia. */
      function as(account: number): { args: string[]; env: NodeJS.ProcessEnv } {
        if (target.network === "localhost") {
          return {
            args: account === DEPLOYER ? [] : ["--from", String(account)],
            env: childEnv({ LOCALHOST_RPC_URL: node().url }),
          };
        }
        return {
          args: [],
          env: childEnv({
            SEPOLIA_RPC_URL: node().url,
            DEPLOYER_PRIVATE_KEY: KEYS[account]!,
            HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "false",
          }),
        };
      }

      /** The arguments and environment of `npx hardhat <task> ...` run by `account`. */
      function commandFor(account: number, task: string, args: string[]) {
        const who = as(account);
        return {
          args: [
            task,
            ...args,
            ...who.args,
            "--network",
            target.network,
            "--deployments-dir",
            dir(),
          ],
          env: who.env,
        };
      }

      /** `npx hardhat <task> ... --network <name> --deployments-dir <temp>`, as `account`. */
      function cli(account: number, task: string, ...args: string[]): Promise<CliResult> {
        const command = commandFor(account, task, args);
        return hardhat(command.args, command.env);
      }

      const deploymentId = `${runId}-${TARGETS.indexOf(target)}`;
      const deployArgs = () => {
        const args = ["--deployment-id", deploymentId];
        if (target.fee !== undefined) {
          const file = join(dir(), "parameters.json");
          writeFileSync(
            file,
            JSON.stringify({
              LicenseMarketModule: {
                feeRecipient: address(target.fee.recipient),
                feeBps: target.fee.bps,
              },
            }),
          );
          args.push("--parameters", file);
        }
        return args;
      };

      before(function () {
        state.node = nodes.get(target);
        state.provider = new JsonRpcProvider(node().url, undefined, {
          cacheTimeout: -1,
          staticNetwork: true,
        });
        state.dir = mkdtempSync(join(scratch, "deployments-"));
      });

      after(function () {
        state.provider?.destroy();
      });

      it("deploys with license:deploy and records deployments/<network>.json", async function () {
        const run = expectSuccess(await cli(DEPLOYER, "license:deploy", ...deployArgs()));
        const path = join(dir(), `${target.network}.json`);
        expect(run.stdout).to.include(`Recorded the deployment in ${path}`);
        const record = JSON.parse(readFileSync(path, "utf8")) as DeploymentRecord;
        state.record = record;

        expect(record.version).to.equal(1);
        expect(record.network).to.equal(target.network);
        expect(record.chainId).to.equal(Number(target.chainId));
        const reg = record.contracts.LicenseRegistry;
        const mkt = record.contracts.LicenseMarket ?? expect.fail("no market recorded");
        for (const [name, contract] of Object.entries(record.contracts)) {
          expect(run.stdout).to.include(`#${name} - ${contract.address}`);
          expect(await provider().getCode(contract.address), `code of ${name}`).not.to.equal("0x");
          const receipt = await provider().getTransactionReceipt(contract.deploymentTx);
          expect(receipt, `receipt of ${name}'s deployment`).not.to.equal(null);
          expect(receipt!.status).to.equal(1);
          expect(receipt!.contractAddress).to.equal(contract.address);
          expect(receipt!.blockNumber).to.equal(contract.block);
          expect(receipt!.from).to.equal(address(DEPLOYER));
          expect(contract.commit).to.match(/^[0-9a-f]{40}(-dirty)?$/);
          const sha = contract.commit.slice(0, 40);
          expect(
            execFileSync("git", ["cat-file", "-t", sha], { cwd: ROOT, encoding: "utf8" }).trim(),
          ).to.equal("commit");
        }
        const deployer = address(DEPLOYER).toLowerCase();
        const lower = (args: unknown[]) => args.map((a) => String(a).toLowerCase());
        expect(lower(reg.constructorArgs)).to.deep.equal([
          "license ledger",
          "license",
          deployer,
          "172800",
        ]);
        expect(lower(mkt.constructorArgs)).to.deep.equal([
          reg.address.toLowerCase(),
          deployer,
          "172800",
          address(target.fee?.recipient ?? DEPLOYER).toLowerCase(),
          String(target.fee?.bps ?? 0),
        ]);
        state.registry = new Contract(reg.address, abiOf("LicenseRegistry"), provider());
        state.market = new Contract(mkt.address, abiOf("LicenseMarket"), provider());
        expect(await registry().getFunction("hasRole")(ADMIN_ROLE, address(DEPLOYER))).to.equal(
          true,
        );
        expect(await market().getFunction("registry")()).to.equal(reg.address);
      });

      it("deploys again without sending anything, and keeps the record as it was", async function () {
        const path = join(dir(), `${target.network}.json`);
        const recorded = readFileSync(path, "utf8");
        const block = await provider().getBlockNumber();
        const nonce = await provider().getTransactionCount(address(DEPLOYER));

        const run = expectSuccess(await cli(DEPLOYER, "license:deploy", ...deployArgs()));
        expect(run.stdout).to.include("Nothing new to deploy");
        expect(run.stdout).to.include(`Recorded the deployment in ${path}`);
        expect(JSON.parse(readFileSync(path, "utf8"))).to.deep.equal(JSON.parse(recorded));
        expect(await provider().getBlockNumber(), "block number").to.equal(block);
        expect(await provider().getTransactionCount(address(DEPLOYER)), "deployer nonce").to.equal(
          nonce,
        );
      });

      it("grants the publisher role and registers a product (license:role, license:product)", async function () {
        const hasPublisherRole = () =>
          registry().getFunction("hasRole")(PUBLISHER_ROLE, address(DEPLOYER));
        expect(await hasPublisherRole(), "the deployer is admin, not yet publisher").to.equal(
          false,
        );
        const role = expectSuccess(
          await cli(DEPLOYER, "license:role", "grant", "publisher", address(DEPLOYER)),
        );
        expect(await hasPublisherRole()).to.equal(true);
        expect(field(role, "role")).to.equal("publisher");
        expect(field(role, "account")).to.equal(address(DEPLOYER));
        expect(field(role, "holds it")).to.equal("yes");

        const product = jsonOf<{
          productId: string;
          controller: string;
          terms: Record<string, unknown>;
          metadataURI: string;
        }>(
          await cli(
            DEPLOYER,
            "license:product",
            "--max-seats",
            "100",
            "--transferable",
            "--splittable",
            "--uri",
            "ipfs://license-ledger-e2e",
            "--json",
          ),
        );
        expect(product.productId).to.equal("1");
        expect(product.controller).to.equal(address(DEPLOYER));
        expect(product.terms).to.deep.equal({
          validityDays: 0,
          maxSeatsPerLicense: 100,
          transferable: true,
          splittable: true,
          attestationRequired: false,
        });
        expect(product.metadataURI).to.equal("ipfs://license-ledger-e2e");
      });

      it("issues licenses and shows one, by id and by its key (license:issue, license:show)", async function () {
        const first = jsonOf<Record<string, unknown>>(
          await cli(
            DEPLOYER,
            "license:issue",
            "--product",
            "1",
            "--holder",
            address(HOLDER),
            "--seats",
            "10",
            "--key",
            "E2E-KEY-0001",
            "--json",
          ),
        );
        expect(first).to.include({
          licenseId: licenseId(1, 1).toString(),
          productId: "1",
          holder: address(HOLDER),
          seats: "10",
          validUntil: "0",
          keyBound: true,
        });
        const second = jsonOf<{ licenseId: string }>(
          await cli(
            DEPLOYER,
            "license:issue",
            "--product",
            "1",
            "--holder",
            address(HOLDER),
            "--seats",
            "3",
            "--json",
          ),
        );
        expect(second.licenseId).to.equal(licenseId(1, 2).toString());

        const shown = jsonOf(
          await cli(DEPLOYER, "license:show", licenseId(1, 1).toString(), "--json"),
        );
        expect(shown).to.deep.equal({
          licenseId: licenseId(1, 1).toString(),
          productId: "1",
          holder: address(HOLDER),
          seats: "10",
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
        });
        const byKey = jsonOf(
          await cli(DEPLOYER, "license:show", "--key", "e2e key 0001", "--product", "1", "--json"),
        );
        expect(byKey).to.include({ licenseId: licenseId(1, 1).toString(), foundByKey: true });
        expect(await registry().getFunction("ownerOf")(licenseId(1, 1))).to.equal(address(HOLDER));
      });

      it("refuses to move an unreleased license and sends nothing, then releases and transfers it", async function () {
        const id = licenseId(1, 1).toString();
        const block = await provider().getBlockNumber();
        const nonce = await provider().getTransactionCount(address(HOLDER));
        const refused = await cli(HOLDER, "license:transfer", id, "--to", address(RECEIVER));
        const lines = expectRefusal(
          refused,
          `license ${id} cannot move: its holder has not declared its copy unusable`,
        );
        expect(lines.find((l) => l.startsWith("  underlying error:"))).to.match(
          new RegExp(
            `^  underlying error: LicenseNotReleased\\{"licenseId":"${id}"\\} \\(revert data 0x7f173ff7`,
          ),
        );
        expect(await provider().getBlockNumber(), "block number").to.equal(block);
        expect(await provider().getTransactionCount(address(HOLDER)), "holder nonce").to.equal(
          nonce,
        );

        const declaration = join(scratch, "declaration.txt");
        writeFileSync(declaration, "We, the holder, have uninstalled every copy.\n");
        const released = jsonOf(
          await cli(HOLDER, "license:release", id, "--declaration", declaration, "--json"),
        );
        expect(released).to.include({
          licenseId: id,
          declarationHash: sha256(declaration),
          status: "released",
          valid: false,
        });

        const moved = jsonOf(
          await cli(HOLDER, "license:transfer", id, "--to", address(RECEIVER), "--json"),
        );
        expect(moved).to.include({
          licenseId: id,
          from: address(HOLDER),
          to: address(RECEIVER),
          declarationHash: null,
          status: "active",
        });
        expect(await registry().getFunction("ownerOf")(BigInt(id))).to.equal(address(RECEIVER));
      });

      it("sells a license for ETH on the market and lists holdings (license:approve-market, sell, buy, list)", async function () {
        const id = licenseId(1, 2);
        const price = parseEther("0.5");
        const fee = (price * BigInt(target.fee?.bps ?? 0)) / 10_000n;
        const declaration = join(scratch, "declaration.txt");

        const approval = jsonOf(await cli(HOLDER, "license:approve-market", "--json"));
        expect(approval).to.include({
          owner: address(HOLDER),
          market: await market().getAddress(),
          approved: true,
        });

        const orderFile = join(dir(), `order-${id}.json`);
        const order = jsonOf<{
          file: string;
          chainId: string;
          market: string;
          order: Record<string, string>;
          buyerPays: { amount: string };
        }>(
          await cli(
            HOLDER,
            "license:sell",
            id.toString(),
            "--price",
            "0.5",
            "--declaration",
            declaration,
            "--out",
            orderFile,
            "--json",
          ),
        );
        expect(order.file).to.equal(orderFile);
        expect(order.chainId).to.equal(target.chainId.toString());
        expect(order.order).to.include({
          seller: address(HOLDER),
          licenseId: id.toString(),
          price: price.toString(),
          declarationHash: sha256(declaration),
        });
        expect(order.buyerPays.amount).to.equal((price + fee).toString());
        expect(JSON.parse(readFileSync(orderFile, "utf8"))).to.include({ kind: "sell-order" });

        const sellerBefore = await provider().getBalance(address(HOLDER));
        const buyerBefore = await provider().getBalance(address(BUYER));
        const bought = expectSuccess(await cli(BUYER, "license:buy", orderFile));
        expect(field(bought, "bought")).to.equal(`license ${id}`);
        expect(field(bought, "seller")).to.equal(address(HOLDER));
        expect(field(bought, "buyer")).to.equal(address(BUYER));
        expect(field(bought, "price")).to.equal("0.5 ETH");
        expect(field(bought, "fee")).to.equal(eth(fee));
        expect(field(bought, "total paid")).to.equal(eth(price + fee));
        const receipt = await provider().getTransactionReceipt(field(bought, "transaction"));
        expect(receipt?.status).to.equal(1);
        const gas = receipt!.gasUsed * receipt!.gasPrice;
        expect(
          await provider().getBalance(address(HOLDER)),
          "the seller receives the price",
        ).to.equal(sellerBefore + price);
        expect(
          await provider().getBalance(address(BUYER)),
          "the buyer pays price, fee and gas",
        ).to.equal(buyerBefore - price - fee - gas);
        if (target.fee !== undefined) {
          expect(await market().getFunction("owed")(address(target.fee.recipient))).to.equal(fee);
        }
        expect(await registry().getFunction("ownerOf")(id)).to.equal(address(BUYER));

        const buyerList = jsonOf<{
          account: string;
          count: number;
          licenses: { licenseId: string; holder: string }[];
        }>(await cli(BUYER, "license:list", "--json"));
        expect(buyerList.account).to.equal(address(BUYER));
        expect(buyerList.licenses.map((l) => l.licenseId)).to.deep.equal([id.toString()]);
        const sellerList = expectSuccess(await cli(BUYER, "license:list", address(HOLDER)));
        expect(sellerList.stdout.trim()).to.equal(`${address(HOLDER)} holds no licenses`);
      });

      it("rebuilds the sold license's chain of title and verifies its PDF certificate over JSON-RPC (license:history, certificate, verify)", async function () {
        const id = licenseId(1, 2);
        const history = jsonOf<{
          holders: { holder: string }[];
          steps: { kind: string; transaction: string }[];
        }>(await cli(BUYER, "license:history", id.toString(), "--json"));
        expect(history.holders.map((h) => h.holder)).to.deep.equal([
          address(HOLDER),
          address(BUYER),
        ]);
        expect(history.steps.map((step) => step.kind)).to.include.members([
          "issued",
          "released",
          "transferred",
          "sold",
        ]);
        for (const step of history.steps) {
          const receipt = await provider().getTransactionReceipt(step.transaction);
          expect(receipt?.status, `step ${step.kind} is a real transaction`).to.equal(1);
        }

        const pdf = join(dir(), `certificate-${id}.pdf`);
        // A public network's certificate is drawn at its finalized block by default; anvil as
        // Sepolia finalizes nothing yet, so it is drawn at the latest block and verifies as
        // "not final" (exit code 4) until the chain finalizes it.
        const local = target.chainId === 31337n;
        const atLatest = local ? [] : ["--at-block", "latest"];
        if (!local) {
          const refusedFinal = await cli(BUYER, "license:certificate", id.toString(), "--out", pdf);
          expect(refusedFinal.code, explain(refusedFinal)).to.equal(1);
          expect(refusedFinal.stderr).to.include("the last block the network has finalized");
        }
        expectSuccess(
          await cli(BUYER, "license:certificate", id.toString(), ...atLatest, "--out", pdf),
        );
        expect(readFileSync(pdf).subarray(0, 5).toString()).to.equal("%PDF-");
        const verified = await cli(BUYER, "license:verify", pdf);
        expect(verified.code, explain(verified)).to.equal(local ? 0 : 4);
        expect(verified.stdout).to.match(local ? /CURRENT: genuine/ : /NOT FINAL: genuine/);
        expect(verified.stdout).to.include("their code is the code recorded at deployment");

        // An edited copy of the certificate's JSON is caught, with the field named.
        const json = join(dir(), `certificate-${id}.json`);
        expectSuccess(
          await cli(BUYER, "license:certificate", id.toString(), ...atLatest, "--out", json),
        );
        const forged = JSON.parse(readFileSync(json, "utf8")) as {
          holders: { holder: string }[];
        };
        forged.holders[0]!.holder = address(BUYER);
        const forgedFile = join(dir(), `forged-${id}.json`);
        writeFileSync(forgedFile, JSON.stringify(forged, null, 2));
        const refused = await cli(BUYER, "license:verify", forgedFile);
        expect(refused.code, explain(refused)).to.equal(1);
        expect(refused.stdout + refused.stderr).to.include("holders[0].holder");
      });

      it(`issues ${BATCH_ROWS} licenses from a CSV file, is killed midway (SIGKILL) and resumes without duplicates`, async function () {
        const product = jsonOf<{ productId: string }>(
          await cli(
            DEPLOYER,
            "license:product",
            "--max-seats",
            "5",
            "--uri",
            "ipfs://license-ledger-e2e-batch",
            "--json",
          ),
        );
        const productId = Number(product.productId);
        state.productId = productId;
        const holders = [BUYER, RECEIVER, DEALER].map(address);
        const csv = join(dir(), "licenses.csv");
        const rows = Array.from(
          { length: BATCH_ROWS },
          (_, i) => `${holders[i % 3]},${1 + (i % 5)}`,
        );
        writeFileSync(csv, `holder,seats\n${rows.join("\n")}\n`);
        const journal = join(dir(), "licenses.journal.jsonl");
        const balances = () =>
          Promise.all(
            holders.map((h) => registry().getFunction("balanceOf")(h) as Promise<bigint>),
          );
        const issued = async () =>
          ((await registry().getFunction("getProduct")(productId)) as { licensesIssued: bigint })
            .licensesIssued;
        const confirmed = () =>
          existsSync(journal)
            ? readFileSync(journal, "utf8")
                .split("\n")
                .filter((l) => l.includes('"state":"confirmed"')).length
            : 0;
        const balancesBefore = await balances();

        // The node mines a block every BLOCK_INTERVAL_MS instead of one per transaction, like a
        // real chain: the batch then takes a few seconds, and transactions are in flight when
        // it is killed.
        const url = node().url;
        await rpc(url, "evm_setAutomine", [false]);
        let mining = true;
        let minerError: unknown;
        const miner = (async () => {
          while (mining) {
            try {
              await rpc(url, "evm_mine");
            } catch (error) {
              minerError = error;
              return;
            }
            await new Promise((resolve) => setTimeout(resolve, BLOCK_INTERVAL_MS));
          }
        })();
        try {
          const batch = commandFor(DEPLOYER, "license:issue", [
            "--product",
            String(productId),
            "--csv",
            csv,
            "--chunk",
            String(BATCH_CHUNK),
            "--journal",
            journal,
          ]);
          const first = startHardhat(batch.args, batch.env);
          let ended: CliResult | undefined;
          void first.done.then((r) => (ended = r));
          const deadline = Date.now() + 60_000;
          while (
            ended === undefined &&
            confirmed() < KILL_AFTER_CONFIRMED &&
            Date.now() < deadline
          ) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          expect(ended, "the batch ended before it could be killed").to.equal(undefined);
          expect(confirmed(), "confirmed steps in the journal before the kill").to.be.at.least(
            KILL_AFTER_CONFIRMED,
          );
          killGroup(first.pgid);
          const killed = await first.done;
          expect(killed.signal, explain(killed)).to.equal("SIGKILL");
          const confirmedAtKill = confirmed();

          // Transactions the killed run had sent are still mined; wait until none is pending.
          const deployer = address(DEPLOYER);
          for (let i = 0; i < 100; i++) {
            const [latest, pending] = await Promise.all([
              provider().getTransactionCount(deployer, "latest"),
              provider().getTransactionCount(deployer, "pending"),
            ]);
            if (latest === pending) break;
            await new Promise((resolve) => setTimeout(resolve, BLOCK_INTERVAL_MS));
          }
          const issuedAtKill = Number(await issued());
          expect(issuedAtKill, "some licenses exist after the kill").to.be.greaterThan(0);
          expect(issuedAtKill, "not all licenses exist after the kill").to.be.lessThan(BATCH_ROWS);
          expect(issuedAtKill % BATCH_CHUNK, "whole transactions only").to.equal(0);
          const doneAtKill = issuedAtKill / BATCH_CHUNK;
          expect(doneAtKill).to.be.at.least(confirmedAtKill);

          const second = expectSuccess(await hardhat(batch.args, batch.env)); // the same command
          const lastId = licenseId(productId, BATCH_ROWS);
          expect(field(second, "product")).to.equal(String(productId));
          expect(field(second, "issued")).to.equal(`${BATCH_ROWS} licenses`);
          expect(field(second, "ids")).to.equal(`${licenseId(productId, 1)}..${lastId}`);
          expect(field(second, "transactions")).to.equal(
            `${BATCH_STEPS - doneAtKill} sent now, ${doneAtKill} done in an earlier run`,
          );
          const resumedLines = second.stderr
            .split("\n")
            .filter((l) => l.includes("done in an earlier run 0x"));
          expect(resumedLines).to.have.length(doneAtKill);
        } finally {
          mining = false;
          await miner;
          await rpc(url, "evm_setAutomine", [true]);
        }
        expect(minerError, "the node mined every block it was asked to").to.equal(undefined);
        expect(Number(await issued()), "licensesIssued: every row once").to.equal(BATCH_ROWS);
        const balancesAfter = await balances();
        const each = BigInt(BATCH_ROWS / holders.length);
        expect(balancesAfter.map((b, i) => b - balancesBefore[i]!)).to.deep.equal([
          each,
          each,
          each,
        ]);
      });

      it("the SDK reads the deployment over plain JSON-RPC, outside Hardhat (npx tsx)", async function () {
        const record = state.record ?? expect.fail("nothing deployed");
        const productId = state.productId ?? expect.fail("no batch product");
        const run = await tsx(
          [join("test", "e2e", "sdk-reader.ts")],
          childEnv({
            RPC_URL: node().url,
            LL_NETWORK: target.network,
            LL_DEPLOYMENTS_DIR: dir(),
            LL_LICENSE: licenseId(1, 1).toString(),
            LL_PRODUCT: String(productId),
            LL_HOLDER: address(RECEIVER),
          }),
        );
        const report = jsonOf<{
          chainId: string;
          registry: string;
          market: string | null;
          fromBlock: number;
          license: Record<string, unknown>;
          licensesIssued: string;
          holdings: string[];
        }>(run);
        expect(report.chainId).to.equal(target.chainId.toString());
        expect(report.registry).to.equal(record.contracts.LicenseRegistry.address);
        expect(report.market).to.equal(record.contracts.LicenseMarket?.address);
        expect(report.fromBlock).to.equal(record.contracts.LicenseRegistry.block);
        expect(report.license).to.include({
          licenseId: licenseId(1, 1).toString(),
          holder: address(RECEIVER),
          seats: "10",
          status: "active",
          valid: true,
          moves: "1",
        });
        expect(report.licensesIssued).to.equal(String(BATCH_ROWS));
        // The receiver holds license 1-1 and every third row of the batch.
        expect(report.holdings).to.have.length(1 + BATCH_ROWS / 3);
        expect(report.holdings[0]).to.equal(licenseId(1, 1).toString());
      });

      it(`issues ${DROP_ROWS} rows with ${DROP_ROWS} transactions in flight on 2-second blocks while the pool drops ${droppedOn(target).length} of them: each is sent again with its nonce, every row once`, async function () {
        const dropped = droppedOn(target);
        const product = jsonOf<{ productId: string }>(
          await cli(
            DEPLOYER,
            "license:product",
            "--max-seats",
            "5",
            "--uri",
            "ipfs://license-ledger-e2e-drops",
            "--json",
          ),
        );
        const productId = Number(product.productId);
        const csv = join(dir(), "dropped.csv");
        const rows = Array.from(
          { length: DROP_ROWS },
          (_, i) => `${address(DEALER)},${1 + (i % 5)}`,
        );
        writeFileSync(csv, `holder,seats\n${rows.join("\n")}\n`);
        const issued = async () =>
          ((await registry().getFunction("getProduct")(productId)) as { licensesIssued: bigint })
            .licensesIssued;
        const deployer = address(DEPLOYER);
        const firstNonce = await provider().getTransactionCount(deployer, "latest");
        // The node's pool accepts each transaction, then evicts the chosen ones.
        const proxy = await droppingProxy(
          node().url,
          (_sent, index) => dropped.includes(index),
          "evict",
        );
        const url = node().url;
        await rpc(url, "evm_setAutomine", [false]);
        let mining = true;
        const miner = (async () => {
          while (mining) {
            await new Promise((resolve) => setTimeout(resolve, DROP_BLOCK_MS));
            await rpc(url, "evm_mine").catch(() => undefined);
          }
        })();
        const started = Date.now();
        let run: CliResult;
        try {
          const batch = commandFor(DEPLOYER, "license:issue", [
            "--product",
            String(productId),
            "--csv",
            csv,
            "--chunk",
            "1",
            "--concurrency",
            String(DROP_ROWS),
            "--resend-after",
            String(DROP_RESEND_S),
          ]);
          const env =
            target.network === "localhost"
              ? { ...batch.env, LOCALHOST_RPC_URL: proxy.url }
              : { ...batch.env, SEPOLIA_RPC_URL: proxy.url };
          run = await hardhat(batch.args, env, 120_000);
        } finally {
          mining = false;
          await miner;
          await rpc(url, "evm_setAutomine", [true]);
          await proxy.close();
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        expectSuccess(run);
        expect(proxy.dropped.map((d) => d.nonce)).to.deep.equal(
          dropped.map((index) => firstNonce + index),
        );
        for (const lost of proxy.dropped) {
          const copies = proxy.sends.filter((s) => s.nonce === lost.nonce);
          expect(copies.length, `sends of nonce ${lost.nonce}`).to.equal(2);
          expect(copies[1]!.dropped).to.equal(false);
          expect(run.stderr).to.match(
            new RegExp(
              `\\(nonce ${lost.nonce}, transaction ${lost.hash}\\) was neither mined nor pending after \\d+ s: sent it again with the same nonce\\n`,
            ),
          );
        }
        expect(run.stderr).to.match(/: pending for \d+ s, not mined yet\n/);
        expect(field(run, "issued")).to.equal(`${DROP_ROWS} licenses`);
        expect(field(run, "transactions")).to.equal(
          `${DROP_ROWS} sent now, 0 done in an earlier run`,
        );
        expect(Number(await issued()), "every row once").to.equal(DROP_ROWS);
        expect(
          await provider().getTransactionCount(deployer, "latest"),
          "one nonce per row",
        ).to.equal(firstNonce + DROP_ROWS);
        console.log(
          `      (${target.title}: ${DROP_ROWS} rows, ${dropped.length} dropped, done in ${seconds} s)`,
        );
      });
    });
  }

  describe("the sepolia network's settings", function () {
    const sepolia = () => nodes.get(TARGETS[2]!) ?? expect.fail("anvil (Sepolia) did not start");
    const other31337 = () => nodes.get(TARGETS[1]!) ?? expect.fail("anvil did not start");

    /** Deploys to `sepolia` with `env` in a fresh folder; returns the run and what it left. */
    async function deploy(env: Record<string, string>, watched: RunningNode) {
      const dir = mkdtempSync(join(scratch, "refused-"));
      const id = `${runId}-refused-${Math.random().toString(36).slice(2, 8)}`;
      const provider = new JsonRpcProvider(watched.url, undefined, {
        cacheTimeout: -1,
        staticNetwork: true,
      });
      try {
        const block = await provider.getBlockNumber();
        const nonce = await provider.getTransactionCount(address(DEPLOYER));
        const run = await hardhat(
          [
            "license:deploy",
            "--deployment-id",
            id,
            "--deployments-dir",
            dir,
            "--network",
            "sepolia",
          ],
          childEnv({ HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "false", ...env }),
        );
        expect(await provider.getBlockNumber(), `no block on ${watched.name}`).to.equal(block);
        expect(await provider.getTransactionCount(address(DEPLOYER)), "deployer nonce").to.equal(
          nonce,
        );
        expect(readdirSync(dir), "no address book written").to.deep.equal([]);
        expect(
          existsSync(join(ROOT, "ignition", "deployments", id)),
          "no Ignition journal",
        ).to.equal(false);
        return run;
      } finally {
        provider.destroy();
      }
    }

    it("without SEPOLIA_RPC_URL, license:deploy stops with a sentence naming it and sends nothing", async function () {
      const run = await deploy({ DEPLOYER_PRIVATE_KEY: KEYS[DEPLOYER] }, sepolia());
      const lines = expectRefusal(
        run,
        'the setting SEPOLIA_RPC_URL is missing for network "sepolia": add it to .env (see .env.example) or store it with `npx hardhat keystore set <NAME>`',
      );
      expect(lines).to.include(
        '  underlying error: HHE7: Configuration Variable "SEPOLIA_RPC_URL" not found.',
      );
    });

    it("without DEPLOYER_PRIVATE_KEY, license:deploy stops with a sentence naming it and sends nothing", async function () {
      const run = await deploy({ SEPOLIA_RPC_URL: sepolia().url }, sepolia());
      const lines = expectRefusal(
        run,
        'the setting DEPLOYER_PRIVATE_KEY is missing for network "sepolia": add it to .env (see .env.example) or store it with `npx hardhat keystore set <NAME>`',
      );
      expect(lines).to.include(
        '  underlying error: HHE7: Configuration Variable "DEPLOYER_PRIVATE_KEY" not found.',
      );
    });

    it("with a SEPOLIA_RPC_URL that reaches another chain, license:deploy stops and sends nothing there", async function () {
      const run = await deploy(
        { SEPOLIA_RPC_URL: other31337().url, DEPLOYER_PRIVATE_KEY: KEYS[DEPLOYER] },
        other31337(),
      );
      expect(run.code, explain(run)).to.equal(1);
      expect(run.stderr).to.include(
        'HHE708: Hardhat was set to use chain id "11155111", but connected to a chain with id "31337"',
      );
    });
  });

  // Last (mocha runs a suite's own tests before its nested suites, so this one is nested too).
  describe("in the end", function () {
    it("stops every node it started: none of their processes is left and their ports are closed", async function () {
      expect(nodes.size, "nodes started").to.equal(TARGETS.length);
      for (const node of nodes.values()) {
        await node.stop();
        expect(groupAlive(node.pgid), `${node.name}'s processes`).to.equal(false);
        expect(await portOpen(node.port), `${node.name}'s port ${node.port}`).to.equal(false);
      }
    });
  });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
