import { writeFileSync } from "node:fs";
import { extname } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { PDFDocument } from "pdf-lib";

import { certificateToJson } from "@license-ledger/sdk";
import { certificatePdf, describeCertificateStatus } from "@license-ledger/sdk";
import { action, fail, openReader, type CommonArgs } from "./common.js";
import { formatTime, keyValues, parseWhole, plural, printResult } from "./format.js";
import { shownPath } from "./inputs.js";

export interface CertificateArgs extends CommonArgs {
  license: bigint;
  atBlock: string | undefined;
  out: string | undefined;
}

/** "15.2 kB" */
const kilobytes = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/**
 * `npx hardhat license:certificate <license> [--at-block N|latest|finalized] [--out <file>]`: draws
 * the license's certificate of title (by default at the finalized block on public networks, the
 * latest on local chains; or at the block named) and writes it as a
 * PDF a person reads (its JSON embedded) or as the JSON alone, by the file's extension.
 */
export default action(async function certificate(
  args: CertificateArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const out = args.out ?? `certificate-${args.license}.pdf`;
  const format = extname(out).toLowerCase();
  if (format !== ".pdf" && format !== ".json") {
    fail(`--out must name a .pdf or a .json file, got '${out}'`);
  }
  const atBlock =
    args.atBlock === undefined || args.atBlock === "latest" || args.atBlock === "finalized"
      ? args.atBlock
      : Number(parseWhole(args.atBlock, "--at-block"));
  const { ledger } = await openReader(hre, args);
  const cert = await ledger.certificate(args.license, atBlock === undefined ? {} : { atBlock });
  let bytes: Uint8Array;
  let pages: number | undefined;
  if (format === ".pdf") {
    bytes = await certificatePdf(cert);
    pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
  } else {
    bytes = new TextEncoder().encode(certificateToJson(cert));
  }
  try {
    writeFileSync(out, bytes);
  } catch (error) {
    fail(`cannot write ${out}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const file = shownPath(out);
  const current = cert.holders.find((h) => h.until === null);
  const doc = {
    file,
    format: format === ".pdf" ? "pdf" : "json",
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
  return printResult(args.json, doc, () =>
    keyValues([
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
    ]),
  );
});
