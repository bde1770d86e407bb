import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { endianness } from "node:os";
import { basename, join } from "node:path";

import { LedgerError } from "../errors.js";
import { CsvRowError, parseCsvHeader, parseCsvRow, type CsvColumn } from "./csv.js";
import {
  MAX_HEADER_LINE,
  MAX_LEAF_LINE,
  leafLine,
  leavesHeader,
  parseLeafLine,
  parseLeavesHeader,
  type LeavesHeader,
} from "./format.js";
import { type CommittedLeaf, leafHashInto, writeHex } from "./leaf.js";
import { InputFileError, boundedLines } from "./lines.js";
import {
  PROOF_INDEX_FORMAT,
  PROOF_INDEX_HEAD,
  PROOF_INDEX_MAGIC,
  type ProofIndexHeader,
} from "./proofs.js";
import { buildMerkleTree, type MerkleTree } from "./tree.js";

/**
 * Builds a committed issuance run from a CSV file (see merkle/csv.ts for its columns) with bounded
 * memory: the rows stream through once; what stays in memory is 32 bytes of leaf hash, 20 of
 * holder and 8 of file offset per row, then the tree's nodes (64 bytes per leaf). Writes the
 * leaves file (published, its SHA-256 committed on chain) and the proof index (binary: the
 * tree's nodes, each row's node, each row's line in the leaves file, and the rows sorted by
 * holder), so a proof is found later by license id or by holder without loading anything whole.
 * Node only.
 */
export const SERIALS_PER_RUN_PRODUCT = 1_000_000_000_000n;
/** Default most rows of one run's CSV (a bound, not a target: a million build in under 2 minutes). */
export const DEFAULT_MAX_ROWS = 2_000_000;
/** Default longest CSV line, in bytes. */
export const DEFAULT_MAX_CSV_LINE = 1024;

export interface BuildProgress {
  phase: "reading" | "hashing" | "writing";
  /** Reading: bytes of the CSV read; hashing: inner nodes hashed; writing: bytes written. */
  done: number;
  total: number;
  rows: number;
}

export interface BuildRunOptions {
  productId: bigint;
  /** The run's first license id: `productId * 10^12 + (licenses issued so far) + 1`. */
  firstLicenseId: bigint;
  /** Folder for the outputs (it must exist). */
  outDir: string;
  /** Base name of the outputs (default `run-<firstLicenseId>`). */
  name?: string;
  /** The chain the run is meant for, recorded in the header. */
  chainId?: bigint;
  maxRows?: number;
  maxLineLength?: number;
  onProgress?: (progress: BuildProgress) => void;
}

export interface BuiltRun {
  productId: bigint;
  firstLicenseId: bigint;
  leafCount: number;
  root: string;
  chainId?: bigint;
  leavesFile: string;
  /** SHA-256 of the leaves file (0x-prefixed), the hash the commit records. */
  leavesHash: string;
  leavesBytes: number;
  proofIndexFile: string;
  proofIndexBytes: number;
}

/** Flat arrays that grow by doubling. */
class Rows {
  hashes: Uint8Array;
  holders: Uint8Array;
  offsets: Float64Array;
  count = 0;

  constructor(capacity: number) {
    this.hashes = new Uint8Array(capacity * 32);
    this.holders = new Uint8Array(capacity * 20);
    this.offsets = new Float64Array(capacity + 1);
  }

  add(leaf: CommittedLeaf, offset: number): void {
    if (this.count + 1 >= this.offsets.length) {
      const grow = <T extends Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.hashes = grow(this.hashes, (n) => new Uint8Array(n));
      this.holders = grow(this.holders, (n) => new Uint8Array(n));
      this.offsets = grow(this.offsets, (n) => new Float64Array(n));
    }
    leafHashInto(leaf, this.hashes, this.count * 32);
    writeHex(leaf.holder, this.holders, this.count * 20, 20);
    this.offsets[this.count] = offset;
    this.count++;
  }
}

