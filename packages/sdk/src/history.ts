import { Interface, toBeHex, zeroPadValue, type Provider } from "ethers";

import {
  ILicenseCommitments__factory,
  LicenseMarket__factory,
  LicenseRegistry__factory,
} from "./contracts/index.js";
import { LedgerError, toLedgerError } from "./errors.js";
import {
  blockTimes,
  chainOrder,
  fromEthers,
  scanLogs,
  type ScanStats,
  type ScannedLog,
} from "./logs.js";

/** One recorded step of a license's life, decoded from one event log. */
export interface HistoryEvent {
  /** The license the event is about (a split parent's events carry the parent's id; a product's
   * events carry the id of the license whose history was asked for). */
  licenseId: bigint;
  /** The event's name: `Transfer`, `LicenseIssued`, `LicenseReleased`, `LicenseSold`, ... */
  event: string;
  /** The event's arguments by name (bigints stay bigints). */
  args: Record<string, unknown>;
  blockNumber: number;
  /** Unix seconds of the block. */
  timestamp: number;
  transactionHash: string;
  logIndex: number;
}

/** Registry events whose first indexed argument is the license id. */
export const REGISTRY_LICENSE_EVENTS = [
  "LicenseIssued",
  "LicenseIssuedBy",
  "LicenseKeyCommitted",
  "LicenseReleased",
  "LicenseReleaseWithdrawn",
  "LicenseDeactivationAttested",
  "LicenseSplit",
  "LicenseSuspended",
  "LicenseReinstated",
  "LicenseRevoked",
  "LicenseSurrendered",
  "LicenseFirstSaleRecorded",
  "LicenseSuspensionBounded",
  "LicenseArbiterReinstated",
  "LicenseAttestationLapsed",
] as const;

/** Registry events whose first indexed argument is the product id: how the product and its
 * issuers came to be (who vouched for a license's origin). */
export const REGISTRY_PRODUCT_EVENTS = [
  "ProductRegistered",
  "ProductTermsUpdated",
  "ProductControlTransferStarted",
  "ProductControlTransferred",
  "ProductControlRecoveryStarted",
  "ProductControlRecovered",
  "IssuerSet",
] as const;

const REGISTRY = new Interface(LicenseRegistry__factory.abi);
const MARKET = new Interface(LicenseMarket__factory.abi);
const COMMITMENTS = new Interface(ILicenseCommitments__factory.abi);
const topicOf = (iface: Interface, name: string): string => iface.getEvent(name)!.topicHash;
const TRANSFER = topicOf(REGISTRY, "Transfer");
const LICENSE_SPLIT = topicOf(REGISTRY, "LicenseSplit");
const LICENSE_RELEASED = topicOf(REGISTRY, "LicenseReleased");
const SOLD = topicOf(MARKET, "LicenseSold");
/** `EvidenceDrawn(originEvidence, licenseId, productId, ...)`: the license id is the second topic;
 * it stands in the issuance's transaction, so its receipt gives it. */
const EVIDENCE_DRAWN = topicOf(REGISTRY, "EvidenceDrawn");
const LICENSE_TOPICS = REGISTRY_LICENSE_EVENTS.map((name) => topicOf(REGISTRY, name));
const PRODUCT_TOPICS = REGISTRY_PRODUCT_EVENTS.map((name) => topicOf(REGISTRY, name));
/** `LeafClaimed(runId, licenseId, holder, claimer)` of the commitments module: in the claim's
 * transaction, beside the registry's `LicenseIssued`, so the issuance's receipt gives it. */
const LEAF_CLAIMED = topicOf(COMMITMENTS, "LeafClaimed");
/** `RunCommitted(runId, ...)`: the commit a claimed license's title starts at. */
const RUN_COMMITTED = topicOf(COMMITMENTS, "RunCommitted");

/** License ids are `productId * 10^12 + serial`. */
const SERIALS = 1_000_000_000_000n;
const word = (value: bigint): string => zeroPadValue(toBeHex(value), 32);

/** The events of one license and of its product, as one scan finds them. */
export interface LicenseScan {
  /** The license's own events, oldest first, `Transfer`s and market sales included. */
  events: HistoryEvent[];
  /** The product's events (registration, terms, control, issuers), oldest first. */
  product: HistoryEvent[];
}

