import { LedgerError } from "../errors.js";
import { type CommittedLeaf, fromHex, keccakInto, leafHashInto, toHex } from "./leaf.js";

/**
 * A Merkle tree that yields the same root and the same proofs as OpenZeppelin's
 * `StandardMerkleTree.of(values, LEAF_TYPES)` (leaves sorted by hash, sorted-pair keccak256
 * nodes, the tree laid out as one array of `2n - 1` nodes: node `i`'s children are `2i + 1` and
 * `2i + 2`, the sorted leaves fill the array's end in reverse order), built from flat bytes:
 * every node is 32 bytes of one `Uint8Array`, so a million leaves are 64 MiB and no strings.
 *
 * Pure: no Node API, so a browser page can import it.
 */
export interface MerkleTree {
  readonly leafCount: number;
  /** `(2 * leafCount - 1) * 32` bytes: node `i` at `i * 32`; the root is node 0. */
  readonly nodes: Uint8Array;
  /** Row (the order leaves were added in) to its node's index in `nodes`. */
  readonly positions: Uint32Array;
  /** The root, 0x-prefixed. */
  readonly root: string;
}

/** The most leaves one tree may hold (the array of nodes must stay below 2^32 entries). */
export const MAX_TREE_LEAVES = 2 ** 31 - 1;

const pairScratch = new Uint8Array(64);

/** Writes the sorted-pair hash of nodes `left` and `right` of `nodes` into node `target`. */
function hashPairInto(nodes: Uint8Array, left: number, right: number, target: number): void {
  const a = left * 32;
  const b = right * 32;
  let order = 0;
  for (let k = 0; k < 32 && order === 0; k++) order = nodes[a + k]! - nodes[b + k]!;
  const [first, second] = order <= 0 ? [a, b] : [b, a];
  pairScratch.set(nodes.subarray(first, first + 32), 0);
  pairScratch.set(nodes.subarray(second, second + 32), 32);
  keccakInto(pairScratch, nodes, target * 32);
}

/** Sorted-pair keccak256 of two 32-byte values. */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const scratch = new Uint8Array(96);
  scratch.set(a, 0);
  scratch.set(b, 32);
  hashPairInto(scratch, 0, 1, 2);
  return scratch.slice(64, 96);
}

/**
 * Builds the tree over `count` leaf hashes laid out flat in `leafHashes` (row `r` at `r * 32`).
 * `onProgress(done, total)` is called now and then while inner nodes are hashed.
 */
export function buildMerkleTree(
  leafHashes: Uint8Array,
  count: number,
  onProgress?: (done: number, total: number) => void,
): MerkleTree {
  if (!Number.isInteger(count) || count < 1)
    throw new LedgerError("MerkleTreeEmpty", "a Merkle tree needs at least one leaf", { count });
  if (count > MAX_TREE_LEAVES || leafHashes.length < count * 32)
    throw new LedgerError("MerkleTreeTooLarge", `a tree of ${count} leaves is not supported`, {
      count,
    });
  // Sort rows by their leaf hash: a 32-bit big-endian prefix decides almost every comparison.
  const prefix = new Uint32Array(count);
  for (let r = 0; r < count; r++) {
    const o = r * 32;
    prefix[r] =
      ((leafHashes[o]! << 24) |
        (leafHashes[o + 1]! << 16) |
        (leafHashes[o + 2]! << 8) |
        leafHashes[o + 3]!) >>>
      0;
  }
  const order = new Uint32Array(count);
  for (let r = 0; r < count; r++) order[r] = r;
  order.sort((x, y) => {
    const d = prefix[x]! - prefix[y]!;
    if (d !== 0) return d;
    const a = x * 32;
    const b = y * 32;
    for (let k = 4; k < 32; k++) {
      const e = leafHashes[a + k]! - leafHashes[b + k]!;
      if (e !== 0) return e;
    }
    return 0;
  });
  const size = 2 * count - 1;
  const nodes = new Uint8Array(size * 32);
  const positions = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const row = order[i]!;
    const index = size - 1 - i;
    nodes.set(leafHashes.subarray(row * 32, row * 32 + 32), index * 32);
    positions[row] = index;
  }
  const inner = size - count;
  const step = Math.max(1, Math.floor(inner / 100));
  for (let i = inner - 1; i >= 0; i--) {
    hashPairInto(nodes, 2 * i + 1, 2 * i + 2, i);
    if (onProgress && (inner - i) % step === 0) onProgress(inner - i, inner);
  }
  onProgress?.(inner, inner);
  return { leafCount: count, nodes, positions, root: toHex(nodes, 0, 32) };
}

/** The node indices whose values make the proof of node `index` (siblings, leaf to root). */
export function proofIndices(index: number): number[] {
  const path: number[] = [];
  for (let i = index; i > 0; i = Math.floor((i - 1) / 2)) path.push(i % 2 === 1 ? i + 1 : i - 1);
  return path;
}

/** The proof of the leaf of `row`, as `StandardMerkleTree.getProof` gives it. */
export function proofOf(tree: MerkleTree, row: number): string[] {
  const index = tree.positions[row];
  if (index === undefined) throw new RangeError(`no row ${row} in a tree of ${tree.leafCount}`);
  return proofIndices(index).map((node) => toHex(tree.nodes, node * 32, 32));
}

/** The leaf hash of `row`, 0x-prefixed. */
export function leafHashOf(tree: MerkleTree, row: number): string {
  const index = tree.positions[row];
  if (index === undefined) throw new RangeError(`no row ${row} in a tree of ${tree.leafCount}`);
  return toHex(tree.nodes, index * 32, 32);
}

/** Whether `proof` leads from `leafHash` to `root` (sorted-pair hashing, as OpenZeppelin's `MerkleProof`). */
export function verifyProof(root: string, leafHash: string, proof: readonly string[]): boolean {
  let node: Uint8Array;
  try {
    node = fromHex(leafHash, 32);
    for (const sibling of proof) node = hashPair(node, fromHex(sibling, 32));
  } catch {
    return false;
  }
  return toHex(node) === root.toLowerCase();
}

/**
 * Collects leaves one by one into flat bytes (growing by doubling), then builds the tree. What
 * the CSV reader and the leaves-file reader use; also the simplest way to build a small tree.
 */
export class MerkleTreeBuilder {
  #hashes: Uint8Array;
  #count = 0;

  constructor(expectedLeaves = 1024) {
    this.#hashes = new Uint8Array(Math.max(1, expectedLeaves) * 32);
  }

  get count(): number {
    return this.#count;
  }

  /** Adds a leaf; returns its row. */
  add(leaf: CommittedLeaf): number {
    if (this.#count * 32 === this.#hashes.length) {
      const grown = new Uint8Array(this.#hashes.length * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    leafHashInto(leaf, this.#hashes, this.#count * 32);
    return this.#count++;
  }

  build(onProgress?: (done: number, total: number) => void): MerkleTree {
    return buildMerkleTree(this.#hashes, this.#count, onProgress);
  }
}

/** The tree of `leaves` (rows in the given order). */
export function merkleTreeOf(leaves: readonly CommittedLeaf[]): MerkleTree {
  const builder = new MerkleTreeBuilder(leaves.length);
  for (const leaf of leaves) builder.add(leaf);
  return builder.build();
}
