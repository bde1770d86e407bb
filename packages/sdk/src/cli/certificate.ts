import { writeFileSync } from "node:fs";
import { extname } from "node:path";

import { PDFDocument } from "pdf-lib";

import { certificateToJson } from "../certificate.js";
import { certificatePdf, describeCertificateStatus } from "../certificate-pdf.js";
import { LedgerError } from "../errors.js";
import type { LicenseLedger } from "../ledger.js";
import { UsageError, parseWhole } from "./args.js";
import { formatTime, keyValues, plural } from "./format.js";
import { stringOption, type Report, type Verb } from "./verb.js";

/**
 * Draws a license's certificate of title and writes it as a PDF (its JSON embedded) or as the
 * JSON alone. Shared by the bin's `certificate` and `license:certificate`.
 */

export interface CertificateQuery {
  licenseId: bigint;
  /** A block number, "latest" or "finalized" (default: finalized on public networks). */
  atBlock?: number | "latest" | "finalized" | undefined;
  /** The file to write: .pdf or .json. */
  out: string;
  /** How the file is named in the output (default: `out`). */
  shownAs?: string;
}

/** "15.2 kB" */
const kilobytes = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/** `--at-block` as typed: a block number, `latest` or `finalized`. */
export function parseDrawBlock(value: string, what: string): number | "latest" | "finalized" {
  if (value === "latest" || value === "finalized") return value;
  return Number(parseWhole(value, what));
}

/** Checks the output file's extension (before anything is read from the chain). */
export function certificateFormat(out: string): "pdf" | "json" {
  const format = extname(out).toLowerCase();
  if (format !== ".pdf" && format !== ".json") {
    throw new UsageError(`--out must name a .pdf or a .json file, got '${out}'`, { out });
  }
  return format === ".pdf" ? "pdf" : "json";
}

export async function certificateReport(
  ledger: LicenseLedger,
  query: CertificateQuery,
): Promise<Report> {
  const format = certificateFormat(query.out);
  const cert = await ledger.certificate(
    query.licenseId,
    query.atBlock === undefined ? {} : { atBlock: query.atBlock },
  );
  let bytes: Uint8Array;
  let pages: number | undefined;
  if (format === "pdf") {
    bytes = await certificatePdf(cert);
    pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
  } else {
    bytes = new TextEncoder().encode(certificateToJson(cert));
  }
  try {
    writeFileSync(query.out, bytes);
  } catch (error) {
    throw new LedgerError(
      "FileNotWritten",
      `cannot write ${query.out}: ${error instanceof Error ? error.message : String(error)}`,
      { out: query.out },
      { cause: error },
    );
  }
  const file = query.shownAs ?? query.out;
  const current = cert.holders.find((h) => h.until === null);
  const doc = {
    file,
    format,
    bytes: bytes.length,
    ...(pages === undefined ? {} : { pages }),
    licenseId: cert.license.id,
    productId: cert.license.productId,
    network: cert.network,
    drawnAt: cert.drawnAt,
    status: describeCertificateStatus(cert.license),
    holder: current?.holder ?? null,
    holders: cert.holders.length,
    steps: cert.steps.length,
    verification: cert.verification,
  };
  const lines = keyValues([
    [
      "wrote",
      `${file} (${pages === undefined ? "JSON" : `PDF, ${plural(pages, "page")}`}, ${kilobytes(bytes.length)})`,
    ],
    ["license", `${cert.license.id} of product ${cert.license.productId}`],
    [
      "drawn at",
      `block ${cert.drawnAt.block} (${formatTime(BigInt(cert.drawnAt.timestamp))}) on ${cert.network.name}, chain id ${cert.network.chainId}`,
    ],
    ["block hash", cert.drawnAt.blockHash],
    ["status", describeCertificateStatus(cert.license)],
    ["holder", current?.holder ?? "none"],
    ["history", `${plural(cert.holders.length, "holder")}, ${plural(cert.steps.length, "step")}`],
    ["check it", cert.verification.command.replace("<file>", file)],
    ["link", cert.verification.url ?? "(none)"],
  ]);
  return { doc, lines };
}

export const certificateVerb: Verb = {
  name: "certificate",
  summary: "Writes a license's certificate of title: a PDF (its JSON inside) or the JSON",
  usage: ["certificate <license> [--out <file.pdf|file.json>] [--at-block <N|latest|finalized>]"],
  details: [
    "Draws the chain of title of the license from the official deployment and writes it as a PDF a person reads (its JSON embedded; default certificate-<license>.pdf) or as the JSON alone, by the file's extension. On a public network it is drawn at the last finalized block, so a reorganisation cannot undo it; --at-block latest draws it now (it verifies as not final until the network finalizes that block).",
  ],
  options: {
    out: { type: "string", value: "<file>", description: "A .pdf or a .json file" },
    "at-block": {
      type: "string",
      value: "<N|latest|finalized>",
      description: "The block to draw it at (default: finalized on public networks)",
    },
  },
  maxPositionals: 1,
  async run(input, context) {
    const text = input.positionals[0];
    if (text === undefined) throw new UsageError("which license? Give its id");
    const licenseId = parseWhole(text, "the license id");
    const out = stringOption(input, "out") ?? `certificate-${licenseId}.pdf`;
    certificateFormat(out);
    const atText = stringOption(input, "at-block");
    const atBlock = atText === undefined ? undefined : parseDrawBlock(atText, "--at-block");
    const { ledger } = await context.connect();
    return certificateReport(ledger, { licenseId, atBlock, out });
  },
};
