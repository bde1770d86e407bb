import { ZeroAddress, formatEther, formatUnits, getAddress } from "ethers";
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
  StandardFonts,
  rgb,
  type PDFFont,
  type PDFPage,
  type RGB,
} from "pdf-lib";
import QRCode from "qrcode";

import {
  MAX_CERTIFICATE_JSON_BYTES,
  certificateFromJson,
  certificateToJson,
} from "./certificate.js";
import type {
  AnyCertificate,
  Certificate,
  CertificateCurrency,
  CertificateHolder,
  CertificateProvenance,
  CertificateStep,
} from "./certificate-types.js";
import { LedgerError } from "./errors.js";

/**
 * The PDF certificate: a person's reading of the certificate JSON (schema v2), on A4 pages drawn
 * with pdf-lib and its standard fonts. It shows the license, the product and its terms, the
 * status at the block it was drawn at, where it was drawn (network, registry, market, block),
 * a QR code with the verification command (or page), the timeline of holders and every step
 * with full transaction hashes. The JSON itself travels inside the PDF as the attachment
 * `certificate.json` (version 1 PDFs also kept a copy in the document information entry
 * `LicenseLedgerCertificate`), so that `certificateFromPdf` can read it back.
 *
 * The output is deterministic: the same certificate gives the same bytes (the PDF's dates are the
 * drawn block's time, not the time it was written). Verification relies on it: a PDF verifies only
 * if it is byte for byte the drawing of the certificate it carries (`pdfShowsCertificate`), so
 * pages redrawn with other words cannot pass for the embedded data.
 */

/** The name of the embedded JSON file. */
export const CERTIFICATE_ATTACHMENT = "certificate.json";
/** The document-information key where version 1 PDFs kept a second, compact copy of the JSON
 * (read when the attachment is missing; never written now). */
export const CERTIFICATE_INFO_KEY = "LicenseLedgerCertificate";

// ------------------------------------------------------------------ words

