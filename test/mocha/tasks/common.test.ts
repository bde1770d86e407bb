import { join } from "node:path";

import { createServer } from "node:net";

import { expect } from "chai";
import hre from "hardhat";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";

import config from "../../../hardhat.config.js";

import {
  formatAmount,
  idRanges,
  parseAmount,
  parseReason,
  parseTime,
  progressBar,
  table,
} from "../../../tasks/actions/format.js";
import { ledgerTasks } from "../../../tasks/index.js";
import { marketFixture } from "../../helpers/fixtures.js";
import { networkHelpers } from "../../helpers/network.js";
import { jsonOf, runTask, tempDir, writeFile } from "../../helpers/tasks.js";

const { loadFixture } = networkHelpers;

/** What a reading task says on the in-process chain when no address book or --registry names the contracts. */
const IN_PROCESS_HAS_NOTHING =
  'network "default" is the in-process chain of this command: it starts empty and ends with the command, so it holds no deployment. Run a node (`npx hardhat node`), deploy to it (`npx hardhat license:deploy --network localhost`) and add --network localhost, or name a testnet with --network, or pass the registry\'s address with --registry';

/** A port of 127.0.0.1 nobody listens on (taken from the system, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An address book for the in-process network ("default") naming the fixture's contracts. */
function addressBook(dir: string, chainId: number, registry: string, market?: string): void {
  const contract = (address: string) => ({
    address,
    deploymentTx: `0x${"00".repeat(32)}`,
    block: 0,
    commit: "test",
    constructorArgs: [],
  });
  writeFile(
    dir,
    "default.json",
    JSON.stringify({
      version: 1,
      network: "default",
      chainId,
      contracts: {
        LicenseRegistry: contract(registry),
        ...(market === undefined ? {} : { LicenseMarket: contract(market) }),
      },
    }),
  );
}

