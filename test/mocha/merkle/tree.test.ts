import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { ZeroHash, getAddress, hexlify, randomBytes } from "ethers";

import {
  LEAF_TYPES,
  type CommittedLeaf,
  leafHash,
  leafHashOf,
  leafTuple,
  merkleTreeOf,
  proofOf,
  verifyProof,
} from "@license-ledger/sdk/merkle";

/** A deterministic pseudo-random stream, so a failure names a size that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function leavesOf(
  count: number,
  seed: number,
  firstLicenseId = 7_000_000_000_001n,
): CommittedLeaf[] {
  const next = random(seed);
  const bytes = (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
    return hexlify(out);
  };
  return Array.from({ length: count }, (_, i) => ({
    licenseId: firstLicenseId + BigInt(i),
    holder: next() < 0.5 ? getAddress(bytes(20)) : bytes(20),
    seats: BigInt(1 + Math.floor(next() * 500)),
    validUntil: next() < 0.5 ? 0n : BigInt(1_800_000_000 + Math.floor(next() * 1e8)),
    region: Math.floor(next() * 4),
    keyCommitment: next() < 0.3 ? ZeroHash : bytes(32),
    originEvidence: next() < 0.3 ? ZeroHash : bytes(32),
  }));
}

function expectSameAsOpenZeppelin(leaves: CommittedLeaf[]): void {
  const ours = merkleTreeOf(leaves);
  const theirs = StandardMerkleTree.of(leaves.map(leafTuple), [...LEAF_TYPES]);
  expect(ours.root, `root of ${leaves.length}`).to.equal(theirs.root);
  leaves.forEach((leaf, row) => {
    const theirProof = theirs.getProof(leafTuple(leaf));
    expect(proofOf(ours, row), `proof of row ${row} of ${leaves.length}`).to.deep.equal(theirProof);
    expect(leafHashOf(ours, row)).to.equal(theirs.leafHash(leafTuple(leaf)));
  });
}

describe("merkle: our tree equals OpenZeppelin's StandardMerkleTree", function () {
  this.timeout(120_000);

  it("has the same root and proofs for every size from 1 to 64", function () {
    for (let size = 1; size <= 64; size++) expectSameAsOpenZeppelin(leavesOf(size, size));
  });

  it("has the same root and proofs for random sizes up to 300", function () {
    const next = random(2026);
    for (let round = 0; round < 12; round++) {
      const size = 65 + Math.floor(next() * 236);
      expectSameAsOpenZeppelin(leavesOf(size, 1000 + round));
    }
    expectSameAsOpenZeppelin(leavesOf(300, 300));
  });

  it("has the same leaf hash at the edges of every field", function () {
    const max = 2n ** 256n - 1n;
    const edges: CommittedLeaf[] = [
      {
        licenseId: 0n,
        holder: "0x0000000000000000000000000000000000000001",
        seats: 0n,
        validUntil: 0n,
        region: 0,
        keyCommitment: ZeroHash,
        originEvidence: ZeroHash,
      },
      {
        licenseId: max,
        holder: "0xffffffffffffffffffffffffffffffffffffffff",
        seats: max,
        validUntil: max,
        region: 255,
        keyCommitment: `0x${"ff".repeat(32)}`,
        originEvidence: `0x${"ff".repeat(32)}`,
      },
    ];
    for (const leaf of edges)
      expect(leafHash(leaf)).to.equal(
        StandardMerkleTree.of([leafTuple(leaf)], [...LEAF_TYPES]).leafHash(leafTuple(leaf)),
      );
    expectSameAsOpenZeppelin(edges);
  });

  it("verifies every proof, and refuses a tampered leaf or proof", function () {
    const leaves = leavesOf(97, 97);
    const tree = merkleTreeOf(leaves);
    leaves.forEach((leaf, row) => {
      expect(verifyProof(tree.root, leafHash(leaf), proofOf(tree, row))).to.equal(true);
    });
    const leaf = leaves[5]!;
    const proof = proofOf(tree, 5);
    expect(verifyProof(tree.root, leafHash({ ...leaf, seats: leaf.seats + 1n }), proof)).to.equal(
      false,
    );
    expect(
      verifyProof(tree.root, leafHash({ ...leaf, licenseId: leaf.licenseId + 1n }), proof),
    ).to.equal(false);
    const tampered = [...proof];
    tampered[2] = hexlify(randomBytes(32));
    expect(verifyProof(tree.root, leafHash(leaf), tampered)).to.equal(false);
    expect(verifyProof(tree.root, leafHash(leaf), proof.slice(1))).to.equal(false);
    expect(verifyProof(tree.root, leafHash(leaf), ["0x1234"])).to.equal(false);
    // An inner node never passes as a leaf (leaves are hashed twice).
    expect(verifyProof(tree.root, proof[proof.length - 1]!, [])).to.equal(false);
  });
});

describe("merkle: the pure modules load in a browser", function () {
  it("loads no Node module from @license-ledger/sdk/merkle, however deep", function () {
    const dist = fileURLToPath(new URL("../../../packages/sdk/dist/", import.meta.url));
    const seen = new Set<string>();
    const nodeImports: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(
        /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gms,
      )) {
        const specifier = match[1]!;
        if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
        else if (specifier.startsWith("node:") || !/^(ethers)(\/|$)/.test(specifier))
          nodeImports.push(`${file.slice(dist.length)}: ${specifier}`);
      }
    };
    visit(join(dist, "merkle", "index.js"));
    expect(seen.size).to.be.greaterThan(3);
    expect(nodeImports).to.deep.equal([]);
  });
});
