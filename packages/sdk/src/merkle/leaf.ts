import { keccak256 } from "ethers";

/**
 * The leaves of a committed issuance run, encoded exactly as `ILicenseCommitments` verifies them:
 * OpenZeppelin `StandardMerkleTree` leaves (double keccak256, so no inner node passes as a leaf)
 * of the ABI encoding of
 * `(uint256 licenseId, address holder, uint256 seats, uint256 validUntil, uint8 region,
 *   bytes32 keyCommitment, bytes32 originEvidence)`.
 *
 * Pure: no Node API, so a browser page can import it. Bytes are `Uint8Array`, never `Buffer`.
 */

/** The leaf's Solidity types, in order: what `StandardMerkleTree.of(values, LEAF_TYPES)` takes. */
export const LEAF_TYPES = [
  "uint256",
  "address",
  "uint256",
  "uint256",
  "uint8",
  "bytes32",
  "bytes32",
] as const;

/** The leaf's field names, in the order of `LEAF_TYPES`. */
export const LEAF_FIELDS = [
  "licenseId",
  "holder",
  "seats",
  "validUntil",
  "region",
  "keyCommitment",
  "originEvidence",
] as const;

/** The leaf encoding in one line, as the leaves file's header names it. */
export const LEAF_ENCODING =
  "keccak256(keccak256(abi.encode(uint256 licenseId, address holder, uint256 seats, uint256 validUntil, uint8 region, bytes32 keyCommitment, bytes32 originEvidence))) (OpenZeppelin StandardMerkleTree leaf; sorted leaves, sorted-pair keccak256 nodes)";

/** The first-sale regions, numbered as the contracts' `FirstSaleRegion` enum. */
export const LEAF_REGIONS = ["unrecorded", "EEA", "Switzerland", "elsewhere"] as const;
export type LeafRegionName = (typeof LEAF_REGIONS)[number];

/** One license of a run, as its leaf binds it. Hashes are 0x-prefixed, 32 bytes. */
export interface CommittedLeaf {
  licenseId: bigint;
  /** A 0x-prefixed address (any case). */
  holder: string;
  seats: bigint;
  /** 0n for a perpetual license, else unix seconds. */
  validUntil: bigint;
  /** `FirstSaleRegion`: 0 unrecorded, 1 EEA, 2 Switzerland, 3 elsewhere. */
  region: number;
  keyCommitment: string;
  originEvidence: string;
}

/** The leaf as the tuple `StandardMerkleTree.of` and the contract's `Leaf` struct take. */
export function leafTuple(
  leaf: CommittedLeaf,
): [bigint, string, bigint, bigint, number, string, string] {
  return [
    leaf.licenseId,
    leaf.holder,
    leaf.seats,
    leaf.validUntil,
    leaf.region,
    leaf.keyCommitment,
    leaf.originEvidence,
  ];
}

const HEX_VALUES = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();
const HEX_DIGITS = "0123456789abcdef";

/**
 * Writes the hex digits of `hex` (with or without 0x) into `out` at `offset`, right-aligned in
 * `width` bytes (zero-padded on the left). Returns false on a non-hex digit or a value too wide.
 */
export function writeHex(hex: string, out: Uint8Array, offset: number, width: number): boolean {
  const start = hex.startsWith("0x") || hex.startsWith("0X") ? 2 : 0;
  const digits = hex.length - start;
  if (digits > width * 2) return false;
  out.fill(0, offset, offset + width);
  let position = offset + width - Math.ceil(digits / 2);
  let i = start;
  if (digits % 2 === 1) {
    const low = HEX_VALUES[hex.charCodeAt(i++)] ?? -1;
    if (low < 0) return false;
    out[position++] = low;
  }
  for (; i < hex.length; i += 2) {
    const high = HEX_VALUES[hex.charCodeAt(i)] ?? -1;
    const low = HEX_VALUES[hex.charCodeAt(i + 1)] ?? -1;
    if (high < 0 || low < 0) return false;
    out[position++] = (high << 4) | low;
  }
  return true;
}

/** `bytes[offset, offset + length)` as 0x-prefixed lower-case hex. */
export function toHex(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  let hex = "0x";
  for (let i = offset; i < offset + length; i++) {
    const byte = bytes[i]!;
    hex += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  }
  return hex;
}

/** 0x-prefixed hex as bytes; throws on anything else. */
export function fromHex(hex: string, length?: number): Uint8Array {
  const digits = hex.startsWith("0x") ? hex.length - 2 : hex.length;
  const width = length ?? Math.ceil(digits / 2);
  const out = new Uint8Array(width);
  if (!writeHex(hex, out, 0, width)) throw new Error(`not ${width} bytes of hex: ${hex}`);
  return out;
}

function writeUint(value: bigint, out: Uint8Array, offset: number): void {
  if (value < 0n || !writeHex(value.toString(16), out, offset, 32))
    throw new RangeError(`not a uint256: ${value}`);
}

/** The 224-byte `abi.encode` of a leaf's tuple, written into `out` at `offset`. */
export function encodeLeaf(
  leaf: CommittedLeaf,
  out: Uint8Array = new Uint8Array(224),
  offset = 0,
): Uint8Array {
  writeUint(leaf.licenseId, out, offset);
  if (!/^0x[0-9a-fA-F]{40}$/.test(leaf.holder) || !writeHex(leaf.holder, out, offset + 32, 32))
    throw new Error(`not an address: ${leaf.holder}`);
  writeUint(leaf.seats, out, offset + 64);
  writeUint(leaf.validUntil, out, offset + 96);
  writeUint(BigInt(leaf.region), out, offset + 128);
  if (!writeHex(leaf.keyCommitment, out, offset + 160, 32))
    throw new Error(`not a bytes32: ${leaf.keyCommitment}`);
  if (!writeHex(leaf.originEvidence, out, offset + 192, 32))
    throw new Error(`not a bytes32: ${leaf.originEvidence}`);
  return out;
}

/** keccak256 of `input`, written as 32 bytes into `out` at `offset`. */
export function keccakInto(input: Uint8Array, out: Uint8Array, offset: number): void {
  writeHex(keccak256(input), out, offset, 32);
}

const encodeScratch = new Uint8Array(224);
const hashScratch = new Uint8Array(32);

/** The leaf's hash (the tree's leaf node), written as 32 bytes into `out` at `offset`. */
export function leafHashInto(leaf: CommittedLeaf, out: Uint8Array, offset: number): void {
  encodeLeaf(leaf, encodeScratch, 0);
  keccakInto(encodeScratch, hashScratch, 0);
  keccakInto(hashScratch, out, offset);
}

/** The leaf's hash as 0x-prefixed hex: `StandardMerkleTree.leafHash(leafTuple(leaf))`. */
export function leafHash(leaf: CommittedLeaf): string {
  const out = new Uint8Array(32);
  leafHashInto(leaf, out, 0);
  return toHex(out);
}
