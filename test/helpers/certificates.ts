import { expect } from "chai";
import { ZeroAddress, getAddress, id, parseEther } from "ethers";

import type {
  Certificate,
  CertificateHolder,
  CertificatePoint,
  CertificateStep,
} from "@license-ledger/sdk";
import type { LicenseLedger } from "@license-ledger/sdk";
import { DECLARATION } from "./constants.js";
import { marketFixture, type MarketFixture } from "./fixtures.js";
import { connectLedger } from "./sdk.js";

const A = getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
const DEALER = getAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
const REGISTRY = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
const MARKET = getAddress("0xe7f1725e7734ce288f8367e1bb143e90bb3f0512");
const PUBLISHER = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

/** A deterministic transaction hash, address or hash for the n-th thing of a kind. */
const hash = (label: string): string => id(label);
const address = (n: number): string =>
  getAddress(`0x${(0xb0b0n + BigInt(n)).toString(16).padStart(40, "0")}`);

/**
 * A certificate built by hand (no chain): the demo's story of license 1000000000003, split from a
 * volume license, sold to a dealer and resold, then `resales` more sales between made-up
 * holders, so that a long history spills over several pages.
 */
export function sampleCertificate(resales = 0): Certificate {
  const start = 1_795_000_000;
  const point = (block: number, label: string): CertificatePoint => ({
    block,
    timestamp: start + block * 12,
    transaction: hash(`tx ${label}`),
  });
  const parent = "1000000000001";
  const child = "1000000000003";
  const issued = point(5, "issue");
  const split = point(6, "split");
  const sale1 = point(8, "sale 1");
  const sale2 = point(10, "sale 2");
  const holders: CertificateHolder[] = [
    { holder: A, licenseId: parent, since: issued, until: split },
    { holder: A, licenseId: child, since: split, until: sale1 },
    { holder: DEALER, licenseId: child, since: sale1, until: sale2 },
  ];
  const steps: CertificateStep[] = [
    {
      kind: "issued",
      licenseId: parent,
      ...issued,
      logIndex: 1,
      basis: null,
      details: { seats: "100", validUntil: "0" },
    },
    {
      kind: "split",
      licenseId: parent,
      ...split,
      logIndex: 2,
      basis: null,
      details: { childId: child, seats: "40" },
    },
  ];
  const sale = (at: CertificatePoint, seller: string, buyer: string, n: number, price: string) => {
    steps.push(
      {
        kind: "released",
        licenseId: child,
        ...at,
        logIndex: 0,
        basis: hash(`declaration ${n}`),
        details: { holder: seller },
      },
      {
        kind: "transferred",
        licenseId: child,
        ...at,
        logIndex: 1,
        basis: null,
        details: { from: seller, to: buyer },
      },
      {
        kind: "sold",
        licenseId: child,
        ...at,
        logIndex: 2,
        basis: hash(`order ${n}`),
        details: {
          seller,
          buyer,
          currency: ZeroAddress,
          price,
          paid: (BigInt(price) + BigInt(price) / 40n).toString(),
          fee: (BigInt(price) / 40n).toString(),
        },
      },
    );
  };
  sale(sale1, A, DEALER, 1, "1200000000000000000");
  let seller = DEALER;
  let since = sale2;
  const buyers = [getAddress("0x15d34aaf54267db7d7c367839aaf71a00a2c6a65")];
  for (let i = 0; i < resales; i++) buyers.push(address(i));
  buyers.forEach((buyer, i) => {
    const at = i === 0 ? sale2 : point(12 + 2 * i, `resale ${i}`);
    if (i > 0) holders.push({ holder: seller, licenseId: child, since, until: at });
    sale(at, seller, buyer, i + 2, "1500000000000000000");
    seller = buyer;
    since = at;
  });
  holders.push({ holder: seller, licenseId: child, since, until: null });
  const drawnBlock = 12 + 2 * resales + 1;
  return {
    schema: "license-ledger-certificate",
    version: 2,
    network: { name: "hardhat", chainId: 31337 },
    registry: REGISTRY,
    market: MARKET,
    drawnAt: { ...point(drawnBlock, "drawn"), blockHash: hash(`block ${drawnBlock}`) },
    license: {
      id: child,
      productId: "1",
      seats: "40",
      validUntil: "0",
      moves: String(resales + 2),
      firstSaleRegion: "unrecorded",
      exhausted: false,
      status: "active",
      suspended: false,
      attested: false,
      expired: false,
      valid: true,
      transferable: true,
      splittable: true,
      attestationRequired: false,
    },
    product: {
      id: "1",
      controller: PUBLISHER,
      terms: {
        validityDays: 0,
        maxSeatsPerLicense: 500,
        transferable: true,
        splittable: true,
        attestationRequired: false,
      },
      metadataURI: "https://publisher.example/products/office-suite-2024",
    },
    provenance: [
      {
        kind: "product-registered",
        productId: "1",
        ...point(1, "product"),
        logIndex: 0,
        details: { controller: PUBLISHER, publisher: PUBLISHER, registeredBy: "publisher" },
      },
    ],
    lineage: [parent],
    holders,
    steps,
    currencies: [],
    verification: {
      command: `npx -y @license-ledger/sdk verify certificate-${child}.pdf --rpc http://127.0.0.1:8545 --trust deployments/hardhat.json`,
      url: null,
    },
  };
}

