import { open, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";

import { LedgerError } from "../errors.js";
import { parseLeafLine, type LeavesHeader } from "./format.js";
import { type CommittedLeaf, fromHex, leafHash, toHex } from "./leaf.js";
import { InputFileError } from "./lines.js";
import { proofIndices } from "./tree.js";

/**
 * The proof index of a run: a binary file next to its leaves file that finds any leaf's proof by
 * license id or by holder with a few small reads (about 20 for a million leaves), never loading
 * the file whole. Layout: the first 4 KiB hold `LLPROOF1`, a u32 (little-endian) length and a
 * JSON header (`ProofIndexHeader`); then, 8-byte aligned, the sections it names: `nodes` (the
 * tree's `2n - 1` nodes, 32 bytes each, as `StandardMerkleTree` lays them out), `positions`
 * (u32 per row: its leaf's node), `lines` (u64 per row, and one past the last: where its line
 * starts in the leaves file) and `holders` (20-byte holder and u32 row, sorted by holder then
 * row). Node only.
 */
export const PROOF_INDEX_MAGIC = "LLPROOF1";
export const PROOF_INDEX_FORMAT = "license-ledger/merkle-proof-index";
/** Bytes reserved for the magic, the length and the JSON header. */
export const PROOF_INDEX_HEAD = 4096;

type Section = { offset: number; length: number };
export interface ProofIndexHeader {
  format: typeof PROOF_INDEX_FORMAT;
  version: 1;
  /** The leaves file's header. */
  leaves: LeavesHeader;
  /** The leaves file's name, in the index's folder. */
  leavesFile: string;
  leavesHash: string;
  sections: { nodes: Section; positions: Section; lines: Section; holders: Section };
}

/** A leaf of a run with what a claim needs. */
export interface LeafWithProof {
  /** Its row in the run (0 for the first license id). */
  row: number;
  leaf: CommittedLeaf;
  leafHash: string;
  proof: string[];
  root: string;
}

export class ProofIndex {
  readonly header: ProofIndexHeader;
  readonly path: string;
  readonly leavesPath: string;
  readonly #index: FileHandle;
  readonly #leaves: FileHandle;
  readonly #first: bigint;

  private constructor(
    path: string,
    header: ProofIndexHeader,
    index: FileHandle,
    leaves: FileHandle,
  ) {
    this.path = path;
    this.header = header;
    this.leavesPath = join(dirname(path), header.leavesFile);
    this.#index = index;
    this.#leaves = leaves;
    this.#first = BigInt(header.leaves.firstLicenseId);
  }

  /** Opens a proof index (and the leaves file beside it). Close it when done. */
  static async open(path: string): Promise<ProofIndex> {
    const refuse = (reason: string) =>
      new InputFileError("ProofIndexRefused", path, undefined, reason);
    let index: FileHandle;
    try {
      index = await open(path, "r");
    } catch (cause) {
      throw refuse(`cannot read the proof index: ${(cause as Error).message}`);
    }
    try {
      const head = Buffer.alloc(PROOF_INDEX_HEAD);
      const { bytesRead } = await index.read(head, 0, PROOF_INDEX_HEAD, 0);
      if (bytesRead < 12 || head.toString("latin1", 0, 8) !== PROOF_INDEX_MAGIC)
        throw refuse("this is not a proof index (built by merkle-build)");
      const length = head.readUInt32LE(8);
      if (length > PROOF_INDEX_HEAD - 12) throw refuse("the proof index's header is damaged");
      const header = JSON.parse(head.toString("utf8", 12, 12 + length)) as ProofIndexHeader;
      if (header.format !== PROOF_INDEX_FORMAT || header.version !== 1)
        throw refuse("the proof index's format or version is not supported");
      const n = header.leaves.leafCount;
      const { nodes, positions, lines, holders } = header.sections;
      if (
        nodes.length !== (2 * n - 1) * 32 ||
        positions.length !== n * 4 ||
        lines.length !== (n + 1) * 8 ||
        holders.length !== n * 24 ||
        (await index.stat()).size < holders.offset + holders.length
      )
        throw refuse("the proof index is truncated or damaged");
      const leavesPath = join(dirname(path), header.leavesFile);
      let leaves: FileHandle;
      try {
        leaves = await open(leavesPath, "r");
      } catch (cause) {
        throw refuse(`cannot read its leaves file ${leavesPath}: ${(cause as Error).message}`);
      }
      return new ProofIndex(path, header, index, leaves);
    } catch (error) {
      await index.close();
      if (error instanceof LedgerError) throw error;
      throw refuse(`the proof index is damaged: ${(error as Error).message}`);
    }
  }

  get root(): string {
    return this.header.leaves.root;
  }

  get leafCount(): number {
    return this.header.leaves.leafCount;
  }

  async close(): Promise<void> {
    await Promise.all([this.#index.close(), this.#leaves.close()]);
  }

  async #read(offset: number, length: number, file = this.#index): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, offset);
    if (bytesRead !== length)
      throw new InputFileError(
        "ProofIndexRefused",
        this.path,
        undefined,
        "the proof index or its leaves file is truncated",
      );
    return buffer;
  }

  /** The leaf of `row` and its proof; checks the leaf's line against the tree. */
  async byRow(row: number): Promise<LeafWithProof> {
    if (!Number.isInteger(row) || row < 0 || row >= this.leafCount)
      throw new RangeError(`no row ${row} in a run of ${this.leafCount}`);
    const { nodes, positions, lines } = this.header.sections;
    const position = (await this.#read(positions.offset + row * 4, 4)).readUInt32LE(0);
    const span = await this.#read(lines.offset + row * 8, 16);
    const start = Number(span.readBigUInt64LE(0));
    const end = Number(span.readBigUInt64LE(8));
    if (end <= start || end - start > 4096)
      throw new InputFileError(
        "ProofIndexRefused",
        this.path,
        undefined,
        "the proof index is damaged",
      );
    const text = (await this.#read(start, end - start, this.#leaves)).toString("utf8").trimEnd();
    const leaf = parseLeafLine(text);
    if (typeof leaf === "string")
      throw new InputFileError(
        "ProofIndexRefused",
        this.leavesPath,
        undefined,
        `the leaf of row ${row}: ${leaf}`,
      );
    const stored = toHex(await this.#read(nodes.offset + position * 32, 32));
    const hash = leafHash(leaf);
    if (hash !== stored)
      throw new InputFileError(
        "ProofIndexRefused",
        this.leavesPath,
        undefined,
        `the leaf of license ${leaf.licenseId} differs from the one the proof index was built from: the leaves file was changed`,
      );
    const proof = await Promise.all(
      proofIndices(position).map(async (node) =>
        toHex(await this.#read(nodes.offset + node * 32, 32)),
      ),
    );
    return { row, leaf, leafHash: hash, proof, root: this.root };
  }

  /** The leaf of `licenseId` and its proof, or undefined when the id is not in this run. */
  async byLicenseId(licenseId: bigint): Promise<LeafWithProof | undefined> {
    const row = licenseId - this.#first;
    if (row < 0n || row >= BigInt(this.leafCount)) return undefined;
    return this.byRow(Number(row));
  }

  /** Every leaf of `holder` (at most `limit`, in license-id order) with its proof. */
  async byHolder(holder: string, limit = 1000): Promise<LeafWithProof[]> {
    const key = fromHex(holder, 20);
    const { holders } = this.header.sections;
    const compareAt = async (i: number) => {
      const record = await this.#read(holders.offset + i * 24, 20);
      return Buffer.compare(record, key);
    };
    // First record >= key.
    let low = 0;
    let high = this.leafCount;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((await compareAt(mid)) < 0) low = mid + 1;
      else high = mid;
    }
    const found: LeafWithProof[] = [];
    for (let i = low; i < this.leafCount && found.length < limit; i++) {
      const record = await this.#read(holders.offset + i * 24, 24);
      if (Buffer.compare(record.subarray(0, 20), key) !== 0) break;
      found.push(await this.byRow(record.readUInt32LE(20)));
    }
    return found;
  }
}
