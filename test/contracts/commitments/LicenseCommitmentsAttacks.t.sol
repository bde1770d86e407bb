// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseCommitmentsErrors} from "../../../contracts/interfaces/ILicenseCommitmentsErrors.sol";
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
}