/** Unix seconds as `2026-11-23 18:25:06 UTC`. */
function formatUtc(seconds: number | bigint): string {
  const ms = Number(seconds) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `unix time ${String(seconds)}`;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** A price or fee in its currency: ETH in ether, a recognised token in its units ("2,050
 * mUSDC"), any other token as base units of an unrecognised token. */
function formatPrice(
  amount: string,
  currency: string | undefined,
  currencies: readonly CertificateCurrency[] = [],
): string {
  const grouped = (decimal: string): string => {
    const [whole = "0", fraction] = decimal.split(".");
    const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return fraction === undefined || /^0*$/.test(fraction)
      ? withCommas
      : `${withCommas}.${fraction}`;
  };
  if (currency === undefined || currency === ZeroAddress) {
    return `${grouped(formatEther(BigInt(amount)))} ETH`;
  }
  const known = currencies.find((c) => c.address.toLowerCase() === currency.toLowerCase());
  if (known === undefined) return `${amount} base units of the unrecognised token ${currency}`;
  return `${grouped(formatUnits(BigInt(amount), known.decimals))} ${known.symbol}`;
}

const REASONS: Record<string, string> = {
  "1": "a refund",
  "2": "fraud",
  "3": "a court order",
  "4": "a publisher error",
};

/** What the step's `basis` hash is, in a word or two. */
function basisLabel(step: Pick<CertificateStep, "kind">): string {
  switch (step.kind) {
    case "released":
    case "transferred":
      return "declaration";
    case "key-committed":
      return "key commitment";
    case "sold":
      return "order";
    case "reinstated":
      return "reason";
    case "issued-by":
    case "attested":
    case "suspended":
    case "revoked":
      return "evidence";
    default:
      return "basis";
  }
}

/** The license's validity in words: "perpetual", or "until <date>". */
function formatValidUntil(validUntil: string): string {
  return validUntil === "0" ? "perpetual" : `until ${formatUtc(BigInt(validUntil))}`;
}

/**
 * One step of a chain of title in plain words ("sold on the market by 0x... to 0x... for 1.23 ETH
 * (fee 0.03 ETH)"). Detail values the wording does not use are appended as `key value`, so no
 * recorded value is ever hidden from the reader.
 */
export function describeCertificateStep(
  step: Pick<CertificateStep, "kind" | "details" | "basis">,
  currencies: readonly CertificateCurrency[] = [],
): string {
  const d = step.details;
  const used = new Set<string>();
  const get = (key: string): string | undefined => {
    const value = Object.hasOwn(d, key) ? d[key] : undefined;
    if (value !== undefined) used.add(key);
    return value;
  };
  let text: string;
  switch (step.kind) {
    case "issued": {
      const seats = get("seats");
      const validUntil = get("validUntil");
      const to = get("to") ?? get("holder");
      text = `issued${to === undefined ? "" : ` to ${to}`}${seats === undefined ? "" : ` with ${seats} seats`}${validUntil === undefined ? "" : `, ${formatValidUntil(validUntil)}`}`;
      break;
    }
    case "issued-by": {
      const issuer = get("issuer");
      text = `issued by ${issuer ?? "an authorised issuer"}${step.basis === null ? "" : ", on first-sale evidence"}`;
      break;
    }
    case "key-committed":
      text = "a license key was bound to it (only its commitment is recorded)";
      break;
    case "released":
      text = `${get("holder") ?? "the holder"} declared its copy unusable and released the license for resale`;
      break;
    case "release-withdrawn":
      text = "the release for resale was withdrawn";
      break;
    case "attested":
      text = `${get("attester") ?? "the controller"} attested that the holder's copy was deactivated`;
      break;
    case "transferred":
      text = `moved from ${get("from") ?? "?"} to ${get("to") ?? "?"}`;
      break;
    case "sold": {
      const currency = get("currency");
      const price = get("price");
      const paid = get("paid");
      const fee = get("fee");
      text = `sold on the market by ${get("seller") ?? "?"} to ${get("buyer") ?? "?"}`;
      if (price !== undefined) text += ` for ${formatPrice(price, currency, currencies)}`;
      if (paid !== undefined) text += `, the buyer paid ${formatPrice(paid, currency, currencies)}`;
      if (fee !== undefined) text += ` (fee ${formatPrice(fee, currency, currencies)})`;
      break;
    }
    case "split": {
      const child = get("childId");
      const seats = get("seats");
      text = `split: license ${child ?? "?"} continues the chain of title${seats === undefined ? "" : ` with ${seats} seats`}`;
      break;
    }
    case "suspended":
      text = `suspended by ${get("by") ?? "an arbiter"} on evidence`;
      break;
    case "reinstated":
      text = `reinstated by ${get("by") ?? "an arbiter"}`;
      break;
    case "revoked": {
      const code = get("reasonCode");
      const reason = code === undefined ? undefined : (REASONS[code] ?? `reason code ${code}`);
      text = `revoked for good by ${get("by") ?? "the controller"}${reason === undefined ? "" : ` for ${reason}`}`;
      break;
    }
    case "surrendered":
      text = `surrendered for good by ${get("holder") ?? "the holder"}`;
      break;
    case "first-sale-recorded": {
      const region = get("region");
      text =
        region === undefined || region === "unrecorded"
          ? "no first-sale region recorded"
          : `first sold ${region === "elsewhere" ? "outside the EEA and Switzerland" : `in ${region === "EEA" ? "the EEA" : "Switzerland"}`}`;
      break;
    }
    case "evidence-drawn":
      text = `drew ${get("seats") ?? "?"} seats from its first-sale evidence (${get("used") ?? "?"} of ${get("capacity") ?? "?"} used)`;
      break;
    case "suspension-bounded": {
      const lapses = get("lapsesAt");
      text = `the controller's suspension lapses by itself${lapses === undefined ? "" : ` at ${formatUtc(BigInt(lapses))}`}`;
      break;
    }
    case "arbiter-reinstated":
      text = `reinstated by the arbiter ${get("arbiter") ?? "?"}: only an arbiter may suspend it again`;
      break;
    case "attestation-lapsed": {
      const at = get("sufficedAt");
      text = `the publisher did not attest in time${at === undefined ? "" : `: the declaration sufficed from ${formatUtc(BigInt(at))}`}`;
      break;
    }
    case "committed": {
      const first = get("firstLicenseId");
      const count = get("leafCount");
      text = `committed in run ${get("runId") ?? "?"} by ${get("committer") ?? "?"} (root ${step.basis ?? "?"}; leaves file ${get("leavesURI") ?? "?"}, SHA-256 ${get("leavesHash") ?? "?"}${first === undefined || count === undefined || !/^[0-9]{1,78}$/.test(first + count) ? "" : `; licenses ${first} to ${BigInt(first) + BigInt(count) - 1n}`})`;
      break;
    }
    case "claimed":
      text = `its leaf of run ${get("runId") ?? "?"} claimed for ${get("holder") ?? "?"} by ${get("claimer") ?? "?"}`;
      break;
    default:
      text = String(step.kind);
  }
  const rest = Object.entries(d).filter(([key]) => !used.has(key));
  if (rest.length > 0) text += `; ${rest.map(([key, value]) => `${key} ${value}`).join(", ")}`;
  return text;
}

/** A provenance step in words ("registered by the operator 0x... on behalf of 0x..."). */
export function describeCertificateProvenance(p: CertificateProvenance): string {
  const d = p.details;
  switch (p.kind) {
    case "product-registered":
      return d.registeredBy === "operator"
        ? `product ${p.productId} registered by the operator ${d.controller ?? "?"} on behalf of the publisher ${d.publisher ?? "?"}`
        : `product ${p.productId} registered by its publisher ${d.publisher ?? "?"}`;
    case "terms-updated":
      return `terms of product ${p.productId} set before its first license`;
    case "control-handover-started":
      return `${d.controller ?? "?"} offered control of the product to ${d.pendingController ?? "?"}`;
    case "control-transferred":
      return `control of the product passed from ${d.previousController ?? "?"} to ${d.newController ?? "?"}`;
    case "control-recovery-started":
      return `the admin began handing the product, whose operator ${d.controller ?? "?"} lost its role, to the operator ${d.newController ?? "?"}`;
    case "control-recovered":
      return `the admin handed the product from ${d.previousController ?? "?"} to the operator ${d.newController ?? "?"}`;
    case "issuer-set":
      return d.kind === "none"
        ? `${d.by ?? "the controller"} withdrew ${d.issuer ?? "?"}'s right to issue`
        : `${d.by ?? "the controller"} made ${d.issuer ?? "?"} ${d.kind === "onboarder" ? "an onboarding dealer (issues against first-sale evidence)" : "a distributor"}`;
    default:
      return String(p.kind);
  }
}

/** The license's status as of the drawn block: "active, valid" or "revoked, not valid". */
export function describeCertificateStatus(license: Certificate["license"]): string {
  const parts: string[] = [license.status];
  if (license.suspended) parts.push("suspended");
  if (license.expired) parts.push("expired");
  parts.push(license.valid ? "valid" : "not valid");
  return parts.join(", ");
}

/** The product's terms in words. */
function describeTerms(terms: Certificate["product"]["terms"]): string {
  return [
    terms.validityDays === 0 ? "perpetual" : `valid up to ${terms.validityDays} days`,
    `up to ${terms.maxSeatsPerLicense} seats per license`,
    terms.transferable ? "transferable" : "not transferable",
    terms.splittable ? "splittable" : "not splittable",
    terms.attestationRequired
      ? "resale needs the controller's attestation"
      : "no attestation needed",
  ].join(", ");
}

// ------------------------------------------------------------------ the PDF

/** Any text the standard fonts cannot show (they know WinAnsi), reduced to printable ASCII. */
export function pdfSafe(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, "-")
    .replace(/[\t\r\n]/g, " ")
    .replace(/[^\x20-\x7e]/g, "?");
}

const PAGE: [number, number] = [595.28, 841.89]; // A4 in points
const MARGIN = 42;
const WIDTH = PAGE[0] - 2 * MARGIN;
const FOOTER_SPACE = 34;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.42, 0.44, 0.48);
const RULE = rgb(0.78, 0.8, 0.84);
const SHADE = rgb(0.955, 0.962, 0.975);
const ACCENT = rgb(0.12, 0.28, 0.55);
const GOOD = rgb(0.08, 0.45, 0.2);
const BAD = rgb(0.7, 0.12, 0.1);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
  monoBold: PDFFont;
}

