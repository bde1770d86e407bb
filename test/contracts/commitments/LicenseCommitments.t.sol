// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

import {ILicenseCommitments} from "../../../contracts/interfaces/ILicenseCommitments.sol";
import {ILicenseCommitmentsErrors} from "../../../contracts/interfaces/ILicenseCommitmentsErrors.sol";
import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {LicenseCommitments} from "../../../contracts/LicenseCommitments.sol";
import {FirstSaleRegion} from "../../../contracts/types/LicenseData.sol";
import {IssuerKind} from "../../../contracts/types/Product.sol";
import {RegistryTestBase} from "../registry/LicenseRegistry.t.sol";
import {MerkleTrees} from "../utils/MerkleTrees.sol";

/// @notice The registry with its commitments module, and helpers that build a run's leaves, its
/// tree and its proofs in memory.
abstract contract CommitmentsTestBase is RegistryTestBase {
    bytes32 internal constant LEAVES_HASH = keccak256("leaves.jsonl");
    string internal constant LEAVES_URI = "ipfs://run-leaves";

    LicenseCommitments internal commitments;

    /// @dev The leaves of the last run `_commit` built, and their hashes.
    ILicenseCommitments.Leaf[] internal leaves;
    bytes32[] internal hashes;

    function setUp() public virtual override {
        super.setUp();
        commitments = LicenseCommitments(registry.commitments());
    }

    /// @dev Fills `leaves` with `count` leaves for the next serials of `productId`: holders
    /// alternate between `holder` and `buyer`, 1 + i % 3 seats, perpetual, first sold in the EEA.
    function _build(uint256 productId, uint256 count) internal {
        delete leaves;
        delete hashes;
        uint256 first = _id(productId, _licensesIssued(productId) + 1);
        for (uint256 i; i < count; ++i) {
            leaves.push(
                ILicenseCommitments.Leaf({
                    licenseId: first + i,
                    holder: i % 2 == 0 ? holder : buyer,
                    seats: 1 + (i % 3),
                    validUntil: 0,
                    region: FirstSaleRegion.EEA,
                    keyCommitment: bytes32(0),
                    originEvidence: bytes32(0)
                })
            );
        }
        _rehash();
    }

    function _rehash() internal {
        delete hashes;
        for (uint256 i; i < leaves.length; ++i) hashes.push(MerkleTrees.leafHash(leaves[i]));
    }

    function _root() internal view returns (bytes32) {
        return MerkleTrees.root(hashes);
    }

    function _proof(uint256 index) internal view returns (bytes32[] memory) {
        return MerkleTrees.proof(hashes, index);
    }

    /// @dev Commits `leaves` as `committer`.
    function _commit(address committer, uint256 productId) internal returns (uint256 runId) {
        vm.prank(committer);
        (runId, ) = commitments.commit(productId, _root(), leaves.length, LEAVES_URI, LEAVES_HASH);
    }

    function _claim(uint256 runId, uint256 index) internal {
        vm.prank(stranger);
        commitments.claim(runId, leaves[index], _proof(index));
    }

    function _status(uint256 runId, uint256 index) internal view returns (uint256) {
        return uint256(commitments.checkLeaf(runId, leaves[index], _proof(index)));
    }
}

// =====================================================================================
// Commit
// =====================================================================================

