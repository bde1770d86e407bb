import {
  ZeroAddress,
  ZeroHash,
  formatEther,
  formatUnits,
  getAddress,
  toBeHex,
  zeroPadValue,
  type Block,
  type Provider,
} from "ethers";

import { LedgerError, toLedgerError } from "./errors.js";
import type { HistoryEvent } from "./history.js";
import type { LicenseLedger, LicenseStatusName, ProductTerms } from "./ledger.js";
import { getLogsPaged, type ScanStats, type ScannedLog } from "./logs.js";

/**
 * The chain of title of a license, rebuilt from the registry's and the market's event logs alone
 * (no private index, no off-chain database): every step from the issuance of its oldest split
 * parent to a given block, the holder periods, and the license's state as of that block.
 *
 * Cost: the logs are fetched by the license id as an indexed topic (and the product's events by
 * the product id), so a rebuild costs in proportion to the license's own history, never to the
 * size of the chain; block ranges are paged (`pageSize` blocks per `eth_getLogs`) for providers
 * that limit them.
 */

// ------------------------------------------------------------------ types

/** Where and when something happened on the chain. */
export interface TitlePoint {
  block: number;
  /** Unix seconds of the block. */
  timestamp: number;
  transaction: string;
}

/** The kinds of step a chain of title records (see `CertificateStepKind`). */
export type TitleStepKind =
  | "issued"
  | "issued-by"
  | "key-committed"
  | "released"
  | "release-withdrawn"
  | "attested"
  | "transferred"
  | "sold"
  | "split"
  | "suspended"
  | "reinstated"
  | "revoked"
  | "surrendered"
  | "first-sale-recorded"
  | "evidence-drawn"
  | "suspension-bounded"
  | "arbiter-reinstated"
  | "attestation-lapsed"
  | "committed"
  | "claimed";

interface TitleStepBase extends TitlePoint {
  /** The license the step is about: the one asked for, or a split parent before the split. */
  licenseId: bigint;
  /** The log's index in its block: steps of one transaction keep the order of their logs. */
  logIndex: number;
  /** The hash the step relied on (declaration, evidence, reason, order), or null. */
  basis: string | null;
}

/** What each kind of step records beside its `basis`. */
export interface TitleStepDetails {
  /** `LicenseIssued` with the `Transfer` from 0 of the same call: the first holder. */
  issued: { holder: string; seats: bigint; validUntil: bigint };
  /** `LicenseIssuedBy`: a delegated issuer; basis: the first-sale evidence, or null. */
  "issued-by": { issuer: string };
  /** `LicenseKeyCommitted`; basis: the key commitment. */
  "key-committed": Record<string, never>;
  /** `LicenseReleased`; basis: the holder's declaration that its copy is unusable. */
  released: { holder: string };
  /** `LicenseReleaseWithdrawn`. */
  "release-withdrawn": { holder: string };
  /** `LicenseDeactivationAttested`; basis: the evidence. */
  attested: { attester: string };
  /** `Transfer` between two holders; basis: the declaration of the release it relied on. */
  transferred: { from: string; to: string };
  /** `LicenseSold` on the market: `price` is the price the maker signed (the sell order's or the
   * buy offer's), `paid` what the buyer paid in all, of which `fee` went to the market's fee
   * recipient (the seller received `paid - fee`); basis: the order hash. */
  sold: {
    seller: string;
    buyer: string;
    currency: string;
    price: bigint;
    paid: bigint;
    fee: bigint;
  };
  /** `LicenseSplit` (a parent's step): one child and its seats. */
  split: { childId: bigint; seats: bigint };
  /** `LicenseSuspended`; basis: the evidence. */
  suspended: { by: string };
  /** `LicenseReinstated`; basis: the reason, or null. */
  reinstated: { by: string };
  /** `LicenseRevoked`; basis: the evidence. Reason codes: 1 refund, 2 fraud, 3 court order, 4
   * publisher error. */
  revoked: { by: string; reasonCode: number };
  /** `LicenseSurrendered`. */
  surrendered: { holder: string };
  /** `LicenseFirstSaleRecorded`: where the license was first sold (exhaustion depends on it). */
  "first-sale-recorded": { region: FirstSaleRegionName };
  /** `EvidenceDrawn`; basis: the first-sale evidence; its seats drawn, and the evidence's use. */
  "evidence-drawn": { seats: bigint; used: bigint; capacity: bigint };
  /** `LicenseSuspensionBounded`: a controller's suspension, which lapses by itself then. */
  "suspension-bounded": { lapsesAt: bigint };
  /** `LicenseArbiterReinstated`: from now on only an arbiter may suspend the license. */
  "arbiter-reinstated": { arbiter: string };
  /** `LicenseAttestationLapsed`: the publisher did not attest in time; the declaration sufficed. */
  "attestation-lapsed": { sufficedAt: bigint };
  /** `RunCommitted` of the run the license was later claimed from (the title's first step, at
   * the commit); basis: the run's Merkle root. */
  committed: {
    runId: bigint;
    committer: string;
    firstLicenseId: bigint;
    leafCount: bigint;
    leavesURI: string;
    leavesHash: string;
  };
  /** `LeafClaimed`: the license's leaf was claimed (by anyone) for its holder, in the issuance's
   * transaction. */
  claimed: { runId: bigint; holder: string; claimer: string };
}

/** Where a license was first sold, as the registry records it. */
export const FIRST_SALE_REGIONS = ["unrecorded", "EEA", "Switzerland", "elsewhere"] as const;
export type FirstSaleRegionName = (typeof FIRST_SALE_REGIONS)[number];

