import { id, MaxUint256, parseEther, parseUnits, ZeroHash, type TransactionReceipt } from "ethers";

import {
  keyCommitment,
  type HolderPeriod,
  type LicenseStatusName,
  type ProductAt,
  type TitlePoint,
  type TitleStep,
  type TitleStepDetails,
  type TitleStepKind,
} from "@license-ledger/sdk";
import {
  ATTESTED_TERMS,
  SUBSCRIPTION_TERMS,
  TERM_TRANSFERABLE_TERMS,
  VOLUME_TERMS,
  type Terms,
} from "../../helpers/constants.js";
import { MARKET_FEE_BPS } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { sdkFixture, type SdkActor, type SdkFixture } from "../../helpers/sdk.js";

const { time } = networkHelpers;

/**
 * A seeded pseudo-random life of many licenses, driven through the SDK, while the test keeps its
 * own ledger of what it did: every step it expects each license's chain of title to show, every
 * holder period, and the state each license should be in after each operation. The chain of
 * title rebuilt from the logs must then equal this ledger.
 */

/** mulberry32: a small deterministic PRNG, so a failing seed replays exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the test's ledger knows about one license. */
export interface ModelLicense {
  id: bigint;
  productId: bigint;
  /** The license it was split from, and the parent's split step that created it. */
  parent: bigint | undefined;
  birth: TitleStep | undefined;
  holder: string;
  seats: bigint;
  validUntil: bigint;
  status: LicenseStatusName;
  suspended: boolean;
  arbiterHold: boolean;
  attested: boolean;
  /** The declaration of the release the next move relies on. */
  declaration: string | null;
  /** The license's own steps and holder periods (its parents' are the parents'). */
  steps: TitleStep[];
  holders: HolderPeriod[];
}

/** The test's ledger after one operation, at the block that operation ended in. */
export interface Moment {
  block: number;
  timestamp: number;
  licenses: Map<bigint, ModelLicense>;
  /** Every license's holder (including the fixture's, which the scenario never touches). */
  held: Map<bigint, string>;
}

export const TRADERS = ["holder", "buyer", "dealer", "stranger"] as const;
type Trader = (typeof TRADERS)[number];

const TERMS_OF: Record<string, Terms> = {
  "1": VOLUME_TERMS,
  "2": SUBSCRIPTION_TERMS,
  "3": ATTESTED_TERMS,
  "4": TERM_TRANSFERABLE_TERMS,
};
export const termsOf = (productId: bigint): Terms => TERMS_OF[productId.toString()]!;
const ENDED: readonly LicenseStatusName[] = ["revoked", "surrendered", "split"];
const feeOf = (price: bigint): bigint => (price * MARKET_FEE_BPS) / 10_000n;

export interface ScenarioFixture extends SdkFixture {
  moments: Moment[];
  /** How many operations of each kind ran. */
  ran: Record<string, number>;
}

/** The scenario of the "rebuild equals the truth" tests: seed 20261123, 90 operations. */
export async function titleScenarioFixture(): Promise<ScenarioFixture> {
  return runScenario(await sdkFixture(), 20261123, 90);
}