contract CommitTest is CommitmentsTestBase {
    function test_registry_createsAndNamesItsModule() public view {
        assertTrue(address(commitments).code.length != 0, "module deployed");
        assertEq(commitments.registry(), address(registry), "module serves its registry");
        assertEq(commitments.runCount(), 0, "no run yet");
    }

    function test_commit_reservesSerialsAndRecordsTheRun() public {
        _issueVolume(5); // serial 1 taken directly
        _build(VOLUME, 6);
        bytes32 root = _root();

        vm.expectEmit(address(commitments));
        emit ILicenseCommitments.RunCommitted(
            1,
            VOLUME,
            publisher,
            root,
            _id(VOLUME, 2),
            6,
            LEAVES_URI,
            LEAVES_HASH
        );
        vm.prank(publisher);
        (uint256 runId, uint256 first) = commitments.commit(
            VOLUME,
            root,
            6,
            LEAVES_URI,
            LEAVES_HASH
        );

        assertEq(runId, 1, "first run");
        assertEq(first, _id(VOLUME, 2), "run starts after the direct license");
        assertEq(commitments.runCount(), 1, "run count");
        assertEq(_licensesIssued(VOLUME), 7, "six serials reserved");
        ILicenseCommitments.Run memory run = commitments.getRun(runId);
        assertEq(run.productId, VOLUME, "product");
        assertEq(run.committer, publisher, "committer");
        assertEq(uint256(run.kind), uint256(IssuerKind.None), "controller");
        assertEq(run.firstLicenseId, first, "first id");
        assertEq(run.leafCount, 6, "leaf count");
        assertEq(run.claimed, 0, "nothing claimed");
        assertEq(run.root, root, "root");
        assertEq(uint256(run.committedAt), START, "committed at");

        // A direct issuance after the run takes the serial after the range: no collision.
        assertEq(_issueVolume(1), _id(VOLUME, 8), "direct issuance skips the run's range");
    }

    function test_commit_byIssuersRecordsTheirKind() public {
        _build(VOLUME, 2);
        uint256 byDistributor = _commit(distributor, VOLUME);
        _build(VOLUME, 2);
        uint256 byDealer = _commit(dealer, VOLUME);
        assertEq(
            uint256(commitments.getRun(byDistributor).kind),
            uint256(IssuerKind.Distributor),
            "distributor"
        );
        assertEq(
            uint256(commitments.getRun(byDealer).kind),
            uint256(IssuerKind.Onboarder),
            "onboarder"
        );
    }

    function test_commit_revertsForEveryRoleThatMayNotIssue() public {
        address[5] memory refused = [stranger, arbiter, admin, operator, pauser];
        for (uint256 i; i < refused.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotIssuer.selector,
                    VOLUME,
                    refused[i]
                )
            );
            vm.prank(refused[i]);
            commitments.commit(VOLUME, keccak256("root"), 10, "", bytes32(0));
        }
        // The onboarder is an issuer of VOLUME only.
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotIssuer.selector,
                SUBSCRIPTION,
                dealer
            )
        );
        vm.prank(dealer);
        commitments.commit(SUBSCRIPTION, keccak256("root"), 10, "", bytes32(0));
    }

    function test_commit_revertsOnZeroRoot() public {
        vm.expectRevert(ILicenseCommitmentsErrors.CommitmentRootZero.selector);
        vm.prank(publisher);
        commitments.commit(VOLUME, bytes32(0), 10, "", bytes32(0));
    }

    function test_commit_revertsOnEmptyOrOversizedRun() public {
        uint256 limit = commitments.COMMITTED_SERIAL_LIMIT();
        assertEq(limit, SERIALS_PER_PRODUCT / 2, "runs use the lower half of the serials");
        uint256[3] memory sizes = [uint256(0), limit, type(uint256).max];
        for (uint256 i; i < sizes.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseCommitmentsErrors.CommitmentRunSizeInvalid.selector,
                    sizes[i],
                    limit - 1
                )
            );
            vm.prank(publisher);
            commitments.commit(VOLUME, keccak256("root"), sizes[i], "", bytes32(0));
        }
        // The largest run fits an empty product's committed space exactly once...
        _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentRunSizeInvalid.selector,
                limit - 1,
                limit - 2
            )
        );
        vm.prank(publisher);
        commitments.commit(VOLUME, keccak256("root"), limit - 1, "", bytes32(0));
        // ...and what is left of it after a direct license: serials 2 .. limit - 1.
        vm.prank(publisher);
        (, uint256 first) = commitments.commit(
            VOLUME,
            keccak256("root"),
            limit - 2,
            "",
            bytes32(0)
        );
        assertEq(first, _id(VOLUME, 2), "rest of the committed space");
    }

    function test_commit_revertsWhilePausedOnClosedOrUnknownProducts() public {
        vm.prank(pauser);
        registry.pause(1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(START + 1 days)
            )
        );
        vm.prank(publisher);
        commitments.commit(VOLUME, keccak256("root"), 1, "", bytes32(0));

        vm.warp(START + 1 days);
        vm.prank(publisher);
        registry.closeProduct(VOLUME);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductClosed.selector, VOLUME)
        );
        vm.prank(publisher);
        commitments.commit(VOLUME, keccak256("root"), 1, "", bytes32(0));

        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductDoesNotExist.selector, 99)
        );
        vm.prank(publisher);
        commitments.commit(99, keccak256("root"), 1, "", bytes32(0));
    }

    function test_committedIssuance_revertsForAnyCallerButTheModule() public {
        _build(VOLUME, 1);
        ILicenseCommitments.Leaf memory reservation = leaves[0];
        reservation.licenseId = VOLUME;
        reservation.holder = address(0);
        address[4] memory callers = [publisher, distributor, admin, stranger];
        for (uint256 i; i < callers.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.RegistryNotCommitments.selector,
                    callers[i]
                )
            );
            vm.prank(callers[i]);
            registry.committedIssuance(callers[i], IssuerKind.None, reservation);
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.RegistryNotCommitments.selector,
                    callers[i]
                )
            );
            vm.prank(callers[i]);
            registry.committedIssuance(callers[i], IssuerKind.None, leaves[0]);
        }
    }

    function test_claim_refusesALeafWithoutHolder() public {
        _build(VOLUME, 2);
        leaves[0].holder = address(0); // a committer's mistake: never the reservation mode
        _rehash();
        uint256 runId = _commit(publisher, VOLUME);
        uint256 issued = _licensesIssued(VOLUME);
        vm.expectRevert(
            abi.encodeWithSelector(IERC721Errors.ERC721InvalidReceiver.selector, address(0))
        );
        _claim(runId, 0);
        assertEq(_licensesIssued(VOLUME), issued, "no serials reserved");
        _claim(runId, 1);
    }

    function test_getRun_revertsForUnknownRun() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseCommitmentsErrors.CommitmentRunUnknown.selector, 1)
        );
        commitments.getRun(1);
    }
}

