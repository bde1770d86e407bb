import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import {
  DEFAULT_DEPLOYMENTS_DIR,
  LedgerError,
  LicenseLedger,
  loadDeployment,
  UnknownDeploymentError,
  WrongNetworkError,
  type DeploymentRecord,
} from "@license-ledger/sdk";
import { DECLARATION, licenseIdOf } from "../../helpers/constants.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import {
  ledgerErrorOf,
  removeTempDirs,
  sdkFixture,
  tempDir,
  type SdkFixture,
} from "../../helpers/sdk.js";

const { loadFixture } = networkHelpers;

const SEPOLIA = 11_155_111;

/** A deployment record of the fixture's contracts, as the deploy task writes it. */
async function recordOf(
  f: SdkFixture,
  network: string,
  overrides: { chainId?: number; block?: number; market?: string | null } = {},
): Promise<DeploymentRecord> {
  const contract = (address: string, block: number) => ({
    address,
    deploymentTx: ethers.ZeroHash,
    block,
    commit: "0000000",
    constructorArgs: [],
  });
  const block = overrides.block ?? 0;
  return {
    version: 1,
    network,
    chainId: overrides.chainId ?? Number((await ethers.provider.getNetwork()).chainId),
    contracts: {
      LicenseRegistry: contract(f.registryAddress, block),
      ...(overrides.market === null
        ? {}
        : { LicenseMarket: contract(overrides.market ?? f.marketAddress, block) }),
    },
  };
}

function writeRecord(dir: string, name: string, content: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return path;
}