export interface ScanRange {
  fromBlock: number;
  toBlock: number;
  /** First page size of the log scan (default: the whole range; see `scanLogs`). */
  pageSize?: number;
  /** Adds the scan's requests to this counter. */
  stats?: ScanStats;
  /**
   * The registry's committed-issuance module (from the registry's own `commitments()`), whose
   * `LeafClaimed` and `RunCommitted` start the title of a license issued from a committed run.
   */
  commitments?: string;
}

/** Receipts fetched at once when looking for a license's transfers. */
const RECEIPT_CONCURRENCY = 16;

/**
 * The events of one license and its product, from the logs alone, in one scan of the block range:
 * one `eth_getLogs` filter takes every registry and market event whose first indexed value is the
 * license id or the product id. The `Transfer`s (whose license id is the third topic) come from
 * the receipts of the transactions that scan found, and, for a transfer in a transaction of its
 * own, from a scan of the few blocks between the release it relied on and the license's next
 * event: every move needs a release since the last one, so no transfer can hide elsewhere. Every
 * log used is read from its transaction's receipt, and the scan's logs must match the receipts.
 * A split child's birth (`LicenseSplit`, where the child is the second topic) takes one more
 * scan.
 */
export async function scanLicense(
  provider: Provider,
  registry: string,
  market: string | undefined,
  licenseId: bigint,
  range: ScanRange,
): Promise<LicenseScan> {
  const productId = licenseId / SERIALS;
  const scan = (filter: Parameters<typeof scanLogs>[1], from: number, to: number) =>
    scanLogs(provider, filter, from, to, {
      ...(range.pageSize === undefined ? {} : { pageSize: range.pageSize }),
      ...(range.stats === undefined ? {} : { stats: range.stats }),
    });
  const addresses = market === undefined ? [registry] : [registry, market];
  const found = await scan(
    {
      address: addresses,
      topics: [
        [...LICENSE_TOPICS, ...PRODUCT_TOPICS, SOLD],
        [word(licenseId), word(productId)],
      ],
    },
    range.fromBlock,
    range.toBlock,
  );
  const isRegistry = (log: ScannedLog): boolean => sameAddress(log.address, registry);
  const isMarket = (log: ScannedLog): boolean =>
    market !== undefined && sameAddress(log.address, market);
  const topic0 = (log: ScannedLog): string => log.topics[0] ?? "";
  const isProductLog = (log: ScannedLog): boolean =>
    isRegistry(log) && PRODUCT_TOPICS.includes(topic0(log)) && log.topics[1] === word(productId);
  const isLicenseLog = (log: ScannedLog): boolean =>
    ((isRegistry(log) && LICENSE_TOPICS.includes(topic0(log))) ||
      (isMarket(log) && topic0(log) === SOLD)) &&
    log.topics[1] === word(licenseId);
  const isBirth = (log: ScannedLog): boolean =>
    isRegistry(log) && topic0(log) === LICENSE_SPLIT && log.topics[2] === word(licenseId);
  const isEvidenceDrawn = (log: ScannedLog): boolean =>
    isRegistry(log) && topic0(log) === EVIDENCE_DRAWN && log.topics[2] === word(licenseId);
  const commitments = range.commitments;
  const isModule = (log: ScannedLog): boolean =>
    commitments !== undefined && sameAddress(log.address, commitments);
  const isLeafClaimed = (log: ScannedLog): boolean =>
    isModule(log) && topic0(log) === LEAF_CLAIMED && log.topics[2] === word(licenseId);
  /** The run the license was claimed from, once its claim is found. */
  let claimedRun: string | undefined;
  const isRunCommitted = (log: ScannedLog): boolean =>
    isModule(log) && topic0(log) === RUN_COMMITTED && log.topics[1] === claimedRun;
  const wanted = (log: ScannedLog): boolean =>
    isProductLog(log) ||
    isLicenseLog(log) ||
    isBirth(log) ||
    isEvidenceDrawn(log) ||
    isLeafClaimed(log) ||
    isRunCommitted(log) ||
    isTransferOf(log, registry, licenseId);
  const scanned = found.filter((log) => isProductLog(log) || isLicenseLog(log));

  // A split child: its birth is its parent's LicenseSplit, with the child as the second topic.
  const issued = scanned.some((log) => topic0(log) === topicOf(REGISTRY, "LicenseIssued"));
  if (!issued) {
    const firstOwn = scanned.find(isLicenseLog)?.blockNumber ?? range.toBlock;
    const births = await scan(
      { address: registry, topics: [LICENSE_SPLIT, null, word(licenseId)] },
      range.fromBlock,
      firstOwn,
    );
    scanned.push(...births.filter(isBirth));
  }

  // The receipts of the transactions the scan names are what counts: every log the scan gave
  // must stand, the same, in its transaction's receipt (a provider that edits or invents logs is
  // refused), and the receipts give the license's Transfers (its id is their third topic) and
  // any of its logs the scan left out in those transactions.
  const receipts = new Map<string, ScannedLog[]>();
  await readReceipts(provider, scanned, receipts, range.stats);
  confirmAgainstReceipts(scanned, receipts);
  // A transfer in a transaction of its own lies between a release (every move needs one since
  // the last) and the license's next event: those few blocks are scanned for it.
  for (let round = 0; ; round++) {
    const ordered = chainOrder([...receipts.values()].flat().filter(wanted));
    const windows: [number, number][] = [];
    for (let i = 0; i < ordered.length; i++) {
      const release = ordered[i]!;
      if (topic0(release) !== LICENSE_RELEASED || release.topics[1] !== word(licenseId)) continue;
      const later = ordered.slice(i + 1);
      const sameTx = (log: ScannedLog) => log.transactionHash === release.transactionHash;
      if (later.some((log) => topic0(log) === TRANSFER && sameTx(log))) continue;
      const until = later.find((log) => !sameTx(log) && !isProductLog(log));
      if (until !== undefined && topic0(until) === TRANSFER) continue;
      windows.push([release.blockNumber, until?.blockNumber ?? range.toBlock]);
    }
    const moved: ScannedLog[] = [];
    for (const [from, to] of windows) {
      const window = await scan(
        { address: registry, topics: [TRANSFER, null, null, word(licenseId)] },
        from,
        to,
      );
      moved.push(
        ...window.filter(
          (log) => isTransferOf(log, registry, licenseId) && !receipts.has(log.transactionHash),
        ),
      );
    }
    if (moved.length === 0 || round > 64) break;
    await readReceipts(provider, moved, receipts, range.stats);
    confirmAgainstReceipts(moved, receipts);
  }

  // A license claimed from a committed run: its title starts at the run's commit, found by the
  // run id its claim names, in the module the trusted registry names.
  const claim = [...receipts.values()].flat().find(isLeafClaimed);
  if (commitments === undefined) {
    // A registry said to predate committed runs, yet a claim of this license in its receipts:
    // the commit would be left out of the title. Refuse rather than draw a title without it.
    const stray = [...receipts.values()]
      .flat()
      .find((log) => topic0(log) === LEAF_CLAIMED && log.topics[2] === word(licenseId));
    if (stray !== undefined)
      throw new LedgerError(
        "HistoryIncomplete",
        `license ${licenseId} was claimed from a committed run (transaction ${stray.transactionHash}), but the registry named no committed-issuance module: no chain of title is drawn without the run's commit; use another RPC provider`,
        { licenseId, transaction: stray.transactionHash },
      );
  }
  if (claim !== undefined && commitments !== undefined) {
    claimedRun = claim.topics[1];
    const commits = (
      await scan(
        { address: commitments, topics: [RUN_COMMITTED, claimedRun ?? null] },
        range.fromBlock,
        claim.blockNumber,
      )
    ).filter(isRunCommitted);
    if (commits.length !== 1)
      throw new LedgerError(
        "HistoryIncomplete",
        `license ${licenseId} was claimed from run ${BigInt(claimedRun ?? 0)} (transaction ${claim.transactionHash}), but the node's logs give ${commits.length} commits of that run: no chain of title is drawn from an answer that does not hold together; use another RPC provider`,
        { licenseId, transaction: claim.transactionHash },
      );
    await readReceipts(provider, commits, receipts, range.stats);
    confirmAgainstReceipts(commits, receipts);
  }

  const all = chainOrder([...receipts.values()].flat().filter(wanted));
  let times: Map<number, number>;
  try {
    times = await blockTimes(provider, new Map(all.map((log) => [log.blockNumber, log.blockHash])));
  } catch (error) {
    throw toLedgerError(error, `reading the times of the blocks of license ${licenseId}`);
  }
  const events: HistoryEvent[] = [];
  const product: HistoryEvent[] = [];
  for (const log of all) {
    const iface = isMarket(log) ? MARKET : isModule(log) ? COMMITMENTS : REGISTRY;
    const parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    if (parsed === null) continue;
    const args: Record<string, unknown> = {};
    for (const input of parsed.fragment.inputs) args[input.name] = parsed.args.getValue(input.name);
    const event: HistoryEvent = {
      licenseId: parsed.name === "LicenseSplit" ? (args.parentId as bigint) : licenseId,
      event: parsed.name,
      args,
      blockNumber: log.blockNumber,
      timestamp: times.get(log.blockNumber) ?? 0,
      transactionHash: log.transactionHash,
      logIndex: log.index,
    };
    (PRODUCT_TOPICS.includes(log.topics[0] ?? "") ? product : events).push(event);
  }
  return { events, product };
}