describe("tasks: options every verb takes", function () {
  it("declares --json, --deployments-dir, --registry, --market and --from on every verb", function () {
    const verbs = ledgerTasks
      .map((t) => t.id.join(" "))
      .filter((id) => id !== "license:deploy" && id !== "license:mock-token");
    expect(verbs).to.have.length(32);
    for (const id of verbs) {
      const options = [...hre.tasks.getTask(id).options.keys()];
      expect(options, id).to.include.members([
        "json",
        "deploymentsDir",
        "registry",
        "market",
        "from",
      ]);
    }
  });

  describe("finding the contracts", function () {
    it("reads deployments/<network>.json from --deployments-dir when no --registry is given", async function () {
      const f = await loadFixture(marketFixture);
      const dir = tempDir();
      addressBook(dir, 31337, await f.registry.getAddress(), f.marketAddress);
      const run = await runTask("license:show", { deploymentsDir: dir, license: "1000000000001" });
      expect(run.exitCode).to.equal(undefined);
      expect(run.stdout).to.contain(`holder    ${f.holder.address}\n`);
      const sell = await runTask("license:sell", {
        deploymentsDir: dir,
        from: f.holder.address,
        license: f.volumeLicense,
        price: "1",
        declarationHash: `0x${"11".repeat(32)}`,
        out: join(dir, "order.json"),
        json: true,
      });
      expect(jsonOf(sell)).to.include({ market: f.marketAddress });
    });

    it("says how to fix a missing record, a record of another chain, and a wrong address", async function () {
      const f = await loadFixture(marketFixture);
      const empty = tempDir();
      const none = await runTask("license:show", { deploymentsDir: empty, license: "1" });
      expect(none.exitCode).to.equal(1);
      expect(none.stderr).to.equal(`Error: ${IN_PROCESS_HAS_NOTHING}\n`);
      const other = tempDir();
      addressBook(other, 11_155_111, await f.registry.getAddress());
      const wrongChain = await runTask("license:show", { deploymentsDir: other, license: "1" });
      expect(wrongChain.stderr).to.equal(
        'Error: the deployment "default" is on chain 11155111, but the connection is to chain 31337: connect to the right network\n',
      );
      const noCode = await runTask("license:show", { registry: f.holder.address, license: "1" });
      expect(noCode.stderr).to.equal(
        `Error: there is no registry contract at ${f.holder.address} on chain 31337: wrong address or wrong network\n`,
      );
      const malformed = await runTask("license:show", { registry: "0x1234", license: "1" });
      expect(malformed.stderr).to.equal(
        "Error: --registry must be an address (0x and 40 hex digits), got '0x1234'\n",
      );
    });

    it("without a network, never advises deploying to the in-process chain, which ends with the command", async function () {
      for (const args of [{}, { deploymentsDir: tempDir() }]) {
        const run = await runTask("license:show", { ...args, license: "1000000000001" });
        expect(run.exitCode).to.equal(1);
        expect(run.stderr).to.equal(`Error: ${IN_PROCESS_HAS_NOTHING}\n`);
        expect(run.stderr).not.to.contain("--network default");
      }
    });

    it("names the URL it tried and LOCALHOST_RPC_URL when the local node does not answer", async function () {
      const port = await closedPort();
      const url = `http://127.0.0.1:${port}`;
      const saved = process.env.LOCALHOST_RPC_URL;
      process.env.LOCALHOST_RPC_URL = url;
      try {
        // A runtime as `npx hardhat --network localhost` builds it, with this URL.
        const local = await createHardhatRuntimeEnvironment(
          { ...config, networks: { ...config.networks, localhost: { type: "http", url } } },
          { network: "localhost" },
        );
        const run = await runTask("license:show", { license: "1000000000001" }, { hre: local });
        expect(run.exitCode).to.equal(1);
        expect(run.stderr.split("\n")[0]).to.equal(
          `Error: cannot reach network "localhost" at ${url} (from LOCALHOST_RPC_URL): start a node there (\`npx hardhat node\`), or set LOCALHOST_RPC_URL to your node's URL`,
        );
        expect(run.stderr).to.contain("  underlying error: HHE703");
      } finally {
        if (saved === undefined) delete process.env.LOCALHOST_RPC_URL;
        else process.env.LOCALHOST_RPC_URL = saved;
      }
    });

    it("replaces the record with --registry: without --market, market verbs say so", async function () {
      const f = await loadFixture(marketFixture);
      const run = await runTask("license:cancel", {
        registry: await f.registry.getAddress(),
        nonce: "1",
      });
      expect(run.stderr).to.equal(
        "Error: this deployment has no market: deploy it, or pass the market's address\n",
      );
    });
  });

  describe("--from", function () {
    it("takes an account's index or address, and refuses an account the network does not have", async function () {
      const f = await loadFixture(marketFixture);
      const common = { registry: await f.registry.getAddress(), json: true };
      const byIndex = await runTask("license:list", { ...common, from: "7" });
      expect(jsonOf(byIndex)).to.include({ account: f.holder.address, count: 4 });
      const byAddress = await runTask("license:list", {
        ...common,
        from: f.buyer.address.toLowerCase(),
      });
      expect(jsonOf(byAddress)).to.include({ account: f.buyer.address, count: 1 });
      const unknown = "0x000000000000000000000000000000000000dEaD";
      const stranger = await runTask("license:list", { ...common, json: false, from: unknown });
      expect(stranger.stderr).to.equal(
        `Error: --from ${unknown} is not one of the accounts of network "default": configure its key for the network, or name one of its 20 accounts\n`,
      );
      const tooFar = await runTask("license:list", { ...common, json: false, from: "20" });
      expect(tooFar.stderr).to.equal(
        'Error: --from 20: network "default" has 20 accounts (0 to 19)\n',
      );
    });
  });

  describe("--json on a failure", function () {
    it("prints one JSON error document on stdout, the sentence on stderr, and exit code 1", async function () {
      const f = await loadFixture(marketFixture);
      const run = await runTask("license:transfer", {
        registry: await f.registry.getAddress(),
        from: f.holder.address,
        license: f.volumeLicense,
        to: f.buyer.address,
        json: true,
      });
      expect(run.exitCode).to.equal(1);
      expect(jsonOf(run)).to.deep.equal({
        error: {
          code: "LicenseNotReleased",
          message:
            "license 1000000000001 cannot move: its holder has not declared its copy unusable",
          args: { licenseId: "1000000000001" },
        },
      });
      expect(run.stderr).to.contain(
        "Error: license 1000000000001 cannot move: its holder has not declared its copy unusable\n",
      );
    });
  });
});

