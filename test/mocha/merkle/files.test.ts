import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { ZeroHash, sha256 } from "ethers";

import {
  InputFileError,
  LEAF_TYPES,
  ProofIndex,
  buildRunFromCsv,
  keyCommitment,
  leafHash,
  leafTuple,
  parseLeafLine,
  verifyLeavesFile,
  verifyProof,
  type CommittedLeaf,
} from "@license-ledger/sdk";
import { removeTempDirs, tempDir, thrown } from "../../helpers/sdk.js";

/** Expects `attempt` to fail with a message matching `message`. */
async function rejects(attempt: Promise<unknown>, message: RegExp | string): Promise<void> {
  const error = await thrown(attempt);
  expect(error).to.be.instanceOf(Error);
  if (typeof message === "string") expect((error as Error).message).to.include(message);
  else expect((error as Error).message).to.match(message);
}

const PRODUCT = 7n;
const FIRST = 7_000_000_000_011n;
const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const EVIDENCE = `0x${"ab".repeat(32)}`;

async function build(csv: string, options: { maxRows?: number; maxLineLength?: number } = {}) {
  const dir = tempDir("license-ledger-merkle-");
  const path = join(dir, "run.csv");
  writeFileSync(path, csv);
  const run = await buildRunFromCsv(path, {
    productId: PRODUCT,
    firstLicenseId: FIRST,
    outDir: dir,
    ...options,
  });
  return { dir, path, run };
}

async function refusal(
  csv: string | Buffer,
  options: { maxRows?: number; maxLineLength?: number } = {},
) {
  const dir = tempDir("license-ledger-merkle-");
  const path = join(dir, "run.csv");
  writeFileSync(path, csv);
  try {
    await buildRunFromCsv(path, {
      productId: PRODUCT,
      firstLicenseId: FIRST,
      outDir: dir,
      ...options,
    });
  } catch (error) {
    expect(error).to.be.instanceOf(InputFileError);
    return (error as Error).message.replace(path, "run.csv");
  }
  throw new Error("the CSV was accepted");
}

const CSV = [
  "holder,seats,validUntil,region,licenseKey,originEvidence",
  `${ALICE},5,,EEA,ABCD-0001,${EVIDENCE}`,
  `${BOB},1,2030-12-31,switzerland,,`,
  `"${ALICE}",2,1900000000,elsewhere,"KEY, WITH COMMA",`,
  "",
  `${BOB},3,0,,,`,
  "",
].join("\n");