/** A piece of text on a line, `x` from the left margin (negative: right-aligned at `-x`). */
interface Run {
  x: number;
  text: string;
  font: PDFFont;
  size: number;
  color?: RGB;
  /** Right-align the run so that it ends at `x`. */
  alignRight?: boolean;
}

/** Splits text into lines no wider than `width`: at spaces, and inside a word too long to fit. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  for (const word of pdfSafe(text).split(" ")) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = word;
    while (!fits(line)) {
      let cut = line.length - 1;
      while (cut > 1 && !fits(line.slice(0, cut))) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/** Draws runs line by line, top to bottom, starting new pages when one fills up. */
class Layout {
  readonly pages: PDFPage[] = [];
  private page!: PDFPage;
  /** The top of the next thing drawn. */
  y = 0;
  /** Drawn at the top of a page a table continues on (its title and header). */
  private continuation: (() => void) | undefined;

  private readonly doc: PDFDocument;
  readonly fonts: Fonts;

  constructor(doc: PDFDocument, fonts: Fonts) {
    this.doc = doc;
    this.fonts = fonts;
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage(PAGE);
    this.pages.push(this.page);
    this.y = PAGE[1] - MARGIN;
    this.continuation?.();
  }

  /** Room left on this page above the footer. */
  get room(): number {
    return this.y - (MARGIN + FOOTER_SPACE);
  }

  /** Starts a new page unless `height` still fits on this one. */
  keep(height: number): void {
    if (height > this.room) this.newPage();
  }

  /** Whatever draws the top of a continued table, for the pages `body` spills onto. */
  continuing(header: () => void, body: () => void): void {
    this.continuation = header;
    try {
      body();
    } finally {
      this.continuation = undefined;
    }
  }

  /** One line of runs whose baseline sits `size` below the cursor; moves the cursor down. */
  line(runs: Run[], height: number): void {
    const baseline = this.y - height + 3;
    for (const run of runs) {
      const text = pdfSafe(run.text);
      const x = run.alignRight
        ? MARGIN + run.x - run.font.widthOfTextAtSize(text, run.size)
        : MARGIN + run.x;
      this.page.drawText(text, {
        x,
        y: baseline,
        size: run.size,
        font: run.font,
        color: run.color ?? INK,
      });
    }
    this.y -= height;
  }

  rect(x: number, top: number, width: number, height: number, color: RGB): void {
    this.page.drawRectangle({ x: MARGIN + x, y: top - height, width, height, color });
  }

  rule(color: RGB = RULE, thickness = 0.6): void {
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: MARGIN + WIDTH, y: this.y },
      thickness,
      color,
    });
  }

  /** A QR code whose top-left corner is at (`x`, `top`), `size` points wide. */
  qr(text: string, x: number, top: number, size: number): void {
    const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
    const quiet = 2;
    const cell = size / (modules.size + 2 * quiet);
    this.page.drawRectangle({
      x: MARGIN + x,
      y: top - size,
      width: size,
      height: size,
      color: rgb(1, 1, 1),
    });
    for (let row = 0; row < modules.size; row++) {
      let col = 0;
      while (col < modules.size) {
        if (!modules.get(row, col)) {
          col++;
          continue;
        }
        const start = col;
        while (col < modules.size && modules.get(row, col)) col++;
        this.page.drawRectangle({
          x: MARGIN + x + (quiet + start) * cell,
          y: top - (quiet + row + 1) * cell,
          width: (col - start) * cell + 0.05,
          height: cell + 0.05,
          color: rgb(0, 0, 0),
        });
      }
    }
  }
}

