import { Interface, ZeroAddress, getAddress, toBeHex, zeroPadValue, type Provider } from "ethers";

import { LicenseMarket__factory, LicenseRegistry__factory } from "./contracts/index.js";
import { LedgerError, toLedgerError } from "./errors.js";
import {
  blockTimes,
  chainOrder,
  fromEthers,
  requestsFor,
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
] as const;

/** Registry events whose first indexed argument is the product id: how the product and its
 * issuers came to be (who vouched for a license's origin). */
export const REGISTRY_PRODUCT_EVENTS = [
  "ProductRegistered",
  "ProductTermsUpdated",
  "ProductControlTransferStarted",
  "ProductControlTransferred",
  "IssuerSet",
] as const;

const REGISTRY = new Interface(LicenseRegistry__factory.abi);
const MARKET = new Interface(LicenseMarket__factory.abi);
const topicOf = (iface: Interface, name: string): string => iface.getEvent(name)!.topicHash;
const TRANSFER = topicOf(REGISTRY, "Transfer");
const LICENSE_SPLIT = topicOf(REGISTRY, "LicenseSplit");
const LICENSE_RELEASED = topicOf(REGISTRY, "LicenseReleased");
const SOLD = topicOf(MARKET, "LicenseSold");
const LICENSE_TOPICS = REGISTRY_LICENSE_EVENTS.map((name) => topicOf(REGISTRY, name));
const PRODUCT_TOPICS = REGISTRY_PRODUCT_EVENTS.map((name) => topicOf(REGISTRY, name));

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
}

/** Receipts fetched at once when looking for a license's transfers. */
const RECEIPT_CONCURRENCY = 16;

/**
 * The events of one license and its product, from the logs alone, in one scan of the block range:
 * one `eth_getLogs` filter takes every registry and market event whose first indexed value is the
 * license id or the product id. The `Transfer`s (whose license id is the third topic) come from
 * the receipts of the transactions that scan found, and, for a transfer in a transaction of its
 * own, from a scan of the few blocks between the release it relied on and the license's next
 * event: every move needs a release since the last one, so no transfer can hide elsewhere. When
 * a long history has more transactions than a second scan of the range takes requests, that scan
 * replaces the receipts. A split child's birth (`LicenseSplit`, where the child is the second
 * topic) takes one more scan.
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
  // Only what the trusted registry and market emitted, with the topics they emit.
  const own = found.filter(
    (log) =>
      (isRegistry(log) && LICENSE_TOPICS.includes(log.topics[0] ?? "")) ||
      (isMarket(log) && log.topics[0] === SOLD),
  );
  const productLogs = found.filter(
    (log) => isRegistry(log) && PRODUCT_TOPICS.includes(log.topics[0] ?? ""),
  );
  const mine = own.filter((log) => log.topics[1] === word(licenseId));

  // A split child: its birth is its parent's LicenseSplit, with the child as the second topic.
  const issued = mine.some((log) => log.topics[0] === topicOf(REGISTRY, "LicenseIssued"));
  if (!issued) {
    const firstOwn = mine[0]?.blockNumber ?? range.toBlock;
    const births = await scan(
      { address: registry, topics: [LICENSE_SPLIT, null, word(licenseId)] },
      range.fromBlock,
      firstOwn,
    );
    mine.push(...births.filter(isRegistry));
  }

  // The license's transfers (the license id is their third topic): from the receipts of the
  // transactions found, and the short windows after releases, or, when that would take more
  // requests than one more scan of the range (a long history on a provider without a tight range
  // limit), from that scan.
  const txs = [...new Set(mine.map((log) => log.transactionHash))];
  const transferFilter = { address: registry, topics: [TRANSFER, null, null, word(licenseId)] };
  const transfers =
    2 * requestsFor(provider, range.fromBlock, range.toBlock) <= txs.length
      ? (await scan(transferFilter, range.fromBlock, range.toBlock)).filter((log) =>
          isTransferOf(log, registry, licenseId),
        )
      : await transfersByReceipts(provider, registry, licenseId, mine, txs, range, (from, to) =>
          scan(transferFilter, from, to),
        );

  const all = chainOrder([...mine, ...transfers, ...productLogs]);
  const known = new Map<number, number>();
  for (const log of all) {
    if (log.blockTimestamp !== undefined) known.set(log.blockNumber, log.blockTimestamp);
  }
  let times: Map<number, number>;
  try {
    times = await blockTimes(
      provider,
      all.map((log) => log.blockNumber),
      known,
    );
  } catch (error) {
    throw toLedgerError(error, `reading the times of the blocks of license ${licenseId}`);
  }
  const events: HistoryEvent[] = [];
  const product: HistoryEvent[] = [];
  for (const log of all) {
    const iface = isMarket(log) ? MARKET : REGISTRY;
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

/** The license's transfers from the receipts of `txs`, and from scans of the windows between a
 * release with no transfer in its transaction and the license's next event. */
async function transfersByReceipts(
  provider: Provider,
  registry: string,
  licenseId: bigint,
  mine: readonly ScannedLog[],
  txs: readonly string[],
  range: ScanRange,
  scanWindow: (from: number, to: number) => Promise<ScannedLog[]>,
): Promise<ScannedLog[]> {
  const transfers: ScannedLog[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < txs.length) {
      const hash = txs[next++]!;
      if (range.stats !== undefined) range.stats.requests += 1;
      const receipt = await provider.getTransactionReceipt(hash);
      if (receipt === null) {
        throw new LedgerError(
          "RpcAnswerMalformed",
          `the node returned a log of transaction ${hash} but no receipt for it`,
          { transaction: hash },
        );
      }
      for (const log of receipt.logs) {
        if (isTransferOf(log, registry, licenseId)) transfers.push(fromEthers(log));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECEIPT_CONCURRENCY, txs.length) }, worker));
  // Every move needs a release since the last one, so a transfer in a transaction of its own
  // lies between a release and the license's next event.
  const ordered = chainOrder([...mine, ...transfers]);
  for (let i = 0; i < ordered.length; i++) {
    const release = ordered[i]!;
    if (release.topics[0] !== LICENSE_RELEASED) continue;
    const later = ordered.slice(i + 1);
    if (
      later.some(
        (log) => log.topics[0] === TRANSFER && log.transactionHash === release.transactionHash,
      )
    ) {
      continue;
    }
    const until = later.find((log) => log.transactionHash !== release.transactionHash);
    if (until?.topics[0] === TRANSFER) continue;
    const window = await scanWindow(release.blockNumber, until?.blockNumber ?? range.toBlock);
    transfers.push(...window.filter((log) => isTransferOf(log, registry, licenseId)));
  }
  return transfers;
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

/** The address in an indexed address topic. */
export function topicAddress(topic: string | undefined): string {
  return getAddress(`0x${(topic ?? ZeroAddress.padEnd(66, "0")).slice(-40)}`);
}