describe("LicenseLedger.connect", function () {
  after(removeTempDirs);

  describe("with a deployment record", function () {
    it("connects to the record's registry and market, scanning history from its block", async function () {
      const f = await loadFixture(sdkFixture);
      const fromBlock = (await ethers.provider.getBlockNumber()) + 1;
      const record = await recordOf(f, "localtest", { block: fromBlock });
      const ledger = await LicenseLedger.connect(f.publisher, { deployment: record });
      expect(await ledger.registry.getAddress()).to.equal(f.registryAddress);
      expect(await ledger.market!.getAddress()).to.equal(f.marketAddress);
      expect(ledger.fromBlock).to.equal(fromBlock);
      // Licenses the holder received before the record's block are outside the scan.
      const { licenseId } = await ledger.issue({
        productId: f.volume,
        holder: f.holder.address,
        seats: 1,
      });
      expect((await ledger.holdingsOf(f.holder.address)).map((l) => l.licenseId)).to.deep.equal([
        licenseId,
      ]);
    });

    it("reads the record of a network by name from a deployments folder", async function () {
      const f = await loadFixture(sdkFixture);
      const dir = tempDir();
      writeRecord(dir, "localtest", await recordOf(f, "localtest"));
      const ledger = await LicenseLedger.connect(f.holder, {
        deployment: "localtest",
        deploymentsDir: dir,
      });
      await ledger.transfer(f.volumeLicense, f.buyer.address, DECLARATION);
      expect(await f.registry.ownerOf(f.volumeLicense)).to.equal(f.buyer.address);
      expect(loadDeployment("localtest", dir)).to.deep.equal(await recordOf(f, "localtest"));
    });

    it("lets an explicit market address override the record's", async function () {
      const f = await loadFixture(sdkFixture);
      const record = await recordOf(f, "localtest", { market: null });
      const withoutMarket = await LicenseLedger.connect(f.holder, { deployment: record });
      expect(withoutMarket.market).to.equal(undefined);
      const error = await ledgerErrorOf(
        withoutMarket.quote(1n),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.message).to.equal(
        "this deployment has no market: deploy it, or pass the market's address",
      );
      const withMarket = await LicenseLedger.connect(f.holder, {
        deployment: record,
        market: f.marketAddress,
      });
      expect((await withMarket.quote(10_000n)).fee).to.equal(250n);
    });
  });

  describe("WrongNetworkError", function () {
    it("refuses a record of another chain, before anything is sent", async function () {
      const f = await loadFixture(sdkFixture);
      const record = await recordOf(f, "sepolia", { chainId: SEPOLIA });
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { deployment: record }),
        WrongNetworkError,
        "WrongNetwork",
      );
      expect(error.name).to.equal("WrongNetworkError");
      expect(error.message).to.equal(
        `the deployment "sepolia" is on chain ${SEPOLIA}, but the connection is to chain 31337: connect to the right network`,
      );
      expect(error.args).to.deep.equal({
        expected: BigInt(SEPOLIA),
        actual: 31337n,
        network: "sepolia",
      });
    });

    it("refuses a named record of another chain read from the deployments folder", async function () {
      const f = await loadFixture(sdkFixture);
      const dir = tempDir();
      writeRecord(dir, "sepolia", await recordOf(f, "sepolia", { chainId: SEPOLIA }));
      await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { deployment: "sepolia", deploymentsDir: dir }),
        WrongNetworkError,
        "WrongNetwork",
      );
    });
  });

  describe("UnknownDeploymentError", function () {
    it("says how to deploy when no record exists for the network", async function () {
      const f = await loadFixture(sdkFixture);
      const dir = tempDir();
      const path = join(dir, "nowhere.json");
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { deployment: "nowhere", deploymentsDir: dir }),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.name).to.equal("UnknownDeploymentError");
      expect(error.message).to.equal(
        `no deployment is recorded for network "nowhere" (${path} does not exist): deploy first with \`npx hardhat license:deploy --network nowhere\`, or pass the registry's address`,
      );
      expect(error.args).to.deep.equal({ network: "nowhere", path });
    });

    it("looks in the address books the package ships by default", async function () {
      const f = await loadFixture(sdkFixture);
      const repositoryDeployments = fileURLToPath(
        new URL("../../../packages/sdk/deployments/", import.meta.url),
      );
      expect(DEFAULT_DEPLOYMENTS_DIR).to.equal(repositoryDeployments);
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { deployment: "no-such-network" }),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.args.path).to.equal(join(repositoryDeployments, "no-such-network.json"));
    });

    it("refuses a record that is not JSON, keeping the parser's error", async function () {
      const f = await loadFixture(sdkFixture);
      const dir = tempDir();
      const path = writeRecord(dir, "broken", '{"version": 1, "chainId": 31337,');
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { deployment: "broken", deploymentsDir: dir }),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.message).to.equal(`${path} is not valid JSON`);
      expect(error.args).to.deep.equal({ network: "broken", path });
      expect(error.cause).to.be.instanceOf(SyntaxError);
    });

    it("refuses JSON that is not a deployment record", async function () {
      const f = await loadFixture(sdkFixture);
      const dir = tempDir();
      for (const [name, content, reason] of [
        [
          "no-registry",
          { version: 1, network: "x", chainId: 31337, contracts: {} },
          "no registry address",
        ],
        ["string-chain", { ...(await recordOf(f, "x")), chainId: "31337" }, "no chain id"],
        ["array", [1, 2, 3], "not a JSON object"],
        ["number", 31337, "not a JSON object"],
        [
          "bad-hash",
          {
            ...(await recordOf(f, "x")),
            contracts: {
              LicenseRegistry: {
                ...(await recordOf(f, "x")).contracts.LicenseRegistry,
                codeHash: "0x12",
              },
            },
          },
          "a code hash is not 32 bytes of hex",
        ],
      ] as const) {
        const path = writeRecord(dir, name, JSON.stringify(content));
        const error = await ledgerErrorOf(
          LicenseLedger.connect(f.publisher, { deployment: name, deploymentsDir: dir }),
          UnknownDeploymentError,
          "UnknownDeployment",
        );
        expect(error.message, name).to.equal(
          `${path} is not a License Ledger deployment record (${reason})`,
        );
      }
    });

    it("refuses a record file that holds JSON null (an emptied file)", async function () {
      const f = await loadFixture(sdkFixture);
      const dir = tempDir();
      const path = writeRecord(dir, "emptied", "null");
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { deployment: "emptied", deploymentsDir: dir }),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.message).to.equal(
        `${path} is not a License Ledger deployment record (not a JSON object)`,
      );
    });

    it("refuses a registry address with no code on this chain", async function () {
      const f = await loadFixture(sdkFixture);
      const empty = ethers.Wallet.createRandom().address;
      const record = await recordOf(f, "stale");
      record.contracts.LicenseRegistry.address = empty;
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { deployment: record }),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.message).to.equal(
        `there is no registry contract at ${empty} on chain 31337: wrong address or wrong network`,
      );
      expect(error.args).to.deep.equal({ name: "registry", address: empty, chainId: 31337n });
    });

    it("refuses a market address with no code on this chain", async function () {
      const f = await loadFixture(sdkFixture);
      const empty = ethers.Wallet.createRandom().address;
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, { registry: f.registryAddress, market: empty }),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.message).to.equal(
        `there is no market contract at ${empty} on chain 31337: wrong address or wrong network`,
      );
    });

    it("asks for a deployment or an address when given neither", async function () {
      const f = await loadFixture(sdkFixture);
      const error = await ledgerErrorOf(
        LicenseLedger.connect(f.publisher, {}),
        UnknownDeploymentError,
        "UnknownDeployment",
      );
      expect(error.message).to.equal(
        "no registry to connect to: name a deployment or pass the registry's address",
      );
    });
  });

  describe("with a provider and no signer", function () {
    it("reads, and refuses to sign with a sentence", async function () {
      const f = await loadFixture(sdkFixture);
      const auditor = await LicenseLedger.connect(ethers.provider, {
        registry: f.registryAddress,
        market: f.marketAddress,
      });
      expect((await auditor.getLicense(f.volumeLicense)).holder).to.equal(f.holder.address);
      expect((await auditor.getLicense(licenseIdOf(f.volume, 2))).holder).to.equal(f.buyer.address);
      const error = await ledgerErrorOf(
        auditor.signSellOrder({ licenseId: f.volumeLicense, price: 1n, nonce: 1n }),
        LedgerError,
        "NoSigner",
      );
      expect(error.message).to.equal("this needs a signer (an account), not a read-only provider");
    });
  });
});