const LABEL_WIDTH = 112;

/** A section's title with a rule under it. */
function sectionTitle(layout: Layout, title: string, room = 0): void {
  layout.keep(32 + room);
  layout.y -= 10;
  layout.line([{ x: 0, text: title, font: layout.fonts.bold, size: 11.5, color: ACCENT }], 16);
  layout.y -= 3;
  layout.rule(ACCENT, 0.8);
  layout.y -= 5;
}

/** `label  value` rows, the value wrapped; `mono` values (addresses, hashes) in Courier. */
function keyValues(
  layout: Layout,
  rows: readonly (readonly [string, string, { mono?: boolean; color?: RGB; bold?: boolean }?])[],
): void {
  const { regular, bold, mono } = layout.fonts;
  for (const [label, value, style = {}] of rows) {
    const font = style.mono ? mono : style.bold ? bold : regular;
    const size = style.mono ? 8.6 : 9.2;
    const lines = wrap(value, font, size, WIDTH - LABEL_WIDTH);
    layout.keep(lines.length * 12.5);
    lines.forEach((text, i) => {
      const runs: Run[] = [
        { x: LABEL_WIDTH, text, font, size, ...(style.color ? { color: style.color } : {}) },
      ];
      if (i === 0) runs.push({ x: 0, text: label, font: regular, size: 8.6, color: MUTED });
      layout.line(runs, 12.5);
    });
  }
}

const ROW_LINE = 11;
const rowHeight = (lines: readonly Run[][]): number => lines.length * ROW_LINE + 7;
/** Room a table's title, header and first row need, so that a title never ends a page. */
const tableStart = (firstRow: readonly Run[][] | undefined): number =>
  48 + (firstRow === undefined ? 0 : rowHeight(firstRow));

/** A table row: its lines, drawn on a shaded band on alternate rows; never split across pages. */
function tableRow(layout: Layout, lines: Run[][], shaded: boolean): void {
  const height = rowHeight(lines);
  layout.keep(height);
  if (shaded) layout.rect(0, layout.y, WIDTH, height, SHADE);
  layout.y -= 3.5;
  for (const runs of lines) layout.line(runs, ROW_LINE);
  layout.y -= 3.5;
}

/** The lines of one holder's row in the timeline. */
function holderLines(
  fonts: Fonts,
  holder: CertificateHolder,
  index: number,
  current: boolean,
  drawnAt: number,
): Run[][] {
  const { regular, bold, mono, monoBold } = fonts;
  const period = (label: string, point: CertificateHolder["since"] | null): Run[] => [
    { x: 18, text: label, font: regular, size: 7.6, color: MUTED },
    ...(point === null
      ? [
          {
            x: 48,
            text: `still held at block ${drawnAt} (the drawn block)`,
            font: regular,
            size: 8,
          },
        ]
      : [
          { x: 48, text: formatUtc(point.timestamp), font: regular, size: 8 },
          { x: 150, text: `block ${point.block}`, font: regular, size: 8 },
          { x: 218, text: "tx", font: regular, size: 7.6, color: MUTED },
          { x: WIDTH, text: point.transaction, font: mono, size: 7, alignRight: true },
        ]),
  ];
  return [
    [
      { x: 0, text: String(index + 1), font: bold, size: 8.6, color: MUTED },
      { x: 18, text: holder.holder, font: monoBold, size: 8.6 },
      {
        x: WIDTH,
        text: `${current ? "current holder - " : ""}license ${holder.licenseId}`,
        font: current ? bold : regular,
        size: 8,
        alignRight: true,
        ...(current ? { color: GOOD } : {}),
      },
    ],
    period("since", holder.since),
    period("until", holder.until),
  ];
}

/** The lines of one step's row. */
function stepLines(
  fonts: Fonts,
  step: CertificateStep,
  index: number,
  currencies: readonly CertificateCurrency[],
): Run[][] {
  const { regular, bold, mono } = fonts;
  const hashRow = (label: string, hash: string): Run[] => [
    { x: 18, text: label, font: regular, size: 7.6, color: MUTED },
    { x: 80, text: hash, font: mono, size: 7 },
  ];
  const lines: Run[][] = [
    [
      { x: 0, text: String(index + 1), font: bold, size: 8.6, color: MUTED },
      { x: 18, text: step.kind, font: bold, size: 8.6 },
      { x: 116, text: formatUtc(step.timestamp), font: regular, size: 8 },
      { x: 218, text: `block ${step.block}`, font: regular, size: 8 },
      { x: WIDTH, text: `license ${step.licenseId}`, font: regular, size: 8, alignRight: true },
    ],
    hashRow("transaction", step.transaction),
  ];
  if (step.basis !== null) lines.push(hashRow(basisLabel(step), step.basis));
  for (const text of wrap(describeCertificateStep(step, currencies), regular, 8, WIDTH - 18)) {
    lines.push([{ x: 18, text, font: regular, size: 8 }]);
  }
  return lines;
}