// =====================================================================================
// Claim
// =====================================================================================

contract ClaimTest is CommitmentsTestBase {
    function test_claim_issuesToTheLeafHolderWhoeverClaims() public {
        _build(VOLUME, 5);
        uint256 runId = _commit(publisher, VOLUME);
        ILicenseCommitments.Leaf memory leaf = leaves[3];
        assertEq(_status(runId, 3), uint256(ILicenseCommitments.LeafStatus.Claimable), "open");

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssued(leaf.licenseId, leaf.seats, 0);
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseFirstSaleRecorded(leaf.licenseId, VOLUME, FirstSaleRegion.EEA);
        vm.expectEmit(address(commitments));
        emit ILicenseCommitments.LeafClaimed(runId, leaf.licenseId, leaf.holder, stranger);
        _claim(runId, 3);

        assertEq(registry.ownerOf(leaf.licenseId), leaf.holder, "minted to the leaf's holder");
        ILicenseRegistry.LicenseView memory lic = registry.getLicense(leaf.licenseId);
        assertEq(lic.seats, leaf.seats, "seats");
        assertEq(uint256(lic.firstSaleRegion), uint256(FirstSaleRegion.EEA), "region");
        assertTrue(lic.exhausted && lic.valid, "an ordinary, exhausted, valid license");
        assertEq(commitments.getRun(runId).claimed, 1, "claimed count");
        assertEq(_status(runId, 3), uint256(ILicenseCommitments.LeafStatus.Claimed), "claimed");
        assertEq(_status(runId, 2), uint256(ILicenseCommitments.LeafStatus.Claimable), "others");
    }

    function test_claim_theLicenseIsOrdinaryFromThenOn() public {
        _build(VOLUME, 2);
        uint256 runId = _commit(publisher, VOLUME);
        _claim(runId, 0);
        uint256 licenseId = leaves[0].licenseId;
        _release(licenseId);
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), buyer, "resold");
    }

    function test_claim_recordsTheCommitterAsIssuer() public {
        _build(VOLUME, 2);
        uint256 runId = _commit(distributor, VOLUME);
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssuedBy(leaves[1].licenseId, VOLUME, distributor, 0);
        _claim(runId, 1);
    }

    function test_claimBatch_claimsEveryLeafOnce() public {
        _build(VOLUME, 7);
        uint256 runId = _commit(publisher, VOLUME);
        ILicenseCommitments.Leaf[] memory batch = new ILicenseCommitments.Leaf[](3);
        bytes32[][] memory proofs = new bytes32[][](3);
        for (uint256 i; i < 3; ++i) {
            batch[i] = leaves[2 * i];
            proofs[i] = _proof(2 * i);
        }
        vm.prank(stranger);
        commitments.claimBatch(runId, batch, proofs);
        for (uint256 i; i < 3; ++i) {
            assertEq(registry.ownerOf(batch[i].licenseId), batch[i].holder, "holder");
        }
        assertEq(commitments.getRun(runId).claimed, 3, "claimed count");
        // All or nothing: a batch with one claimed leaf claims none.
        batch[0] = leaves[1];
        proofs[0] = _proof(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafAlreadyClaimed.selector,
                runId,
                leaves[2].licenseId
            )
        );
        commitments.claimBatch(runId, batch, proofs);
        assertEq(_status(runId, 1), uint256(ILicenseCommitments.LeafStatus.Claimable), "undone");
    }

    function test_claimBatch_revertsOnEmptyOrMismatchedBatch() public {
        _build(VOLUME, 2);
        uint256 runId = _commit(publisher, VOLUME);
        ILicenseCommitments.Leaf[] memory two = new ILicenseCommitments.Leaf[](2);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseCommitmentsErrors.CommitmentBatchInvalid.selector, 2, 1)
        );
        commitments.claimBatch(runId, two, new bytes32[][](1));
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseCommitmentsErrors.CommitmentBatchInvalid.selector, 0, 0)
        );
        commitments.claimBatch(runId, new ILicenseCommitments.Leaf[](0), new bytes32[][](0));
    }

    function test_claim_revertsForUnknownRunOrIdOutsideTheRun() public {
        _build(VOLUME, 3);
        uint256 runId = _commit(publisher, VOLUME);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseCommitmentsErrors.CommitmentRunUnknown.selector, 2)
        );
        commitments.claim(2, leaves[0], _proof(0));

        uint256 first = leaves[0].licenseId;
        uint256[2] memory outside = [first - 1, first + 3];
        for (uint256 i; i < 2; ++i) {
            ILicenseCommitments.Leaf memory leaf = leaves[0];
            leaf.licenseId = outside[i];
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseCommitmentsErrors.CommitmentLeafOutsideRun.selector,
                    runId,
                    outside[i],
                    first,
                    3
                )
            );
            commitments.claim(runId, leaf, _proof(0));
        }
    }

    function test_claim_revertsOnInvalidProofAndTwice() public {
        _build(VOLUME, 4);
        uint256 runId = _commit(publisher, VOLUME);
        ILicenseCommitments.Leaf memory leaf = leaves[1];
        leaf.holder = stranger;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentProofInvalid.selector,
                runId,
                leaf.licenseId
            )
        );
        commitments.claim(runId, leaf, _proof(1));

        _claim(runId, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafAlreadyClaimed.selector,
                runId,
                leaves[1].licenseId
            )
        );
        _claim(runId, 1);
    }

    function test_claim_appliesTheRegistryRules() public {
        _build(VOLUME, 2);
        leaves[0].seats = 501; // the product allows 500
        leaves[1].validUntil = START + 1; // a perpetual product
        _rehash();
        uint256 runId = _commit(publisher, VOLUME);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseSeatsInvalid.selector, 501, 500)
        );
        _claim(runId, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseValidityInvalid.selector,
                START + 1,
                0
            )
        );
        _claim(runId, 1);
    }

    function test_claim_onboarderRunNeedsEvidenceOnEveryLeaf() public {
        _build(VOLUME, 2);
        leaves[1].originEvidence = EVIDENCE;
        _rehash();
        uint256 runId = _commit(dealer, VOLUME);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseOriginEvidenceMissing.selector,
                VOLUME,
                dealer
            )
        );
        _claim(runId, 0);

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssuedBy(leaves[1].licenseId, VOLUME, dealer, EVIDENCE);
        _claim(runId, 1);
        (uint256 capacity, uint256 used) = registry.evidenceUse(EVIDENCE);
        assertEq(capacity, leaves[1].seats, "undeclared evidence covers its first license");
        assertEq(used, leaves[1].seats, "drawn at claim");
    }

    function test_claim_drawsEvidenceCapacityWithDirectIssuance() public {
        vm.startPrank(dealer);
        registry.declareEvidence(VOLUME, EVIDENCE, 10);
        registry.issueWithEvidence(VOLUME, holder, 6, 0, EVIDENCE);
        vm.stopPrank();
        _build(VOLUME, 2);
        leaves[0].seats = 5;
        leaves[0].originEvidence = EVIDENCE;
        leaves[1].seats = 4;
        leaves[1].originEvidence = EVIDENCE;
        _rehash();
        uint256 runId = _commit(dealer, VOLUME);

        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceCapacityExceeded.selector,
                EVIDENCE,
                10,
                6,
                5
            )
        );
        _claim(runId, 0);
        _claim(runId, 1);
        (, uint256 used) = registry.evidenceUse(EVIDENCE);
        assertEq(used, 10, "direct and committed draw from one capacity");
        // And a direct issuance after the claim is refused past the capacity.
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceCapacityExceeded.selector,
                EVIDENCE,
                10,
                10,
                1
            )
        );
        vm.prank(dealer);
        registry.issueWithEvidence(VOLUME, holder, 1, 0, EVIDENCE);
    }

    function test_claim_keyCommitmentsNeverCollideWithDirectLicenses() public {
        vm.prank(publisher);
        uint256 direct = registry.issueWithKey(VOLUME, holder, 1, 0, KEY, bytes32(0));
        bytes32 otherKey = keccak256("another key");
        _build(VOLUME, 2);
        leaves[0].keyCommitment = KEY;
        leaves[1].keyCommitment = otherKey;
        _rehash();
        uint256 runId = _commit(publisher, VOLUME);

        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseKeyCommitmentInUse.selector,
                KEY,
                direct
            )
        );
        _claim(runId, 0);
        _claim(runId, 1);
        assertEq(registry.licenseOfKey(VOLUME, otherKey), leaves[1].licenseId, "key recorded");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseKeyCommitmentInUse.selector,
                otherKey,
                leaves[1].licenseId
            )
        );
        vm.prank(publisher);
        registry.issueWithKey(VOLUME, holder, 1, 0, otherKey, bytes32(0));
    }

    function test_claim_respectsThePause() public {
        _build(VOLUME, 1);
        uint256 runId = _commit(publisher, VOLUME);
        vm.prank(pauser);
        registry.pause(1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(START + 1 days)
            )
        );
        _claim(runId, 0);
        vm.warp(START + 1 days);
        _claim(runId, 0);
    }

    function test_claim_honoursTheCommitAfterCloseAndLostGrant() public {
        _build(VOLUME, 2);
        uint256 runId = _commit(distributor, VOLUME);
        vm.startPrank(publisher);
        registry.setIssuer(VOLUME, distributor, IssuerKind.None);
        registry.closeProduct(VOLUME);
        vm.stopPrank();
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssuedBy(leaves[0].licenseId, VOLUME, distributor, 0);
        _claim(runId, 0);
        assertEq(registry.ownerOf(leaves[0].licenseId), holder, "claimed");
    }
}

