/**
 * The verification page's demo chain: anvil on a free port of 127.0.0.1, the registry and the
 * market deployed, and a story that leaves one license of every kind the page must judge
 * (resold, split, revoked, suspended, expired, bound to a key) plus the certificates a buyer
 * might drop on it (good, superseded, from a look-alike registry, a PDF with redrawn pages).
 * Used by `npm run web` and by the browser tests; everything goes through the SDK.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  HDNodeWallet,
  JsonRpcProvider,
  Mnemonic,
  NonceManager,
  keccak256,
  parseEther,
  toUtf8Bytes,
  type Signer,
} from "ethers";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";

import {
  LicenseLedger,
  LicenseMarket__factory,
  LicenseRegistry__factory,
  ProofIndex,
  ROLES,
  buildRunFromCsv,
  certificatePdf,
  certificateToJson,
  hashDocument,
  type DeploymentRecord,
} from "@license-ledger/sdk";

import { anvilBinary, rpc } from "../../scripts/local-node.js";

/** The key the demo binds to the volume license (looked up on the page by key). */
export const DEMO_LICENSE_KEY = "DEMO-2024-OFFICE-7781";

export interface DemoChain {
  rpcUrl: string;
  chainId: number;
  /** The address book of the official deployment: the trust file the page is served with. */
  record: DeploymentRecord;
  /** The address book of the look-alike deployment on the same chain (never trusted by the demo). */
  lookAlikeRecord: DeploymentRecord;
  /** The license of the look-alike deployment its certificate is about. */
  lookAlikeLicense: bigint;
  productId: bigint;
  termProductId: bigint;
  licenses: {
    volume: bigint;
    kept: bigint;
    resold: bigint;
    revoked: bigint;
    suspended: bigint;
    expired: bigint;
    /** Claimed from a committed issuance run: its title starts at the run's commit. */
    claimed: bigint;
  };
  /** Names of the demo's parties by address, for people reading the page. */
  parties: Record<string, string>;
  certificates: {
    goodJson: string;
    goodPdf: Uint8Array;
    superseded: string;
    lookAlike: string;
    redrawnPdf: Uint8Array;
  };
  /** The timestamp of a block in the dealer's holding of the resold license (unix seconds). */
  dealerHeldAt: number;
  stop(): Promise<void>;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(),
      );
    });
  });
}

/** anvil on a free port; resolves once it answers. */
export async function startAnvil(chainId?: number): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args = ["--host", "127.0.0.1", "--port", String(port)];
  if (chainId !== undefined) args.push("--chain-id", String(chainId));
  const child = spawn(anvilBinary(), args, { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await rpc(url, "eth_chainId");
      return { url, child };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill("SIGKILL");
        throw new Error(`anvil did not start on ${url}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");

/** The node's default accounts as signers (nonces kept locally). */
export function accounts(provider: JsonRpcProvider, count: number): Signer[] {
  return Array.from(
    { length: count },
    (_, i) =>
      new NonceManager(
        HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`).connect(provider),
      ),
  );
}

/** Deploys a registry and a market from `operator`; the address book of that deployment. */
export async function deploy(
  provider: JsonRpcProvider,
  operator: Signer,
  platform: string,
  network: string,
): Promise<DeploymentRecord> {
  const admin = await operator.getAddress();
  const registry = await new LicenseRegistry__factory(operator).deploy(
    "License Ledger",
    "LICENSE",
    admin,
    2 * 24 * 3600,
  );
  const registryReceipt = await registry.deploymentTransaction()!.wait();
  const market = await new LicenseMarket__factory(operator).deploy(
    await registry.getAddress(),
    admin,
    2 * 24 * 3600,
    platform,
    250,
  );
  const marketReceipt = await market.deploymentTransaction()!.wait();
  const entry = async (address: string, receipt: typeof registryReceipt) => ({
    address,
    deploymentTx: receipt!.hash,
    block: receipt!.blockNumber,
    commit: "demo",
    constructorArgs: [],
    codeHash: keccak256(await provider.getCode(address)),
  });
  return {
    version: 1,
    network,
    chainId: Number((await provider.getNetwork()).chainId),
    contracts: {
      LicenseRegistry: await entry(await registry.getAddress(), registryReceipt),
      LicenseMarket: await entry(await market.getAddress(), marketReceipt),
    },
  };
}