export interface ResoldLicenseFixture extends MarketFixture {
  /** The 40-seat part of the holder's volume license, sold to the dealer and resold to the buyer. */
  resold: bigint;
  /** The 60 seats the holder kept. */
  kept: bigint;
  /** The buyer's client (it holds `resold`). */
  ledger: LicenseLedger;
  /** The sale to the dealer and the resale to the buyer. */
  sales: { hash: string; blockNumber: number }[];
}

/**
 * The demo's story on the market fixture: the holder splits its 100-seat volume license into 60
 * and 40 seats, sells the 40 on the market (its order carries its declaration) to the dealer,
 * who resells them to the buyer.
 */
export async function resoldLicenseFixture(): Promise<ResoldLicenseFixture> {
  const f = await marketFixture();
  const [holder, dealer, buyer] = await Promise.all([
    connectLedger(f.holder, f),
    connectLedger(f.dealer, f),
    connectLedger(f.buyer, f),
  ]);
  const { childIds } = await holder.split(f.volumeLicense, [60, 40]);
  const [kept, resold] = childIds as [bigint, bigint];
  const first = await dealer.buy(
    await holder.signSellOrder({
      licenseId: resold,
      price: parseEther("1.2"),
      nonce: 0n,
      declarationHash: DECLARATION,
    }),
  );
  await dealer.approveMarket();
  const second = await buyer.buy(
    await dealer.signSellOrder({
      licenseId: resold,
      price: parseEther("1.5"),
      nonce: 0n,
      declarationHash: id("the dealer holds no usable copy"),
    }),
  );
  return {
    ...f,
    resold,
    kept,
    ledger: buyer,
    sales: [first, second].map((s) => ({ hash: s.hash, blockNumber: s.blockNumber })),
  };
}

// ------------------------------------------------------------------ reading a PDF as a person would
// (the PDF is opened with the helpers of ./pdf-reader.ts)

/** Every holder address and every hash (transactions, bases, the drawn block's) a reader must see. */
export function expectEveryHolderAndHash(text: string, cert: Certificate): void {
  for (const holder of cert.holders) expect(text).to.contain(holder.holder);
  for (const step of cert.steps) {
    expect(text).to.contain(step.transaction);
    if (step.basis !== null) expect(text).to.contain(step.basis);
  }
  expect(text).to.contain(cert.drawnAt.blockHash);
  expect(text).to.contain(cert.registry);
}
