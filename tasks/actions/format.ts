import { formatUnits, getAddress, isAddress, isHexString, parseUnits } from "ethers";

import type { License, Sent } from "@license-ledger/sdk";
import { fail } from "./common.js";

// ------------------------------------------------------------------ output

/** JSON with bigints as decimal strings, indented: what `--json` prints. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/**
 * Prints a task's result on stdout: exactly one JSON document with `--json`, else the readable
 * lines `lines()` builds. Returns `doc` so that a script running the task gets the data too.
 */
export function printResult<T>(json: boolean, doc: T, lines: () => string[]): T {
  if (json) {
    console.log(toJson(doc));
  } else {
    for (const line of lines()) console.log(line);
  }
  return doc;
}

/** A note for the reader on stderr (never mixed into stdout, so `--json` output stays parseable). */
export function note(message: string): void {
  console.error(message);
}

/** `key  value` lines with the values aligned in one column. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${key.padEnd(width)}  ${value}`);
}

/** `key value  key value ...` on one line. */
export function inline(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([key, value]) => `${key} ${value}`).join("  ");
}

/** A table with a header row and left-aligned columns. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ");
  return [line(headers), ...rows.map(line)];
}

export const yesNo = (value: boolean): string => (value ? "yes" : "no");

/** "1 license", "6 licenses" */
export const plural = (count: number, word: string): string =>
  `${count} ${word}${count === 1 ? "" : "s"}`;

/** Unix seconds as an ISO date and time in UTC, without milliseconds. */
export function formatTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** "perpetual", or "until <date>" with "(expired)" once past. */
export function formatValidity(validUntil: bigint, expired = false): string {
  if (validUntil === 0n) return "perpetual";
  return `until ${formatTime(validUntil)}${expired ? " (expired)" : ""}`;
}

/** The status a reader needs: the recorded status, and "suspended" or "expired" on top. */
export function formatStatus(license: License): string {
  const extra = [license.suspended ? "suspended" : "", license.expired ? "expired" : ""].filter(
    (s) => s !== "",
  );
  return extra.length === 0 ? license.status : `${license.status} (${extra.join(", ")})`;
}

/** The terms and state flags of a license, as words. */
export function formatFlags(license: License): string {
  const flags = [
    license.transferable ? "transferable" : "not transferable",
    license.splittable ? "splittable" : "not splittable",
  ];
  if (license.attestationRequired) {
    flags.push(license.attested ? "attestation required (attested)" : "attestation required");
  }
  return flags.join(", ");
}

/** A license as JSON-ready data (bigints stay bigints; `toJson` turns them into strings). */
export function licenseJson(license: License) {
  return {
    licenseId: license.licenseId,
    productId: license.productId,
    holder: license.holder,
    seats: license.seats,
    status: license.status,
    valid: license.valid,
    validUntil: license.validUntil,
    perpetual: license.validUntil === 0n,
    expired: license.expired,
    suspended: license.suspended,
    attested: license.attested,
    transferable: license.transferable,
    splittable: license.splittable,
    attestationRequired: license.attestationRequired,
  };
}

