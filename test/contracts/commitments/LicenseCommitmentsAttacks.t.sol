// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseCommitments} from "../../../contracts/interfaces/ILicenseCommitments.sol";
import {ILicenseCommitmentsErrors} from "../../../contracts/interfaces/ILicenseCommitmentsErrors.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {IssuerKind} from "../../../contracts/types/Product.sol";
import {CommitmentsTestBase} from "./LicenseCommitments.t.sol";

/// @notice Attacks on committed issuance runs by hostile publishers, issuers and strangers, each
/// pinned to the behaviour that refuses it.
contract CommitmentAttacksTest is CommitmentsTestBase {
    /// @dev Committed runs stay below this serial (the module's `COMMITTED_SERIAL_LIMIT`).
    uint256 internal constant COMMITTED_SERIAL_LIMIT = SERIALS_PER_PRODUCT / 2;

    /// A run's gas does not depend on its size, so without a bound one commit (by the controller
    /// or any issuer, an onboarder included) could reserve a product's whole remaining serial
    /// space with a junk root: every holder's volume license of the product could then never be
    /// split again (children take the next serials), a resale blocked by a publisher's single
    /// transaction. Runs reserve only the lower half; the upper half is left to direct
    /// issuance and splits, which pay a mint per serial.
    function test_commit_cannotExhaustTheSerialsSplitsNeed() public {
        uint256 licenseId = _issueVolume(10);
        uint256 rest = SERIALS_PER_PRODUCT - 2;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentRunSizeInvalid.selector,
                rest,
                COMMITTED_SERIAL_LIMIT - 1
            )
        );
        vm.prank(dealer);
        commitments.commit(VOLUME, keccak256("junk"), rest, "", bytes32(0));

        // The largest run the committed space still holds goes through...
        vm.prank(dealer);
        (, uint256 first) = commitments.commit(
            VOLUME,
            keccak256("junk"),
            COMMITTED_SERIAL_LIMIT - 2,
            "",
            bytes32(0)
        );
        assertEq(first, _id(VOLUME, 2), "after the direct license");
        // ...and then not one more committed serial.
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentRunSizeInvalid.selector,
                1,
                0
            )
        );
        vm.prank(publisher);
        commitments.commit(VOLUME, keccak256("junk"), 1, "", bytes32(0));

        // The holder still splits, and the publisher still issues directly.
        vm.prank(holder);
        uint256 firstChild = registry.split(licenseId, _parts(4, 6));
        assertEq(firstChild, _id(VOLUME, COMMITTED_SERIAL_LIMIT), "children above the runs");
        assertEq(_issueVolume(1), _id(VOLUME, COMMITTED_SERIAL_LIMIT + 2), "direct issuance");
    }

    bytes32 internal constant REVOCATION = keccak256("distributor's key leaked, ticket 2026-88");

    /// A claim honours its commit after the committer lost its grant, and a run can hold a
    /// million leaves the controller never saw (the leaves file is the committer's): a leaked or
    /// rogue distributor's run would keep minting licenses forever, and revoking it leaf by leaf
    /// (a transaction per id, up to half a trillion ids) is no remedy. `revokeRun` ends every
    /// unclaimed leaf at once; what was claimed stays an ordinary license.
    function test_revokeRun_endsEveryUnclaimedLeafOfARogueRun() public {
        _build(VOLUME, 6);
        uint256 runId = _commit(distributor, VOLUME);
        _claim(runId, 0);
        vm.startPrank(publisher);
        registry.setIssuer(VOLUME, distributor, IssuerKind.None);
        vm.expectEmit(address(commitments));
        emit ILicenseCommitments.RunRevoked(runId, REASON_FRAUD, REVOCATION);
        commitments.revokeRun(runId, REASON_FRAUD, REVOCATION);
        vm.stopPrank();

        for (uint256 i = 1; i < 6; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseCommitmentsErrors.CommitmentLeafRevoked.selector,
                    runId,
                    leaves[i].licenseId
                )
            );
            _claim(runId, i);
            assertEq(_status(runId, i), uint256(ILicenseCommitments.LeafStatus.Revoked), "ended");
        }
        assertEq(_status(runId, 0), uint256(ILicenseCommitments.LeafStatus.Claimed), "claimed");
        assertTrue(registry.isValid(leaves[0].licenseId), "the claimed license is untouched");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafRevoked.selector,
                runId,
                leaves[3].licenseId
            )
        );
        vm.prank(publisher);
        commitments.revokeLeaf(runId, leaves[3].licenseId, REASON_FRAUD, REVOCATION);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseCommitmentsErrors.CommitmentRunRevoked.selector, runId)
        );
        vm.prank(publisher);
        commitments.revokeRun(runId, REASON_FRAUD, REVOCATION);
        // Other runs of the product are not affected.
        _build(VOLUME, 2);
        uint256 other = _commit(publisher, VOLUME);
        _claim(other, 1);
    }

    function test_revokeRun_isTheControllersWithReasonAndEvidence() public {
        _build(VOLUME, 3);
        uint256 runId = _commit(distributor, VOLUME);
        uint256 first = leaves[0].licenseId;
        address[6] memory refused = [distributor, dealer, arbiter, admin, pauser, stranger];
        for (uint256 i; i < refused.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotController.selector,
                    VOLUME,
                    refused[i]
                )
            );
            vm.prank(refused[i]);
            commitments.revokeRun(runId, REASON_FRAUD, REVOCATION);
        }
        vm.startPrank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseReasonMissing.selector, first)
        );
        commitments.revokeRun(runId, 0, REVOCATION);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseEvidenceMissing.selector, first)
        );
        commitments.revokeRun(runId, REASON_FRAUD, bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseCommitmentsErrors.CommitmentRunUnknown.selector, 9)
        );
        commitments.revokeRun(9, REASON_FRAUD, REVOCATION);
        vm.stopPrank();
        _claim(runId, 2);
    }
}