/** The small grey header of a table. */
function tableHeader(layout: Layout, runs: Run[]): void {
  layout.line(
    runs.map((run) => ({ ...run, font: layout.fonts.bold, size: 7.4, color: MUTED })),
    11,
  );
  layout.rule();
  layout.y -= 1;
}

/** Draws the certificate's pages. */
function drawCertificate(layout: Layout, cert: Certificate): void {
  const { regular, bold, mono } = layout.fonts;
  const license = cert.license;
  const current = cert.holders.find((h) => h.until === null);
  const checkText = cert.verification.url ?? cert.verification.command;

  // Title block, with the QR code on the right.
  const top = layout.y;
  const qrSize = 92;
  layout.qr(checkText, WIDTH - qrSize, top + 4, qrSize);
  layout.line([{ x: 0, text: "LICENSE LEDGER", font: bold, size: 8.5, color: ACCENT }], 12);
  layout.line([{ x: 0, text: "Certificate of title", font: bold, size: 22 }], 28);
  layout.line(
    [
      {
        x: 0,
        text: `License ${license.id} of product ${cert.product.id}`,
        font: regular,
        size: 12,
      },
    ],
    17,
  );
  layout.y -= 4;
  const textWidth = WIDTH - qrSize - 16;
  const intro =
    "The chain of title of a used software license, drawn from the event logs of the License " +
    `Ledger registry at block ${cert.drawnAt.block}: who held it, since when, and every ` +
    "recorded step, each with its transaction.";
  for (const text of wrap(intro, regular, 8.6, textWidth)) {
    layout.line([{ x: 0, text, font: regular, size: 8.6, color: MUTED }], 11.5);
  }
  layout.y -= 3;
  layout.line(
    [
      {
        x: 0,
        text: cert.verification.url === null ? "To check it, run:" : "To check it, open:",
        font: bold,
        size: 8,
      },
    ],
    11,
  );
  for (const text of wrap(checkText, mono, 7.6, textWidth)) {
    layout.line([{ x: 0, text, font: mono, size: 7.6 }], 10);
  }
  if (cert.verification.url !== null) {
    layout.line([{ x: 0, text: "or run:", font: bold, size: 8 }], 11);
    for (const text of wrap(cert.verification.command, mono, 7.6, textWidth)) {
      layout.line([{ x: 0, text, font: mono, size: 7.6 }], 10);
    }
  }
  if (cert.verification.command.includes("<file>")) {
    layout.line(
      [
        {
          x: 0,
          text: "where <file> is this PDF, or the certificate's JSON",
          font: regular,
          size: 7.6,
          color: MUTED,
        },
      ],
      10,
    );
  }
  layout.y = Math.min(layout.y, top - qrSize - 6);
  layout.y -= 2;
  layout.rule(INK, 1);
  layout.y -= 4;

  sectionTitle(layout, "Current status");
  keyValues(layout, [
    [
      "Status",
      `${describeCertificateStatus(license)} (as of block ${cert.drawnAt.block})`,
      { bold: true, color: license.valid ? GOOD : BAD },
    ],
    ["Current holder", current?.holder ?? "none", { mono: true }],
    ["Seats", license.seats],
    ["Changed hands", `${license.moves} time${license.moves === "1" ? "" : "s"}`],
    [
      "First sale",
      `${license.firstSaleRegion === "unrecorded" ? "region not recorded" : license.firstSaleRegion === "elsewhere" ? "outside the EEA and Switzerland" : `in ${license.firstSaleRegion === "EEA" ? "the EEA" : "Switzerland"}`}${license.exhausted ? " (exhausted: it may be resold whatever the terms say)" : ""}`,
    ],
    ["Validity", formatValidUntil(license.validUntil) + (license.expired ? " (expired)" : "")],
    [
      "Resale",
      [
        license.transferable ? "transferable" : "not transferable",
        license.splittable ? "splittable" : "not splittable",
        license.attestationRequired
          ? license.attested
            ? "attestation required (attested)"
            : "attestation required (not attested)"
          : "no attestation needed",
      ].join(", "),
    ],
    [
      "Lineage",
      cert.lineage.length === 0
        ? "issued directly (not split from another license)"
        : `split from ${cert.lineage.map((id) => `license ${id}`).join(", then ")}`,
    ],
  ]);

  sectionTitle(layout, "Product and terms");
  keyValues(layout, [
    ["Product", cert.product.id],
    ["Controller", cert.product.controller, { mono: true }],
    ["Terms", describeTerms(cert.product.terms)],
    ["Description", cert.product.metadataURI === "" ? "(none)" : cert.product.metadataURI],
  ]);

  if (cert.provenance.length > 0) {
    sectionTitle(layout, "Who vouched for its origin");
    keyValues(
      layout,
      cert.provenance.map((p) => [
        `Block ${p.block}`,
        `${describeCertificateProvenance(p)} (${formatUtc(p.timestamp)}, transaction ${p.transaction})`,
      ]),
    );
  }

  sectionTitle(layout, "Drawn at");
  keyValues(layout, [
    ["Network", `${cert.network.name} (chain id ${cert.network.chainId})`],
    ["Registry", cert.registry, { mono: true }],
    ["Market", cert.market ?? "none (market sales not included)", { mono: cert.market !== null }],
    ["Block", String(cert.drawnAt.block)],
    ["Block time", formatUtc(cert.drawnAt.timestamp)],
    ["Block hash", cert.drawnAt.blockHash, { mono: true }],
  ]);

  const holdersHeader = (title: string) => () => {
    sectionTitle(layout, title);
    tableHeader(layout, [
      { x: 0, text: "#", font: bold, size: 7 },
      { x: 18, text: "HOLDER, AND WHEN IT HELD THE LICENSE (UTC)", font: bold, size: 7 },
      { x: 218, text: "TRANSACTION", font: bold, size: 7 },
      { x: WIDTH, text: "LICENSE", font: bold, size: 7, alignRight: true },
    ]);
  };
  const holderRows = cert.holders.map((holder, i) =>
    holderLines(layout.fonts, holder, i, holder === current, cert.drawnAt.block),
  );
  const holdersTitle = `Holders (${cert.holders.length})`;
  layout.keep(tableStart(holderRows[0]));
  holdersHeader(holdersTitle)();
  layout.continuing(holdersHeader(`${holdersTitle}, continued`), () => {
    holderRows.forEach((lines, i) => tableRow(layout, lines, i % 2 === 0));
  });

  const stepsHeader = (title: string) => () => {
    sectionTitle(layout, title);
    tableHeader(layout, [
      { x: 0, text: "#", font: bold, size: 7 },
      { x: 18, text: "STEP", font: bold, size: 7 },
      { x: 116, text: "DATE (UTC)", font: bold, size: 7 },
      { x: 218, text: "BLOCK", font: bold, size: 7 },
      { x: WIDTH, text: "LICENSE", font: bold, size: 7, alignRight: true },
    ]);
  };
  const stepRows = cert.steps.map((step, i) => stepLines(layout.fonts, step, i, cert.currencies));
  const stepsTitle = `Steps (${cert.steps.length})`;
  layout.keep(tableStart(stepRows[0]) + (stepRows[1] === undefined ? 0 : rowHeight(stepRows[1])));
  stepsHeader(stepsTitle)();
  layout.continuing(stepsHeader(`${stepsTitle}, continued`), () => {
    stepRows.forEach((lines, i) => tableRow(layout, lines, i % 2 === 0));
  });

  layout.y -= 10;
  const closing =
    "This certificate embeds its data as the attachment certificate.json. Checking it compares " +
    "every field with the chain and reports each difference; what is printed above is drawn " +
    "from that data.";
  for (const text of wrap(closing, regular, 7.6, WIDTH)) {
    layout.keep(10);
    layout.line([{ x: 0, text, font: regular, size: 7.6, color: MUTED }], 10);
  }
}