// =====================================================================================
// Revoke and check
// =====================================================================================

contract RevokeLeafTest is CommitmentsTestBase {
    bytes32 internal constant REVOCATION = keccak256("refund 2026-17");

    function test_revokeLeaf_controllerRevokesAnUnclaimedLeafForGood() public {
        _build(VOLUME, 4);
        uint256 runId = _commit(distributor, VOLUME);
        uint256 licenseId = leaves[2].licenseId;
        vm.expectEmit(address(commitments));
        emit ILicenseCommitments.LeafRevoked(runId, licenseId, REASON_FRAUD, REVOCATION);
        vm.prank(publisher);
        commitments.revokeLeaf(runId, licenseId, REASON_FRAUD, REVOCATION);

        assertEq(_status(runId, 2), uint256(ILicenseCommitments.LeafStatus.Revoked), "revoked");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafRevoked.selector,
                runId,
                licenseId
            )
        );
        _claim(runId, 2);
        // The run's other leaves stay claimable.
        _claim(runId, 1);
        _claim(runId, 3);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafRevoked.selector,
                runId,
                licenseId
            )
        );
        vm.prank(publisher);
        commitments.revokeLeaf(runId, licenseId, REASON_FRAUD, REVOCATION);
    }

    function test_revokeLeaf_revertsForEveryRoleButTheController() public {
        _build(VOLUME, 1);
        uint256 runId = _commit(distributor, VOLUME);
        uint256 licenseId = leaves[0].licenseId;
        address[6] memory refused = [stranger, distributor, dealer, arbiter, admin, operator];
        for (uint256 i; i < refused.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotController.selector,
                    VOLUME,
                    refused[i]
                )
            );
            vm.prank(refused[i]);
            commitments.revokeLeaf(runId, licenseId, REASON_FRAUD, REVOCATION);
        }
    }

    function test_revokeLeaf_revertsWithoutReasonOrEvidence() public {
        _build(VOLUME, 1);
        uint256 runId = _commit(publisher, VOLUME);
        uint256 licenseId = leaves[0].licenseId;
        vm.startPrank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseReasonMissing.selector, licenseId)
        );
        commitments.revokeLeaf(runId, licenseId, 0, REVOCATION);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEvidenceMissing.selector,
                licenseId
            )
        );
        commitments.revokeLeaf(runId, licenseId, REASON_FRAUD, bytes32(0));
        vm.stopPrank();
    }

    function test_revokeLeaf_revertsForClaimedUnknownOrOutsideLeaves() public {
        _build(VOLUME, 2);
        uint256 runId = _commit(publisher, VOLUME);
        _claim(runId, 0);
        uint256 first = leaves[0].licenseId;
        vm.startPrank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafAlreadyClaimed.selector,
                runId,
                first
            )
        );
        commitments.revokeLeaf(runId, first, REASON_FRAUD, REVOCATION);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseCommitmentsErrors.CommitmentRunUnknown.selector, 7)
        );
        commitments.revokeLeaf(7, first, REASON_FRAUD, REVOCATION);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafOutsideRun.selector,
                runId,
                first + 2,
                first,
                2
            )
        );
        commitments.revokeLeaf(runId, first + 2, REASON_FRAUD, REVOCATION);
        vm.stopPrank();
    }

    function test_checkLeaf_isInvalidForUnknownRunOutsideIdOrBadProof() public {
        _build(VOLUME, 3);
        uint256 runId = _commit(publisher, VOLUME);
        uint256 invalid = uint256(ILicenseCommitments.LeafStatus.Invalid);
        assertEq(uint256(commitments.checkLeaf(9, leaves[0], _proof(0))), invalid, "unknown run");
        ILicenseCommitments.Leaf memory leaf = leaves[0];
        leaf.licenseId += 3;
        assertEq(uint256(commitments.checkLeaf(runId, leaf, _proof(0))), invalid, "outside");
        assertEq(uint256(commitments.checkLeaf(runId, leaves[0], _proof(1))), invalid, "proof");
        assertEq(_status(runId, 0), uint256(ILicenseCommitments.LeafStatus.Claimable), "valid");
    }
}

