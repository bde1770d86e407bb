import {
  JsonRpcApiProvider,
  getBigInt,
  toQuantity,
  type Log,
  type Provider,
  type TopicFilter,
} from "ethers";

import { LedgerError } from "./errors.js";

/**
 * `eth_getLogs` over long block ranges, through whatever limits the provider has.
 *
 * One scan asks for the whole range at once; when the provider refuses, the page is sized from
 * what its refusal says (Alchemy's "this block range should work: [0x.., 0x..]", Infura's "Try
 * with this block range [0x.., 0x..]", "range N exceeds limit of M", "maximum block range: N",
 * "block range is too wide", "more than 10000 results"), or halved when it says nothing usable.
 * A stated range limit is kept for the provider and never exceeded again; a page cut for the
 * number of results grows back (doubling) after successes. So a range-capped provider costs
 * about (blocks / cap) + 1 requests, and an uncapped or result-capped one a handful.
 */

/** A log as the scan returns it. */
export interface ScannedLog {
  address: string;
  topics: readonly string[];
  data: string;
  blockNumber: number;
  blockHash: string;
  transactionHash: string;
  /** The log's index in its block. */
  index: number;
}

export interface LogFilter {
  address: string | string[];
  topics: TopicFilter;
}

/** What the scans of one provider have learned about its limits, and what they cost. */
interface ProviderLimits {
  /** The largest range the provider accepts, when it said so; never exceeded again. */
  rangeCap: number | undefined;
  /** The page size to start the next scan with. */
  pageSize: number | undefined;
  /** The size the provider last suggested: suggested twice, it is taken as a range cap. */
  suggested: number | undefined;
}

const limitsOf = new WeakMap<object, ProviderLimits>();

/** Successes in a row before a page cut for results grows back. */
const GROW_AFTER = 4;

/** Counts requests, for figures and tests (`requests` across all scans of one counter). */
export interface ScanStats {
  requests: number;
  refusals: number;
}

/** A fresh counter. */
export const scanStats = (): ScanStats => ({ requests: 0, refusals: 0 });

export interface ScanOptions {
  /** First page size (default: the whole range, or what this provider taught earlier scans). */
  pageSize?: number;
  /** Adds this scan's requests to a counter. */
  stats?: ScanStats;
}

/**
 * Every log matching `filter` in `[fromBlock, toBlock]`, in chain order, fetched in as few
 * requests as the provider allows (see the module's comment).
 */
export async function scanLogs(
  provider: Provider,
  filter: LogFilter,
  fromBlock: number,
  toBlock: number,
  options: ScanOptions = {},
): Promise<ScannedLog[]> {
  const logs: ScannedLog[] = [];
  if (toBlock < fromBlock) return logs;
  let limits = limitsOf.get(provider);
  if (limits === undefined) {
    limits = { rangeCap: undefined, pageSize: undefined, suggested: undefined };
    limitsOf.set(provider, limits);
  }
  const whole = toBlock - fromBlock + 1;
  let size = Math.max(1, Math.min(options.pageSize ?? limits.pageSize ?? whole, whole));
  if (limits.rangeCap !== undefined) size = Math.min(size, limits.rangeCap);
  let streak = 0;
  for (let start = fromBlock; start <= toBlock;) {
    const end = Math.min(toBlock, start + size - 1);
    if (options.stats !== undefined) options.stats.requests += 1;
    try {
      logs.push(...(await getLogs(provider, filter, start, end)));
      start = end + 1;
      streak += 1;
      // Remember the size that worked; grow (within this scan) after a run of successes.
      limits.pageSize = size;
      const cap = limits.rangeCap ?? Number.MAX_SAFE_INTEGER;
      if (streak >= GROW_AFTER && size < cap) {
        size = Math.min(size * 2, cap);
        streak = 0;
      }
    } catch (error) {
      if (options.stats !== undefined) options.stats.refusals += 1;
      streak = 0;
      const hint = limitHint(error, start, end);
      if (hint === undefined) throw error;
      if (hint.suggested === true) {
        // The same suggestion twice (after growing past it): the provider caps the range there.
        if (limits.suggested === hint.size) hint.rangeCap = hint.size;
        limits.suggested = hint.size;
      }
      if (hint.rangeCap !== undefined) {
        limits.rangeCap = Math.min(limits.rangeCap ?? hint.rangeCap, hint.rangeCap);
      }
      const next = Math.max(1, Math.min(hint.size, limits.rangeCap ?? hint.size));
      if (next >= end - start + 1) {
        if (end === start) throw error;
        size = Math.ceil((end - start + 1) / 2);
      } else {
        size = next;
      }
      limits.pageSize = size;
    }
  }
  return logs;
}

/** A provider's refusal read as a page size to try next, or undefined when the refusal is not
 * about the size of the request (a network failure, a bad filter): then the scan fails. */