describe("tasks: parsing and formatting helpers", function () {
  it("reads times as unix seconds, dates, date-times and durations", function () {
    const now = 1_800_000_000n;
    expect(parseTime("1767225600", "t", now)).to.equal(1_767_225_600n);
    expect(parseTime("2027-01-01", "t", now)).to.equal(1_798_761_600n);
    expect(parseTime("2027-01-01T12:00:00Z", "t", now)).to.equal(1_798_804_800n);
    expect(parseTime("2027-01-01T12:00:00+02:00", "t", now)).to.equal(1_798_797_600n);
    expect(parseTime("2027-01-01T12:00", "t", now)).to.equal(1_798_804_800n);
    expect(parseTime("90d", "t", now)).to.equal(now + 90n * 86_400n);
    expect(parseTime("+12h", "t", now)).to.equal(now + 12n * 3600n);
    expect(parseTime("2w", "t", now)).to.equal(now + 14n * 86_400n);
    expect(() => parseTime("2027-13-45", "--expiry", now)).to.throw(
      "--expiry must be unix seconds, a date such as 2027-01-01, or a duration such as 90d, got '2027-13-45'",
    );
  });

  it("reads amounts in a currency's units and prints them back the same way", function () {
    expect(parseAmount("1.5", 18, "--price", "ETH")).to.equal(1_500_000_000_000_000_000n);
    expect(parseAmount("250", 6, "--price", "USDC")).to.equal(250_000_000n);
    expect(parseAmount(".5", 6, "--price", "USDC")).to.equal(500_000n);
    expect(() => parseAmount("-1", 6, "--price", "USDC")).to.throw(
      "--price must be a decimal amount such as 1.5, got '-1'",
    );
    expect(() => parseAmount("0.0000001", 6, "--price", "USDC")).to.throw(
      "--price 0.0000001 has more decimals than USDC has (6)",
    );
    expect(formatAmount(250_000_000n, 6)).to.equal("250");
    expect(formatAmount(1_537_500_000_000_000_000n, 18)).to.equal("1.5375");
    expect(formatAmount(1n, 6)).to.equal("0.000001");
  });

  it("names revocation reasons and accepts codes up to 65535", function () {
    expect(parseReason("Court-Order")).to.equal(3);
    expect(parseReason("publisher-error")).to.equal(4);
    expect(parseReason("65535")).to.equal(65_535);
    expect(() => parseReason("0")).to.throw("unknown reason '0'");
    expect(() => parseReason("65536")).to.throw("unknown reason '65536'");
  });

  it("draws the progress bar, id ranges and tables", function () {
    expect(progressBar(3, 6)).to.equal("[#####.....] 3/6 transactions");
    expect(progressBar(0, 3)).to.equal("[..........] 0/3 transactions");
    expect(progressBar(3, 3)).to.equal("[##########] 3/3 transactions");
    expect(idRanges([5n, 6n, 7n, 9n, 11n, 12n])).to.equal("5..7, 9, 11..12");
    expect(idRanges([])).to.equal("");
    expect(
      table(
        ["a", "bb"],
        [
          ["long", "x"],
          ["s", "y"],
        ],
      ),
    ).to.deep.equal(["a     bb", "long  x", "s     y"]);
  });
});
