import { ZeroAddress, ZeroHash, getAddress } from "ethers";

import { keyCommitment } from "../hashing.js";
import type { CommittedLeaf } from "./leaf.js";

/**
 * The CSV a publisher or dealer writes for a committed issuance run: one license per row, a
 * header line naming the columns (any order), license ids assigned in row order from the run's
 * first id. Pure parsing of one row; reading the file is `buildRunFromCsv` (merkle/build.js).
 *
 * | column           | required | value                                                               |
 * | ---------------- | -------- | ------------------------------------------------------------------- |
 * | `holder`         | yes      | the first holder's address (0x and 40 hex digits)                   |
 * | `seats`          | yes      | 1 to 4,294,967,295                                                  |
 * | `validUntil`     | no       | empty or 0: perpetual; unix seconds or a date `YYYY-MM-DD` (00:00 UTC) |
 * | `region`         | no       | empty or `unrecorded`, `EEA` (or `EU`), `Switzerland` (or `CH`), `elsewhere` |
 * | `licenseKey`     | no       | the license key: only its commitment goes into the leaf             |
 * | `keyCommitment`  | no       | a commitment computed elsewhere (0x and 64 hex digits); not with `licenseKey` |
 * | `originEvidence` | no       | SHA-256 of the first-sale evidence (0x and 64 hex digits); onboarders need it |
 */