/** One recorded step of a chain of title, typed by its kind. */
export type TitleStep = {
  [K in TitleStepKind]: TitleStepBase & { kind: K; details: TitleStepDetails[K] };
}[TitleStepKind];

/** One holder and the period it held the license (or, before a split, its parent). */
export interface HolderPeriod {
  holder: string;
  /** The license held: the one asked for, or a split parent. */
  licenseId: bigint;
  since: TitlePoint;
  /** Where the holding ended; null for the holder as of the rebuild's block. */
  until: TitlePoint | null;
}

/** A license's state as of a block, derived from its events (as `getLicense` would have said). */
export interface LicenseStateAt {
  licenseId: bigint;
  productId: bigint;
  holder: string;
  seats: bigint;
  /** 0n for a perpetual license, else unix seconds. */
  validUntil: bigint;
  /** How many times this license (not its split parents) changed hands. */
  moves: bigint;
  /** Where it was first sold ("unrecorded" for licenses issued without it). */
  firstSaleRegion: FirstSaleRegionName;
  /** Perpetual and first sold in the EEA or Switzerland: it resells whatever its terms say. */
  exhausted: boolean;
  status: LicenseStatusName;
  suspended: boolean;
  attested: boolean;
  /** Whether its validity had run out at the block's time. */
  expired: boolean;
  /** Valid for its holder at that block: active, not suspended, not expired. */
  valid: boolean;
  transferable: boolean;
  splittable: boolean;
  attestationRequired: boolean;
}

/** A product as of a block, from its `ProductRegistered`, `ProductTermsUpdated` and
 * `ProductControlTransferred` events. */
export interface ProductAt {
  productId: bigint;
  controller: string;
  terms: ProductTerms;
  metadataURI: string;
}

/** How the product and its issuers came to be: who vouched for the license's origin. */
export type ProvenanceKind =
  | "product-registered" // ProductRegistered: details.controller, publisher, registeredBy ("publisher" | "operator")
  | "terms-updated" // ProductTermsUpdated (before the first license)
  | "control-handover-started" // ProductControlTransferStarted: details.controller, pendingController
  | "control-transferred" // ProductControlTransferred: details.previousController, newController
  | "control-recovery-started" // ProductControlRecoveryStarted: details.controller, newController, readyAt
  | "control-recovered" // ProductControlRecovered: details.previousController, newController
  | "issuer-set"; // IssuerSet: details.issuer, kind ("none" | "distributor" | "onboarder"), by (the controller then)

/** One event of the product's provenance. */
export interface ProvenanceStep extends TitlePoint {
  kind: ProvenanceKind;
  productId: bigint;
  logIndex: number;
  details: Record<string, string>;
}

/** The block a rebuild is as of. */
export interface BlockRef {
  block: number;
  /** Unix seconds of the block. */
  timestamp: number;
  blockHash: string;
}

/** A license's chain of title as of one block. */
export interface ChainOfTitle {
  licenseId: bigint;
  chainId: bigint;
  registry: string;
  /** The market whose sales are included, or null when the ledger has none. */
  market: string | null;
  at: BlockRef;
  license: LicenseStateAt;
  product: ProductAt;
  /** Split parents, oldest first (empty for a license issued directly). */
  lineage: bigint[];
  /** Every holder from the first issuance (of the oldest parent) to the holder at `at`. */
  holders: HolderPeriod[];
  /** Every step, in chain order: the parents' up to the split, then the license's own. */
  steps: TitleStep[];
  /**
   * How the product and the issuers of this license came to be: the product's registration (by
   * its publisher, or by an operator on a publisher's behalf), control handovers, and the grants
   * that made this license's issuers issuers.
   */
  provenance: ProvenanceStep[];
  /**
   * The rebuilt history checked against the registry's own state at `at` (holder, status, seats,
   * validity, move count, suspension, attestation): "checked", or why it could not be (the node
   * keeps no state that old).
   */
  consistency: "checked" | string;
}

export interface ChainOfTitleOptions {
  /** The block to rebuild at (default: the latest). */
  atBlock?: number;
  /** ...or a time (unix seconds or a Date): the last block at or before it. */
  atTime?: number | bigint | Date;
  /** First page size of the log scans (default: what the provider allows). */
  pageSize?: number;
  /** Adds the rebuild's requests to this counter. */
  stats?: ScanStats;
}

/** A point in time: a block, or a time (unix seconds or a Date) resolved to the last block at or
 * before it. `pageSize` pages the log scan. */
export type PointInTime = ({ block: number } | { time: number | bigint | Date }) & {
  pageSize?: number;
};

// ------------------------------------------------------------------ rebuild

/**
 * Rebuilds the chain of title of `licenseId` at `options.atBlock` (or `atTime`, default: the
 * latest block), from the logs alone. Throws a `LedgerError` (`LicenseNotIssued`) when the
 * license did not exist at that block.
 */
export async function chainOfTitle(
  ledger: LicenseLedger,
  licenseId: bigint,
  options: ChainOfTitleOptions,
): Promise<ChainOfTitle> {
  if (options.atBlock !== undefined && options.atTime !== undefined) {
    throw new LedgerError(
      "PointInTimeAmbiguous",
      "name either a block or a time to rebuild the chain of title at, not both",
    );
  }
  const provider = providerOf(ledger);
  let block: number;
  if (options.atTime !== undefined) {
    block = await blockAtTime(provider, options.atTime);
    if (block < 0) throw notIssued(licenseId, -1, secondsOf(options.atTime));
  } else {
    block =
      options.atBlock ?? (await read("reading the latest block", () => provider.getBlockNumber()));
  }
  return rebuildChainOfTitle(
    ledger,
    licenseId,
    await blockRef(provider, block),
    options.pageSize,
    options.stats,
  );
}

