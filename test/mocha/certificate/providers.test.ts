import { expect } from "chai";
import { JsonRpcProvider, Wallet, ZeroHash, id, keccak256 } from "ethers";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";

import {
  LedgerError,
  LicenseLedger,
  LicenseMarket__factory,
  LicenseRegistry__factory,
  ROLES,
  certificateToJson,
  trustFromRecord,
  type DeploymentRecord,
} from "@license-ledger/sdk";
import { startRpcProxy, type ProxyMode, type RpcProxy } from "../../helpers/rpc-proxy.js";

/** Hardhat's first three default accounts (public test keys). */
const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];
const TERMS = {
  validityDays: 0,
  maxSeatsPerLicense: 100,
  transferable: true,
  splittable: true,
  attestationRequired: false,
};
/** Blocks mined between the steps, so the chain is longer than 5,000 blocks. */
const GAP = 1_500;

const providerOf = (url: string) => new JsonRpcProvider(url, undefined, { cacheTimeout: -1 });

describe("chain of title through limited providers (loopback proxies in front of a node)", function () {
  this.timeout(120_000);

  let server: JsonRpcServer | undefined;
  let url = "";
  let book: DeploymentRecord;
  let licenseId: bigint;
  let blocks = 0;
  const proxies: RpcProxy[] = [];

  before(async function () {
    server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    url = `http://${address}:${port}`;
    const provider = providerOf(url);
    const [deployer, first, second] = KEYS.map((key) => new Wallet(key, provider));
    const registry = await new LicenseRegistry__factory(deployer).deploy(
      "License Ledger",
      "LICENSE",
      deployer!.address,
      2n * 24n * 3600n,
    );
    await registry.waitForDeployment();
    const registryAddress = await registry.getAddress();
    const market = await new LicenseMarket__factory(deployer).deploy(
      registryAddress,
      deployer!.address,
      2n * 24n * 3600n,
      deployer!.address,
      0,
    );
    await market.waitForDeployment();
    await (await registry.grantRole(ROLES.PUBLISHER, deployer!.address)).wait();
    const contract = async (a: string) => ({
      address: a,
      deploymentTx: ZeroHash,
      block: 0,
      commit: "test",
      constructorArgs: [],
      codeHash: keccak256(await provider.getCode(a)),
    });
    book = {
      version: 1,
      network: "proxied",
      chainId: 31337,
      contracts: {
        LicenseRegistry: await contract(registryAddress),
        LicenseMarket: await contract(await market.getAddress()),
      },
    };
    const as = (wallet: Wallet) => LicenseLedger.connect(wallet, { deployment: book });
    const publisher = await as(deployer!);
    const mine = () => provider.send("hardhat_mine", [`0x${GAP.toString(16)}`]);
    const { productId } = await publisher.registerProduct(TERMS, "ipfs://proxied");
    await mine();
    ({ licenseId } = await publisher.issue({
      productId,
      holder: first!.address,
      seats: 10,
      licenseKey: "PROXY-0001",
    }));
    await mine();
    await (await as(first!)).transfer(licenseId, second!.address, id("declaration 1"));
    await mine();
    await (await as(second!)).transfer(licenseId, first!.address, id("declaration 2"));
    await publisher.suspend(licenseId, id("dispute"));
    await mine();
    await publisher.reinstate(licenseId, id("settled"));
    await (await as(first!)).transfer(licenseId, second!.address, id("declaration 3"));
    blocks = await provider.getBlockNumber();
  });

  after(async function () {
    for (const proxy of proxies) await proxy.close();
    await server?.close();
  });

  const through = async (mode: ProxyMode, cap: number) => {
    const proxy = await startRpcProxy(url, mode, cap);
    proxies.push(proxy);
    const provider = providerOf(proxy.url);
    return { proxy, provider, ledger: await LicenseLedger.connect(provider, { deployment: book }) };
  };

  it("has a license with ten steps (and its suspension's bound) on a chain of more than 5,000 blocks", async function () {
    const direct = await LicenseLedger.connect(providerOf(url), { deployment: book });
    const title = await direct.chainOfTitle(licenseId);
    expect(title.steps).to.have.length(11);
    expect(title.steps.map((s) => s.kind)).to.include("suspension-bounded");
    expect(blocks).to.be.above(5_000);
  });

  for (const [mode, cap] of [
    ["range", 2_000],
    ["results", 3],
  ] as const) {
    it(`rebuilds, draws and verifies through a provider that refuses over ${cap} ${mode === "range" ? "blocks" : "results"}, as a direct connection does`, async function () {
      const direct = await LicenseLedger.connect(providerOf(url), { deployment: book });
      const expected = certificateToJson(await direct.certificate(licenseId));
      const { proxy, provider, ledger } = await through(mode, cap);
      proxy.getLogs = 0;
      const cert = await ledger.certificate(licenseId);
      const requests = proxy.getLogs;
      expect(certificateToJson(cert)).to.equal(expected);
      const verdict = await LicenseLedger.verify(provider, cert, {
        trusted: [trustFromRecord(book, "the test's address book")],
      });
      expect(verdict.verdict).to.equal("current");
      if (mode === "range") {
        // One scan of the whole chain in pages of the cap, plus the first refused request that
        // taught the cap, plus one growth attempt refused with the same suggestion.
        expect(requests, `${requests} eth_getLogs for ${blocks} blocks`).to.be.at.most(
          Math.ceil((1.1 * blocks) / cap) + 2,
        );
      } else {
        expect(requests, `${requests} eth_getLogs`).to.be.at.most(12);
      }
    });
  }

  it("refuses (never passes) through a provider that silently drops logs", async function () {
    const direct = await LicenseLedger.connect(providerOf(url), { deployment: book });
    const genuine = await direct.certificate(licenseId);
    const { provider, ledger } = await through("truncate", 4);
    for (const call of [
      ledger.chainOfTitle(licenseId),
      ledger.certificate(licenseId),
      LicenseLedger.verify(provider, genuine, {
        trusted: [trustFromRecord(book, "the test's address book")],
      }),
    ]) {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(LedgerError);
      expect((error as LedgerError).code).to.equal("HistoryIncomplete");
      expect((error as LedgerError).message).to.match(
        /(does not add up to the registry.s own state at block \d+ \(.*\)|has a transfer with no declaration before it .*): the node or provider left out logs/,
      );
    }
  });
});
