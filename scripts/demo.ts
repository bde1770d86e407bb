/**
 * `npm run demo`: the whole story of a used license on the in-process chain, told through the
 * SDK, printing each step. A publisher registers a product and issues a volume license; the
 * company holding it splits it, releases a part with its declaration and sells it on the market
 * to a dealer, who resells it; the publisher revokes a fraudulent license; the resold license is
 * shown with its full history, rebuilt from the logs; its certificate of title is written as a PDF
 * and verified against the chain.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { formatEther, parseEther, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { LicenseMarket__factory, LicenseRegistry__factory } from "@license-ledger/sdk";
import {
  LicenseLedger,
  ROLES,
  describeVerdict,
  certificatePdf,
  hashDocument,
  type HistoryEvent,
  type License,
} from "@license-ledger/sdk";

const { ethers } = await network.getOrCreate();
const [operator, publisher, companyA, dealer, companyB, fraudster, platform] =
  await ethers.getSigners();
if (platform === undefined) throw new Error("the demo needs 7 accounts");

const names = new Map<string, string>([
  [operator!.address, "operator"],
  [publisher!.address, "publisher"],
  [companyA!.address, "Company A"],
  [dealer!.address, "dealer"],
  [companyB!.address, "Company B"],
  [fraudster!.address, "fraudster"],
  [platform.address, "platform"],
]);
const who = (address: unknown) => names.get(String(address)) ?? String(address);
let stepNumber = 0;
const step = (text: string) => console.log(`\n${++stepNumber}. ${text}`);
const show = (license: License) =>
  console.log(
    `   license ${license.licenseId}: ${license.seats} seats, held by ${who(license.holder)}, ${license.status}${license.valid ? ", valid" : ", not valid"}`,
  );
/** A document's hash (SHA-256 of its bytes): here the documents are short texts. */
const documentHash = (text: string) => hashDocument(toUtf8Bytes(text));

step("The operator deploys the registry and the market (2.5% fee to the platform)");
const registry = await new LicenseRegistry__factory(operator!).deploy(
  "License Ledger",
  "LICENSE",
  operator!.address,
  2 * 24 * 3600,
);
const market = await new LicenseMarket__factory(operator!).deploy(
  await registry.getAddress(),
  operator!.address,
  2 * 24 * 3600,
  platform.address,
  250,
);
await (await registry.grantRole(ROLES.PUBLISHER, publisher!.address)).wait();
const addresses = { registry: await registry.getAddress(), market: await market.getAddress() };
console.log(`   registry ${addresses.registry}, market ${addresses.market}`);
const as = (signer: typeof operator) => LicenseLedger.connect(signer!, addresses);
const [pub, a, d, b] = await Promise.all([as(publisher), as(companyA), as(dealer), as(companyB)]);

step("The publisher registers a perpetual, resellable, splittable product");
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
console.log(`   product ${productId}`);

step("The publisher issues a volume license of 100 seats to Company A");
const { licenseId: volume } = await pub.issue({ productId, holder: companyA!.address, seats: 100 });
show(await a.getLicense(volume));

step("Company A splits it into 60 and 40 seats (the parent ends, seats are kept)");
const { childIds } = await a.split(volume, [60, 40]);
const [keep, part] = childIds as [bigint, bigint];
show(await a.getLicense(volume));
show(await a.getLicense(keep));
show(await a.getLicense(part));

step(
  "Company A offers the 40 seats on the market for 1.2 ETH; its signed order carries its declaration",
);
const declarationA = documentHash(
  "Company A declares that its copies of license " + part + " are uninstalled and unusable.",
);
await a.approveMarket();
const orderA = await a.signSellOrder({
  licenseId: part,
  price: parseEther("1.2"),
  nonce: 0n,
  declarationHash: declarationA,
});
console.log(`   order signed (no gas): nonce 0, declaration ${declarationA}`);

step("The dealer buys it: release, transfer and payment in one transaction");
const boughtByDealer = await d.buy(orderA);
console.log(
  `   paid ${formatEther(boughtByDealer.total)} ETH (price + fee), gas ${boughtByDealer.gasUsed}`,
);
show(await d.getLicense(part));

step("The dealer resells it to Company B for 1.5 ETH");
const declarationD = documentHash(
  "The dealer declares that it holds no usable copy of license " + part + ".",
);
await d.approveMarket();
const orderD = await d.signSellOrder({
  licenseId: part,
  price: parseEther("1.5"),
  nonce: 0n,
  declarationHash: declarationD,
});
const boughtByB = await b.buy(orderD);
console.log(`   Company B paid ${formatEther(boughtByB.total)} ETH`);
show(await b.getLicense(part));
console.log(`   the platform is owed ${formatEther(await b.owed(platform.address))} ETH in fees`);

step("The publisher issues a license to a fraudster, then revokes it for fraud, with evidence");
const { licenseId: stolen } = await pub.issue({ productId, holder: fraudster!.address, seats: 5 });
await pub.revoke(stolen, 2, documentHash("Chargeback notice 2026-118 for order 5521"));
show(await pub.getLicense(stolen));

step(`The resold license ${part} and its full history, rebuilt from the logs`);
const history = await b.history(part);
const splitTxs = new Set(
  history.filter((e) => e.event === "LicenseSplit").map((e) => e.transactionHash),
);
const describe = (e: HistoryEvent): string => {
  const x = e.args;
  switch (e.event) {
    case "Transfer":
      if (x.from !== ethers.ZeroAddress) return `moved from ${who(x.from)} to ${who(x.to)}`;
      return splitTxs.has(e.transactionHash)
        ? `license ${e.licenseId} created by the split, held by ${who(x.to)}`
        : `license ${e.licenseId} issued to ${who(x.to)}`;
    case "LicenseIssued":
      return `  with ${x.seats} seats, perpetual`;
    case "LicenseSplit":
      return `license ${e.licenseId} split: ${x.childId} takes ${x.seats} seats`;
    case "LicenseReleased":
      return `${who(x.holder)} declared its copy unusable (declaration ${String(x.declarationHash).slice(0, 10)}...)`;
    case "LicenseSold":
      return `sold on the market by ${who(x.seller)} to ${who(x.buyer)} for ${formatEther(x.price as bigint)} ETH (the buyer paid ${formatEther(x.paid as bigint)}, fee ${formatEther(x.fee as bigint)})`;
    default:
      return e.event;
  }
};
for (const event of history) {
  const when = new Date(event.timestamp * 1000).toISOString().replace(".000Z", "Z");
  console.log(
    `   block ${String(event.blockNumber).padStart(2)}  ${when}  ${describe(event)}  tx ${event.transactionHash.slice(0, 12)}...`,
  );
}
show(await b.getLicense(part));

step(`The certificate of title of license ${part}: written as a PDF, read back and verified`);
const certificate = await b.certificate(part);
const pdfPath = join(mkdtempSync(join(tmpdir(), "license-ledger-demo-")), "demo-certificate.pdf");
writeFileSync(pdfPath, await certificatePdf(certificate));
console.log(`   ${pdfPath}`);
console.log(
  `   drawn at block ${certificate.drawnAt.block}: ${certificate.holders.length} holders, ${certificate.steps.length} steps`,
);
// Verified as a stranger would: against a trust anchor (here the deployment the demo made), the
// PDF's pages against the certificate it carries, and what changed since.
const verdict = await LicenseLedger.verify(ethers.provider, new Uint8Array(readFileSync(pdfPath)), {
  trusted: [b.trust],
});
for (const line of describeVerdict(verdict)) console.log(`   ${line}`);