/** The chain of title of `licenseId` as of the block `at` (already resolved). */
export async function rebuildChainOfTitle(
  ledger: LicenseLedger,
  licenseId: bigint,
  at: BlockRef,
  pageSize?: number,
  stats?: ScanStats,
): Promise<ChainOfTitle> {
  const { events, product: productEvents } = await ledger.historyWithProduct(licenseId, {
    fromBlock: ledger.fromBlock,
    toBlock: at.block,
    ...(pageSize === undefined ? {} : { pageSize }),
    ...(stats === undefined ? {} : { stats }),
  });
  if (!events.some((e) => e.licenseId === licenseId)) throw notIssued(licenseId, at.block);

  const lineage = lineageOf(events, licenseId);
  // Split children take serials of their parent's product.
  const productId = licenseId / SERIALS;
  const product = productFromEvents(productId, productEvents, at.block);
  const walk = walkEvents(events, [...lineage, licenseId]);

  const expired = walk.validUntil !== 0n && BigInt(at.timestamp) >= walk.validUntil;
  // A controller's suspension lapses by itself at its bound (no event marks the lapse).
  const suspended =
    walk.suspended &&
    !(walk.suspensionLapsesAt !== 0n && BigInt(at.timestamp) >= walk.suspensionLapsesAt);
  const license: LicenseStateAt = {
    licenseId,
    productId,
    holder: walk.holder,
    seats: walk.seats,
    validUntil: walk.validUntil,
    moves: BigInt(
      walk.steps.filter((s) => s.kind === "transferred" && s.licenseId === licenseId).length,
    ),
    firstSaleRegion: walk.firstSaleRegion,
    exhausted:
      walk.validUntil === 0n &&
      (walk.firstSaleRegion === "EEA" || walk.firstSaleRegion === "Switzerland"),
    status: walk.status,
    suspended,
    attested: walk.attested,
    expired,
    valid: walk.status === "active" && !suspended && !expired,
    // A license carries its product's terms, which are fixed once its first license exists.
    transferable: product.terms.transferable,
    splittable: product.terms.splittable,
    attestationRequired: product.terms.attestationRequired,
  };
  const issuers = new Set(
    walk.steps.flatMap((s) => (s.kind === "issued-by" ? [s.details.issuer] : [])),
  );
  const consistency = await checkAgainstRegistry(ledger, license, walk.steps, at.block);
  return {
    licenseId,
    chainId: ledger.chainId,
    registry: getAddress(await ledger.registry.getAddress()),
    market: ledger.market === undefined ? null : getAddress(await ledger.market.getAddress()),
    at,
    license,
    product,
    lineage,
    holders: walk.holders,
    steps: walk.steps,
    provenance: provenanceOf(productEvents, issuers),
    consistency,
  };
}

/**
 * Compares the license's state rebuilt from the logs with what the registry itself stores at the
 * block: a provider that dropped or invented logs yields a history that does not add up, and the
 * rebuild is refused (`HistoryIncomplete`) rather than trusted. Returns "checked", or why the
 * registry could not be asked (a node that keeps no state that old: the history is then checked
 * again at the latest block by whoever verifies).
 */
async function checkAgainstRegistry(
  ledger: LicenseLedger,
  rebuilt: LicenseStateAt,
  steps: readonly TitleStep[],
  block: number,
): Promise<string> {
  // The registry moves no license without a declaration recorded since it last moved: a
  // transfer the logs show without one means the logs of that release are missing.
  const undeclared = steps.find((s) => s.kind === "transferred" && s.basis === null);
  if (undeclared !== undefined) {
    throw new LedgerError(
      "HistoryIncomplete",
      `the history the node's logs give for license ${rebuilt.licenseId} has a transfer with no declaration before it (block ${undeclared.block}, transaction ${undeclared.transaction}), which the registry never allows: the node or provider left out logs, so no chain of title is drawn from it; use another RPC provider`,
      { licenseId: rebuilt.licenseId, block, transaction: undeclared.transaction },
    );
  }
  let stored: Awaited<ReturnType<LicenseLedger["getLicense"]>>;
  try {
    stored = await ledger.getLicense(rebuilt.licenseId, block);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return `not checked against the registry's state at block ${block}: the node could not answer (${message})`;
  }
  const differences: string[] = [];
  const compare = (what: string, logs: unknown, registry: unknown): void => {
    if (String(logs) !== String(registry)) {
      differences.push(
        `${what}: the logs say ${String(logs)}, the registry says ${String(registry)}`,
      );
    }
  };
  compare("holder", rebuilt.holder, getAddress(stored.holder));
  compare("status", rebuilt.status, stored.status);
  compare("seats", rebuilt.seats, stored.seats);
  compare("valid until", rebuilt.validUntil, stored.validUntil);
  compare("moves", rebuilt.moves, stored.moves);
  compare("suspended", rebuilt.suspended, stored.suspended);
  compare("attested", rebuilt.attested, stored.attested);
  compare("first-sale region", rebuilt.firstSaleRegion, stored.firstSaleRegion);
  if (differences.length > 0) {
    throw new LedgerError(
      "HistoryIncomplete",
      `the history the node's logs give for license ${rebuilt.licenseId} does not add up to the registry's own state at block ${block} (${differences.join("; ")}): the node or provider left out logs, so no chain of title is drawn from it; use another RPC provider`,
      { licenseId: rebuilt.licenseId, block, differences },
    );
  }
  return "checked";
}