/** Runs `count` pseudo-random operations from `seed` on the SDK fixture. */
export async function runScenario(
  f: SdkFixture,
  seed: number,
  count: number,
): Promise<ScenarioFixture> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const usdc = await f.usdc.getAddress();
  const actorOf = new Map<string, Trader>(TRADERS.map((t) => [f[t].address, t]));
  const traderOf = (address: string): Trader => actorOf.get(address)!;
  const other = (address: string): Trader => pick(TRADERS.filter((t) => f[t].address !== address));

  // Every trader may sell on the market and pay in the token.
  await f.ledgers.dealer.approveMarket();
  await f.ledgers.stranger.approveMarket();
  for (const t of ["holder", "stranger"] as const) {
    await f.usdc.mint(f[t].address, 1_000_000n * 10n ** 6n);
    await f.ledgers[t].approveToken(usdc, MaxUint256);
  }

  const licenses = new Map<bigint, ModelLicense>();
  const held = new Map<bigint, string>([
    [f.volumeLicense, f.holder.address],
    [f.subscriptionLicense, f.holder.address],
    [f.attestedLicense, f.holder.address],
    [f.termLicense, f.holder.address],
    [f.buyerLicense, f.buyer.address],
  ]);
  const moments: Moment[] = [];
  const ran: Record<string, number> = {};
  let nonce = 0n;
  let hashes = 0;
  const freshHash = (what: string): string => id(`${what} ${++hashes}`);

  // ---------------------------------------------------------------- recording

  interface Tx {
    point: TitlePoint;
    /** Takes the index of the next unused log `event` about `licenseId`. */
    take(event: string, licenseId: bigint): number;
  }
  const txOf = async (receipt: TransactionReceipt): Promise<Tx> => {
    const block = (await ethers.provider.getBlock(receipt.blockNumber))!;
    const point = {
      block: receipt.blockNumber,
      timestamp: block.timestamp,
      transaction: receipt.hash.toLowerCase(),
    };
    const used = new Set<number>();
    const parsed = receipt.logs.map((log) => {
      const description =
        log.address === f.registryAddress
          ? f.registry.interface.parseLog(log)
          : log.address === f.marketAddress
            ? f.market.interface.parseLog(log)
            : null;
      const name = description?.name ?? "";
      // The license id's topic: third in Transfer, second in EvidenceDrawn, else first.
      const at = name === "Transfer" ? 3 : name === "EvidenceDrawn" ? 2 : 1;
      return { name, index: log.index, topic: log.topics[at] };
    });
    return {
      point,
      take(event, licenseId) {
        const topic = ethers.zeroPadValue(ethers.toBeHex(licenseId), 32);
        const log = parsed.find((l) => l.name === event && l.topic === topic && !used.has(l.index));
        if (log === undefined)
          throw new Error(`no ${event} of ${licenseId} in ${point.transaction}`);
        used.add(log.index);
        return log.index;
      },
    };
  };
  const step = <K extends TitleStepKind>(
    tx: Tx,
    event: string,
    l: ModelLicense,
    kind: K,
    basis: string | null,
    details: TitleStepDetails[K],
  ): TitleStep => {
    const s = {
      ...tx.point,
      licenseId: l.id,
      logIndex: tx.take(event, l.id),
      kind,
      basis,
      details,
    } as TitleStep;
    l.steps.push(s);
    return s;
  };
  const move = (tx: Tx, l: ModelLicense, to: string): void => {
    l.holders.at(-1)!.until = tx.point;
    l.holders.push({ holder: to, licenseId: l.id, since: tx.point, until: null });
    l.holder = to;
    l.status = "active";
    l.attested = false;
    l.declaration = null;
    held.set(l.id, to);
  };
  const end = (l: ModelLicense, status: LicenseStatusName): void => {
    l.status = status;
    l.suspended = false;
    l.arbiterHold = false;
    l.attested = false;
  };

  // ---------------------------------------------------------------- what may happen

  const now = async (): Promise<bigint> => BigInt(await time.latest());
  const all = (): ModelLicense[] => [...licenses.values()];
  const ended = (l: ModelLicense): boolean => ENDED.includes(l.status);
  /** Live: may be released, moved or split (not ended, suspended or about to expire). */
  const live = (l: ModelLicense, at: bigint): boolean =>
    !ended(l) && !l.suspended && (l.validUntil === 0n || l.validUntil > at + 600n);
  const terms = (l: ModelLicense): Terms => termsOf(l.productId);
  /** How a sale would release it: with a declaration (active), or already released. */
  const saleable = (l: ModelLicense, at: bigint): "declare" | "released" | undefined => {
    if (!live(l, at) || !terms(l).transferable) return undefined;
    if (l.status === "active" && !terms(l).attestationRequired) return "declare";
    if (l.status === "released" && (!terms(l).attestationRequired || l.attested)) {
      return "released";
    }
    return undefined;
  };

  type Op = { name: string; weight: number; candidates: (at: bigint) => ModelLicense[] | true };
  const ops: Op[] = [
    { name: "issue", weight: 3, candidates: () => true },
    {
      name: "split",
      weight: 2,
      candidates: (at) =>
        all().filter(
          (l) => live(l, at) && l.status === "active" && terms(l).splittable && l.seats >= 2n,
        ),
    },
    {
      name: "direct-resale",
      weight: 3,
      candidates: (at) =>
        all().filter(
          (l) =>
            live(l, at) &&
            l.status === "active" &&
            terms(l).transferable &&
            !terms(l).attestationRequired,
        ),
    },
    {
      name: "release",
      weight: 2,
      candidates: (at) =>
        all().filter((l) => live(l, at) && l.status === "active" && terms(l).transferable),
    },
    {
      // A release of the attested product, which the publisher must attest before it moves.
      name: "release-attested",
      weight: 2,
      candidates: (at) =>
        all().filter((l) => live(l, at) && l.status === "active" && terms(l).attestationRequired),
    },
    {
      name: "transfer-released",
      weight: 2,
      candidates: (at) => all().filter((l) => saleable(l, at) === "released"),
    },
    {
      name: "withdraw-release",
      weight: 1,
      candidates: () => all().filter((l) => l.status === "released"),
    },
    {
      name: "attest",
      weight: 3,
      candidates: () =>
        all().filter((l) => l.status === "released" && terms(l).attestationRequired && !l.attested),
    },
    {
      name: "sell-eth",
      weight: 3,
      candidates: (at) => all().filter((l) => saleable(l, at) !== undefined),
    },
    {
      name: "sell-token",
      weight: 2,
      candidates: (at) => all().filter((l) => saleable(l, at) !== undefined),
    },
    {
      name: "accept-offer",
      weight: 2,
      candidates: (at) => all().filter((l) => saleable(l, at) !== undefined),
    },
    {
      name: "suspend",
      weight: 1.5,
      candidates: () => all().filter((l) => !ended(l) && !l.suspended),
    },
    { name: "reinstate", weight: 2, candidates: () => all().filter((l) => l.suspended) },
    {
      name: "revoke",
      weight: 0.7,
      candidates: () => all().filter((l) => !ended(l) && !l.arbiterHold),
    },
    { name: "surrender", weight: 0.5, candidates: () => all().filter((l) => !ended(l)) },
    { name: "time", weight: 0.7, candidates: () => true },
  ];

  // ---------------------------------------------------------------- doing it

  const issue = async (variant: number): Promise<void> => {
    const to = f[pick(TRADERS)].address;
    let sent;
    let productId = 1n;
    let seats = 1n;
    let validUntil = 0n;
    let issuer: string | undefined;
    let evidence: string | null = null;
    let key: string | undefined;
    if (variant === 0) {
      seats = BigInt(between(2, 60));
      sent = await f.ledgers.publisher.issue({ productId, holder: to, seats });
    } else if (variant === 1) {
      seats = BigInt(between(2, 60));
      issuer = f.distributor.address;
      sent = await f.ledgers.distributor.issue({ productId, holder: to, seats });
    } else if (variant === 2) {
      seats = BigInt(between(2, 60));
      issuer = f.dealer.address;
      evidence = freshHash("invoice");
      sent = await f.ledgers.dealer.issue({
        productId,
        holder: to,
        seats,
        originEvidence: evidence,
      });
    } else if (variant === 3) {
      productId = 3n;
      key = `KEY-${++hashes}`;
      sent = await f.ledgers.publisher.issue({ productId, holder: to, seats, licenseKey: key });
    } else {
      productId = 4n;
      validUntil = (await now()) + BigInt(between(1, 10)) * 86_400n;
      sent = await f.ledgers.publisher.issue({ productId, holder: to, seats, validUntil });
    }
    const tx = await txOf(sent.receipt);
    const l: ModelLicense = {
      id: sent.licenseId,
      productId,
      parent: undefined,
      birth: undefined,
      holder: to,
      seats,
      validUntil,
      status: "active",
      suspended: false,
      arbiterHold: false,
      attested: false,
      declaration: null,
      steps: [],
      holders: [{ holder: to, licenseId: sent.licenseId, since: tx.point, until: null }],
    };
    licenses.set(l.id, l);
    held.set(l.id, to);
    step(tx, "LicenseIssued", l, "issued", null, { holder: to, seats, validUntil });
    if (issuer !== undefined) step(tx, "LicenseIssuedBy", l, "issued-by", evidence, { issuer });
    if (evidence !== null && evidence !== undefined) {
      // Fresh evidence: its capacity is the first license's seats, all of them used.
      step(tx, "EvidenceDrawn", l, "evidence-drawn", evidence, {
        seats,
        used: seats,
        capacity: seats,
      });
    }
    if (key !== undefined) {
      step(tx, "LicenseKeyCommitted", l, "key-committed", keyCommitment(productId, key), {});
    }
  };

  const sell = async (l: ModelLicense, how: "eth" | "token" | "offer"): Promise<void> => {
    const seller = traderOf(l.holder);
    const buyer = other(l.holder);
    const declare = saleable(l, await now()) === "declare";
    const declaration = declare ? freshHash("declaration") : ZeroHash;
    let receipt: TransactionReceipt;
    let orderHash: string;
    let currency = usdc;
    let price: bigint;
    let paid: bigint;
    let fee: bigint;
    if (how === "offer") {
      price = parseUnits(String(between(50, 900)), 6);
      paid = price;
      fee = feeOf(price);
      const signed = await f.ledgers[buyer].signBuyOffer({
        licenseId: l.id,
        price,
        currency,
        nonce: ++nonce,
      });
      orderHash = await f.market.hashBuyOffer(signed.order);
      receipt = (await f.ledgers[seller].acceptOffer(signed, declaration)).receipt;
    } else {
      const listed =
        how === "eth"
          ? parseEther(`${between(1, 40) / 10}`)
          : parseUnits(String(between(50, 900)), 6);
      currency = how === "eth" ? ethers.ZeroAddress : usdc;
      const signed = await f.ledgers[seller].signSellOrder({
        licenseId: l.id,
        price: listed,
        currency,
        nonce: ++nonce,
        declarationHash: declaration,
      });
      orderHash = await f.market.hashSellOrder(signed.order);
      receipt = (await f.ledgers[buyer].buy(signed)).receipt;
      fee = feeOf(listed);
      price = listed;
      paid = listed + fee;
    }
    const tx = await txOf(receipt);
    if (declare) {
      step(tx, "LicenseReleased", l, "released", declaration, { holder: l.holder });
      l.declaration = declaration;
    }
    const to = f[buyer].address;
    const from = l.holder;
    step(tx, "Transfer", l, "transferred", l.declaration, { from, to });
    move(tx, l, to);
    step(tx, "LicenseSold", l, "sold", orderHash.toLowerCase(), {
      seller: from,
      buyer: to,
      currency,
      price,
      paid,
      fee,
    });
  };

  const perform = async (name: string, l: ModelLicense | undefined): Promise<void> => {
    const holderLedger = (x: ModelLicense) => f.ledgers[traderOf(x.holder) as SdkActor];
    switch (name) {
      case "issue":
        return issue(between(0, 4));
      case "split": {
        const x = l!;
        const parts = x.seats >= 3n && random() < 0.4 ? 3 : 2;
        const cuts = new Set<number>();
        while (cuts.size < parts - 1) cuts.add(between(1, Number(x.seats) - 1));
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), Number(x.seats)];
        const seats = bounds.slice(1).map((b, i) => BigInt(b - bounds[i]!));
        const { receipt, childIds } = await holderLedger(x).split(x.id, seats);
        const tx = await txOf(receipt);
        childIds.forEach((childId, i) => {
          const birth = step(tx, "LicenseSplit", x, "split", null, {
            childId,
            seats: seats[i]!,
          });
          licenses.set(childId, {
            ...x,
            id: childId,
            parent: x.id,
            birth,
            seats: seats[i]!,
            status: "active",
            suspended: false,
            arbiterHold: false,
            attested: false,
            declaration: null,
            steps: [],
            holders: [{ holder: x.holder, licenseId: childId, since: tx.point, until: null }],
          });
          held.set(childId, x.holder);
        });
        end(x, "split");
        return;
      }
      case "direct-resale": {
        const x = l!;
        const to = f[other(x.holder)].address;
        const declaration = freshHash("declaration");
        const tx = await txOf((await holderLedger(x).transfer(x.id, to, declaration)).receipt);
        step(tx, "LicenseReleased", x, "released", declaration, { holder: x.holder });
        step(tx, "Transfer", x, "transferred", declaration, { from: x.holder, to });
        move(tx, x, to);
        return;
      }
      case "release":
      case "release-attested": {
        const x = l!;
        const declaration = freshHash("declaration");
        const tx = await txOf((await holderLedger(x).release(x.id, declaration)).receipt);
        step(tx, "LicenseReleased", x, "released", declaration, { holder: x.holder });
        x.status = "released";
        x.declaration = declaration;
        return;
      }
      case "transfer-released": {
        const x = l!;
        const to = f[other(x.holder)].address;
        const tx = await txOf((await holderLedger(x).transfer(x.id, to)).receipt);
        step(tx, "Transfer", x, "transferred", x.declaration, { from: x.holder, to });
        move(tx, x, to);
        return;
      }
      case "withdraw-release": {
        const x = l!;
        const tx = await txOf((await holderLedger(x).withdrawRelease(x.id)).receipt);
        step(tx, "LicenseReleaseWithdrawn", x, "release-withdrawn", null, { holder: x.holder });
        x.status = "active";
        x.attested = false;
        x.declaration = null;
        return;
      }
      case "attest": {
        const x = l!;
        const evidence = freshHash("activation log");
        const tx = await txOf(
          (await f.ledgers.publisher.attestDeactivation(x.id, evidence)).receipt,
        );
        step(tx, "LicenseDeactivationAttested", x, "attested", evidence, {
          attester: f.publisher.address,
        });
        x.attested = true;
        return;
      }
      case "sell-eth":
        return sell(l!, "eth");
      case "sell-token":
        return sell(l!, "token");
      case "accept-offer":
        return sell(l!, "offer");
      case "suspend": {
        const x = l!;
        const by = random() < 0.5 ? "arbiter" : "publisher";
        const evidence = freshHash("dispute");
        const tx = await txOf((await f.ledgers[by].suspend(x.id, evidence)).receipt);
        step(tx, "LicenseSuspended", x, "suspended", evidence, { by: f[by].address });
        if (by === "publisher") {
          // A controller's suspension lapses by itself 30 days on.
          step(tx, "LicenseSuspensionBounded", x, "suspension-bounded", null, {
            lapsesAt: BigInt(tx.point.timestamp) + 30n * 86_400n,
          });
        }
        x.suspended = true;
        x.arbiterHold = by === "arbiter";
        return;
      }
      case "reinstate": {
        const x = l!;
        const by = x.arbiterHold || random() < 0.5 ? "arbiter" : "publisher";
        const reason = random() < 0.5 ? ZeroHash : freshHash("ruling");
        const tx = await txOf((await f.ledgers[by].reinstate(x.id, reason)).receipt);
        step(tx, "LicenseReinstated", x, "reinstated", reason === ZeroHash ? null : reason, {
          by: f[by].address,
        });
        if (by === "arbiter") {
          step(tx, "LicenseArbiterReinstated", x, "arbiter-reinstated", null, {
            arbiter: f.arbiter.address,
          });
        }
        x.suspended = false;
        x.arbiterHold = false;
        return;
      }
      case "revoke": {
        const x = l!;
        const reasonCode = between(1, 4);
        const evidence = freshHash("refund");
        const tx = await txOf(
          (await f.ledgers.publisher.revoke(x.id, reasonCode, evidence)).receipt,
        );
        step(tx, "LicenseRevoked", x, "revoked", evidence, {
          by: f.publisher.address,
          reasonCode,
        });
        end(x, "revoked");
        return;
      }
      case "surrender": {
        const x = l!;
        const tx = await txOf((await holderLedger(x).surrender(x.id)).receipt);
        step(tx, "LicenseSurrendered", x, "surrendered", null, { holder: x.holder });
        end(x, "surrendered");
        return;
      }
      case "time":
        await time.increase(between(6 * 3_600, 6 * 86_400));
        return;
    }
  };

  for (let i = 0; i < count; i++) {
    // The first five operations issue one license of each kind; then chance decides.
    let name = "issue";
    let target: ModelLicense | undefined;
    if (i < 5) {
      await issue(i);
    } else {
      const at = await now();
      const open = ops
        .map((op) => ({ op, candidates: op.candidates(at) }))
        .filter(({ candidates }) => candidates === true || candidates.length > 0);
      let roll = random() * open.reduce((sum, { op }) => sum + op.weight, 0);
      const chosen = open.find(({ op }) => (roll -= op.weight) < 0) ?? open.at(-1)!;
      name = chosen.op.name;
      if (chosen.candidates !== true) target = pick(chosen.candidates);
      await perform(name, target);
    }
    ran[name] = (ran[name] ?? 0) + 1;
    const latest = (await ethers.provider.getBlock("latest"))!;
    moments.push({
      block: latest.number,
      timestamp: latest.timestamp,
      licenses: structuredClone(licenses),
      held: new Map(held),
    });
  }
  return { ...f, moments, ran };
}

