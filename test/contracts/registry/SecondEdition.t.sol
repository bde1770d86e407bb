// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {ILicenseRenderer} from "../../../contracts/interfaces/ILicenseRenderer.sol";
import {RegistryTestBase} from "./LicenseRegistry.t.sol";

/// @notice Issue 14, the registry's second edition: each rule as the attack that worked on the
/// first edition, then the refusal by its custom error and arguments.
contract SecondEditionTest is RegistryTestBase {
    // ---------------------------------------------------------------- metadata and size

    function test_renderer_isCreatedByAndServesTheRegistry() public view {
        ILicenseRenderer renderer = ILicenseRenderer(registry.renderer());
        assertEq(renderer.registry(), address(registry), "renderer's registry");
    }

    function test_registerProduct_refusesAUriThatIsNotUtf8() public {
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductURINotUtf8.selector, 6)
        );
        registry.registerProduct(
            _terms(0, 1, true, false, false),
            _bytesAsString(hex"697066733a2fff")
        );
    }

    function test_updateProductTerms_refusesAUriThatIsNotUtf8() public {
        vm.prank(publisher);
        uint256 productId = registry.registerProduct(_terms(0, 1, true, false, false), "");
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductURINotUtf8.selector, 0)
        );
        registry.updateProductTerms(
            productId,
            _terms(0, 1, true, false, false),
            _bytesAsString(hex"c0af")
        );
    }

    function test_registerProduct_acceptsWellFormedUtf8() public {
        vm.prank(publisher);
        // "Büro ✓ 𝄞": two-, three- and four-byte sequences.
        registry.registerProduct(
            _terms(0, 1, true, false, false),
            _bytesAsString(hex"42c3bc726f20e29c9320f09d849e")
        );
    }

    function test_firstInvalidUtf8_findsEveryMalformedForm() public view {
        ILicenseRenderer r = ILicenseRenderer(registry.renderer());
        uint256 ok = type(uint256).max;
        assertEq(r.firstInvalidUtf8(""), ok, "empty");
        assertEq(r.firstInvalidUtf8(hex"7f"), ok, "ascii");
        assertEq(r.firstInvalidUtf8(hex"80"), 0, "lone continuation");
        assertEq(r.firstInvalidUtf8(hex"41c1bf"), 1, "overlong 2-byte");
        assertEq(r.firstInvalidUtf8(hex"e08080"), 0, "overlong 3-byte");
        assertEq(r.firstInvalidUtf8(hex"eda080"), 0, "surrogate");
        assertEq(r.firstInvalidUtf8(hex"f08f8080"), 0, "overlong 4-byte");
        assertEq(r.firstInvalidUtf8(hex"f4908080"), 0, "above U+10FFFF");
        assertEq(r.firstInvalidUtf8(hex"f5808080"), 0, "lead byte f5");
        assertEq(r.firstInvalidUtf8(hex"4142e282"), 2, "truncated");
        assertEq(r.firstInvalidUtf8(hex"e2823f"), 0, "bad third byte");
        assertEq(r.firstInvalidUtf8(hex"efbfbd"), ok, "U+FFFD");
        assertEq(r.firstInvalidUtf8(hex"f48fbfbf"), ok, "U+10FFFF");
        assertEq(r.firstInvalidUtf8(hex"ed9fbf"), ok, "U+D7FF");
    }

    // ---------------------------------------------------------------- one error per refusal

    function test_unknownLicense_isOneErrorWithTheIdEverywhere() public {
        uint256 unknown = _id(VOLUME, 77);
        bytes memory expected = abi.encodeWithSelector(
            IERC721Errors.ERC721NonexistentToken.selector,
            unknown
        );
        vm.expectRevert(expected);
        registry.ownerOf(unknown);
        vm.expectRevert(expected);
        registry.getApproved(unknown);
        vm.expectRevert(expected);
        registry.tokenURI(unknown);
        vm.prank(holder);
        vm.expectRevert(expected);
        registry.approve(buyer, unknown);
        vm.prank(holder);
        vm.expectRevert(expected);
        registry.transferFrom(holder, buyer, unknown);
    }

    function test_transferFrom_tellsAStrangerItMayNotMoveTheLicenseBeforeAnyRule() public {
        uint256 licenseId = _issueVolume(10);
        // Not released: the first edition answered `LicenseNotReleased`.
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC721Errors.ERC721InsufficientApproval.selector,
                stranger,
                licenseId
            )
        );
        registry.transferFrom(holder, stranger, licenseId);
    }

    // ---------------------------------------------------------------- 2. a freeze for good

    uint256 private constant LAPSE = 30 days;
    uint256 private constant ATTESTATION_WAIT = 14 days;

    function _suspendAs(address who, uint256 licenseId) private {
        vm.prank(who);
        registry.suspend(licenseId, EVIDENCE);
    }

    function _reinstateAs(address who, uint256 licenseId) private {
        vm.prank(who);
        registry.reinstate(licenseId, bytes32(0));
    }

    function _err(bytes4 selector, uint256 licenseId) private pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, licenseId);
    }

    /// @dev The attack of the first edition: the controller suspends again right after every
    /// arbiter's reinstatement.
    function test_suspend_controllerCannotSuspendAgainAfterAnArbiterReinstated() public {
        uint256 licenseId = _issueVolume(10);
        _suspendAs(publisher, licenseId);
        _reinstateAs(arbiter, licenseId);
        vm.prank(publisher);
        vm.expectRevert(
            _err(ILicenseRegistryErrors.LicenseSuspensionReservedToArbiters.selector, licenseId)
        );
        registry.suspend(licenseId, EVIDENCE);
        assertTrue(registry.isValid(licenseId), "still valid");
        // An arbiter still may, and the license can move after it moves holders too: the
        // reservation is for good.
        _suspendAs(arbiter, licenseId);
        _reinstateAs(arbiter, licenseId);
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        vm.prank(publisher);
        vm.expectRevert(
            _err(ILicenseRegistryErrors.LicenseSuspensionReservedToArbiters.selector, licenseId)
        );
        registry.suspend(licenseId, EVIDENCE);
    }

    function test_suspend_controllersSuspensionLapsesByItself() public {
        uint256 licenseId = _issueVolume(10);
        _suspendAs(publisher, licenseId);
        ILicenseRegistry.LicenseView memory view_ = registry.getLicense(licenseId);
        assertTrue(view_.suspended, "suspended");
        assertEq(view_.suspensionLapsesAt, START + LAPSE, "lapses in 30 days");
        assertTrue(registry.locked(licenseId), "locked while suspended");
        vm.warp(START + LAPSE - 1);
        vm.prank(holder);
        vm.expectRevert(_err(ILicenseRegistryErrors.LicenseIsSuspended.selector, licenseId));
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);

        vm.warp(START + LAPSE);
        view_ = registry.getLicense(licenseId);
        assertFalse(view_.suspended, "lapsed");
        assertEq(view_.suspensionLapsesAt, 0, "no suspension to lapse");
        assertTrue(view_.valid, "valid again");
        assertFalse(registry.locked(licenseId), "movable again");
        vm.prank(publisher);
        vm.expectRevert(_err(ILicenseRegistryErrors.LicenseNotSuspended.selector, licenseId));
        registry.reinstate(licenseId, bytes32(0));
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        assertEq(registry.ownerOf(licenseId), buyer, "resold");
        assertFalse(registry.getLicense(licenseId).suspended, "the buyer's license is free");
    }

    function test_suspend_controllerCannotRenewALapsedOrLiftedSuspension() public {
        uint256 licenseId = _issueVolume(10);
        _suspendAs(publisher, licenseId);
        vm.warp(START + LAPSE);
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseControllerSuspensionUsed.selector,
                licenseId,
                0
            )
        );
        registry.suspend(licenseId, EVIDENCE);

        uint256 other = _issueVolume(10);
        _suspendAs(publisher, other);
        _reinstateAs(publisher, other);
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseControllerSuspensionUsed.selector,
                other,
                0
            )
        );
        registry.suspend(other, EVIDENCE);

        // A new holding: the controller may suspend once more.
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        _suspendAs(publisher, licenseId);
        assertTrue(registry.getLicense(licenseId).suspended, "suspended in the new holding");
    }

    function test_suspend_anArbitersSuspensionDoesNotLapse() public {
        uint256 licenseId = _issueVolume(10);
        _suspendAs(arbiter, licenseId);
        assertEq(registry.getLicense(licenseId).suspensionLapsesAt, 0, "no lapse");
        vm.warp(START + 10 * LAPSE);
        assertTrue(registry.getLicense(licenseId).suspended, "still suspended");
        vm.prank(publisher);
        vm.expectRevert(_err(ILicenseRegistryErrors.LicenseArbiterHold.selector, licenseId));
        registry.reinstate(licenseId, bytes32(0));
    }

    function test_revoke_aLapsedSuspensionNoLongerHoldsAnything() public {
        uint256 licenseId = _issueVolume(10);
        _suspendAs(publisher, licenseId);
        vm.warp(START + LAPSE);
        vm.prank(publisher);
        registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
        assertFalse(registry.getLicense(licenseId).suspended, "ended, not suspended");
    }

    // ---------------------------------------------------------------- 3. a withheld attestation

    /// @dev The attack of the first edition: the controller never attests, so the license never
    /// moves. Now the declaration alone suffices `ATTESTATION_PERIOD` after the release.
    function test_transferFrom_declarationSufficesOnceTheAttestationPeriodRanOut() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        assertEq(
            registry.getLicense(licenseId).declarationSufficesAt,
            START + ATTESTATION_WAIT,
            "the period runs from the release"
        );
        vm.warp(START + ATTESTATION_WAIT - 1);
        vm.prank(holder);
        vm.expectRevert(
            _err(ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector, licenseId)
        );
        registry.transferFrom(holder, buyer, licenseId);

        vm.warp(START + ATTESTATION_WAIT);
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), buyer, "moved on the declaration alone");
        assertEq(registry.getLicense(licenseId).declarationSufficesAt, 0, "active again");
    }

    function test_transferFrom_theAttestationPeriodRestartsWithEachRelease() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        vm.warp(START + ATTESTATION_WAIT - 1);
        vm.prank(holder);
        registry.withdrawRelease(licenseId);
        _release(licenseId);
        vm.warp(START + ATTESTATION_WAIT);
        vm.prank(holder);
        vm.expectRevert(
            _err(ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector, licenseId)
        );
        registry.transferFrom(holder, buyer, licenseId);
    }

    function test_releaseAndTransfer_stillNeedsTheAttestationStep() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        vm.warp(START + 365 days);
        vm.prank(holder);
        vm.expectRevert(
            _err(ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector, licenseId)
        );
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
    }

    /// @dev Raw bytes as a `string`, as a hostile caller would send them (the compiler refuses
    /// an invalid UTF-8 literal).
    function _bytesAsString(bytes memory raw) private pure returns (string memory) {
        return string(raw);
    }
}
