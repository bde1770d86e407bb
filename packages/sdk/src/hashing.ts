import { readFile } from "./node-io.js";

import { AbiCoder, keccak256, sha256 } from "ethers";

import { LedgerError } from "./errors.js";

/**
 * The one scheme for document hashes (declarations, evidence, reasons): the SHA-256 of the
 * document's bytes, exactly as stored, as a 0x-prefixed bytes32. Anyone can recompute it
 * without this SDK: `sha256sum declaration.pdf` prints the same 64 hex digits.
 */
export function hashDocument(bytes: Uint8Array): string {
  return sha256(bytes);
}

/** `hashDocument` of a file's contents. */
export async function hashDocumentFile(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new LedgerError(
      "DocumentUnreadable",
      `cannot read the document ${path}`,
      { path },
      { cause },
    );
  }
  return hashDocument(bytes);
}

/** Version tag of the key-commitment scheme, hashed into every commitment. */
export const KEY_COMMITMENT_TAG = "License Ledger key commitment v1";

/** A license key as the commitment scheme sees it: Unicode NFKC, no whitespace or hyphens, upper case. */
export function normalizeLicenseKey(key: string): string {
  return key
    .normalize("NFKC")
    .replace(/[\s-]+/g, "")
    .toUpperCase();
}

/**
 * The commitment an activation server computes from a license key to find its license with
 * `licenseOfKey(productId, commitment)`: keccak256(abi.encode(tag, productId, normalized key)).
 * The key itself never goes on-chain.
 */
export function keyCommitment(productId: bigint, licenseKey: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["string", "uint256", "string"],
      [KEY_COMMITMENT_TAG, productId, normalizeLicenseKey(licenseKey)],
    ),
  );
}
