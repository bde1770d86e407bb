/**
 * The certificate of a long history: a license that changed hands 1,000 times (2,000 steps:
 * each release and its transfer), drawn as JSON and as a PDF and verified, on the in-process
 * chain, with the time each part takes. `npm run bench:certificate`; writes
 * bench/results/certificate.json. Fails (exit 1) if any verdict is not "current".
 */
import { mkdirSync, writeFileSync } from "node:fs";

import { JsonRpcProvider, Wallet, id } from "ethers";
import { network } from "hardhat";

import {
  LicenseLedger,
  LicenseMarket__factory,
  LicenseRegistry__factory,
  ROLES,
  certificatePdf,
  certificateToJson,
  scanStats,
} from "@license-ledger/sdk";
import { startRpcProxy } from "../test/helpers/rpc-proxy.js";

const MOVES = Number(process.env.LL_CERT_MOVES ?? 1_000);
const RESULTS_DIR = "bench/results";

const { ethers } = await network.create();
const [deployer, a, b] = await ethers.getSigners();
const registry = await new LicenseRegistry__factory(deployer).deploy(
  "License Ledger",
  "LICENSE",
  deployer!.address,
  2n * 24n * 3600n,
);
const market = await new LicenseMarket__factory(deployer).deploy(
  await registry.getAddress(),
  deployer!.address,
  2n * 24n * 3600n,
  deployer!.address,
  0,
);
await registry.grantRole(ROLES.PUBLISHER, deployer!.address);
const addresses = { registry: await registry.getAddress(), market: await market.getAddress() };
const publisher = await LicenseLedger.connect(deployer!, addresses);
const { productId } = await publisher.registerProduct(
  {
    validityDays: 0,
    maxSeatsPerLicense: 10,
    transferable: true,
    splittable: false,
    attestationRequired: false,
  },
  "ipfs://long-history",
);
const { licenseId } = await publisher.issue({ productId, holder: a!.address, seats: 1 });
const holders = [
  await LicenseLedger.connect(a!, addresses),
  await LicenseLedger.connect(b!, addresses),
];
let started = Date.now();
for (let i = 0; i < MOVES; i++) {
  await holders[i % 2]!.transfer(licenseId, [b!, a!][i % 2]!.address, id(`declaration ${i}`));
}
const fillMs = Date.now() - started;

const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const t = Date.now();
  const result = await work();
  return [result, Date.now() - t];
};
const stats = scanStats();
const reader = await LicenseLedger.connect(ethers.provider, addresses);
const [title, rebuildMs] = await time(() => reader.chainOfTitle(licenseId, { stats }));
const [cert, drawMs] = await time(() => reader.certificate(licenseId));
const json = certificateToJson(cert);
const [pdf, pdfMs] = await time(() => certificatePdf(cert));
const trusted = [reader.trust];
const [jsonVerdict, verifyJsonMs] = await time(() =>
  LicenseLedger.verify(ethers.provider, json, { trusted }),
);
const [pdfVerdict, verifyPdfMs] = await time(() =>
  LicenseLedger.verify(ethers.provider, pdf, { trusted }),
);
// The logs alone, for the per-step cost: one eth_getLogs of everything the license's scan takes.
started = Date.now();
await ethers.provider.getLogs({ address: addresses.registry, fromBlock: 0, toBlock: "latest" });
const logsMs = Date.now() - started;

// One license with one step on a 2,000,000-block chain, through a provider that caps eth_getLogs
// at 2,000 blocks (answering as Alchemy does) and one that caps results at 10,000.
const LONG_CHAIN = Number(process.env.LL_CERT_CHAIN ?? 2_000_000);
const server = await network.createServer("default", "127.0.0.1", 0);
const { address: host, port } = await server.listen();
const upstream = `http://${host}:${port}`;
const plain = new JsonRpcProvider(upstream, undefined, { cacheTimeout: -1 });
const owner = new Wallet(
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  plain,
);
const far = await new LicenseRegistry__factory(owner).deploy(
  "License Ledger",
  "LICENSE",
  owner.address,
  2n * 24n * 3600n,
);
await far.waitForDeployment();
await (await far.grantRole(ROLES.PUBLISHER, owner.address)).wait();
const farAddress = { registry: await far.getAddress() };
const farPublisher = await LicenseLedger.connect(owner, farAddress);
const { productId: farProduct } = await farPublisher.registerProduct(
  {
    validityDays: 0,
    maxSeatsPerLicense: 10,
    transferable: true,
    splittable: false,
    attestationRequired: false,
  },
  "ipfs://far",
);
const { licenseId: farLicense } = await farPublisher.issue({
  productId: farProduct,
  holder: owner.address,
  seats: 1,
});
await plain.send("hardhat_mine", [`0x${LONG_CHAIN.toString(16)}`]);
const capped: Record<string, { getLogs: number; requests: number; ms: number }> = {};
for (const [mode, cap] of [
  ["range", 2_000],
  ["results", 10_000],
] as const) {
  const proxy = await startRpcProxy(upstream, mode, cap);
  const through = await LicenseLedger.connect(
    new JsonRpcProvider(proxy.url, undefined, { cacheTimeout: -1 }),
    farAddress,
  );
  const t = Date.now();
  const farTitle = await through.chainOfTitle(farLicense);
  capped[mode] = { getLogs: proxy.getLogs, requests: proxy.requests, ms: Date.now() - t };
  if (farTitle.steps.length !== 1) throw new Error("the far license's history is not one step");
  await proxy.close();
}
plain.destroy();
await server.close();

const result = {
  moves: MOVES,
  steps: title.steps.length,
  fillMs,
  rebuildMs,
  rebuildLogRequests: stats.requests,
  logsAloneMs: logsMs,
  perStepRebuildMs: +(rebuildMs / title.steps.length).toFixed(3),
  perStepLogsMs: +(logsMs / title.steps.length).toFixed(3),
  drawJsonMs: drawMs,
  jsonBytes: json.length,
  drawPdfMs: pdfMs,
  pdfBytes: pdf.length,
  verifyJsonMs,
  verifyPdfMs,
  verdicts: [jsonVerdict.verdict, pdfVerdict.verdict],
  longChain: { blocks: LONG_CHAIN, ...capped },
};
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(`${RESULTS_DIR}/certificate.json`, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  [
    `license ${licenseId}: ${title.steps.length} steps (${MOVES} moves, filled in ${fillMs} ms)`,
    `rebuild        ${rebuildMs} ms (${result.perStepRebuildMs} ms per step; the logs alone: ${logsMs} ms, ${result.perStepLogsMs} ms per step), ${stats.requests} requests`,
    `certificate    JSON ${drawMs} ms (${(json.length / 1024).toFixed(0)} KiB), PDF ${pdfMs} ms (${(pdf.length / 1024).toFixed(0)} KiB)`,
    `verify         JSON ${verifyJsonMs} ms: ${jsonVerdict.verdict}; PDF ${verifyPdfMs} ms: ${pdfVerdict.verdict}`,
    `one step on a ${LONG_CHAIN.toLocaleString("en")}-block chain: through a 2,000-block cap ${capped.range!.getLogs} eth_getLogs (${capped.range!.requests} requests, ${capped.range!.ms} ms); through a 10,000-result cap ${capped.results!.getLogs} eth_getLogs (${capped.results!.requests} requests, ${capped.results!.ms} ms)`,
    `wrote ${RESULTS_DIR}/certificate.json`,
  ].join("\n"),
);
if (jsonVerdict.verdict !== "current" || pdfVerdict.verdict !== "current") process.exitCode = 1;