/** An amount in a currency's units, without a trailing ".0": 1.5, 250, 0.000001. */
export function formatAmount(amount: bigint, decimals: number): string {
  const text = formatUnits(amount, decimals);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** The lines every transaction task ends with. */
export function txPairs(sent: Sent): [string, string][] {
  return [
    ["transaction", sent.hash],
    ["block", String(sent.blockNumber)],
    ["gas", String(sent.gasUsed)],
  ];
}

/** A transaction as JSON-ready data. */
export function txJson(sent: Sent) {
  return { hash: sent.hash, blockNumber: sent.blockNumber, gasUsed: sent.gasUsed };
}

/** Consecutive ids shown as ranges: "1000000000006..1000000000011, 1000000000020". */
export function idRanges(ids: readonly bigint[]): string {
  const parts: string[] = [];
  let start: bigint | undefined;
  let previous: bigint | undefined;
  const flush = () => {
    if (start === undefined || previous === undefined) return;
    parts.push(start === previous ? `${start}` : `${start}..${previous}`);
  };
  for (const id of ids) {
    if (previous !== undefined && id === previous + 1n) {
      previous = id;
      continue;
    }
    flush();
    start = id;
    previous = id;
  }
  flush();
  return parts.join(", ");
}

/** `[#####.....] 3/6 transactions` */
export function progressBar(done: number, total: number, width = 10): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} transactions`;
}

/**
 * Progress of a batch on stderr. On a terminal the bar is redrawn in place; otherwise (a log, a
 * pipe, a test) every step prints one line, so the progress can be read afterwards.
 */
export class ProgressBar {
  private readonly tty = process.stderr.isTTY === true;
  private drawn = false;

  constructor(private readonly total: number) {}

  private last: string | undefined;

  update(done: number, detail: string): void {
    const line = `${progressBar(done, this.total)}  ${detail}`;
    this.last = line;
    this.draw(line);
  }

  /** A sentence on a line of its own (what the batch waits for), the bar redrawn under it. */
  say(message: string): void {
    if (this.tty && this.drawn) {
      process.stderr.write(`\r\u001b[K${message}\n`);
      this.drawn = false;
      if (this.last !== undefined) this.draw(this.last);
    } else {
      process.stderr.write(`${message}\n`);
    }
  }

  private draw(line: string): void {
    if (this.tty) {
      // A redrawn line must not wrap: `\r` returns only to the start of the last screen row.
      const columns = process.stderr.columns > 0 ? process.stderr.columns : 80;
      const width = Math.max(20, columns - 1);
      const shown = line.length > width ? `${line.slice(0, width - 1)}…` : line;
      process.stderr.write(`\r${shown}\u001b[K`);
      this.drawn = true;
    } else {
      process.stderr.write(`${line}\n`);
    }
  }

  /** Ends the redrawn line, so what follows starts on a line of its own. */
  finish(): void {
    if (this.tty && this.drawn) process.stderr.write("\n");
    this.drawn = false;
  }
}

// ------------------------------------------------------------------ input

/** A whole number (a license or product id, a seat count), or a sentence naming the input. */
export function parseWhole(value: string, what: string, options: { min?: bigint } = {}): bigint {
  const text = value.trim();
  if (!/^\d+$/.test(text)) fail(`${what} must be a whole number, got '${value}'`);
  const n = BigInt(text);
  if (options.min !== undefined && n < options.min) {
    fail(`${what} must be at least ${options.min}, got ${n}`);
  }
  return n;
}

/** A comma-separated list of whole numbers: "3,7". */
export function parseWholeList(value: string, what: string): bigint[] {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === "")) {
    fail(`${what} must be a comma-separated list of whole numbers such as 3,7, got '${value}'`);
  }
  return parts.map((p) => parseWhole(p, what));
}

/** An address (any case), returned checksummed. */
export function parseAddress(value: string, what: string): string {
  const text = value.trim();
  if (!isAddress(text)) fail(`${what} must be an address (0x and 40 hex digits), got '${value}'`);
  return getAddress(text);
}

/** A 32-byte hash: 0x and 64 hex digits. */
export function parseHash(value: string, what: string): string {
  const text = value.trim();
  if (!isHexString(text, 32)) {
    fail(`${what} must be a 32-byte hash (0x and 64 hex digits), got '${value}'`);
  }
  return text.toLowerCase();
}

/** A decimal amount in a currency's units ("1.5" ETH, "250" of a 6-decimals token). */
export function parseAmount(value: string, decimals: number, what: string, unit: string): bigint {
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text) && !/^\.\d+$/.test(text)) {
    fail(`${what} must be a decimal amount such as 1.5, got '${value}'`);
  }
  const fraction = text.split(".")[1] ?? "";
  if (fraction.length > decimals) {
    fail(`${what} ${text} has more decimals than ${unit} has (${decimals})`);
  }
  return parseUnits(text.startsWith(".") ? `0${text}` : text, decimals);
}

const UNITS: Record<string, bigint> = { s: 1n, m: 60n, h: 3600n, d: 86_400n, w: 604_800n };
const DURATION = /^\+?(\d+)([smhdw])$/;

/** Whether a time is a duration from now ("90d", "+12h") rather than a point in time. */
export function isDuration(value: string): boolean {
  return DURATION.test(value.trim());
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
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(text)
      ? `${text}T00:00:00Z`
      : /Z|[+-]\d{2}:?\d{2}$/.test(text)
        ? text
        : `${text}Z`;
    const ms = Date.parse(iso);
    if (!Number.isNaN(ms)) return BigInt(Math.floor(ms / 1000));
  }
  fail(
    `${what} must be unix seconds, a date such as 2027-01-01, or a duration such as 90d, got '${value}'`,
  );
}

/** A moment in the chain's past: a block, or a time resolved by the SDK to the block then. */
export type PointInTimeArg = { block: number } | { time: bigint };

/**
 * `--at-block N` or `--at-time <date>` (not both), or `undefined` for neither (the latest block).
 * A time is unix seconds, a date (midnight UTC) or a date-time, never a duration.
 */
export function parsePointInTime(args: {
  atBlock: string | undefined;
  atTime: string | undefined;
}): PointInTimeArg | undefined {
  if (args.atBlock !== undefined && args.atTime !== undefined) {
    fail("give --at-block or --at-time, not both");
  }
  if (args.atBlock !== undefined) return { block: Number(parseWhole(args.atBlock, "--at-block")) };
  if (args.atTime === undefined) return undefined;
  if (isDuration(args.atTime)) {
    fail(
      `--at-time must be a moment, unix seconds or a date such as 2027-01-01, got the duration '${args.atTime}'`,
    );
  }
  return { time: parseTime(args.atTime, "--at-time", 0n) };
}

/** Revocation reason codes (ILicenseRegistry.LicenseRevoked), by name. */
export const REVOCATION_REASONS: Readonly<Record<string, number>> = {
  refund: 1,
  fraud: 2,
  "court-order": 3,
  "publisher-error": 4,
};

/** The name of a reason code, or the code itself for a publisher-defined one. */
export function reasonName(code: number): string {
  return Object.entries(REVOCATION_REASONS).find(([, c]) => c === code)?.[0] ?? String(code);
}

/** A reason name (refund, fraud, court-order, publisher-error) or a code from 1 to 65535. */
export function parseReason(value: string): number {
  const text = value.trim().toLowerCase();
  const named = REVOCATION_REASONS[text];
  if (named !== undefined) return named;
  if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 65_535) return Number(text);
  fail(
    `unknown reason '${value}': use refund, fraud, court-order, publisher-error or a number from 1 to 65535`,
  );
}