// ------------------------------------------------------------------ what the chain should say

/** The steps the chain of title of `id` should list: its parents' up to its split, then its own. */
export function expectedSteps(licenses: Map<bigint, ModelLicense>, licenseId: bigint): TitleStep[] {
  const l = licenses.get(licenseId)!;
  if (l.parent === undefined) return l.steps;
  const parent = expectedSteps(licenses, l.parent).filter(
    (s) => !(s.kind === "split" && s.licenseId === l.parent && s.details.childId !== licenseId),
  );
  return [...parent, ...l.steps];
}

/** The holder periods: its parents' (the last ending at the split), then its own. */
export function expectedHolders(
  licenses: Map<bigint, ModelLicense>,
  licenseId: bigint,
): HolderPeriod[] {
  const l = licenses.get(licenseId)!;
  if (l.parent === undefined) return l.holders;
  const parent = expectedHolders(licenses, l.parent).map((h) => ({ ...h }));
  const { block, timestamp, transaction } = l.birth!;
  parent.at(-1)!.until = { block, timestamp, transaction };
  return [...parent, ...l.holders];
}

export function expectedLineage(licenses: Map<bigint, ModelLicense>, licenseId: bigint): bigint[] {
  const parent = licenses.get(licenseId)!.parent;
  return parent === undefined ? [] : [...expectedLineage(licenses, parent), parent];
}