/** The footer of every page: what the certificate is, and `Page i of n`. */
function drawFooters(layout: Layout, cert: Certificate): void {
  const { regular } = layout.fonts;
  const left = pdfSafe(
    `License Ledger certificate of license ${cert.license.id} - ${cert.network.name} (chain id ${cert.network.chainId}), block ${cert.drawnAt.block}`,
  );
  layout.pages.forEach((page, i) => {
    const y = MARGIN - 8;
    page.drawLine({
      start: { x: MARGIN, y: y + 12 },
      end: { x: MARGIN + WIDTH, y: y + 12 },
      thickness: 0.5,
      color: RULE,
    });
    page.drawText(left, { x: MARGIN, y, size: 7.4, font: regular, color: MUTED });
    const right = `Page ${i + 1} of ${layout.pages.length}`;
    page.drawText(right, {
      x: MARGIN + WIDTH - regular.widthOfTextAtSize(right, 7.4),
      y,
      size: 7.4,
      font: regular,
      color: MUTED,
    });
  });
}

/**
 * The certificate as a PDF a person can read (A4, as many pages as its history needs), with its
 * JSON embedded so that `certificateFromPdf` reads it back. Same certificate, same bytes.
 */
export async function certificatePdf(cert: Certificate): Promise<Uint8Array> {
  const json = certificateToJson(cert);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const drawn = new Date(cert.drawnAt.timestamp * 1000);
  doc.setTitle(pdfSafe(`Certificate of title of license ${cert.license.id}`));
  doc.setSubject(
    pdfSafe(
      `Chain of title of license ${cert.license.id} on ${cert.network.name} (chain id ${cert.network.chainId}) at block ${cert.drawnAt.block}`,
    ),
  );
  doc.setAuthor("License Ledger");
  doc.setCreator("License Ledger SDK");
  doc.setProducer("pdf-lib");
  doc.setKeywords(["license", "chain of title", cert.license.id, cert.registry]);
  doc.setCreationDate(drawn);
  doc.setModificationDate(drawn);
  await doc.attach(new TextEncoder().encode(json), CERTIFICATE_ATTACHMENT, {
    mimeType: "application/json",
    description: `License Ledger certificate (schema v${cert.version}) of license ${cert.license.id}`,
    creationDate: drawn,
    modificationDate: drawn,
  });
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
    monoBold: await doc.embedFont(StandardFonts.CourierBold),
  };
  const layout = new Layout(doc, fonts);
  drawCertificate(layout, cert);
  drawFooters(layout, cert);
  return doc.save();
}

