import { LEAF_ENCODING, LEAF_FIELDS, LEAF_TYPES, type CommittedLeaf } from "./leaf.js";

/**
 * The leaves file of a run, the one the commit names by URI and hash: JSON Lines, a header line
 * then one leaf per line in license-id order, each leaf an array in the order of `fields`:
 *
 * ```
 * {"format":"license-ledger/merkle-leaves","version":1,"productId":"7","firstLicenseId":"7000000000001","leafCount":2,"root":"0x…","encoding":"…","types":[…],"fields":[…]}
 * ["7000000000001","0x70997970c51812dc3a010c7d01b50e0d17dc79c8",5,0,1,"0x…","0x…"]
 * ```
 *
 * Its hash is the SHA-256 of the file's bytes (the project's one document-hash scheme:
 * `sha256sum` prints it). Pure: no Node API.
 */
export const LEAVES_FORMAT = "license-ledger/merkle-leaves";
export const LEAVES_VERSION = 1;
/** Longest line of a leaves file (a leaf line is about 230 bytes). */
export const MAX_LEAF_LINE = 1024;
/** Longest header line of a leaves file. */
export const MAX_HEADER_LINE = 4096;

export interface LeavesHeader {
  format: typeof LEAVES_FORMAT;
  version: typeof LEAVES_VERSION;
  /** The chain the run is meant for, when known at build time. */
  chainId?: string;
  productId: string;
  firstLicenseId: string;
  leafCount: number;
  root: string;
  encoding: string;
  types: string[];
  fields: string[];
}

export function leavesHeader(run: {
  productId: bigint;
  firstLicenseId: bigint;
  leafCount: number;
  root: string;
  chainId?: bigint;
}): LeavesHeader {
  return {
    format: LEAVES_FORMAT,
    version: LEAVES_VERSION,
    ...(run.chainId === undefined ? {} : { chainId: run.chainId.toString() }),
    productId: run.productId.toString(),
    firstLicenseId: run.firstLicenseId.toString(),
    leafCount: run.leafCount,
    root: run.root,
    encoding: LEAF_ENCODING,
    types: [...LEAF_TYPES],
    fields: [...LEAF_FIELDS],
  };
}

/** A leaf as its line (without the line break). */
export function leafLine(leaf: CommittedLeaf): string {
  return `["${leaf.licenseId}","${leaf.holder.toLowerCase()}",${leaf.seats},${leaf.validUntil},${leaf.region},"${leaf.keyCommitment}","${leaf.originEvidence}"]`;
}

const LINE =
  /^\["([0-9]{1,78})","(0x[0-9a-f]{40})",([0-9]{1,20}),([0-9]{1,20}),([0-9]{1,3}),"(0x[0-9a-f]{64})","(0x[0-9a-f]{64})"\]$/;

/** The leaf of a line, or a sentence saying why the line is not one. */
export function parseLeafLine(line: string): CommittedLeaf | string {
  const m = LINE.exec(line);
  if (!m) return "the line is not a leaf of this format";
  const region = Number(m[5]);
  if (region > 255) return "the region does not fit a uint8";
  return {
    licenseId: BigInt(m[1]!),
    holder: m[2]!,
    seats: BigInt(m[3]!),
    validUntil: BigInt(m[4]!),
    region,
    keyCommitment: m[6]!,
    originEvidence: m[7]!,
  };
}

/** The header of a line, or a sentence saying why the line is not one. */
export function parseLeavesHeader(line: string): LeavesHeader | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "the first line is not the leaves file's JSON header";
  }
  const h = value as Partial<LeavesHeader> | null;
  if (!h || typeof h !== "object" || h.format !== LEAVES_FORMAT)
    return `the first line does not name the format "${LEAVES_FORMAT}"`;
  if (h.version !== LEAVES_VERSION)
    return `version ${String(h.version)} of the format is not supported (only ${LEAVES_VERSION})`;
  if (
    typeof h.productId !== "string" ||
    !/^[0-9]{1,78}$/.test(h.productId) ||
    typeof h.firstLicenseId !== "string" ||
    !/^[0-9]{1,78}$/.test(h.firstLicenseId) ||
    typeof h.leafCount !== "number" ||
    !Number.isSafeInteger(h.leafCount) ||
    h.leafCount < 1 ||
    typeof h.root !== "string" ||
    !/^0x[0-9a-f]{64}$/.test(h.root) ||
    (h.chainId !== undefined && (typeof h.chainId !== "string" || !/^[0-9]{1,20}$/.test(h.chainId)))
  )
    return "the header's productId, firstLicenseId, leafCount, root or chainId is missing or malformed";
  if (
    h.encoding !== LEAF_ENCODING ||
    JSON.stringify(h.types) !== JSON.stringify(LEAF_TYPES) ||
    JSON.stringify(h.fields) !== JSON.stringify(LEAF_FIELDS)
  )
    return "the header names another leaf encoding than ILicenseCommitments'";
  return h as LeavesHeader;
}