/** License ids are `productId * 10^12 + serial`. */
const SERIALS = 1_000_000_000_000n;

/** The split parents of `licenseId`, oldest first, from the `LicenseSplit` events that bore it. */
function lineageOf(events: HistoryEvent[], licenseId: bigint): bigint[] {
  const lineage: bigint[] = [];
  let child = licenseId;
  for (;;) {
    const birth = events.find((e) => e.event === "LicenseSplit" && e.args.childId === child);
    if (birth === undefined) return lineage;
    child = birth.args.parentId as bigint;
    lineage.unshift(child);
  }
}

interface Walk {
  steps: TitleStep[];
  holders: HolderPeriod[];
  holder: string;
  seats: bigint;
  validUntil: bigint;
  status: LicenseStatusName;
  suspended: boolean;
  /** When a controller's suspension lapses by itself (0: it does not). */
  suspensionLapsesAt: bigint;
  attested: boolean;
  firstSaleRegion: FirstSaleRegionName;
}

/**
 * Replays the events (parents' first, as `LicenseLedger#history` orders them) along the line of
 * licenses `line` (oldest parent first, the license asked for last), keeping the state the
 * registry keeps: the same rules, derived from the logs instead of read from storage.
 */
function walkEvents(events: HistoryEvent[], line: bigint[]): Walk {
  const w: Walk = {
    steps: [],
    holders: [],
    holder: ZeroAddress,
    seats: 0n,
    validUntil: 0n,
    status: "active",
    suspended: false,
    suspensionLapsesAt: 0n,
    attested: false,
    firstSaleRegion: "unrecorded",
  };
  /** The declaration the next move relies on (the last release since the license moved). */
  let declaration: string | null = null;
  /** First holders from the `Transfer`s from 0 (issuance), by license. */
  const minted = new Map<bigint, string>();
  const hash = (value: unknown): string | null => {
    const h = String(value).toLowerCase();
    return h === ZeroHash ? null : h;
  };
  const address = (value: unknown): string => getAddress(String(value));
  // An ended license keeps its holder; its suspension and attestation lapse.
  const endLicense = (status: LicenseStatusName): void => {
    w.status = status;
    w.suspended = false;
    w.suspensionLapsesAt = 0n;
    w.attested = false;
  };
  const closeHolding = (point: TitlePoint): void => {
    const open = w.holders.at(-1);
    if (open !== undefined && open.until === null) open.until = point;
  };

  for (const e of events) {
    const point: TitlePoint = {
      block: e.blockNumber,
      timestamp: e.timestamp,
      transaction: e.transactionHash.toLowerCase(),
    };
    const base = { ...point, licenseId: e.licenseId, logIndex: e.logIndex };
    const a = e.args;
    switch (e.event) {
      case "Transfer": {
        const from = address(a.from);
        const to = address(a.to);
        if (from === ZeroAddress) {
          // Issuance (its step is `LicenseIssued`) or a split child's birth (the parent's split).
          minted.set(e.licenseId, to);
          break;
        }
        w.steps.push({ ...base, kind: "transferred", basis: declaration, details: { from, to } });
        closeHolding(point);
        w.holders.push({ holder: to, licenseId: e.licenseId, since: point, until: null });
        w.holder = to;
        w.status = "active";
        w.attested = false;
        declaration = null;
        break;
      }
      case "LicenseIssued": {
        const holder = minted.get(e.licenseId) ?? ZeroAddress;
        const seats = a.seats as bigint;
        const validUntil = a.validUntil as bigint;
        w.steps.push({
          ...base,
          kind: "issued",
          basis: null,
          details: { holder, seats, validUntil },
        });
        w.holders.push({ holder, licenseId: e.licenseId, since: point, until: null });
        w.holder = holder;
        w.seats = seats;
        w.validUntil = validUntil;
        w.status = "active";
        break;
      }
      case "LicenseIssuedBy":
        w.steps.push({
          ...base,
          kind: "issued-by",
          basis: hash(a.originEvidence),
          details: { issuer: address(a.issuer) },
        });
        break;
      case "LicenseKeyCommitted":
        w.steps.push({ ...base, kind: "key-committed", basis: hash(a.keyCommitment), details: {} });
        break;
      case "LicenseReleased":
        declaration = hash(a.declarationHash);
        w.steps.push({
          ...base,
          kind: "released",
          basis: declaration,
          details: { holder: address(a.holder) },
        });
        w.status = "released";
        break;
      case "LicenseReleaseWithdrawn":
        w.steps.push({
          ...base,
          kind: "release-withdrawn",
          basis: null,
          details: { holder: address(a.holder) },
        });
        w.status = "active";
        w.attested = false;
        declaration = null;
        break;
      case "LicenseDeactivationAttested":
        w.steps.push({
          ...base,
          kind: "attested",
          basis: hash(a.evidenceHash),
          details: { attester: address(a.attester) },
        });
        w.attested = true;
        break;
      case "LicenseSold": {
        // A sale counts only where the registry moved the license from the seller to the buyer
        // in the same transaction (the market's transfer precedes its event).
        const moved = w.steps.at(-1);
        if (
          moved?.kind !== "transferred" ||
          moved.transaction !== point.transaction ||
          moved.licenseId !== e.licenseId ||
          moved.details.from !== address(a.seller) ||
          moved.details.to !== address(a.buyer)
        ) {
          break;
        }
        w.steps.push({
          ...base,
          kind: "sold",
          basis: hash(a.orderHash),
          details: {
            seller: address(a.seller),
            buyer: address(a.buyer),
            currency: address(a.currency),
            price: a.price as bigint,
            paid: a.paid as bigint,
            fee: a.fee as bigint,
          },
        });
        break;
      }
      case "LicenseSplit": {
        const childId = a.childId as bigint;
        const seats = a.seats as bigint;
        w.steps.push({ ...base, kind: "split", basis: null, details: { childId, seats } });
        const at = line.indexOf(e.licenseId);
        if (at >= 0 && line[at + 1] === childId) {
          // The line continues with this child: it takes the seats, keeps the validity and the
          // holder, and starts active, unsuspended and unattested.
          closeHolding(point);
          w.holders.push({ holder: w.holder, licenseId: childId, since: point, until: null });
          w.seats = seats;
          w.status = "active";
          w.suspended = false;
          w.suspensionLapsesAt = 0n;
          w.attested = false;
          declaration = null;
        } else {
          endLicense("split");
        }
        break;
      }
      case "LicenseFirstSaleRecorded": {
        const region = FIRST_SALE_REGIONS[Number(a.region)] ?? "unrecorded";
        w.steps.push({ ...base, kind: "first-sale-recorded", basis: null, details: { region } });
        w.firstSaleRegion = region;
        break;
      }
      case "EvidenceDrawn":
        w.steps.push({
          ...base,
          kind: "evidence-drawn",
          basis: hash(a.originEvidence),
          details: {
            seats: a.seats as bigint,
            used: a.used as bigint,
            capacity: a.capacity as bigint,
          },
        });
        break;
      case "LicenseSuspensionBounded":
        w.steps.push({
          ...base,
          kind: "suspension-bounded",
          basis: null,
          details: { lapsesAt: BigInt(a.lapsesAt as bigint) },
        });
        w.suspensionLapsesAt = BigInt(a.lapsesAt as bigint);
        break;
      case "LicenseArbiterReinstated":
        w.steps.push({
          ...base,
          kind: "arbiter-reinstated",
          basis: null,
          details: { arbiter: address(a.arbiter) },
        });
        break;
      case "RunCommitted":
        w.steps.push({
          ...base,
          kind: "committed",
          basis: hash(a.root),
          details: {
            runId: a.runId as bigint,
            committer: address(a.committer),
            firstLicenseId: a.firstLicenseId as bigint,
            leafCount: a.leafCount as bigint,
            leavesURI: String(a.leavesURI),
            leavesHash: String(a.leavesHash).toLowerCase(),
          },
        });
        break;
      case "LeafClaimed":
        w.steps.push({
          ...base,
          kind: "claimed",
          basis: null,
          details: {
            runId: a.runId as bigint,
            holder: address(a.holder),
            claimer: address(a.claimer),
          },
        });
        break;
      case "LicenseAttestationLapsed":
        w.steps.push({
          ...base,
          kind: "attestation-lapsed",
          basis: null,
          details: { sufficedAt: BigInt(a.sufficedAt as bigint) },
        });
        break;
      case "LicenseSuspended":
        w.suspensionLapsesAt = 0n;
        w.steps.push({
          ...base,
          kind: "suspended",
          basis: hash(a.evidenceHash),
          details: { by: address(a.by) },
        });
        w.suspended = true;
        break;
      case "LicenseReinstated":
        w.steps.push({
          ...base,
          kind: "reinstated",
          basis: hash(a.reasonHash),
          details: { by: address(a.by) },
        });
        w.suspended = false;
        w.suspensionLapsesAt = 0n;
        break;
      case "LicenseRevoked":
        w.steps.push({
          ...base,
          kind: "revoked",
          basis: hash(a.evidenceHash),
          details: { by: address(a.by), reasonCode: Number(a.reasonCode) },
        });
        endLicense("revoked");
        break;
      case "LicenseSurrendered":
        w.steps.push({
          ...base,
          kind: "surrendered",
          basis: null,
          details: { holder: address(a.holder) },
        });
        endLicense("surrendered");
        break;
      default:
        break;
    }
  }
  return w;
}