// ------------------------------------------------------------------ reading it back

/** A PDF certificate is at most this large (a 2,000-step certificate takes about 2 MB). */
export const MAX_CERTIFICATE_PDF_BYTES = 32 * 1024 * 1024;
/** Reading a PDF gives up after this long. */
const PDF_TIME_BUDGET_MS = 2_000;
/** The embedded-files name tree: at most this deep and this many nodes. */
const NAME_TREE_MAX_DEPTH = 8;
const NAME_TREE_MAX_NODES = 256;

function refuse(code: string, sentence: string, cause?: unknown): LedgerError {
  return new LedgerError(code, sentence, {}, cause === undefined ? undefined : { cause });
}

function infoDict(doc: PDFDocument): PDFDict | undefined {
  const ref = doc.context.trailerInfo.Info;
  if (ref === undefined) return undefined;
  const info = doc.context.lookup(ref);
  return info instanceof PDFDict ? info : undefined;
}

/** A PDF string's text, decoded without spreading its characters into one call (pdf-lib's own
 * `decodeText` overflows the stack on long strings). */
function textOf(value: unknown, limit: number): string | undefined {
  if (!(value instanceof PDFString || value instanceof PDFHexString)) return undefined;
  const bytes = value.asBytes();
  if (bytes.length > limit) {
    throw refuse(
      "CertificateTooLarge",
      `the PDF holds a text of ${bytes.length} bytes, more than a License Ledger certificate can take: it is not one`,
    );
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder("utf-8").decode(bytes.subarray(3));
  }
  return new TextDecoder("latin1").decode(bytes);
}

/**
 * The embedded file `name` of a PDF, from its name tree (flat or with kids), walked with a visited
 * set, a depth and node cap and a time budget: a hostile tree that lists the same kid over and over
 * is read once, and an endless one is refused.
 */
async function attachment(
  doc: PDFDocument,
  name: string,
  deadline: number,
): Promise<Uint8Array | undefined> {
  const names = doc.catalog.lookupMaybe(PDFName.of("Names"), PDFDict);
  const tree = names?.lookupMaybe(PDFName.of("EmbeddedFiles"), PDFDict);
  if (tree === undefined) return undefined;
  const visited = new Set<PDFDict>();
  const queue: [PDFDict, number][] = [[tree, 0]];
  while (queue.length > 0) {
    const [node, depth] = queue.shift()!;
    if (visited.has(node)) continue;
    visited.add(node);
    if (visited.size > NAME_TREE_MAX_NODES || Date.now() > deadline) {
      throw refuse(
        "CertificatePdfRefused",
        `the PDF's list of embedded files has more than ${NAME_TREE_MAX_NODES} nodes or takes too long to read: a License Ledger certificate has one file, so this PDF is refused`,
      );
    }
    const pairs = node.lookupMaybe(PDFName.of("Names"), PDFArray);
    for (let i = 0; pairs !== undefined && i + 1 < pairs.size(); i += 2) {
      if (textOf(pairs.lookup(i), 1024) !== name) continue;
      const spec = pairs.lookup(i + 1);
      if (!(spec instanceof PDFDict)) continue;
      const stream = spec.lookupMaybe(PDFName.of("EF"), PDFDict)?.lookup(PDFName.of("F"));
      if (!(stream instanceof PDFRawStream)) continue;
      return streamBytes(stream, name);
    }
    const kids = node.lookupMaybe(PDFName.of("Kids"), PDFArray);
    if (kids === undefined) continue;
    if (depth + 1 > NAME_TREE_MAX_DEPTH) {
      throw refuse(
        "CertificatePdfRefused",
        `the PDF's list of embedded files nests deeper than ${NAME_TREE_MAX_DEPTH} levels: a License Ledger certificate has one file, so this PDF is refused`,
      );
    }
    for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict && !visited.has(kid)) queue.push([kid, depth + 1]);
    }
  }
  return undefined;
}

/** Streams a certificate PDF holds at most (a 2,000-step certificate has about 150). */
const MAX_PDF_STREAMS = 4096;
/** What all of a PDF's streams may inflate to, together. */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** Inflates zlib `data` with a cap; undefined when it is not zlib data. Throws past the cap. */
async function inflateCapped(data: Uint8Array, cap: number): Promise<number | undefined> {
  const reader = new Blob([data])
    .stream()
    .pipeThrough(new DecompressionStream("deflate"))
    .getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return total;
      total += value.length;
      if (total > cap) {
        await reader.cancel().catch(() => undefined);
        return Number.POSITIVE_INFINITY;
      }
    }
  } catch {
    return total === 0 ? undefined : total;
  }
}

/**
 * Before a PDF is parsed: every stream in it is inflated with a cap, so one that inflates to
 * gigabytes (a deflate bomb in an object stream, which the parser would unpack while loading) is
 * refused first. Bounded by the number of streams, the total inflated size and the time budget.
 */
