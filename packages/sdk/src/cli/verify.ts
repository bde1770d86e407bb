import { closeSync, fstatSync, openSync, readSync } from "node:fs";

import type { Provider } from "ethers";

import { MAX_CERTIFICATE_PDF_BYTES } from "../certificate-pdf.js";
import { LicenseLedger } from "../ledger.js";
import type { TrustedDeployment } from "../trust.js";
import { VERDICT_EXIT_CODES, describeVerdict, type CertificateVerdict } from "../verify.js";
import { UsageError } from "./args.js";
import type { Report, Verb } from "./verb.js";

/**
 * Verifies a certificate file (PDF or JSON) against trusted deployments and says which of the
 * five verdicts it earns, with its exit code. Shared by the bin's `verify` and `license:verify`.
 */

/** A certificate file's bytes, refused when missing or larger than any certificate can be. */
export function readCertificateFile(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new UsageError(
      `the certificate file ${path} does not exist or cannot be read`,
      { path },
      error,
    );
  }
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_CERTIFICATE_PDF_BYTES) {
      throw new UsageError(
        `${path} is ${size} bytes: no License Ledger certificate is larger than ${MAX_CERTIFICATE_PDF_BYTES / 1024 / 1024} MiB, so it is refused`,
        { path, size },
      );
    }
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

export async function verifyReport(
  provider: Provider,
  bytes: Uint8Array,
  trusted: readonly TrustedDeployment[],
  file: string,
): Promise<Report<CertificateVerdict & { file: string }>> {
  const verdict = await LicenseLedger.verify(provider, bytes, { trusted });
  return {
    doc: { file, ...verdict },
    lines: describeVerdict(verdict, file),
    exitCode: VERDICT_EXIT_CODES[verdict.verdict],
  };
}

export const verifyVerb: Verb = {
  name: "verify",
  summary: "Checks a certificate (PDF or JSON) against the official deployment",
  usage: ["verify <file.pdf|file.json>"],
  details: [
    "Decides against the official License Ledger of the chain the RPC serves (the address book this package ships for its chain id), or the deployment --trust, --network or --registry names; never against the registry or market the certificate names. It checks the code the node serves there, rebuilds the chain of title at the certificate's block, compares the certificate with it as a whole, checks a PDF's pages are the drawing of the certificate it carries, and says what changed since.",
    "Exit code: 0 current (genuine, final, nothing changed since), 1 not genuine, 2 not the official License Ledger, 3 superseded (true at its block, changed since), 4 not final (its block is not finalized yet).",
  ],
  options: {},
  maxPositionals: 1,
  async run(input, context) {
    const file = input.positionals[0];
    if (file === undefined)
      throw new UsageError("which certificate? Give its file (.pdf or .json)");
    const bytes = readCertificateFile(file);
    const { provider, ledger } = await context.connect();
    return verifyReport(provider, bytes, [ledger.trust], file);
  },
};