/** The product as of `toBlock`, from its `ProductRegistered`, `ProductTermsUpdated` and
 * `ProductControlTransferred` events (as `LicenseLedger#historyWithProduct` returns them). */
export function productFromEvents(
  productId: bigint,
  events: readonly HistoryEvent[],
  toBlock: number,
): ProductAt {
  let product: ProductAt | undefined;
  for (const e of events) {
    if (e.blockNumber > toBlock) break;
    if (e.event === "ProductRegistered" || e.event === "ProductTermsUpdated") {
      const t = e.args.terms as {
        validityDays: bigint;
        maxSeatsPerLicense: bigint;
        transferable: boolean;
        splittable: boolean;
        attestationRequired: boolean;
      };
      const controller =
        e.event === "ProductRegistered"
          ? getAddress(e.args.controller as string)
          : (product?.controller ?? ZeroAddress);
      product = {
        productId,
        controller,
        terms: {
          validityDays: Number(t.validityDays),
          maxSeatsPerLicense: Number(t.maxSeatsPerLicense),
          transferable: t.transferable,
          splittable: t.splittable,
          attestationRequired: t.attestationRequired,
        },
        metadataURI: e.args.metadataURI as string,
      };
    } else if (e.event === "ProductControlTransferred" && product !== undefined) {
      product.controller = getAddress(e.args.newController as string);
    }
  }
  if (product === undefined) {
    throw new LedgerError(
      "ProductNotRegistered",
      `product ${productId} was not registered by block ${toBlock}`,
      { productId, block: toBlock },
    );
  }
  return product;
}

