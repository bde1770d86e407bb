// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {ILicenseRenderer} from "../../../contracts/interfaces/ILicenseRenderer.sol";
import {
    FirstSaleRegion,
    LicenseData,
    LicenseDataLib
} from "../../../contracts/types/LicenseData.sol";
import {IssuerKind} from "../../../contracts/types/Product.sol";
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

    // ---------------------------------------------------------------- 1. exhaustion

    /// @dev A perpetual product whose publisher forbids resale in its terms, splittable.
    function _lockedDownProduct() private returns (uint256 productId) {
        vm.prank(publisher);
        productId = registry.registerProduct(_terms(0, 100, false, true, false), "ipfs://eula");
    }

    function _issueFirstSold(
        uint256 productId,
        FirstSaleRegion region,
        uint256 seats,
        uint256 validUntil
    ) private returns (uint256) {
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](1);
        requests[0] = ILicenseRegistry.IssueRequest(holder, seats, validUntil, bytes32(0), 0);
        vm.prank(publisher);
        return registry.issueWithFirstSale(productId, region, requests);
    }

    /// @dev The attack of the first edition: a publisher registers its perpetual product as
    /// non-transferable and so forbids every resale, EU law notwithstanding.
    function test_release_anExhaustedLicenseResellsWhateverTheTermsSay() public {
        uint256 productId = _lockedDownProduct();
        uint256 licenseId = _issueFirstSold(productId, FirstSaleRegion.EEA, 10, 0);
        ILicenseRegistry.LicenseView memory view_ = registry.getLicense(licenseId);
        assertFalse(view_.transferable, "the terms forbid resale");
        assertTrue(view_.exhausted, "but the right is exhausted");
        assertEq(uint256(uint8(view_.firstSaleRegion)), uint256(uint8(FirstSaleRegion.EEA)), "EEA");
        assertFalse(registry.locked(licenseId), "not locked (ERC-5192)");
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        assertEq(registry.ownerOf(licenseId), buyer, "resold");
        _release2(buyer, licenseId);
        vm.prank(buyer);
        registry.transferFrom(buyer, stranger, licenseId);
        assertEq(registry.ownerOf(licenseId), stranger, "and resold again");
    }

    function test_release_aSwissFirstSaleExhaustsToo() public {
        uint256 licenseId = _issueFirstSold(
            _lockedDownProduct(),
            FirstSaleRegion.Switzerland,
            1,
            0
        );
        assertTrue(registry.getLicense(licenseId).exhausted, "exhausted");
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
    }

    function test_release_refusesWhatIsNotExhaustedAndNotPermitted() public {
        uint256 productId = _lockedDownProduct();
        uint256 elsewhere = _issueFirstSold(productId, FirstSaleRegion.Elsewhere, 1, 0);
        uint256 unrecorded = _issue(productId, holder, 1, 0);
        // A term license first sold in the EU is not exhausted (the law covers perpetual ones).
        uint256 term = _issueFirstSold(SUBSCRIPTION, FirstSaleRegion.EEA, 1, START + 100 days);
        uint256[3] memory ids = [elsewhere, unrecorded, term];
        for (uint256 i; i < ids.length; ++i) {
            assertFalse(registry.getLicense(ids[i]).exhausted, "not exhausted");
            assertTrue(registry.locked(ids[i]), "locked");
            vm.prank(holder);
            vm.expectRevert(_err(ILicenseRegistryErrors.LicenseNotTransferable.selector, ids[i]));
            registry.release(ids[i], DECLARATION);
        }
    }

    /// @dev Renders each region (the JSON text itself is checked by the mocha tests).
    function test_tokenURI_rendersEveryFirstSaleRegion() public {
        uint256 productId = _lockedDownProduct();
        uint256[4] memory ids = [
            _issue(productId, holder, 1, 0),
            _issueFirstSold(productId, FirstSaleRegion.EEA, 1, 0),
            _issueFirstSold(productId, FirstSaleRegion.Switzerland, 1, 0),
            _issueFirstSold(productId, FirstSaleRegion.Elsewhere, 1, 0)
        ];
        for (uint256 i; i < ids.length; ++i) {
            assertEq(
                uint256(uint8(registry.getLicense(ids[i]).firstSaleRegion)),
                i,
                "region as issued"
            );
            assertGt(bytes(registry.tokenURI(ids[i])).length, 0, "rendered");
        }
    }

    function test_LicenseDataLib_recordsTheRegionAndTheKeyApart() public pure {
        LicenseData keyed = LicenseDataLib.pack(
            1,
            0,
            LicenseDataLib.regionBits(FirstSaleRegion.Elsewhere, true)
        );
        assertTrue(keyed.keyed(), "keyed");
        assertEq(uint256(uint8(keyed.firstSaleRegion())), 3, "elsewhere");
        assertFalse(keyed.exhausted(), "not exhausted");
        LicenseData plain = LicenseDataLib.pack(
            1,
            0,
            LicenseDataLib.regionBits(FirstSaleRegion.EEA, false)
        );
        assertFalse(plain.keyed(), "not keyed");
        assertTrue(plain.exhausted(), "exhausted");
    }

    function test_issueWithFirstSale_refusesAnUnrecordedRegion() public {
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](1);
        requests[0] = ILicenseRegistry.IssueRequest(holder, 1, 0, bytes32(0), 0);
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseFirstSaleRegionMissing.selector,
                VOLUME
            )
        );
        registry.issueWithFirstSale(VOLUME, FirstSaleRegion.Unrecorded, requests);
    }

    function test_issueWithFirstSale_anOnboarderRecordsItsEvidencesRegion() public {
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](2);
        requests[0] = ILicenseRegistry.IssueRequest(holder, 1, 0, bytes32(0), EVIDENCE);
        requests[1] = ILicenseRegistry.IssueRequest(buyer, 1, 0, KEY, EVIDENCE);
        vm.prank(dealer);
        registry.declareEvidence(VOLUME, EVIDENCE, 2);
        vm.prank(dealer);
        uint256 first = registry.issueWithFirstSale(VOLUME, FirstSaleRegion.EEA, requests);
        assertTrue(registry.getLicense(first).exhausted, "first exhausted");
        assertTrue(registry.getLicense(first + 1).exhausted, "second exhausted");
    }

    function test_split_childrenInheritTheFirstSale() public {
        uint256 licenseId = _issueFirstSold(_lockedDownProduct(), FirstSaleRegion.EEA, 10, 0);
        uint32[] memory parts = new uint32[](2);
        parts[0] = 4;
        parts[1] = 6;
        vm.prank(holder);
        uint256 child = registry.split(licenseId, parts);
        assertTrue(registry.getLicense(child).exhausted, "child exhausted");
        assertTrue(registry.getLicense(child + 1).exhausted, "sibling exhausted");
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, child, DECLARATION);
    }

    function _release2(address who, uint256 licenseId) private {
        vm.prank(who);
        registry.release(licenseId, DECLARATION);
    }

    // ---------------------------------------------------------------- 4. control after the role

    uint256 private constant RECOVERY_DELAY = 7 days;

    function _operatorProduct() private returns (uint256 productId) {
        vm.prank(operator);
        productId = registry.registerProductForPublisher(
            address(0),
            _terms(0, 10, true, false, false),
            ""
        );
        vm.prank(operator);
        registry.setIssuer(productId, dealer, IssuerKind.Onboarder);
    }

    function _replacementOperator() private returns (address next) {
        next = _account(31, "operator2");
        vm.startPrank(admin);
        registry.grantRole(OPERATOR_ROLE, next);
        registry.revokeRole(OPERATOR_ROLE, operator);
        vm.stopPrank();
    }

    /// @dev The attack of the first edition: the admin revokes a compromised operator's role,
    /// and the account still controls (issues, revokes) every product it registered.
    function test_recovery_handsAnOrphanedProductToAnotherOperator() public {
        uint256 productId = _operatorProduct();
        uint256 licenseId = _issue2(operator, productId);
        address next = _replacementOperator();
        vm.prank(admin);
        registry.startProductControlRecovery(productId, next);

        vm.warp(START + RECOVERY_DELAY - 1);
        vm.prank(next);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductRecoveryNotReady.selector,
                productId,
                START + RECOVERY_DELAY
            )
        );
        registry.completeProductControlRecovery(productId);

        vm.warp(START + RECOVERY_DELAY);
        vm.prank(next);
        registry.completeProductControlRecovery(productId);
        assertEq(registry.getProduct(productId).controller, next, "recovered");
        // The old account lost everything, and so did the issuers it appointed.
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotController.selector,
                productId,
                operator
            )
        );
        registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
        assertEq(
            uint256(registry.issuerKind(productId, dealer)),
            uint256(IssuerKind.None),
            "grants lapsed"
        );
        // The license itself did not move.
        assertEq(registry.ownerOf(licenseId), holder, "no license moved");
    }

    function _issue2(address issuer, uint256 productId) private returns (uint256) {
        vm.prank(issuer);
        return registry.issue(productId, holder, 1, 0);
    }

    function test_recovery_refusedWhileTheControllerIsStillAnOperator() public {
        uint256 productId = _operatorProduct();
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductControllerStillOperator.selector,
                productId,
                operator
            )
        );
        registry.startProductControlRecovery(productId, stranger);
    }

    function test_recovery_neverReachesAPublishersProduct() public {
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotOperatorControlled.selector,
                VOLUME
            )
        );
        registry.startProductControlRecovery(VOLUME, operator);

        // An operator's product its publisher took over is the publisher's.
        vm.prank(operator);
        uint256 productId = registry.registerProductForPublisher(
            publisher,
            _terms(0, 1, true, false, false),
            ""
        );
        vm.prank(publisher);
        registry.acceptProductControl(productId);
        _replacementOperator();
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotOperatorControlled.selector,
                productId
            )
        );
        registry.startProductControlRecovery(productId, operator);
    }

    function test_recovery_onlyTheAdminStartsItOnlyItsTargetCompletesIt() public {
        uint256 productId = _operatorProduct();
        address next = _replacementOperator();
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                stranger,
                bytes32(0)
            )
        );
        registry.startProductControlRecovery(productId, next);
        vm.prank(admin);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductRecoveryTargetNotOperator.selector,
                productId,
                stranger
            )
        );
        registry.startProductControlRecovery(productId, stranger);
        vm.prank(admin);
        registry.startProductControlRecovery(productId, next);
        vm.warp(START + RECOVERY_DELAY);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotRecoveringController.selector,
                productId,
                stranger
            )
        );
        registry.completeProductControlRecovery(productId);
        // Cancelled: the target can no longer complete it.
        vm.prank(admin);
        registry.startProductControlRecovery(productId, address(0));
        vm.prank(next);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotRecoveringController.selector,
                productId,
                next
            )
        );
        registry.completeProductControlRecovery(productId);
    }

    function test_recovery_aProductHandedBetweenOperatorsStaysRecoverable() public {
        address second = _account(32, "operator3");
        vm.prank(admin);
        registry.grantRole(OPERATOR_ROLE, second);
        vm.prank(operator);
        uint256 productId = registry.registerProductForPublisher(
            second,
            _terms(0, 1, true, false, false),
            ""
        );
        vm.prank(second);
        registry.acceptProductControl(productId);
        address next = _account(33, "operator4");
        vm.startPrank(admin);
        registry.grantRole(OPERATOR_ROLE, next);
        registry.revokeRole(OPERATOR_ROLE, second);
        registry.startProductControlRecovery(productId, next);
        vm.stopPrank();
        vm.warp(START + RECOVERY_DELAY);
        vm.prank(next);
        registry.completeProductControlRecovery(productId);
        assertEq(registry.getProduct(productId).controller, next, "recovered from an operator");
    }

    function test_recovery_lapsesIfTheOldOperatorRegainsItsRole() public {
        uint256 productId = _operatorProduct();
        address next = _replacementOperator();
        vm.prank(admin);
        registry.startProductControlRecovery(productId, next);
        vm.prank(admin);
        registry.grantRole(OPERATOR_ROLE, operator);
        vm.warp(START + RECOVERY_DELAY);
        vm.prank(next);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductControllerStillOperator.selector,
                productId,
                operator
            )
        );
        registry.completeProductControlRecovery(productId);
    }

    // ---------------------------------------------------------------- 5. paperwork sold twice

    bytes32 private constant INVOICE = keccak256("invoice 2017-311: 10 seats, perpetual");

    function _onboard(bytes32 evidence, uint256 seats) private returns (uint256 licenseId) {
        vm.prank(dealer);
        licenseId = registry.issueWithEvidence(VOLUME, holder, seats, 0, evidence);
    }

    /// @dev The attack of the first edition: the same invoice onboarded again and again.
    function test_issueWithEvidence_refusesTheSamePaperworkTwice() public {
        _onboard(EVIDENCE, 5);
        (uint256 capacity, uint256 used) = registry.evidenceUse(EVIDENCE);
        assertEq(capacity, 5, "undeclared evidence covers its first license's seats");
        assertEq(used, 5, "all used");
        vm.prank(dealer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceCapacityExceeded.selector,
                EVIDENCE,
                5,
                5,
                1
            )
        );
        registry.issueWithEvidence(VOLUME, buyer, 1, 0, EVIDENCE);
    }

    function test_declareEvidence_boundsEveryLaterOnboardingByAnyone() public {
        vm.prank(dealer);
        registry.declareEvidence(VOLUME, INVOICE, 10);
        _onboard(INVOICE, 4);
        _onboard(INVOICE, 6);
        (uint256 capacity, uint256 used) = registry.evidenceUse(INVOICE);
        assertEq(capacity, 10, "declared");
        assertEq(used, 10, "drawn");
        // Another issuer, on another product, with the same paperwork: refused too.
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](1);
        requests[0] = ILicenseRegistry.IssueRequest(buyer, 1, START + 10 days, bytes32(0), INVOICE);
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceCapacityExceeded.selector,
                INVOICE,
                10,
                10,
                1
            )
        );
        registry.issueBatch(SUBSCRIPTION, requests);
    }

    function test_declareEvidence_refusals() public {
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotIssuer.selector,
                VOLUME,
                stranger
            )
        );
        registry.declareEvidence(VOLUME, INVOICE, 10);
        vm.prank(dealer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceDeclarationInvalid.selector,
                INVOICE,
                0
            )
        );
        registry.declareEvidence(VOLUME, INVOICE, 0);
        vm.prank(dealer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceDeclarationInvalid.selector,
                bytes32(0),
                10
            )
        );
        registry.declareEvidence(VOLUME, bytes32(0), 10);
        // Once used (or declared), its capacity is set for good: no raising it afterwards.
        _onboard(INVOICE, 3);
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceAlreadyDeclared.selector,
                INVOICE,
                3
            )
        );
        registry.declareEvidence(VOLUME, INVOICE, 100);
    }

    function test_split_drawsNothingFromTheEvidence() public {
        uint256 licenseId = _onboard(INVOICE, 10);
        uint32[] memory parts = new uint32[](2);
        parts[0] = 3;
        parts[1] = 7;
        vm.prank(holder);
        registry.split(licenseId, parts);
        (, uint256 used) = registry.evidenceUse(INVOICE);
        assertEq(used, 10, "seats conserved, nothing drawn");
    }

    function testFuzz_evidence_seatsNeverExceedTheDeclaredCapacity(
        uint256 capacity,
        uint256[4] memory seats
    ) public {
        capacity = bound(capacity, 1, 2_000);
        vm.prank(dealer);
        registry.declareEvidence(VOLUME, INVOICE, capacity);
        uint256 onboarded;
        for (uint256 i; i < seats.length; ++i) {
            uint256 n = bound(seats[i], 1, 500);
            vm.prank(dealer);
            try registry.issueWithEvidence(VOLUME, holder, n, 0, INVOICE) {
                onboarded += n;
            } catch {
                assertGt(onboarded + n, capacity, "refused only beyond the capacity");
            }
        }
        (, uint256 used) = registry.evidenceUse(INVOICE);
        assertEq(used, onboarded, "used counts what was onboarded");
        assertLe(used, capacity, "never beyond the capacity");
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