export function limitHint(
  error: unknown,
  start: number,
  end: number,
): { size: number; rangeCap?: number; suggested?: boolean } | undefined {
  const text = errorText(error);
  const asked = end - start + 1;
  // "this block range should work: [0x0, 0xd043b8]" (Alchemy), "Try with this block range
  // [0x1, 0x2]." (Infura): a range that will work, starting where we asked.
  const suggested =
    /(?:should work|try with this block range)\D*\[\s*(0x[0-9a-f]+)\s*,\s*(0x[0-9a-f]+)\s*\]/i.exec(
      text,
    );
  // Alchemy's range limit, stated in the same message: "up to a 2K block range".
  const alchemyCap = /up to a ([0-9]+)(k?) block range/i.exec(text);
  const rangeCapOf = (): number | undefined =>
    alchemyCap === null
      ? undefined
      : Number(alchemyCap[1]) * (alchemyCap[2]?.toLowerCase() === "k" ? 1000 : 1);
  if (suggested !== null) {
    const from = Number(getBigInt(suggested[1] ?? "0x0"));
    const to = Number(getBigInt(suggested[2] ?? "0x0"));
    const size = to >= from ? to - from + 1 : 1;
    // A suggestion that reaches back before our page is about where it starts: take its span.
    return { size: Math.max(1, Math.min(size, asked - 1 || 1)), suggested: true };
  }
  const stated =
    /range (?:of )?([0-9]+) (?:blocks )?exceeds (?:the )?limit of ([0-9]+)/i.exec(text) ??
    /(?:maximum|max) (?:block )?range(?: allowed)?(?: is)?:?\s*([0-9]+)/i.exec(text);
  if (stated !== null) {
    const cap = Number(stated[2] ?? stated[1]);
    if (cap > 0) return { size: cap, rangeCap: cap };
  }
  if (
    /block range (?:is )?too (?:wide|large|big)|range too large|exceed(?:s|ed)? .*block range/i.test(
      text,
    )
  ) {
    const cap = rangeCapOf();
    return cap === undefined ? { size: Math.ceil(asked / 2) } : { size: cap, rangeCap: cap };
  }
  if (
    /more than [0-9]+ results|too many (?:results|logs)|response size (?:exceeded|is larger)|result (?:set )?too large|limit exceeded|query timeout|timed? ?out/i.test(
      text,
    )
  ) {
    const cap = rangeCapOf();
    return { size: Math.ceil(asked / 2), ...(cap === undefined ? {} : { rangeCap: cap }) };
  }
  return undefined;
}

/** Everything an error says, message and RPC error body, as one string to search. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || value === null || value === undefined || seen.has(value)) return;
    if (typeof value === "string") {
      parts.push(value);
      return;
    }
    if (typeof value !== "object") return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of ["message", "shortMessage", "error", "info", "body", "data", "cause"]) {
      visit(record[key], depth + 1);
    }
  };
  visit(error, 0);
  return parts.join(" | ").slice(0, 8_000);
}

interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  removed?: boolean;
}

/** One `eth_getLogs`: raw over JSON-RPC when the provider is ethers' JSON-RPC provider (so the
 * node's refusal reaches `limitHint` whole), else through the provider's `getLogs`. */
async function getLogs(
  provider: Provider,
  filter: LogFilter,
  fromBlock: number,
  toBlock: number,
): Promise<ScannedLog[]> {
  if (provider instanceof JsonRpcApiProvider) {
    const raw: unknown = await provider.send("eth_getLogs", [
      {
        address: filter.address,
        topics: filter.topics,
        fromBlock: toQuantity(fromBlock),
        toBlock: toQuantity(toBlock),
      },
    ]);
    if (!Array.isArray(raw)) {
      throw new LedgerError(
        "RpcAnswerMalformed",
        `the node answered eth_getLogs with something other than a list of logs`,
        { fromBlock, toBlock },
      );
    }
    return (raw as RawLog[]).filter((log) => log.removed !== true).map(fromRaw);
  }
  const logs = await provider.getLogs({ ...filter, fromBlock, toBlock });
  return logs.map(fromEthers);
}

function fromRaw(log: RawLog): ScannedLog {
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: Number(getBigInt(log.blockNumber)),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    index: Number(getBigInt(log.logIndex)),
  };
}

/** An ethers `Log` (of `getLogs` or a receipt) as the scans return logs. */
export function fromEthers(log: Log): ScannedLog {
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    index: log.index,
  };
}

/** Sorts logs into chain order (block, then index) and drops exact repeats. */
export function chainOrder<T extends { blockNumber: number; index: number }>(logs: T[]): T[] {
  const seen = new Set<string>();
  return [...logs]
    .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
    .filter((log) => {
      const key = `${log.blockNumber}:${log.index}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/**
 * The timestamps of `blocks` (block number to the block hash the logs name), fetched concurrently
 * (at most `concurrency` at once). A block whose hash is not the one the logs name is refused:
 * the logs come from another chain or fork than the node's blocks.
 */
export async function blockTimes(
  provider: Provider,
  blocks: ReadonlyMap<number, string>,
  concurrency = 16,
): Promise<Map<number, number>> {
  const times = new Map<number, number>();
  const missing = [...blocks.keys()];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      const number = missing[next++]!;
      const b = await provider.getBlock(number);
      if (b === null) {
        throw new LedgerError("BlockNotMined", `block ${number} is not on the chain`, {
          block: number,
        });
      }
      const expected = blocks.get(number)!.toLowerCase();
      if ((b.hash ?? "").toLowerCase() !== expected) {
        throw new LedgerError(
          "HistoryIncomplete",
          `the node's block ${number} has the hash ${String(b.hash)}, but its logs name ${expected}: its answers come from different chains, so no chain of title is drawn from them`,
          { block: number },
        );
      }
      times.set(number, b.timestamp);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, worker));
  return times;
}

/**
 * Backwards-compatible paged scan (the SDK's earlier API): every log of `filter` in the range,
 * as ethers `Log`-shaped objects, paged from `pageSize`.
 */
export async function getLogsPaged(
  provider: Provider,
  filter: LogFilter,
  fromBlock: number,
  toBlock: number,
  pageSize: number,
): Promise<ScannedLog[]> {
  return scanLogs(provider, filter, fromBlock, toBlock, { pageSize });
}