const ISSUER_KINDS = ["none", "distributor", "onboarder"] as const;

/**
 * The product's provenance from its events: registration, terms, control handovers, and the
 * issuer grants (and removals) of the issuers in `issuers`, each with the controller that made it.
 */
function provenanceOf(
  events: readonly HistoryEvent[],
  issuers: ReadonlySet<string>,
): ProvenanceStep[] {
  const steps: ProvenanceStep[] = [];
  let controller = ZeroAddress;
  for (const e of events) {
    const base = {
      block: e.blockNumber,
      timestamp: e.timestamp,
      transaction: e.transactionHash.toLowerCase(),
      logIndex: e.logIndex,
      productId: BigInt(e.args.productId as bigint),
    };
    const a = e.args;
    switch (e.event) {
      case "ProductRegistered":
        controller = getAddress(a.controller as string);
        steps.push({
          ...base,
          kind: "product-registered",
          details: {
            controller,
            publisher: getAddress(a.publisher as string),
            registeredBy: a.registeredByOperator === true ? "operator" : "publisher",
          },
        });
        break;
      case "ProductTermsUpdated":
        steps.push({ ...base, kind: "terms-updated", details: {} });
        break;
      case "ProductControlTransferStarted":
        steps.push({
          ...base,
          kind: "control-handover-started",
          details: {
            controller: getAddress(a.controller as string),
            pendingController: getAddress(a.pendingController as string),
          },
        });
        break;
      case "ProductControlTransferred":
        controller = getAddress(a.newController as string);
        steps.push({
          ...base,
          kind: "control-transferred",
          details: {
            previousController: getAddress(a.previousController as string),
            newController: controller,
          },
        });
        break;
      case "ProductControlRecoveryStarted":
        steps.push({
          ...base,
          kind: "control-recovery-started",
          details: {
            controller: getAddress(a.controller as string),
            newController: getAddress(a.newController as string),
            readyAt: String(a.readyAt),
          },
        });
        break;
      case "ProductControlRecovered":
        steps.push({
          ...base,
          kind: "control-recovered",
          details: {
            previousController: getAddress(a.previousController as string),
            newController: getAddress(a.newController as string),
          },
        });
        break;
      case "IssuerSet": {
        const issuer = getAddress(a.issuer as string);
        if (!issuers.has(issuer)) break;
        steps.push({
          ...base,
          kind: "issuer-set",
          details: {
            issuer,
            kind: ISSUER_KINDS[Number(a.kind)] ?? String(a.kind),
            by: controller,
          },
        });
        break;
      }
      default:
        break;
    }
  }
  return steps;
}

/** A provenance step in plain words. */
export function describeProvenance(step: ProvenanceStep): string {
  const d = step.details;
  let text: string;
  switch (step.kind) {
    case "product-registered":
      text =
        d.registeredBy === "operator"
          ? `product ${step.productId} was registered by the operator ${d.controller} on behalf of the publisher ${d.publisher}`
          : `product ${step.productId} was registered by its publisher ${d.publisher}`;
      break;
    case "terms-updated":
      text = `the terms of product ${step.productId} were set before its first license`;
      break;
    case "control-handover-started":
      text = `${d.controller} offered control of product ${step.productId} to ${d.pendingController}`;
      break;
    case "control-transferred":
      text = `control of product ${step.productId} passed from ${d.previousController} to ${d.newController}`;
      break;
    case "control-recovery-started":
      text = `the admin began handing product ${step.productId}, whose operator ${d.controller} lost its role, to the operator ${d.newController} (ready at ${formatTime(Number(d.readyAt))})`;
      break;
    case "control-recovered":
      text = `the admin handed product ${step.productId} from ${d.previousController} to the operator ${d.newController}`;
      break;
    case "issuer-set":
      text =
        d.kind === "none"
          ? `${d.by} withdrew ${d.issuer}'s right to issue licenses of product ${step.productId}`
          : `${d.by} made ${d.issuer} ${d.kind === "onboarder" ? "an onboarding dealer" : "a distributor"} of product ${step.productId}`;
      break;
  }
  return `${text} at block ${step.block} (${formatTime(step.timestamp)}, transaction ${step.transaction})`;
}

// ------------------------------------------------------------------ point in time

/**
 * The holder of `licenseId` at a block or time, from the license's `Transfer` logs alone (an
 * ended license stays with its last holder); `undefined` when it did not exist yet (a split
 * child before its split: ask about the parent, or see `chainOfTitle`).
 */
export async function holderAt(
  ledger: LicenseLedger,
  licenseId: bigint,
  at: PointInTime,
  defaultPageSize?: number,
): Promise<string | undefined> {
  const provider = providerOf(ledger);
  const block = await resolvePoint(provider, at);
  if (block < ledger.fromBlock) return undefined;
  const ri = ledger.registry.interface;
  const topics = [
    ri.getEvent("Transfer").topicHash,
    null,
    null,
    zeroPadValue(toBeHex(licenseId), 32),
  ];
  const logs = await read(`reading the transfers of license ${licenseId}`, async () =>
    getLogsPaged(
      provider,
      { address: await ledger.registry.getAddress(), topics },
      ledger.fromBlock,
      block,
      at.pageSize ?? defaultPageSize ?? Number.MAX_SAFE_INTEGER,
    ),
  );
  const last = sortLogs(logs).at(-1);
  return last === undefined ? undefined : topicAddress(last.topics[2]);
}