export const CSV_COLUMNS = [
  "holder",
  "seats",
  "validUntil",
  "region",
  "licenseKey",
  "keyCommitment",
  "originEvidence",
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The largest seat count a license holds (the registry stores seats in 32 bits). */
export const MAX_LEAF_SEATS = 0xffff_ffffn;
/** The latest `validUntil` the registry stores (48 bits of unix seconds). */
export const MAX_VALID_UNTIL = 2n ** 48n - 1n;

const REGION_NAMES: Record<string, number> = {
  "": 0,
  "0": 0,
  unrecorded: 0,
  "1": 1,
  eea: 1,
  eu: 1,
  "eu/eea": 1,
  "2": 2,
  switzerland: 2,
  ch: 2,
  "3": 3,
  elsewhere: 3,
};

/** A row refused: the reason as a sentence (the caller adds the file and line). */
export class CsvRowError extends Error {}

/** The columns of a header line, in order; throws a `CsvRowError` naming what is wrong. */
export function parseCsvHeader(line: string): CsvColumn[] {
  const names = splitCsvLine(line).map((name) => name.trim());
  const known = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns: CsvColumn[] = [];
  for (const name of names) {
    const column = known.get(name.toLowerCase());
    if (!column)
      throw new CsvRowError(
        name === ""
          ? "the header line has an empty column name"
          : `the header names an unknown column "${name}"; the columns are ${CSV_COLUMNS.join(", ")}`,
      );
    if (columns.includes(column))
      throw new CsvRowError(`the header names the column "${column}" twice`);
    columns.push(column);
  }
  for (const required of ["holder", "seats"] as const)
    if (!columns.includes(required))
      throw new CsvRowError(
        `the first line must be a header naming the columns, with at least "holder" and "seats" (found: ${names.join(",") || "nothing"})`,
      );
  if (columns.includes("licenseKey") && columns.includes("keyCommitment"))
    throw new CsvRowError(`give either "licenseKey" or "keyCommitment", not both`);
  return columns;
}

/** Splits a CSV line on commas; a field may be in double quotes (with "" for a quote inside). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new CsvRowError("a quoted field is not closed");
        value += line.slice(i, quote);
        i = quote + 1;
        if (line[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ",")
        throw new CsvRowError("a quoted field must be followed by a comma or the line's end");
      i++;
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) throw new CsvRowError("a double quote may only open a field");
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

const DECIMAL = /^[0-9]{1,20}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function parseHolder(value: string): string {
  if (!ADDRESS.test(value))
    throw new CsvRowError(`the holder "${value}" is not an address (0x followed by 40 hex digits)`);
  const lower = value.toLowerCase();
  if (lower === ZeroAddress)
    throw new CsvRowError("the holder is the zero address: nobody could ever hold that license");
  // Mixed case carries a checksum: a typo in it is caught here, before it is committed for good.
  if (value !== lower && value.slice(2) !== value.slice(2).toUpperCase()) {
    try {
      getAddress(value);
    } catch {
      throw new CsvRowError(
        `the holder "${value}" has a wrong checksum (its upper and lower case letters): check for a typo`,
      );
    }
  }
  return lower;
}

function parseSeats(value: string): bigint {
  if (!DECIMAL.test(value)) throw new CsvRowError(`the seats "${value}" are not a whole number`);
  const seats = BigInt(value);
  if (seats < 1n) throw new CsvRowError("the seats must be at least 1");
  if (seats > MAX_LEAF_SEATS)
    throw new CsvRowError(`the seats ${value} exceed ${MAX_LEAF_SEATS}, the most a license holds`);
  return seats;
}

function parseValidUntil(value: string): bigint {
  if (value === "" || value === "0") return 0n;
  const date = DATE.exec(value);
  if (date) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    const back = new Date(ms);
    if (back.getUTCMonth() !== Number(date[2]) - 1 || back.getUTCDate() !== Number(date[3]))
      throw new CsvRowError(`the date "${value}" does not exist`);
    return BigInt(ms / 1000);
  }
  if (!DECIMAL.test(value))
    throw new CsvRowError(
      `validUntil "${value}" is neither unix seconds nor a date YYYY-MM-DD (empty or 0 for perpetual)`,
    );
  const seconds = BigInt(value);
  if (seconds > MAX_VALID_UNTIL)
    throw new CsvRowError(`validUntil ${value} is too far in the future (is it in milliseconds?)`);
  return seconds;
}

function parseRegion(value: string): number {
  const region = REGION_NAMES[value.toLowerCase()];
  if (region === undefined)
    throw new CsvRowError(
      `the region "${value}" is not one of unrecorded, EEA, Switzerland, elsewhere (or empty)`,
    );
  return region;
}

function parseHash(value: string, what: string): string {
  if (value === "" || value === "0") return ZeroHash;
  if (!BYTES32.test(value))
    throw new CsvRowError(`the ${what} "${value}" is not 0x followed by 64 hex digits`);
  return value.toLowerCase();
}

/** One row's leaf, given its license id; throws a `CsvRowError` naming what is wrong. */
export function parseCsvRow(
  line: string,
  columns: readonly CsvColumn[],
  productId: bigint,
  licenseId: bigint,
): CommittedLeaf {
  const fields = splitCsvLine(line);
  if (fields.length !== columns.length)
    throw new CsvRowError(
      `the row has ${fields.length} field${fields.length === 1 ? "" : "s"} but the header names ${columns.length} columns`,
    );
  const leaf: CommittedLeaf = {
    licenseId,
    holder: "",
    seats: 0n,
    validUntil: 0n,
    region: 0,
    keyCommitment: ZeroHash,
    originEvidence: ZeroHash,
  };
  for (let i = 0; i < columns.length; i++) {
    const value = fields[i]!.trim();
    switch (columns[i]!) {
      case "holder":
        leaf.holder = parseHolder(value);
        break;
      case "seats":
        leaf.seats = parseSeats(value);
        break;
      case "validUntil":
        leaf.validUntil = parseValidUntil(value);
        break;
      case "region":
        leaf.region = parseRegion(value);
        break;
      case "licenseKey":
        if (value !== "") leaf.keyCommitment = keyCommitment(productId, value);
        break;
      case "keyCommitment":
        leaf.keyCommitment = parseHash(value, "key commitment");
        break;
      case "originEvidence":
        leaf.originEvidence = parseHash(value, "origin evidence");
        break;
    }
  }
  return leaf;
}