/** Everything `chainOfTitle` should return for `licenseId` at the moment `m`. */
export function expectedTitle(m: Moment, licenseId: bigint, publisher: string) {
  const l = m.licenses.get(licenseId)!;
  const terms = termsOf(l.productId);
  const expired = l.validUntil !== 0n && BigInt(m.timestamp) >= l.validUntil;
  const product: ProductAt = {
    productId: l.productId,
    controller: publisher,
    terms,
    metadataURI: "ipfs://product-terms",
  };
  return {
    license: {
      licenseId,
      productId: l.productId,
      holder: l.holder,
      seats: l.seats,
      validUntil: l.validUntil,
      // Moves of this license itself (not its parents'): the registry's own count is checked
      // against it in "agrees with the registry's own getLicense".
      moves: BigInt(
        expectedSteps(m.licenses, licenseId).filter(
          (s) => s.kind === "transferred" && s.licenseId === licenseId,
        ).length,
      ),
      firstSaleRegion: "unrecorded",
      exhausted: false,
      status: l.status,
      suspended: l.suspended,
      attested: l.attested,
      expired,
      valid: l.status === "active" && !l.suspended && !expired,
      transferable: terms.transferable,
      splittable: terms.splittable,
      attestationRequired: terms.attestationRequired,
    },
    product,
    lineage: expectedLineage(m.licenses, licenseId),
    holders: expectedHolders(m.licenses, licenseId),
    steps: expectedSteps(m.licenses, licenseId),
  };
}

/** The licenses `account` held at the moment `m`, in id order. */
export function expectedHoldings(m: Moment, account: string): bigint[] {
  return [...m.held]
    .filter(([, holder]) => holder === account)
    .map(([licenseId]) => licenseId)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