/** Reads the receipts of the transactions of `logs` not read yet (a few at once), keeping their
 * logs by transaction. */
async function readReceipts(
  provider: Provider,
  logs: readonly ScannedLog[],
  receipts: Map<string, ScannedLog[]>,
  stats: ScanStats | undefined,
): Promise<void> {
  const txs = [...new Set(logs.map((log) => log.transactionHash))].filter((h) => !receipts.has(h));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < txs.length) {
      const hash = txs[next++]!;
      if (stats !== undefined) stats.requests += 1;
      let receipt: Awaited<ReturnType<Provider["getTransactionReceipt"]>>;
      try {
        receipt = await provider.getTransactionReceipt(hash);
      } catch (error) {
        throw new LedgerError(
          "HistoryIncomplete",
          `the node's receipt of transaction ${hash} cannot be read (${error instanceof Error ? error.message.split("\n")[0] : String(error)}): no chain of title is drawn from an answer that does not hold together; use another RPC provider`,
          { transaction: hash },
          { cause: error },
        );
      }
      if (receipt === null) {
        throw new LedgerError(
          "HistoryIncomplete",
          `the node gave a log of transaction ${hash} but no receipt for it: its answers contradict each other, so no chain of title is drawn from it; use another RPC provider`,
          { transaction: hash },
        );
      }
      receipts.set(hash, receipt.logs.map(fromEthers));
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECEIPT_CONCURRENCY, txs.length) }, worker));
}