const doc = (text: string) => hashDocument(toUtf8Bytes(text));

/** Connects a signer to a deployment named by its address book. */
export function connect(signer: Signer, record: DeploymentRecord): Promise<LicenseLedger> {
  return LicenseLedger.connect(signer, {
    deployment: record,
    trustSource: "the demo's trust file",
  });
}

/**
 * Starts anvil and plays the demo story on it. With `verifyPage`, the deployment's address book
 * publishes that verification page, so the certificates' QR codes link to it.
 */
export async function startDemoChain(options: { verifyPage?: string } = {}): Promise<DemoChain> {
  const { url, child } = await startAnvil();
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  };
  try {
    return { ...(await playStory(url, options.verifyPage)), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function playStory(url: string, verifyPage?: string): Promise<Omit<DemoChain, "stop">> {
  const provider = new JsonRpcProvider(url, undefined, { cacheTimeout: -1, pollingInterval: 50 });
  const [operator, publisher, companyA, dealer, companyB, fraudster, platform, companyC, forger] =
    accounts(provider, 9) as [
      Signer,
      Signer,
      Signer,
      Signer,
      Signer,
      Signer,
      Signer,
      Signer,
      Signer,
    ];
  const address = async (s: Signer) => s.getAddress();
  const record = await deploy(provider, operator, await address(platform), "localhost");
  if (verifyPage !== undefined) record.verifyPage = verifyPage;
  const admin = await connect(operator, record);
  await admin.grantRole("publisher", await address(publisher));
  const [pub, a, d, b] = await Promise.all([
    connect(publisher, record),
    connect(companyA, record),
    connect(dealer, record),
    connect(companyB, record),
  ]);

  const { productId } = await pub.registerProduct(
    {
      validityDays: 0,
      maxSeatsPerLicense: 500,
      transferable: true,
      splittable: true,
      attestationRequired: false,
    },
    "https://publisher.example/products/office-suite-2024",
  );
  const { productId: termProductId } = await pub.registerProduct(
    {
      validityDays: 365,
      maxSeatsPerLicense: 50,
      transferable: false,
      splittable: false,
      attestationRequired: false,
    },
    "https://publisher.example/products/cloud-backup-subscription",
  );

  // A volume license bound to a key, split; its 40 seats sold to a dealer and resold.
  const { licenseId: volume } = await pub.issue({
    productId,
    holder: await address(companyA),
    seats: 100,
    licenseKey: DEMO_LICENSE_KEY,
    originEvidence: doc("Invoice 2024-0042, Office Suite 2024, 100 seats, Company A"),
  });
  const { childIds } = await a.split(volume, [60, 40]);
  const [kept, resold] = childIds as [bigint, bigint];
  await a.approveMarket();
  await d.buy(
    await a.signSellOrder({
      licenseId: resold,
      price: parseEther("1.2"),
      nonce: 0n,
      declarationHash: doc(`Company A declares its copies of license ${resold} unusable.`),
    }),
  );
  const dealerHeldAt = (await provider.getBlock("latest"))!.timestamp;
  await rpc(url, "evm_increaseTime", [3 * 24 * 3600]);
  await d.approveMarket();
  await b.buy(
    await d.signSellOrder({
      licenseId: resold,
      price: parseEther("1.5"),
      nonce: 0n,
      declarationHash: doc(`The dealer holds no usable copy of license ${resold}.`),
    }),
  );

  // A certificate of the kept 60 seats, then they move: that certificate is superseded.
  const superseded = certificateToJson(await a.certificate(kept));
  await a.transfer(
    kept,
    await address(companyC),
    doc(`Company A declares its copies of license ${kept} unusable.`),
  );

  const { licenseId: revoked } = await pub.issue({
    productId,
    holder: await address(fraudster),
    seats: 5,
  });
  await pub.revoke(revoked, 2, doc("Chargeback notice 2026-118 for order 5521"));

  const { licenseId: suspended } = await pub.issue({
    productId,
    holder: await address(companyB),
    seats: 10,
  });
  await pub.suspend(suspended, doc("Dispute 77: the first sale's invoice is contested"));

  const now = (await provider.getBlock("latest"))!.timestamp;
  const { licenseId: expired } = await pub.issue({
    productId: termProductId,
    holder: await address(companyB),
    seats: 3,
    validUntil: now + 24 * 3600,
  });
  await rpc(url, "evm_increaseTime", [2 * 24 * 3600]);
  await rpc(url, "evm_mine");

  // A committed issuance run of three licenses, one of them claimed (by a stranger, for its holder).
  const runDir = mkdtempSync(join(tmpdir(), "license-ledger-demo-run-"));
  let claimed: bigint;
  try {
    const csv = join(runDir, "run.csv");
    const runHolders = [companyA, companyB, companyC];
    writeFileSync(
      csv,
      [
        "holder,seats,region",
        ...(await Promise.all(runHolders.map(address))).map((h) => `${h},2,EEA`),
      ].join("\n"),
    );
    const product = await pub.getProduct(productId);
    const built = await buildRunFromCsv(csv, {
      productId,
      firstLicenseId: productId * 10n ** 12n + product.licensesIssued + 1n,
      outDir: runDir,
      chainId: BigInt(record.chainId),
    });
    const run = await pub.commitRun(built, "https://publisher.example/runs/2026-12.leaves.jsonl");
    const index = await ProofIndex.open(built.proofIndexFile);
    const leaf = await index.byRow(1);
    await index.close();
    ({ licenseId: claimed } = await d.claim(run.runId, leaf));
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }

  // A look-alike: the same contracts deployed by someone else, the same story, a perfect
  // certificate from them.
  const fake = await deploy(provider, forger, await address(forger), "localhost");
  const fakeLedger = await LicenseLedger.connect(forger, {
    registry: fake.contracts.LicenseRegistry.address,
    market: fake.contracts.LicenseMarket!.address,
  });
  await (
    await LicenseRegistry__factory.connect(
      fake.contracts.LicenseRegistry.address,
      forger,
    ).grantRole(ROLES.PUBLISHER, await address(forger))
  ).wait();
  const { productId: fakeProduct } = await fakeLedger.registerProduct(
    {
      validityDays: 0,
      maxSeatsPerLicense: 500,
      transferable: true,
      splittable: true,
      attestationRequired: false,
    },
    "https://publisher.example/products/office-suite-2024",
  );
  const { licenseId: fakeLicense } = await fakeLedger.issue({
    productId: fakeProduct,
    holder: await address(companyB),
    seats: 40,
  });
  const lookAlike = certificateToJson(await fakeLedger.certificate(fakeLicense));

  // The resold license's certificate, now: current. And its PDF with the first page redrawn.
  const good = await b.certificate(resold);
  const goodPdf = await certificatePdf(good);
  const pdf = await PDFDocument.load(goodPdf, { updateMetadata: false });
  const page = pdf.getPage(0);
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  page.drawRectangle({ x: 150, y: 560, width: 300, height: 40, color: rgb(1, 1, 1) });
  page.drawText(`Seats 400, held by ${await address(forger)}`, { x: 150, y: 575, size: 9, font });
  const redrawnPdf = await pdf.save({ useObjectStreams: false });

  const parties: Record<string, string> = {};
  const named: [Signer, string][] = [
    [operator, "operator"],
    [publisher, "publisher"],
    [companyA, "Company A"],
    [dealer, "dealer"],
    [companyB, "Company B"],
    [fraudster, "fraudster"],
    [platform, "platform"],
    [companyC, "Company C"],
    [forger, "forger"],
  ];
  for (const [signer, name] of named) parties[await address(signer)] = name;
  provider.destroy();
  return {
    rpcUrl: url,
    chainId: record.chainId,
    record,
    lookAlikeRecord: fake,
    lookAlikeLicense: fakeLicense,
    productId,
    termProductId,
    licenses: { volume, kept, resold, revoked, suspended, expired, claimed },
    parties,
    certificates: {
      goodJson: certificateToJson(good),
      goodPdf,
      superseded,
      lookAlike,
      redrawnPdf,
    },
    dealerHeldAt,
  };
}
