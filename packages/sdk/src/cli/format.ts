import { formatUnits } from "ethers";

import type { License, Sent } from "../ledger.js";
import { formatTime } from "../title.js";

/**
 * How the command line prints: the sentences, aligned lines, tables and `--json` documents the
 * `license-ledger` bin and the repository's `license:*` Hardhat tasks share. Pure functions over
 * the SDK's types (plus `printResult`, `note` and `ProgressBar`, which write to the process's
 * stdout or stderr).
 */

export { formatTime };

/** JSON with bigints as decimal strings, indented: what `--json` prints. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/**
 * Prints a result on stdout: exactly one JSON document with `--json`, else the readable lines
 * `lines()` builds. Returns `doc` so that a caller gets the data too.
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

/** A license as `--json` prints it. */
export interface LicenseJson {
  licenseId: bigint;
  productId: bigint;
  holder: string;
  seats: bigint;
  status: License["status"];
  valid: boolean;
  validUntil: bigint;
  perpetual: boolean;
  expired: boolean;
  suspended: boolean;
  attested: boolean;
  transferable: boolean;
  splittable: boolean;
  attestationRequired: boolean;
}

/** A license as JSON-ready data (bigints stay bigints; `toJson` turns them into strings). */
export function licenseJson(license: License): LicenseJson {
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

/**
 * An amount in a currency's units, without a trailing ".0": 1.5, 250, 0.000001. (The SDK's
 * `formatAmount` names the currency too: "1.5 ETH".)
 */
export function formatUnitsShort(amount: bigint, decimals: number): string {
  const text = formatUnits(amount, decimals);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** The lines every transaction ends with. */
export function txPairs(sent: Sent): [string, string][] {
  return [
    ["transaction", sent.hash],
    ["block", String(sent.blockNumber)],
    ["gas", String(sent.gasUsed)],
  ];
}

/** A transaction as JSON-ready data. */
export function txJson(sent: Sent): { hash: string; blockNumber: number; gasUsed: bigint } {
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
