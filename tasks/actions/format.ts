import { isHexString, parseUnits } from "ethers";

import { isDuration, parseTime, parseWhole, type Moment } from "@license-ledger/sdk/cli";
import { fail } from "./common.js";

// ------------------------------------------------------------------ output

/**
 * The output helpers live in the SDK package (`@license-ledger/sdk/cli`), shared with its
 * `license-ledger` bin, so a task and the bin print the same sentences, tables and `--json`.
 */
export {
  ProgressBar,
  formatFlags,
  formatStatus,
  formatTime,
  formatUnitsShort as formatAmount,
  formatValidity,
  idRanges,
  inline,
  keyValues,
  licenseJson,
  note,
  plural,
  printResult,
  progressBar,
  table,
  toJson,
  txJson,
  txPairs,
  yesNo,
} from "@license-ledger/sdk/cli";

// ------------------------------------------------------------------ input

/** The parsers the bin shares; those below are the tasks' own (they end the task with `fail`). */
export { isDuration, parseAddress, parseTime, parseWhole } from "@license-ledger/sdk/cli";

/** A comma-separated list of whole numbers: "3,7". */
export function parseWholeList(value: string, what: string): bigint[] {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === "")) {
    fail(`${what} must be a comma-separated list of whole numbers such as 3,7, got '${value}'`);
  }
  return parts.map((p) => parseWhole(p, what));
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

/** A moment in the chain's past: a block, or a time resolved by the SDK to the block then. */
export type PointInTimeArg = Moment;

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
