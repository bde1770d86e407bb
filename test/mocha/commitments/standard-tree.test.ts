import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";

import { LicenseCommitments__factory } from "../../../typechain-types/index.js";
import { EVIDENCE, NO_HASH, licenseIdOf } from "../../helpers/constants.js";
import { productsFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture } = networkHelpers;

/** The leaf tuple of `ILicenseCommitments`, in the JavaScript library's own notation. */
const LEAF_TYPES = ["uint256", "address", "uint256", "uint256", "uint8", "bytes32", "bytes32"];

/** FirstSaleRegion: Unrecorded, EEA, Switzerland, Elsewhere. */
const EEA = 1;
const SWITZERLAND = 2;

type LeafTuple = [bigint, string, bigint, bigint, number, string, string];

function asLeaf([
  licenseId,
  holder,
  seats,
  validUntil,
  region,
  keyCommitment,
  originEvidence,
]: LeafTuple) {
  return { licenseId, holder, seats, validUntil, region, keyCommitment, originEvidence };
}

/**
 * The encoding the contract checks, proven against OpenZeppelin's `StandardMerkleTree` (the
 * library publishers and the tooling build runs with): a tree built by it commits, its proofs
 * claim, and what it calls a leaf is what the contract calls one.
 */
describe("LicenseCommitments: runs built with @openzeppelin/merkle-tree", function () {
  async function committedRunFixture() {
    const f = await productsFixture();
    const { registry, publisher, dealer, holder, buyer, volume } = f;
    const commitments = LicenseCommitments__factory.connect(
      await registry.commitments(),
      publisher,
    );
    // The onboarder's run: every leaf carries first-sale evidence.
    const first = licenseIdOf(volume, 1);
    const tuples: LeafTuple[] = Array.from({ length: 50 }, (_, i) => [
      first + BigInt(i),
      i % 2 === 0 ? holder.address : buyer.address,
      BigInt(1 + (i % 5)),
      0n,
      i % 3 === 0 ? SWITZERLAND : EEA,
      i === 7 ? ethers.id("license key 7") : NO_HASH,
      ethers.id(`invoice ${i}`),
    ]);
    const tree = StandardMerkleTree.of(tuples, LEAF_TYPES);
    const leavesHash = ethers.keccak256(
      ethers.toUtf8Bytes(
        JSON.stringify(tree.dump(), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
      ),
    );
    await expect(
      commitments
        .connect(dealer)
        .commit(volume, tree.root, tuples.length, "ipfs://run-1", leavesHash),
    )
      .to.emit(commitments, "RunCommitted")
      .withArgs(1n, volume, dealer.address, tree.root, first, 50n, "ipfs://run-1", leavesHash);
    return { ...f, commitments, tree, tuples };
  }

  it("claims a leaf with the library's proof, for the leaf's holder", async function () {
    const { registry, commitments, tree, tuples, stranger, dealer } =
      await loadFixture(committedRunFixture);
    const tuple = tuples[7]!;
    const proof = tree.getProof(7);
    expect(await commitments.checkLeaf(1n, asLeaf(tuple), proof)).to.equal(1n); // Claimable
    await expect(commitments.connect(stranger).claim(1n, asLeaf(tuple), proof))
      .to.emit(registry, "LicenseIssuedBy")
      .withArgs(tuple[0], 1n, dealer.address, tuple[6])
      .and.to.emit(registry, "LicenseKeyCommitted")
      .withArgs(tuple[0], tuple[5])
      .and.to.emit(commitments, "LeafClaimed")
      .withArgs(1n, tuple[0], tuple[1], stranger.address);
    const license = await registry.getLicense(tuple[0]);
    expect(license.holder).to.equal(tuple[1]);
    expect(license.seats).to.equal(tuple[2]);
    expect(license.firstSaleRegion).to.equal(tuple[4]);
    expect(await commitments.checkLeaf(1n, asLeaf(tuple), proof)).to.equal(2n); // Claimed
  });

  it("hashes a leaf exactly as the library does", async function () {
    const { commitments, tree, tuples } = await loadFixture(committedRunFixture);
    // The library's leaf hash verifies under the contract's root with the library's proof...
    for (const [i, tuple] of tuples.entries()) {
      expect(StandardMerkleTree.verify(tree.root, LEAF_TYPES, tuple, tree.getProof(i))).to.equal(
        true,
      );
    }
    // ...and a leaf the library never built (another holder) is invalid for the contract.
    const forged = asLeaf(tuples[3]!);
    forged.holder = ethers.Wallet.createRandom().address;
    expect(await commitments.checkLeaf(1n, forged, tree.getProof(3))).to.equal(0n); // Invalid
  });

  it("claims a batch with the library's proofs, all or nothing", async function () {
    const { registry, commitments, tree, tuples, stranger } =
      await loadFixture(committedRunFixture);
    const picked = [0, 13, 49];
    await commitments.connect(stranger).claimBatch(
      1n,
      picked.map((i) => asLeaf(tuples[i]!)),
      picked.map((i) => tree.getProof(i)),
    );
    for (const i of picked) expect(await registry.ownerOf(tuples[i]![0])).to.equal(tuples[i]![1]);
    expect((await commitments.getRun(1n)).claimed).to.equal(3n);
    await expect(
      commitments.claimBatch(
        1n,
        [asLeaf(tuples[1]!), asLeaf(tuples[13]!)],
        [tree.getProof(1), tree.getProof(13)],
      ),
    )
      .to.be.revertedWithCustomError(commitments, "CommitmentLeafAlreadyClaimed")
      .withArgs(1n, tuples[13]![0]);
    expect(await commitments.checkLeaf(1n, asLeaf(tuples[1]!), tree.getProof(1))).to.equal(1n);
  });

  it("refuses a revoked leaf and evidence drawn past its capacity", async function () {
    const { registry, commitments, tree, tuples, publisher, dealer, holder, volume } =
      await loadFixture(committedRunFixture);
    await expect(commitments.connect(publisher).revokeLeaf(1n, tuples[4]![0], 2, EVIDENCE))
      .to.emit(commitments, "LeafRevoked")
      .withArgs(1n, tuples[4]![0], 2, EVIDENCE);
    await expect(commitments.claim(1n, asLeaf(tuples[4]!), tree.getProof(4)))
      .to.be.revertedWithCustomError(commitments, "CommitmentLeafRevoked")
      .withArgs(1n, tuples[4]![0]);
    // Leaf 5's invoice is used up by a direct issuance first: its first use sets its capacity.
    await registry.connect(dealer).issueWithEvidence(volume, holder.address, 9, 0, tuples[5]![6]);
    await expect(commitments.claim(1n, asLeaf(tuples[5]!), tree.getProof(5)))
      .to.be.revertedWithCustomError(registry, "EvidenceCapacityExceeded")
      .withArgs(tuples[5]![6], 9n, 9n, tuples[5]![2]);
  });
});
