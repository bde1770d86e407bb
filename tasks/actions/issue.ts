import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { normalizeLicenseKey } from "@license-ledger/sdk";
import type { IssueParams, LicenseLedger } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import {
  ProgressBar,
  formatValidity,
  idRanges,
  isDuration,
  keyValues,
  note,
  parseAddress,
  parseTime,
  parseWhole,
  plural,
  printResult,
  txJson,
  txPairs,
} from "./format.js";
import { chainNow, describeHash, optionalEvidenceHash, hashFile } from "./inputs.js";

export interface IssueArgs extends CommonArgs {
  product: string | undefined;
  holder: string | undefined;
  seats: string | undefined;
  validUntil: string | undefined;
  key: string | undefined;
  evidence: string | undefined;
  evidenceHash: string | undefined;
  csv: string | undefined;
  journal: string | undefined;
  chunk: number;
  concurrency: number;
  resendAfter: number;
}

type Row = Omit<IssueParams, "productId">;

/**
 * The validity a license gets when none is given: none for a perpetual product, the longest its
 * terms allow for a limited one.
 */
async function defaultValidity(ledger: LicenseLedger, productId: bigint): Promise<bigint> {
  const { terms } = await ledger.getProduct(productId);
  if (terms.validityDays === 0) return 0n;
  return (await chainNow(ledger)) + BigInt(terms.validityDays) * 86_400n;
}

/**
 * `npx hardhat license:issue --product 1 --holder 0x... --seats 10 [--valid-until 2027-01-01]
 * [--key <license key>] [--evidence invoice.pdf]`, or in bulk `--product 1 --csv rows.csv`.
 */
export default action(async function issue(args: IssueArgs, hre: HardhatRuntimeEnvironment) {
  if (args.product === undefined) fail("--product is missing: which product's licenses to issue");
  const productId = parseWhole(args.product, "--product", { min: 1n });
  if (args.csv !== undefined) return issueFromCsv(args, productId, hre);
  if (args.journal !== undefined) fail("--journal applies to a batch issuance with --csv");
  if (args.holder === undefined) fail("--holder is missing: who receives the license");
  const holder = parseAddress(args.holder, "--holder");
  const seats = parseWhole(args.seats ?? "1", "--seats", { min: 1n });
  const evidence = await optionalEvidenceHash(args, "first-sale evidence");
  if (args.key !== undefined && normalizeLicenseKey(args.key) === "") {
    fail("--key is empty: give the license key to bind");
  }
  const { ledger } = await openLedger(hre, args);
  const validUntil =
    args.validUntil === undefined
      ? await defaultValidity(ledger, productId)
      : parseTime(args.validUntil, "--valid-until", await chainNow(ledger));
  const sent = await ledger.issue({
    productId,
    holder,
    seats,
    validUntil,
    ...(args.key === undefined ? {} : { licenseKey: args.key }),
    ...(evidence === undefined ? {} : { originEvidence: evidence.hash }),
  });
  const doc = {
    licenseId: sent.licenseId,
    productId,
    holder,
    seats,
    validUntil,
    keyBound: args.key !== undefined,
    originEvidence: evidence?.hash ?? null,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(sent.licenseId)],
      ["product", String(productId)],
      ["holder", holder],
      ["seats", String(seats)],
      ["validity", formatValidity(validUntil)],
      ...(args.key === undefined
        ? []
        : ([["key", "bound (only its commitment is on chain)"]] as [string, string][])),
      ...(evidence === undefined
        ? []
        : ([["evidence", describeHash(evidence)]] as [string, string][])),
      ...txPairs(sent),
    ]),
  );
});

// ------------------------------------------------------------------ CSV batch

const COLUMNS = ["holder", "seats", "validUntil", "licenseKey", "evidenceFile"] as const;
type Column = (typeof COLUMNS)[number];

/** CSV records (RFC 4180: quoted fields, "" for a quote), each with the line it starts on. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      fields.push(field);
      if (fields.some((f) => f.trim() !== "")) records.push({ line: start, fields });
      fields = [];
      field = "";
      line++;
      start = line;
    } else {
      field += c;
    }
  }
  fields.push(field);
  if (fields.some((f) => f.trim() !== "")) records.push({ line: start, fields });
  return records;
}

/**
 * A batch's end of validity: unix seconds or a date, never a duration. A duration is relative to
 * "now", which moves between a run and its rerun: the rows would change, and the journal would
 * no longer recognise them.
 */
function fixedTime(value: string, what: string): bigint {
  if (isDuration(value)) {
    fail(
      `${what} '${value.trim()}' is relative to now: a batch needs a date or unix seconds, so that a rerun with the same journal issues the same rows`,
    );
  }
  return parseTime(value, what, 0n);
}