/**
 * The licenses `account` held at a block or time, from the `Transfer` logs to and from it up to
 * that block (paged), in id order. Like `ownerOf`, ended licenses (revoked, surrendered, split)
 * stay with their last holder and are listed; `chainOfTitle` tells their state.
 */
export async function licensesHeldAt(
  ledger: LicenseLedger,
  account: string,
  at: PointInTime,
  defaultPageSize?: number,
): Promise<bigint[]> {
  const provider = providerOf(ledger);
  const block = await resolvePoint(provider, at);
  if (block < ledger.fromBlock) return [];
  const ri = ledger.registry.interface;
  const transfer = ri.getEvent("Transfer").topicHash;
  const who = zeroPadValue(getAddress(account), 32);
  const registry = await ledger.registry.getAddress();
  const page = (topics: (string | null)[]): Promise<ScannedLog[]> =>
    read(`reading the transfers of ${account}`, () =>
      getLogsPaged(
        provider,
        { address: registry, topics },
        ledger.fromBlock,
        block,
        at.pageSize ?? defaultPageSize ?? Number.MAX_SAFE_INTEGER,
      ),
    );
  const logs = [...(await page([transfer, null, who])), ...(await page([transfer, who]))];
  const seen = new Set<string>();
  const held = new Set<bigint>();
  const self = getAddress(account);
  for (const log of sortLogs(logs)) {
    const key = `${log.blockNumber}:${log.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const id = BigInt(log.topics[3] ?? "0x0");
    if (topicAddress(log.topics[2]) === self) held.add(id);
    else held.delete(id);
  }
  return [...held].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * The last block whose timestamp is at or before `time` (unix seconds or a Date), by binary search
 * over block timestamps; -1 when the chain's first block is later. A time after the latest block
 * resolves to the latest block.
 */
export async function blockAtTime(
  provider: Provider,
  time: number | bigint | Date,
): Promise<number> {
  const seconds = secondsOf(time);
  const latest = await getBlockOrFail(provider, "latest");
  if (latest.timestamp <= seconds) return latest.number;
  const first = await getBlockOrFail(provider, 0);
  if (first.timestamp > seconds) return -1;
  let lo = 0;
  let hi = latest.number;
  // Invariant: block lo is at or before `seconds`, block hi after it.
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if ((await getBlockOrFail(provider, mid)).timestamp <= seconds) lo = mid;
    else hi = mid;
  }
  return lo;
}

// ------------------------------------------------------------------ plain words

/** Names and decimals of the ERC-20 currencies of sales, to state prices in plain words. */
export type CurrencyNames = ReadonlyMap<string, { symbol: string; decimals: number }>;

const REASONS: Record<number, string> = {
  1: "a refund",
  2: "fraud",
  3: "a court order",
  4: "a publisher error",
};

/** An amount of a currency in plain words: `1.5 ETH`, `500.0 mUSDC`, or raw token units. */
export function formatAmount(currency: string, amount: bigint, currencies?: CurrencyNames): string {
  if (currency === ZeroAddress) return `${formatEther(amount)} ETH`;
  const known = currencies?.get(getAddress(currency));
  return known === undefined
    ? `${amount} base units of the unrecognised token ${getAddress(currency)}`
    : `${formatUnits(amount, known.decimals)} ${known.symbol}`;
}

/** A unix time in plain words: ISO date and time (UTC). */
export function formatTime(seconds: number | bigint): string {
  const ms = Number(seconds) * 1000;
  // Beyond what a date can show (a forged value): the number itself.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `unix time ${String(seconds)}`;
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/**
 * One step in plain words, e.g. "license 1000000000003 was sold by 0x... to 0x... for 1.5 ETH at
 * block 52 (2026-11-23T10:00:00Z)". Pass `currencies` (see `currencyNames`) to name tokens.
 */
export function describeStep(step: TitleStep, currencies?: CurrencyNames): string {
  const id = `license ${step.licenseId}`;
  const on = (what: string): string => (step.basis === null ? "" : ` (${what} ${step.basis})`);
  let text: string;
  switch (step.kind) {
    case "issued": {
      const d = step.details;
      const seats = `${d.seats} seat${d.seats === 1n ? "" : "s"}`;
      const validity =
        d.validUntil === 0n ? "perpetual" : `valid until ${formatTime(d.validUntil)}`;
      text = `${id} was issued to ${d.holder} with ${seats}, ${validity}`;
      break;
    }
    case "issued-by":
      text = `${id} was issued by ${step.details.issuer}${on("on the first-sale evidence")}`;
      break;
    case "key-committed":
      text = `${id} was bound to the license-key commitment ${step.basis ?? "(none)"}`;
      break;
    case "released":
      text = `${step.details.holder} declared its copy of ${id} unusable${on("declaration")} and released it for resale`;
      break;
    case "release-withdrawn":
      text = `${step.details.holder} withdrew the release of ${id}`;
      break;
    case "attested":
      text = `${step.details.attester} attested that the released copy of ${id} was deactivated${on("evidence")}`;
      break;
    case "transferred":
      text = `${id} passed from ${step.details.from} to ${step.details.to}${on("on the declaration")}`;
      break;
    case "sold": {
      const d = step.details;
      text = `${id} was sold by ${d.seller} to ${d.buyer} for ${formatAmount(d.currency, d.price, currencies)} (the buyer paid ${formatAmount(d.currency, d.paid, currencies)}, of which ${formatAmount(d.currency, d.fee, currencies)} market fee)`;
      break;
    }
    case "split":
      text = `${id} was split: license ${step.details.childId} took ${step.details.seats} of its seats`;
      break;
    case "suspended":
      text = `${id} was suspended by ${step.details.by}${on("evidence")}`;
      break;
    case "reinstated":
      text = `${id} was reinstated by ${step.details.by}${on("reason")}`;
      break;
    case "revoked": {
      const reason = REASONS[step.details.reasonCode] ?? `reason code ${step.details.reasonCode}`;
      text = `${id} was revoked by ${step.details.by} for ${reason}${on("evidence")}`;
      break;
    }
    case "surrendered":
      text = `${id} was surrendered by ${step.details.holder}`;
      break;
    case "first-sale-recorded":
      text =
        step.details.region === "unrecorded"
          ? `${id} was issued with no first-sale region recorded`
          : `${id} was recorded as first sold ${step.details.region === "elsewhere" ? "outside the EEA and Switzerland" : `in ${step.details.region === "EEA" ? "the EEA" : "Switzerland"}`}`;
      break;
    case "evidence-drawn":
      text = `${id} drew ${step.details.seats} seat${step.details.seats === 1n ? "" : "s"} from its first-sale evidence${on("")} (${step.details.used} of ${step.details.capacity} used)`;
      break;
    case "suspension-bounded":
      text = `the controller's suspension of ${id} lapses by itself at ${formatTime(step.details.lapsesAt)}`;
      break;
    case "arbiter-reinstated":
      text = `the arbiter ${step.details.arbiter} reinstated ${id}: only an arbiter may suspend it again`;
      break;
    case "attestation-lapsed":
      text = `the publisher did not attest the deactivation of ${id} in time: from ${formatTime(step.details.sufficedAt)} the holder's declaration sufficed`;
      break;
    case "committed": {
      const d = step.details;
      text = `${id} was committed in run ${d.runId} by ${d.committer} (root ${step.basis ?? "?"}, leaves file ${d.leavesURI} ${d.leavesHash}; licenses ${d.firstLicenseId} to ${d.firstLicenseId + d.leafCount - 1n})`;
      break;
    }
    case "claimed":
      text = `${id}'s leaf of run ${step.details.runId} was claimed for ${step.details.holder} by ${step.details.claimer}`;
      break;
  }
  return `${text} at block ${step.block} (${formatTime(step.timestamp)})`;
}