/** Refuses a scanned log that its transaction's receipt does not hold, the same. */
function confirmAgainstReceipts(
  logs: readonly ScannedLog[],
  receipts: ReadonlyMap<string, ScannedLog[]>,
): void {
  for (const log of logs) {
    const same = receipts
      .get(log.transactionHash)
      ?.find(
        (r) =>
          r.index === log.index &&
          sameAddress(r.address, log.address) &&
          r.data.toLowerCase() === log.data.toLowerCase() &&
          r.blockNumber === log.blockNumber &&
          r.blockHash.toLowerCase() === log.blockHash.toLowerCase() &&
          r.topics.length === log.topics.length &&
          r.topics.every((t, i) => t.toLowerCase() === (log.topics[i] ?? "").toLowerCase()),
      );
    if (same === undefined) {
      throw new LedgerError(
        "HistoryIncomplete",
        `the node's logs contradict its own receipts (log ${log.index} of transaction ${log.transactionHash} is not in its receipt as the logs give it): it edited or invented logs, so no chain of title is drawn from it; use another RPC provider`,
        { transaction: log.transactionHash, logIndex: log.index },
      );
    }
  }
}

function isTransferOf(
  log: { address: string; topics: readonly string[] },
  registry: string,
  licenseId: bigint,
): boolean {
  return (
    sameAddress(log.address, registry) &&
    log.topics[0] === TRANSFER &&
    log.topics.length === 4 &&
    log.topics[3] === word(licenseId)
  );
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