// =====================================================================================
// Fuzz: a proof binds every field of its leaf
// =====================================================================================

contract CommitmentsFuzzTest is CommitmentsTestBase {
    function _runOf(uint256 count) internal returns (uint256 runId) {
        _build(VOLUME, count);
        for (uint256 i; i < count; ++i) {
            leaves[i].keyCommitment = keccak256(abi.encode("key", i));
            leaves[i].originEvidence = keccak256(abi.encode("evidence", i));
        }
        _rehash();
        runId = _commit(publisher, VOLUME);
    }

    /// @dev `original` with one field (chosen by `field`) set to another value from `value`.
    function _changed(
        ILicenseCommitments.Leaf memory original,
        uint8 field,
        uint256 value,
        uint256 count
    ) internal view returns (ILicenseCommitments.Leaf memory leaf) {
        leaf = original;
        field = uint8(bound(field, 0, 6));
        if (field == 0) {
            // Another id of the run: the proof is for this one.
            uint256 other = leaves[0].licenseId + (value % count);
            vm.assume(other != leaf.licenseId);
            leaf.licenseId = other;
        } else if (field == 1) {
            vm.assume(address(uint160(value)) != leaf.holder && uint160(value) != 0);
            leaf.holder = address(uint160(value));
        } else if (field == 2) {
            vm.assume(value != leaf.seats);
            leaf.seats = value;
        } else if (field == 3) {
            vm.assume(value != leaf.validUntil);
            leaf.validUntil = value;
        } else if (field == 4) {
            FirstSaleRegion region = FirstSaleRegion(value % 4);
            vm.assume(region != leaf.region);
            leaf.region = region;
        } else if (field == 5) {
            vm.assume(bytes32(value) != leaf.keyCommitment);
            leaf.keyCommitment = bytes32(value);
        } else {
            vm.assume(bytes32(value) != leaf.originEvidence);
            leaf.originEvidence = bytes32(value);
        }
    }

    function testFuzz_claim_aProofNeverClaimsAnyOtherLeaf(
        uint256 count,
        uint256 index,
        uint8 field,
        uint256 value
    ) public {
        count = bound(count, 2, 40);
        index = bound(index, 0, count - 1);
        uint256 runId = _runOf(count);
        ILicenseCommitments.Leaf memory leaf = _changed(leaves[index], field, value, count);
        bytes32[] memory proof = _proof(index);
        assertEq(
            uint256(commitments.checkLeaf(runId, leaf, proof)),
            uint256(ILicenseCommitments.LeafStatus.Invalid),
            "a changed leaf never checks"
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentProofInvalid.selector,
                runId,
                leaf.licenseId
            )
        );
        commitments.claim(runId, leaf, proof);
        // The genuine leaf still claims, for its own holder only.
        _claim(runId, index);
        assertEq(registry.ownerOf(leaves[index].licenseId), leaves[index].holder, "holder");
    }

    function testFuzz_claim_anInnerNodeNeverPassesAsALeaf(uint256 count, uint256 index) public {
        count = bound(count, 4, 40);
        index = bound(index, 0, count / 2 - 1);
        uint256 runId = _runOf(count);
        // The inner node over leaves 2i and 2i+1, and the rest of their path to the root.
        bytes32 inner = Hashes.commutativeKeccak256(hashes[2 * index], hashes[2 * index + 1]);
        bytes32[] memory full = _proof(2 * index);
        bytes32[] memory rest = new bytes32[](full.length - 1);
        for (uint256 i; i < rest.length; ++i) rest[i] = full[i + 1];
        assertTrue(MerkleProof.verify(rest, _root(), inner), "the node is in the tree");
        // A leaf whose fields carry the node's two children hashes to something else entirely:
        // leaves are hashed twice, inner nodes once over 64 bytes.
        (bytes32 a, bytes32 b) = hashes[2 * index] < hashes[2 * index + 1]
            ? (hashes[2 * index], hashes[2 * index + 1])
            : (hashes[2 * index + 1], hashes[2 * index]);
        ILicenseCommitments.Leaf memory forged = ILicenseCommitments.Leaf({
            licenseId: leaves[0].licenseId + 2 * index,
            holder: address(uint160(uint256(a))),
            seats: uint256(b),
            validUntil: 0,
            region: FirstSaleRegion.Unrecorded,
            keyCommitment: a,
            originEvidence: b
        });
        assertTrue(MerkleTrees.leafHash(forged) != inner, "no leaf hashes to the node");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentProofInvalid.selector,
                runId,
                forged.licenseId
            )
        );
        commitments.claim(runId, forged, rest);
    }

    function testFuzz_claim_twiceOrRevokedAlwaysReverts(
        uint256 count,
        uint256 index,
        bool revokeFirst
    ) public {
        count = bound(count, 1, 40);
        index = bound(index, 0, count - 1);
        uint256 runId = _runOf(count);
        uint256 licenseId = leaves[index].licenseId;
        bytes4 expected;
        if (revokeFirst) {
            vm.prank(publisher);
            commitments.revokeLeaf(runId, licenseId, REASON_FRAUD, EVIDENCE);
            expected = ILicenseCommitmentsErrors.CommitmentLeafRevoked.selector;
        } else {
            _claim(runId, index);
            expected = ILicenseCommitmentsErrors.CommitmentLeafAlreadyClaimed.selector;
        }
        vm.expectRevert(abi.encodeWithSelector(expected, runId, licenseId));
        _claim(runId, index);
        assertEq(commitments.getRun(runId).claimed, revokeFirst ? 0 : 1, "claimed count unchanged");
    }
}