describe("merkle: a run built from a CSV file", function () {
  after(removeTempDirs);

  it("writes a leaves file whose leaves, root and hash are what the CSV says", async function () {
    const { run } = await build(CSV);
    expect(run.leafCount).to.equal(4);
    const lines = readFileSync(run.leavesFile, "utf8").trimEnd().split("\n");
    const header = JSON.parse(lines[0]!);
    expect(header).to.include({
      format: "license-ledger/merkle-leaves",
      version: 1,
      productId: "7",
      firstLicenseId: FIRST.toString(),
      leafCount: 4,
      root: run.root,
    });
    const leaves = lines.slice(1).map((l) => parseLeafLine(l) as CommittedLeaf);
    expect(leaves.map((l) => l.licenseId)).to.deep.equal([
      FIRST,
      FIRST + 1n,
      FIRST + 2n,
      FIRST + 3n,
    ]);
    expect(leaves[0]).to.deep.equal({
      licenseId: FIRST,
      holder: ALICE.toLowerCase(),
      seats: 5n,
      validUntil: 0n,
      region: 1,
      keyCommitment: keyCommitment(PRODUCT, "ABCD-0001"),
      originEvidence: EVIDENCE,
    });
    expect(leaves[1]).to.include({
      validUntil: BigInt(Date.UTC(2030, 11, 31) / 1000),
      region: 2,
      keyCommitment: ZeroHash,
    });
    expect(leaves[2]).to.include({
      keyCommitment: keyCommitment(PRODUCT, "KEY, WITH COMMA"),
      region: 3,
    });
    expect(StandardMerkleTree.of(leaves.map(leafTuple), [...LEAF_TYPES]).root).to.equal(run.root);
    expect(run.leavesHash).to.equal(sha256(readFileSync(run.leavesFile)));
    expect(run.leavesBytes).to.equal(statSync(run.leavesFile).size);
  });

  it("finds every leaf's proof by license id and by holder, and each verifies", async function () {
    const { run } = await build(CSV);
    const index = await ProofIndex.open(run.proofIndexFile);
    try {
      expect(index.root).to.equal(run.root);
      for (let i = 0n; i < 4n; i++) {
        const found = (await index.byLicenseId(FIRST + i))!;
        expect(found.leaf.licenseId).to.equal(FIRST + i);
        expect(verifyProof(run.root, leafHash(found.leaf), found.proof)).to.equal(true);
      }
      expect(await index.byLicenseId(FIRST - 1n)).to.equal(undefined);
      expect(await index.byLicenseId(FIRST + 4n)).to.equal(undefined);
      const alice = await index.byHolder(ALICE);
      expect(alice.map((f) => f.leaf.licenseId)).to.deep.equal([FIRST, FIRST + 2n]);
      expect(
        (await index.byHolder(BOB.toUpperCase().replace("0X", "0x"))).map((f) => f.leaf.licenseId),
      ).to.deep.equal([FIRST + 1n, FIRST + 3n]);
      expect(await index.byHolder("0x0000000000000000000000000000000000000001")).to.deep.equal([]);
    } finally {
      await index.close();
    }
  });

  it("proves every leaf of a larger run, against OpenZeppelin's proofs", async function () {
    const rows = ["holder,seats"];
    for (let i = 0; i < 300; i++)
      rows.push(`0x${((i % 37) + 1).toString(16).padStart(40, "0")},${1 + (i % 9)}`);
    const { run } = await build(rows.join("\n"));
    const lines = readFileSync(run.leavesFile, "utf8").trimEnd().split("\n").slice(1);
    const oz = StandardMerkleTree.of(
      lines.map((l) => leafTuple(parseLeafLine(l) as CommittedLeaf)),
      [...LEAF_TYPES],
    );
    const index = await ProofIndex.open(run.proofIndexFile);
    try {
      for (let row = 0; row < 300; row++) {
        const found = await index.byRow(row);
        expect(found.proof).to.deep.equal(oz.getProof(leafTuple(found.leaf)));
      }
      expect((await index.byHolder(`0x${"0".repeat(39)}5`)).length).to.equal(8);
    } finally {
      await index.close();
    }
  });

  it("verifies the leaves file against the committed root and hash, and rebuilds the proof index from it", async function () {
    const { dir, run } = await build(CSV);
    const checked = await verifyLeavesFile(run.leavesFile, {
      root: run.root,
      leavesHash: run.leavesHash,
      proofIndexFile: join(dir, "rebuilt.proofs.bin"),
    });
    expect(checked).to.include({ root: run.root, leafCount: 4, leavesHash: run.leavesHash });
    expect(readFileSync(join(dir, "rebuilt.proofs.bin")).subarray(4096)).to.deep.equal(
      readFileSync(run.proofIndexFile).subarray(4096),
    );
    await rejects(
      verifyLeavesFile(run.leavesFile, { root: ZeroHash }),
      /not to the committed root/,
    );
    await rejects(
      verifyLeavesFile(run.leavesFile, { leavesHash: ZeroHash }),
      /not the file that was committed/,
    );
  });

  it("refuses a tampered leaves file, and a proof index whose leaves file was changed", async function () {
    const { run } = await build(CSV);
    const text = readFileSync(run.leavesFile, "utf8");
    writeFileSync(
      run.leavesFile,
      text
        .replace(`${FIRST + 1n}",`, `${FIRST + 1n}",`)
        .replace(",1,1767", ",9,1767")
        .replace(/,1,(\d+),2,/, ",9,$1,2,"),
    );
    await rejects(
      verifyLeavesFile(run.leavesFile),
      /hash to the root .* not to the 0x.* its header names/,
    );
    const index = await ProofIndex.open(run.proofIndexFile);
    try {
      await rejects(
        index.byLicenseId(FIRST + 1n),
        /differs from the one the proof index was built from/,
      );
    } finally {
      await index.close();
    }
    const lines = text.split("\n");
    writeFileSync(run.leavesFile, [lines[0], lines[2], lines[1], ...lines.slice(3)].join("\n"));
    await rejects(
      verifyLeavesFile(run.leavesFile),
      /:2: license id 7000000000012 where 7000000000011 was expected/,
    );
    writeFileSync(run.leavesFile, lines.slice(0, 3).join("\n"));
    await rejects(verifyLeavesFile(run.leavesFile), /has 2 leaves but its header announces 4/);
    writeFileSync(run.leavesFile, `${"x".repeat(5000)}\n`);
    await rejects(verifyLeavesFile(run.leavesFile), /:1: the line is longer than 4096 bytes/);
  });

  describe("refuses a CSV file a dealer got wrong, naming the line and the reason", function () {
    const h = "holder,seats";
    const cases: [
      string,
      string | Buffer,
      string,
      { maxRows?: number; maxLineLength?: number }?,
    ][] = [
      [
        "an empty file",
        "",
        "run.csv: the file is empty: it needs a header line and at least one row",
      ],
      [
        "no rows",
        `${h}\n`,
        "run.csv: the file has a header but no rows: a run needs at least one license",
      ],
      [
        "no header",
        `${ALICE},1\n`,
        `run.csv:1: the header names an unknown column "${ALICE}"; the columns are holder, seats, validUntil, region, licenseKey, keyCommitment, originEvidence`,
      ],
      [
        "a missing required column",
        "holder,region\n",
        'run.csv:1: the first line must be a header naming the columns, with at least "holder" and "seats" (found: holder,region)',
      ],
      [
        "a column twice",
        "holder,seats,Seats\n",
        'run.csv:1: the header names the column "seats" twice',
      ],
      [
        "both key columns",
        "holder,seats,licenseKey,keyCommitment\n",
        'run.csv:1: give either "licenseKey" or "keyCommitment", not both',
      ],
      [
        "a short row",
        `${h}\n${ALICE},1\n${ALICE}\n`,
        "run.csv:3: the row has 1 field but the header names 2 columns",
      ],
      [
        "a bad address",
        `${h}\n0x1234,1\n`,
        'run.csv:2: the holder "0x1234" is not an address (0x followed by 40 hex digits)',
      ],
      [
        "a wrong checksum",
        `${h}\n${ALICE.replace("C8", "c8")},1\n`,
        `run.csv:2: the holder "${ALICE.replace("C8", "c8")}" has a wrong checksum (its upper and lower case letters): check for a typo`,
      ],
      [
        "the zero address",
        `${h}\n0x${"0".repeat(40)},1\n`,
        "run.csv:2: the holder is the zero address: nobody could ever hold that license",
      ],
      ["zero seats", `${h}\n${ALICE},0\n`, "run.csv:2: the seats must be at least 1"],
      [
        "too many seats",
        `${h}\n${ALICE},4294967296\n`,
        "run.csv:2: the seats 4294967296 exceed 4294967295, the most a license holds",
      ],
      [
        "seats not a number",
        `${h}\n${ALICE},5.5\n`,
        'run.csv:2: the seats "5.5" are not a whole number',
      ],
      [
        "a date that does not exist",
        `holder,seats,validUntil\n${ALICE},1,2030-02-30\n`,
        'run.csv:2: the date "2030-02-30" does not exist',
      ],
      [
        "milliseconds",
        `holder,seats,validUntil\n${ALICE},1,1900000000000000\n`,
        "run.csv:2: validUntil 1900000000000000 is too far in the future (is it in milliseconds?)",
      ],
      [
        "an unknown region",
        `holder,seats,region\n${ALICE},1,USA\n`,
        'run.csv:2: the region "USA" is not one of unrecorded, EEA, Switzerland, elsewhere (or empty)',
      ],
      [
        "a short evidence hash",
        `holder,seats,originEvidence\n${ALICE},1,0xabcd\n`,
        'run.csv:2: the origin evidence "0xabcd" is not 0x followed by 64 hex digits',
      ],
      ["an unclosed quote", `${h}\n"${ALICE},1\n`, "run.csv:2: a quoted field is not closed"],
      [
        "a line too long",
        `${h}\n${ALICE},${"1".repeat(100)}\n`,
        "run.csv:2: the line is longer than 64 bytes, the most the CSV file allows: is this the right file?",
        { maxLineLength: 64 },
      ],
      [
        "a last line too long",
        `${h}\n${"x".repeat(100)}`,
        "run.csv:2: the line is longer than 64 bytes, the most the CSV file allows: is this the right file?",
        { maxLineLength: 64 },
      ],
      [
        "too many rows",
        `${h}\n${ALICE},1\n${ALICE},1\n${ALICE},1\n`,
        "run.csv:4: the file has more than 2 rows, the most one run accepts: split it into several runs",
        { maxRows: 2 },
      ],
      [
        "bytes that are not UTF-8",
        Buffer.from([...Buffer.from(`${h}\n`), 0xff, 0xfe, 0x0a]),
        "run.csv:2: the line is not UTF-8 text",
      ],
    ];
    for (const [what, csv, message, options] of cases)
      it(what, async function () {
        expect(await refusal(csv, options)).to.equal(message);
      });
  });

  it("refuses a first id outside the product, and a missing file", async function () {
    const dir = tempDir("license-ledger-merkle-");
    writeFileSync(join(dir, "run.csv"), `holder,seats\n${ALICE},1\n`);
    await rejects(
      buildRunFromCsv(join(dir, "run.csv"), { productId: 8n, firstLicenseId: FIRST, outDir: dir }),
      "the first license id 7000000000011 is not a license of product 8",
    );
    await rejects(
      buildRunFromCsv(join(dir, "missing.csv"), {
        productId: PRODUCT,
        firstLicenseId: FIRST,
        outDir: dir,
      }),
      /missing.csv: cannot read the CSV file/,
    );
  });
});