/** Buffered appends to a file descriptor. */
class Appender {
  #parts: string[] = [];
  #pending = 0;
  written = 0;
  constructor(private readonly fd: number) {}
  write(text: string): void {
    this.#parts.push(text);
    this.#pending += text.length;
    this.written += Buffer.byteLength(text);
    if (this.#pending >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.#parts.length === 0) return;
    writeSync(this.fd, this.#parts.join(""));
    this.#parts = [];
    this.#pending = 0;
  }
}

function checkRange(productId: bigint, firstLicenseId: bigint, count: number): void {
  const serial = firstLicenseId % SERIALS_PER_RUN_PRODUCT;
  if (firstLicenseId / SERIALS_PER_RUN_PRODUCT !== productId || serial < 1n)
    throw new LedgerError(
      "RunFirstIdInvalid",
      `the first license id ${firstLicenseId} is not a license of product ${productId} (ids are product * 10^12 + serial, serials from 1)`,
      { productId, firstLicenseId },
    );
  if (serial + BigInt(count) - 1n >= SERIALS_PER_RUN_PRODUCT)
    throw new LedgerError(
      "RunTooLarge",
      `product ${productId} has no ${count} serials left after ${firstLicenseId}`,
      { productId, firstLicenseId, count },
    );
}

/** Builds the run's tree from a CSV file and writes its leaves file and proof index. */
export async function buildRunFromCsv(
  csvPath: string,
  options: BuildRunOptions,
): Promise<BuiltRun> {
  const { productId, firstLicenseId, outDir, onProgress } = options;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_CSV_LINE;
  checkRange(productId, firstLicenseId, 1);
  let total: number;
  try {
    total = statSync(csvPath).size;
  } catch (cause) {
    throw new InputFileError(
      "InputFileUnreadable",
      csvPath,
      undefined,
      `cannot read the CSV file: ${(cause as Error).message}`,
    );
  }
  const name = options.name ?? `run-${firstLicenseId}`;
  const leavesFile = join(outDir, `${name}.leaves.jsonl`);
  const partial = `${leavesFile}.partial`;
  const rows = new Rows(Math.min(maxRows, Math.max(1024, Math.ceil(total / 48))));
  const fd = openSync(partial, "w");
  let columns: CsvColumn[] | undefined;
  let tree: MerkleTree;
  try {
    const body = new Appender(fd);
    let nextReport = 0;
    for await (const line of boundedLines(csvPath, {
      maxLineLength,
      maxLines: maxRows + 1 + 1000,
      what: "the CSV file",
    })) {
      if (line.text.trim() === "") continue;
      try {
        if (!columns) {
          columns = parseCsvHeader(line.text);
          continue;
        }
        if (rows.count >= maxRows)
          throw new CsvRowError(
            `the file has more than ${maxRows.toLocaleString("en")} rows, the most one run accepts: split it into several runs`,
          );
        const leaf = parseCsvRow(
          line.text,
          columns,
          productId,
          firstLicenseId + BigInt(rows.count),
        );
        rows.add(leaf, body.written);
        body.write(`${leafLine(leaf)}\n`);
      } catch (cause) {
        if (cause instanceof CsvRowError)
          throw new InputFileError("CsvRowRefused", csvPath, line.number, cause.message);
        throw cause;
      }
      if (onProgress && line.bytesRead >= nextReport && line.bytesRead < total) {
        onProgress({ phase: "reading", done: line.bytesRead, total, rows: rows.count });
        nextReport = line.bytesRead + (1 << 20);
      }
    }
    if (!columns)
      throw new InputFileError(
        "CsvRowRefused",
        csvPath,
        undefined,
        "the file is empty: it needs a header line and at least one row",
      );
    if (rows.count === 0)
      throw new InputFileError(
        "CsvRowRefused",
        csvPath,
        undefined,
        "the file has a header but no rows: a run needs at least one license",
      );
    onProgress?.({ phase: "reading", done: total, total, rows: rows.count });
    body.flush();
    rows.offsets[rows.count] = body.written;
    checkRange(productId, firstLicenseId, rows.count);
    tree = buildMerkleTree(rows.hashes, rows.count, (done, all) =>
      onProgress?.({ phase: "hashing", done, total: all, rows: rows.count }),
    );
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  rows.hashes = new Uint8Array(0);
  const header = leavesHeader({
    productId,
    firstLicenseId,
    leafCount: rows.count,
    root: tree.root,
    ...(options.chainId === undefined ? {} : { chainId: options.chainId }),
  });
  const written = await writeLeavesFile(leavesFile, partial, header, (done, all) =>
    onProgress?.({ phase: "writing", done, total: all, rows: rows.count }),
  );
  const proofIndexFile = join(outDir, `${name}.proofs.bin`);
  const proofIndexBytes = writeProofIndex(proofIndexFile, {
    header,
    leavesFile,
    leavesHash: written.hash,
    headerLineBytes: written.headerBytes,
    tree,
    holders: rows.holders,
    offsets: rows.offsets,
  });
  return {
    productId,
    firstLicenseId,
    leafCount: rows.count,
    root: tree.root,
    ...(options.chainId === undefined ? {} : { chainId: options.chainId }),
    leavesFile,
    leavesHash: written.hash,
    leavesBytes: written.bytes,
    proofIndexFile,
    proofIndexBytes,
  };
}

/** Writes the header line then the body (moved from `bodyPath`), hashing the whole with SHA-256. */
async function writeLeavesFile(
  path: string,
  bodyPath: string,
  header: LeavesHeader,
  onProgress: (done: number, total: number) => void,
): Promise<{ hash: string; bytes: number; headerBytes: number }> {
  const headerLine = Buffer.from(`${JSON.stringify(header)}\n`);
  const total = headerLine.length + statSync(bodyPath).size;
  const sha = createHash("sha256");
  const temp = `${path}.writing`;
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, headerLine);
    sha.update(headerLine);
    let done = headerLine.length;
    for await (const chunk of createReadStream(bodyPath, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      writeSync(fd, chunk);
      sha.update(chunk);
      done += chunk.length;
      onProgress(done, total);
    }
  } finally {
    closeSync(fd);
    rmSync(bodyPath, { force: true });
  }
  renameSync(temp, path);
  return { hash: `0x${sha.digest("hex")}`, bytes: total, headerBytes: headerLine.length };
}

/** Writes the proof index; returns its size in bytes. */
function writeProofIndex(
  path: string,
  input: {
    header: LeavesHeader;
    leavesFile: string;
    leavesHash: string;
    headerLineBytes: number;
    tree: MerkleTree;
    holders: Uint8Array;
    offsets: Float64Array;
  },
): number {
  if (endianness() !== "LE")
    throw new LedgerError(
      "UnsupportedPlatform",
      "the proof index is written on little-endian machines only",
    );
  const { tree, holders, header } = input;
  const n = tree.leafCount;
  // Rows sorted by holder, then row: records of 20 bytes of holder and a u32 row.
  const prefix = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * 20;
    prefix[r] =
      ((holders[o]! << 24) | (holders[o + 1]! << 16) | (holders[o + 2]! << 8) | holders[o + 3]!) >>>
      0;
  }
  const order = new Uint32Array(n);
  for (let r = 0; r < n; r++) order[r] = r;
  order.sort((x, y) => {
    const d = prefix[x]! - prefix[y]!;
    if (d !== 0) return d;
    for (let k = 4; k < 20; k++) {
      const e = holders[x * 20 + k]! - holders[y * 20 + k]!;
      if (e !== 0) return e;
    }
    return x - y;
  });
  const byHolder = Buffer.alloc(n * 24);
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    byHolder.set(holders.subarray(row * 20, row * 20 + 20), i * 24);
    byHolder.writeUInt32LE(row, i * 24 + 20);
  }
  const lines = new BigUint64Array(n + 1);
  for (let r = 0; r <= n; r++) lines[r] = BigInt(input.offsets[r]! + input.headerLineBytes);
  const sections = [
    ["nodes", Buffer.from(tree.nodes.buffer, tree.nodes.byteOffset, tree.nodes.byteLength)],
    [
      "positions",
      Buffer.from(tree.positions.buffer, tree.positions.byteOffset, tree.positions.byteLength),
    ],
    ["lines", Buffer.from(lines.buffer)],
    ["holders", byHolder],
  ] as const;
  // The header (magic, u32 length, JSON) fills the first PROOF_INDEX_HEAD bytes; sections follow,
  // each 8-byte aligned.
  const places = {} as ProofIndexHeader["sections"];
  let offset = PROOF_INDEX_HEAD;
  for (const [key, bytes] of sections) {
    places[key] = { offset, length: bytes.length };
    offset += Math.ceil(bytes.length / 8) * 8;
  }
  const doc: ProofIndexHeader = {
    format: PROOF_INDEX_FORMAT,
    version: 1,
    leaves: header,
    leavesFile: basename(input.leavesFile),
    leavesHash: input.leavesHash,
    sections: places,
  };
  const json = Buffer.from(JSON.stringify(doc));
  if (PROOF_INDEX_MAGIC.length + 4 + json.length > PROOF_INDEX_HEAD)
    throw new LedgerError(
      "ProofIndexHeaderTooLong",
      "the proof index's header does not fit its 4 KiB",
    );
  const fd = openSync(`${path}.writing`, "w");
  let size = 0;
  try {
    const head = Buffer.alloc(PROOF_INDEX_HEAD);
    head.write(PROOF_INDEX_MAGIC, 0, "latin1");
    head.writeUInt32LE(json.length, PROOF_INDEX_MAGIC.length);
    head.set(json, PROOF_INDEX_MAGIC.length + 4);
    writeSync(fd, head, 0, head.length, 0);
    for (const [key, bytes] of sections) {
      const at = places[key].offset;
      writeSync(fd, bytes, 0, bytes.length, at);
      size = Math.max(size, at + bytes.length);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.writing`, path);
  return size;
}

export interface VerifiedLeavesFile {
  header: LeavesHeader;
  root: string;
  leafCount: number;
  /** SHA-256 of the file (0x-prefixed). */
  leavesHash: string;
  /** The proof index written, when asked for. */
  proofIndexFile?: string;
}

/**
 * Reads a leaves file (bounded: lines of at most 1 KiB, as many as its header says and no
 * more), checks that its ids run from the header's first id without a gap, recomputes the root
 * and compares it with the header's and with `expected.root` (the one committed on chain), and
 * the file's SHA-256 with `expected.leavesHash`. Throws an `InputFileError` naming the first
 * difference. With `proofIndexFile`, also writes the proof index, so anyone who downloaded only
 * the published leaves file can look up proofs.
 */
export async function verifyLeavesFile(
  path: string,
  expected: { root?: string; leavesHash?: string; proofIndexFile?: string; maxRows?: number } = {},
): Promise<VerifiedLeavesFile> {
  const maxRows = expected.maxRows ?? DEFAULT_MAX_ROWS;
  let header: LeavesHeader | undefined;
  let rows: Rows | undefined;
  let first = 0n;
  const refuse = (line: number | undefined, reason: string): never => {
    throw new InputFileError("LeavesFileRefused", path, line, reason);
  };
  for await (const line of boundedLines(path, {
    maxLineLength: Math.max(MAX_LEAF_LINE, MAX_HEADER_LINE),
    maxLines: maxRows + 1,
    what: "the leaves file",
  })) {
    if (!header) {
      const parsed = parseLeavesHeader(line.text);
      if (typeof parsed === "string") refuse(line.number, parsed);
      header = parsed as LeavesHeader;
      if (header.leafCount > maxRows)
        refuse(
          1,
          `the header announces ${header.leafCount} leaves, more than the ${maxRows} accepted`,
        );
      first = BigInt(header.firstLicenseId);
      rows = new Rows(header.leafCount);
      continue;
    }
    if (line.text.length > MAX_LEAF_LINE)
      refuse(line.number, `the line is longer than ${MAX_LEAF_LINE} bytes`);
    const leaf = parseLeafLine(line.text);
    if (typeof leaf === "string") refuse(line.number, leaf);
    const l = leaf as CommittedLeaf;
    if (rows!.count >= header.leafCount)
      refuse(
        line.number,
        `the file has more leaves than the ${header.leafCount} its header announces`,
      );
    if (l.licenseId !== first + BigInt(rows!.count))
      refuse(
        line.number,
        `license id ${l.licenseId} where ${first + BigInt(rows!.count)} was expected (ids run without a gap)`,
      );
    rows!.add(l, line.offset);
  }
  if (!header || !rows) return refuse(undefined, "the file is empty");
  if (rows.count !== header.leafCount)
    refuse(
      undefined,
      `the file has ${rows.count} leaves but its header announces ${header.leafCount}`,
    );
  rows.offsets[rows.count] = statSync(path).size;
  const tree = buildMerkleTree(rows.hashes, rows.count);
  if (tree.root !== header.root)
    refuse(
      undefined,
      `its leaves hash to the root ${tree.root}, not to the ${header.root} its header names`,
    );
  if (expected.root !== undefined && tree.root !== expected.root.toLowerCase())
    refuse(
      undefined,
      `its leaves hash to the root ${tree.root}, not to the committed root ${expected.root}`,
    );
  const sha = createHash("sha256");
  for await (const chunk of createReadStream(path, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>)
    sha.update(chunk);
  const leavesHash = `0x${sha.digest("hex")}`;
  if (expected.leavesHash !== undefined && leavesHash !== expected.leavesHash.toLowerCase())
    refuse(
      undefined,
      `its SHA-256 is ${leavesHash}, not the committed ${expected.leavesHash}: it is not the file that was committed`,
    );
  if (expected.proofIndexFile)
    writeProofIndex(expected.proofIndexFile, {
      header,
      leavesFile: path,
      leavesHash,
      headerLineBytes: 0,
      tree,
      holders: rows.holders,
      offsets: rows.offsets,
    });
  return {
    header,
    root: tree.root,
    leafCount: rows.count,
    leavesHash,
    ...(expected.proofIndexFile ? { proofIndexFile: expected.proofIndexFile } : {}),
  };
}