/** Reads and checks every row before anything is sent. */
async function readRows(
  path: string,
  defaultValidUntil: bigint | undefined,
  limitedDays: number,
): Promise<Row[]> {
  if (!existsSync(path)) fail(`the CSV file ${path} does not exist`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    fail(`the CSV file ${path} cannot be read`, error);
  }
  const [header, ...records] = parseCsv(text);
  if (header === undefined) fail(`the CSV file ${path} is empty`);
  const columns: Column[] = header.fields.map((name) => {
    const column = COLUMNS.find((c) => c.toLowerCase() === name.trim().toLowerCase());
    if (column === undefined) {
      fail(
        `${path}: unknown column '${name.trim()}' in the header: the columns are holder, seats and optionally validUntil, licenseKey, evidenceFile`,
      );
    }
    return column;
  });
  for (const required of ["holder", "seats"] as const) {
    if (!columns.includes(required)) {
      fail(
        `${path}: the header has no '${required}' column (it needs holder,seats[,validUntil][,licenseKey][,evidenceFile])`,
      );
    }
  }
  if (records.length === 0) fail(`the CSV file ${path} has no rows under its header`);
  const keysSeen = new Map<string, number>();
  const evidenceHashes = new Map<string, string>();
  const rows: Row[] = [];
  for (const [index, record] of records.entries()) {
    const label = `row ${index + 1}`;
    const where = `(${path} line ${record.line})`;
    const fields = record.fields;
    if (fields.length !== columns.length) {
      fail(
        `${label}: expected ${columns.length} values (${columns.join(", ")}), got ${fields.length} ${where}`,
      );
    }
    const cell = (column: Column): string | undefined => {
      const i = columns.indexOf(column);
      const value = i < 0 ? undefined : fields[i]?.trim();
      return value === "" ? undefined : value;
    };
    const withRow = <T>(parse: () => T): T => {
      try {
        return parse();
      } catch (error) {
        if (error instanceof Error) error.message = `${error.message} ${where}`;
        throw error;
      }
    };
    const holder = withRow(() => parseAddress(cell("holder") ?? "", `${label}: holder`));
    const seats = withRow(() => parseWhole(cell("seats") ?? "", `${label}: seats`, { min: 1n }));
    const validText = cell("validUntil");
    const validUntil =
      validText !== undefined
        ? withRow(() => fixedTime(validText, `${label}: validUntil`))
        : defaultValidUntil;
    if (validUntil === undefined) {
      fail(
        `${label}: validUntil is missing: licenses of this product are valid for at most ${limitedDays} days, so give each row a validUntil or give --valid-until (a date: a rerun must issue the same rows) ${where}`,
      );
    }
    const licenseKey = cell("licenseKey");
    if (licenseKey !== undefined) {
      const normalized = normalizeLicenseKey(licenseKey);
      const earlier = keysSeen.get(normalized);
      if (earlier !== undefined) {
        fail(
          `${label}: licenseKey is the same as row ${earlier}'s: a key binds one license ${where}`,
        );
      }
      keysSeen.set(normalized, index + 1);
    }
    const evidenceFile = cell("evidenceFile");
    let originEvidence: string | undefined;
    if (evidenceFile !== undefined) {
      const file = isAbsolute(evidenceFile) ? evidenceFile : join(dirname(path), evidenceFile);
      originEvidence = evidenceHashes.get(file);
      if (originEvidence === undefined) {
        if (!existsSync(file)) {
          fail(
            `${label}: the evidence file ${evidenceFile} does not exist (looked for ${file}) ${where}`,
          );
        }
        originEvidence = await hashFile(file, "evidence");
        evidenceHashes.set(file, originEvidence);
      }
    }
    rows.push({
      holder,
      seats,
      validUntil,
      ...(licenseKey === undefined ? {} : { licenseKey }),
      ...(originEvidence === undefined ? {} : { originEvidence }),
    });
  }
  return rows;
}

async function issueFromCsv(args: IssueArgs, productId: bigint, hre: HardhatRuntimeEnvironment) {
  const csv = args.csv!;
  for (const [value, option] of [
    [args.holder, "--holder"],
    [args.seats, "--seats"],
    [args.key, "--key"],
    [args.evidence, "--evidence"],
    [args.evidenceHash, "--evidence-hash"],
  ] as const) {
    if (value !== undefined) {
      fail(`${option} applies to a single issuance: with --csv, each row gives its own`);
    }
  }
  if (!Number.isInteger(args.chunk) || args.chunk < 1) {
    fail(`--chunk must be a whole number of rows per transaction, at least 1, got ${args.chunk}`);
  }
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) {
    fail(
      `--concurrency must be a whole number of transactions, at least 1, got ${args.concurrency}`,
    );
  }
  if (!Number.isInteger(args.resendAfter) || args.resendAfter < 1) {
    fail(`--resend-after must be a whole number of seconds, at least 1, got ${args.resendAfter}`);
  }
  if (!existsSync(csv)) fail(`the CSV file ${csv} does not exist`);
  const { ledger } = await openLedger(hre, args);
  const { terms } = await ledger.getProduct(productId);
  const fallback =
    args.validUntil !== undefined
      ? fixedTime(args.validUntil, "--valid-until")
      : terms.validityDays === 0
        ? 0n
        : undefined;
  const rows = await readRows(csv, fallback, terms.validityDays);
  const journal = args.journal ?? `${csv}.journal.jsonl`;
  const transactions = Math.ceil(rows.length / args.chunk);
  note(
    `issuing ${plural(rows.length, "license")} of product ${productId} in ${plural(transactions, "transaction")} of up to ${plural(args.chunk, "row")} (journal ${journal})`,
  );
  const bar = new ProgressBar(transactions);
  const result = await ledger
    .issueMany(productId, rows, {
      chunkSize: args.chunk,
      concurrency: args.concurrency,
      journalPath: journal,
      resendAfterMs: args.resendAfter * 1000,
      onWait: (w) => bar.say(w.message),
      onProgress: (p) =>
        bar.update(
          p.done,
          `${p.step.description}: ${p.outcome === "resumed" ? "done in an earlier run" : "confirmed"} ${p.hash}`,
        ),
    })
    .finally(() => bar.finish());
  const ids = result.licenseIds;
  const doc = {
    productId,
    count: ids.length,
    licenseIds: ids,
    firstLicenseId: ids[0] ?? null,
    lastLicenseId: ids[ids.length - 1] ?? null,
    sent: result.sent,
    resumed: result.resumed,
    journal,
    transactions: result.receipts.map((r) => r.hash),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["product", String(productId)],
      ["issued", plural(ids.length, "license")],
      ["ids", idRanges(ids)],
      ["transactions", `${result.sent} sent now, ${result.resumed} done in an earlier run`],
      ["journal", journal],
    ]),
  );
}
