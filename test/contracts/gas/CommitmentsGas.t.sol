// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseCommitments} from "../../../contracts/interfaces/ILicenseCommitments.sol";
import {LicenseCommitments} from "../../../contracts/LicenseCommitments.sol";
import {FirstSaleRegion} from "../../../contracts/types/LicenseData.sol";
import {MerkleTrees} from "../utils/MerkleTrees.sol";
import {RegistryGasBase} from "./RegistryGas.t.sol";

/// @notice Named gas snapshots of committed issuance: a commit of 1,000 and of 1,000,000 leaves
/// (the same gas: nothing in a commit depends on the run's size), a claim at proof depth 10
/// (1,000 leaves) and 20 (1,000,000 leaves), and a batch of 16 claims at depth 20. The leaves'
/// holders already hold a license, as in `issue`'s snapshot. Trees of 2^depth leaves are stood in
/// for by a real tree of the leaves claimed under a path of pseudo-random siblings: the proofs
/// the contract checks are exactly as long as in the full tree.
contract CommitmentsGasTest is RegistryGasBase {
    uint256 internal constant BATCH = 16;

    LicenseCommitments internal commitments;
    uint256 internal run1k;
    uint256 internal run1m;
    uint256 internal runBatch;
    ILicenseCommitments.Leaf internal leaf1k;
    ILicenseCommitments.Leaf internal leaf1m;
    bytes32[] internal proof1k;
    bytes32[] internal proof1m;
    ILicenseCommitments.Leaf[] internal batchLeaves;
    bytes32[][] internal batchProofs;

    function setUp() public override {
        super.setUp();
        commitments = LicenseCommitments(registry.commitments());
        (run1k, leaf1k, proof1k) = _singleLeafRun(1_000, 10);
        (run1m, leaf1m, proof1m) = _singleLeafRun(1_000_000, 20);
        runBatch = _batchRun(1_000_000, 20);
    }

    function test_gas_commit1k() public {
        vm.prank(PUBLISHER);
        commitments.commit(PRODUCT, keccak256("root"), 1_000, "ipfs://leaves", EVIDENCE);
        vm.snapshotGasLastCall("commit_1k");
    }

    function test_gas_commit1m() public {
        vm.prank(PUBLISHER);
        commitments.commit(PRODUCT, keccak256("root"), 1_000_000, "ipfs://leaves", EVIDENCE);
        vm.snapshotGasLastCall("commit_1m");
    }

    function test_gas_claimDepth10() public {
        commitments.claim(run1k, leaf1k, proof1k);
        vm.snapshotGasLastCall("claim_depth10");
    }

    function test_gas_claimDepth20() public {
        commitments.claim(run1m, leaf1m, proof1m);
        vm.snapshotGasLastCall("claim_depth20");
    }

    function test_gas_claimBatch16Depth20() public {
        commitments.claimBatch(runBatch, batchLeaves, batchProofs);
        vm.snapshotGasLastCall("claimBatch16_depth20");
    }

    function _leaf(
        uint256 licenseId,
        address to
    ) internal pure returns (ILicenseCommitments.Leaf memory) {
        return
            ILicenseCommitments.Leaf({
                licenseId: licenseId,
                holder: to,
                seats: 5,
                validUntil: 0,
                region: FirstSaleRegion.EEA,
                keyCommitment: bytes32(0),
                originEvidence: bytes32(0)
            });
    }

    /// @dev A run of `count` leaves whose leaf 7 (for HOLDER) has a proof of `depth` nodes.
    function _singleLeafRun(
        uint256 count,
        uint256 depth
    )
        internal
        returns (uint256 runId, ILicenseCommitments.Leaf memory leaf, bytes32[] memory proof)
    {
        uint256 first = 1e12 + registry.getProduct(PRODUCT).licensesIssued + 1;
        leaf = _leaf(first + 7, HOLDER);
        bytes32 root;
        (root, proof) = MerkleTrees.syntheticPath(MerkleTrees.leafHash(leaf), depth, count);
        vm.prank(PUBLISHER);
        (runId, ) = commitments.commit(PRODUCT, root, count, "ipfs://leaves", EVIDENCE);
    }

    /// @dev A run of `count` leaves whose first `BATCH` leaves (holders alternating HOLDER and
    /// BUYER) have proofs of `depth` nodes: their own subtree, then pseudo-random siblings.
    function _batchRun(uint256 count, uint256 depth) internal returns (uint256 runId) {
        uint256 first = 1e12 + registry.getProduct(PRODUCT).licensesIssued + 1;
        bytes32[] memory hashes = new bytes32[](BATCH);
        for (uint256 i; i < BATCH; ++i) {
            batchLeaves.push(_leaf(first + i, i % 2 == 0 ? HOLDER : BUYER));
            hashes[i] = MerkleTrees.leafHash(batchLeaves[i]);
        }
        (bytes32 root, bytes32[] memory upper) = MerkleTrees.syntheticPath(
            MerkleTrees.root(hashes),
            depth - 4,
            count
        );
        for (uint256 i; i < BATCH; ++i) {
            bytes32[] memory lower = MerkleTrees.proof(hashes, i);
            bytes32[] memory proof = new bytes32[](depth);
            for (uint256 j; j < 4; ++j) proof[j] = lower[j];
            for (uint256 j; j < depth - 4; ++j) proof[4 + j] = upper[j];
            batchProofs.push(proof);
        }
        vm.prank(PUBLISHER);
        (runId, ) = commitments.commit(PRODUCT, root, count, "ipfs://leaves", EVIDENCE);
    }
}