/**
 * The recognised currencies among the steps' sales: those the trusted address book lists for the
 * network (`recognised`). A token's own `symbol()` is never asked: anyone can deploy a token that
 * calls itself USDC, so any other token is stated as an unrecognised token with raw units.
 */
export function currencyNames(
  steps: readonly TitleStep[],
  recognised: CurrencyNames = new Map(),
): CurrencyNames {
  const names = new Map<string, { symbol: string; decimals: number }>();
  for (const step of steps) {
    if (step.kind !== "sold" || step.details.currency === ZeroAddress) continue;
    const token = getAddress(step.details.currency);
    const known = recognised.get(token);
    if (known !== undefined) names.set(token, known);
  }
  return names;
}

// ------------------------------------------------------------------ plumbing

/** The provider behind a ledger's runner. */
export function providerOf(ledger: LicenseLedger): Provider {
  const provider = ledger.runner.provider;
  if (provider === null || provider === undefined) {
    throw new LedgerError("NoProvider", "the signer is not connected to a network");
  }
  return provider;
}

/** The block `block` (number, timestamp, hash); refuses a block not mined yet. */
export async function blockRef(provider: Provider, block: number): Promise<BlockRef> {
  const b = await read(`reading block ${block}`, () => provider.getBlock(block));
  if (b === null || b.hash === null) {
    const latest = await read("reading the latest block", () => provider.getBlockNumber());
    throw new LedgerError(
      "BlockNotMined",
      `block ${block} has not been mined yet: the chain is at block ${latest}`,
      { block, latest },
    );
  }
  return { block: b.number, timestamp: b.timestamp, blockHash: b.hash.toLowerCase() };
}

async function resolvePoint(provider: Provider, at: PointInTime): Promise<number> {
  if ("block" in at) {
    const latest = await read("reading the latest block", () => provider.getBlockNumber());
    if (at.block > latest) {
      throw new LedgerError(
        "BlockNotMined",
        `block ${at.block} has not been mined yet: the chain is at block ${latest}`,
        { block: at.block, latest },
      );
    }
    return at.block;
  }
  return blockAtTime(provider, at.time);
}

function secondsOf(time: number | bigint | Date): number {
  return time instanceof Date ? Math.floor(time.getTime() / 1000) : Number(time);
}

async function getBlockOrFail(provider: Provider, block: number | "latest"): Promise<Block> {
  const b = await read(`reading block ${block}`, () => provider.getBlock(block));
  if (b === null) {
    throw new LedgerError("BlockNotMined", `block ${block} is not on the chain`, { block });
  }
  return b;
}

function notIssued(licenseId: bigint, block: number, time?: number): LedgerError {
  const when = time === undefined ? `by block ${block}` : `by ${formatTime(time)}`;
  return new LedgerError(
    "LicenseNotIssued",
    `license ${licenseId} had not been issued ${when}: the ledger records no issuance or split that created it`,
    { licenseId, block },
  );
}

function topicAddress(topic: string | undefined): string {
  return getAddress(`0x${(topic ?? ZeroHash).slice(-40)}`);
}

function sortLogs<T extends ScannedLog>(logs: T[]): T[] {
  return [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
}

async function read<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toLedgerError(error, doing);
  }
}