async function refuseBombs(bytes: Uint8Array, deadline: number): Promise<void> {
  const text = new TextDecoder("latin1").decode(bytes);
  const starts = /stream\r?\n/g;
  let streams = 0;
  let inflated = 0;
  for (let m = starts.exec(text); m !== null; m = starts.exec(text)) {
    if (m.index >= 3 && text.slice(m.index - 3, m.index) === "end") continue;
    const begin = m.index + m[0].length;
    const end = text.indexOf("endstream", begin);
    if (end < 0) break;
    starts.lastIndex = end + 9;
    streams += 1;
    if (streams > MAX_PDF_STREAMS || Date.now() > deadline) {
      throw refuse(
        "CertificatePdfRefused",
        `the PDF has more streams than a License Ledger certificate, or takes too long to read: it is refused`,
      );
    }
    const size = await inflateCapped(bytes.subarray(begin, end), MAX_INFLATED_BYTES - inflated);
    if (size === Number.POSITIVE_INFINITY) {
      throw refuse(
        "CertificateTooLarge",
        `the PDF's streams inflate to more than ${MAX_INFLATED_BYTES / 1024 / 1024} MiB, far more than a License Ledger certificate holds: it is refused`,
      );
    }
    inflated += size ?? 0;
  }
}

/**
 * An embedded file's bytes: stored plainly or with FlateDecode (what License Ledger writes),
 * inflated with a cap, so a small stream that inflates to gigabytes is refused, not unpacked.
 */
async function streamBytes(stream: PDFRawStream, name: string): Promise<Uint8Array> {
  const tooLarge = (): LedgerError =>
    refuse(
      "CertificateTooLarge",
      `the PDF's ${name} is larger than a License Ledger certificate can be: it is refused`,
    );
  if (stream.contents.length > MAX_CERTIFICATE_JSON_BYTES) throw tooLarge();
  const filter = stream.dict.lookup(PDFName.of("Filter"));
  const filters =
    filter instanceof PDFArray ? filter.asArray() : filter === undefined ? [] : [filter];
  if (filters.length === 0) return stream.contents;
  if (
    filters.length > 1 ||
    !(filters[0] instanceof PDFName) ||
    filters[0].asString() !== "/FlateDecode"
  ) {
    throw refuse(
      "CertificatePdfRefused",
      `the PDF's ${name} is encoded in a way License Ledger never writes (${filters.map(String).join(" ")}): it is refused`,
    );
  }
  const inflated = new Blob([stream.contents])
    .stream()
    .pipeThrough(new DecompressionStream("deflate"));
  const reader = inflated.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_CERTIFICATE_JSON_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof LedgerError) throw error;
    throw refuse(
      "CertificatePdfRefused",
      `the PDF's ${name} does not inflate (${error instanceof Error ? error.message : String(error)}): the file is damaged`,
      error,
    );
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * Reads back the certificate a PDF certificate embeds: its `certificate.json` attachment (or, in a
 * version 1 PDF whose attachment was stripped, the document-information copy). Bounded in size,
 * tree walking and time; throws a `LedgerError` sentence for bytes that are not a PDF, a hostile
 * or oversized one, or a PDF without a certificate. This reads the data only: whether the pages
 * show it is `pdfShowsCertificate`'s question.
 */
export async function certificateFromPdf(bytes: Uint8Array): Promise<AnyCertificate> {
  if (bytes.length > MAX_CERTIFICATE_PDF_BYTES) {
    throw refuse(
      "CertificateTooLarge",
      `the file is ${bytes.length} bytes, more than the ${MAX_CERTIFICATE_PDF_BYTES / 1024 / 1024} MiB a License Ledger certificate PDF can take: it is refused`,
    );
  }
  const deadline = Date.now() + PDF_TIME_BUDGET_MS;
  await refuseBombs(bytes, deadline);
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, {
      updateMetadata: false,
      // A certificate License Ledger drew has no invalid object: refuse rather than guess.
      throwOnInvalidObject: true,
      parseSpeed: Number.POSITIVE_INFINITY,
    });
  } catch (error) {
    throw refuse(
      "CertificateNotPdf",
      "the file is not a PDF that can be read: give the certificate PDF (or its JSON)",
      error,
    );
  }
  let text: string | undefined;
  try {
    const attached = await attachment(doc, CERTIFICATE_ATTACHMENT, deadline);
    text =
      attached !== undefined
        ? new TextDecoder().decode(attached)
        : textOf(
            infoDict(doc)?.lookup(PDFName.of(CERTIFICATE_INFO_KEY)),
            MAX_CERTIFICATE_JSON_BYTES,
          );
  } catch (error) {
    if (error instanceof LedgerError) throw error;
    throw refuse(
      "CertificatePdfRefused",
      `the PDF's structure cannot be read safely (${error instanceof Error ? error.message.slice(0, 120) : String(error)}): it is refused`,
      error,
    );
  }
  if (text === undefined) {
    throw refuse(
      "CertificateNotInPdf",
      `the PDF holds no License Ledger certificate (no ${CERTIFICATE_ATTACHMENT} attachment): it was not made by License Ledger`,
    );
  }
  return certificateFromJson(text);
}

/** Whether `bytes` is exactly the PDF License Ledger draws for `cert` (same bytes). */
export async function pdfShowsCertificate(bytes: Uint8Array, cert: Certificate): Promise<boolean> {
  const drawn = await certificatePdf(cert);
  if (drawn.length !== bytes.length) return false;
  for (let i = 0; i < drawn.length; i++) if (drawn[i] !== bytes[i]) return false;
  return true;
}
