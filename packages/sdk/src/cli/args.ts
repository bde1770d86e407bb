import { getAddress, isAddress } from "ethers";

import { LedgerError } from "../errors.js";

/**
 * Reading what a person typed: ids, addresses, times. Each parser returns the value or throws a
 * `UsageError` whose message names the input and what it should have been, so the bin and the
 * Hardhat tasks refuse bad input with the same sentence.
 */

/** The input given on the command line is not what the verb takes. */
export class UsageError extends LedgerError {
  constructor(message: string, args: Record<string, unknown> = {}, cause?: unknown) {
    super("BadArgument", message, args, { cause });
    this.name = "UsageError";
  }
}

/** A whole number (a license or product id, a seat count), or a sentence naming the input. */
export function parseWhole(value: string, what: string, options: { min?: bigint } = {}): bigint {
  const text = value.trim();
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`${what} must be a whole number, got '${value}'`, { what, value });
  }
  const n = BigInt(text);
  if (options.min !== undefined && n < options.min) {
    throw new UsageError(`${what} must be at least ${options.min}, got ${n}`, { what, value });
  }
  return n;
}

/** An address (any case), returned checksummed. */
export function parseAddress(value: string, what: string): string {
  const text = value.trim();
  if (!isAddress(text)) {
    throw new UsageError(`${what} must be an address (0x and 40 hex digits), got '${value}'`, {
      what,
      value,
    });
  }
  return getAddress(text);
}

const UNITS: Record<string, bigint> = { s: 1n, m: 60n, h: 3600n, d: 86_400n, w: 604_800n };
const DURATION = /^\+?(\d+)([smhdw])$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether a time is a duration from now ("90d", "+12h") rather than a point in time. */
export function isDuration(value: string): boolean {
  return DURATION.test(value.trim());
}

/** An ISO 8601 date or date-time as unix seconds (a date alone: midnight UTC; no zone: UTC). */
function parseIsoDate(text: string): bigint | undefined {
  if (!ISO_DATE.test(text)) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /Z|[+-]\d{2}:?\d{2}$/.test(text)
      ? text
      : `${text}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : BigInt(Math.floor(ms / 1000));
}

/**
 * A point in time as unix seconds: unix seconds ("1767225600"), a date or date-time in ISO 8601
 * ("2027-01-01", "2027-01-01T12:00:00Z"; a date alone means midnight UTC), or a duration from
 * `now` ("90d", "12h", "30m", "2w").
 */
export function parseTime(value: string, what: string, now: bigint): bigint {
  const text = value.trim();
  if (/^\d+$/.test(text)) return BigInt(text);
  const duration = DURATION.exec(text);
  if (duration !== null) return now + BigInt(duration[1]!) * UNITS[duration[2]!]!;
  const date = parseIsoDate(text);
  if (date !== undefined) return date;
  throw new UsageError(
    `${what} must be unix seconds, a date such as 2027-01-01, or a duration such as 90d, got '${value}'`,
    { what, value },
  );
}

/** A moment in the chain's past: a block, or a time the SDK resolves to the block then. */
export type Moment = { block: number } | { time: bigint };

/**
 * The bin's `--at`: a block number ("1234567"), or a date or date-time in ISO 8601
 * ("2027-01-01", "2027-01-01T12:00:00Z"; a date alone means midnight UTC).
 */
export function parseMoment(value: string, what: string): Moment {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const block = Number(text);
    if (!Number.isSafeInteger(block)) {
      throw new UsageError(`${what} ${text} is not a block number`, { what, value });
    }
    return { block };
  }
  const time = parseIsoDate(text);
  if (time !== undefined) return { time };
  throw new UsageError(
    `${what} must be a block number or a date such as 2027-01-01 or 2027-01-01T12:00:00Z, got '${value}'`,
    { what, value },
  );
}
