// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";

import {IERC4906} from "../../../contracts/interfaces/IERC4906.sol";
import {IERC5192} from "../../../contracts/interfaces/IERC5192.sol";
import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {LicenseRules} from "../../../contracts/libraries/LicenseRules.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {LicenseData, LicenseDataLib, LicenseStatus} from "../../../contracts/types/LicenseData.sol";
import {LicenseIds} from "../../../contracts/types/LicenseIds.sol";
import {
    IssuerKind,
    ProductRecord,
    ProductRecordLib,
    ProductTerms
} from "../../../contracts/types/Product.sol";
import {Test} from "../utils/Test.sol";

/// @notice The deployed registry every registry test starts from: every role on its own account,
/// five products of one publisher, a distributor on every product and an onboarding dealer on
/// the volume product. Mirrors `productsFixture` in test/helpers/fixtures.ts (plus product 5).
abstract contract RegistryTestBase is Test {
    uint256 internal constant SERIALS_PER_PRODUCT = 1e12;
    uint48 internal constant ADMIN_DELAY = 2 days;
    uint256 internal constant START = 1_700_000_000;
    bytes32 internal constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");
    bytes32 internal constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 internal constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 internal constant ARBITER_ROLE = keccak256("ARBITER_ROLE");
    bytes32 internal constant DECLARATION = keccak256(
        "declaration: our copy of the software is uninstalled"
    );
    bytes32 internal constant EVIDENCE = keccak256("invoice 2019-0042 from the publisher");
    bytes32 internal constant KEY = keccak256("license-key commitment");
    uint16 internal constant REASON_FRAUD = 2;

    /// @dev Perpetual, up to 500 seats, transferable, splittable.
    uint256 internal constant VOLUME = 1;
    /// @dev 365 days, up to 10 seats, not transferable, not splittable.
    uint256 internal constant SUBSCRIPTION = 2;
    /// @dev Perpetual, 1 seat, transferable, the publisher must attest the deactivation.
    uint256 internal constant ATTESTED = 3;
    /// @dev 30 days, 1 seat, transferable.
    uint256 internal constant TERM = 4;
    /// @dev 30 days, up to 100 seats, transferable, splittable.
    uint256 internal constant TERM_VOLUME = 5;

    LicenseRegistry internal registry;

    address internal admin;
    address internal publisher;
    address internal operator;
    address internal pauser;
    address internal arbiter;
    address internal distributor;
    address internal dealer;
    address internal holder;
    address internal buyer;
    address internal stranger;

    function setUp() public virtual {
        vm.warp(START);
        admin = _account(1, "admin");
        publisher = _account(2, "publisher");
        operator = _account(3, "operator");
        pauser = _account(4, "pauser");
        arbiter = _account(5, "arbiter");
        distributor = _account(6, "distributor");
        dealer = _account(7, "dealer");
        holder = _account(8, "holder");
        buyer = _account(9, "buyer");
        stranger = _account(10, "stranger");

        registry = new LicenseRegistry("License Ledger", "LICENSE", admin, ADMIN_DELAY);
        vm.startPrank(admin);
        registry.grantRole(PUBLISHER_ROLE, publisher);
        registry.grantRole(OPERATOR_ROLE, operator);
        registry.grantRole(PAUSER_ROLE, pauser);
        registry.grantRole(ARBITER_ROLE, arbiter);
        vm.stopPrank();

        vm.startPrank(publisher);
        registry.registerProduct(_terms(0, 500, true, true, false), "ipfs://volume");
        registry.registerProduct(_terms(365, 10, false, false, false), "ipfs://subscription");
        registry.registerProduct(_terms(0, 1, true, false, true), "ipfs://attested");
        registry.registerProduct(_terms(30, 1, true, false, false), "ipfs://term");
        registry.registerProduct(_terms(30, 100, true, true, false), "ipfs://term-volume");
        for (uint256 p = VOLUME; p <= TERM_VOLUME; ++p) {
            registry.setIssuer(p, distributor, IssuerKind.Distributor);
        }
        registry.setIssuer(VOLUME, dealer, IssuerKind.Onboarder);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- helpers

    function _account(uint256 key, string memory name) internal returns (address account) {
        account = vm.addr(key);
        vm.label(account, name);
    }

    function _terms(
        uint16 validityDays,
        uint32 maxSeats,
        bool transferable,
        bool splittable,
        bool attestationRequired
    ) internal pure returns (ProductTerms memory) {
        return
            ProductTerms({
                validityDays: validityDays,
                maxSeatsPerLicense: maxSeats,
                transferable: transferable,
                splittable: splittable,
                attestationRequired: attestationRequired
            });
    }

    function _id(uint256 productId, uint256 serial) internal pure returns (uint256) {
        return productId * SERIALS_PER_PRODUCT + serial;
    }

    function _issue(
        uint256 productId,
        address to,
        uint256 seats,
        uint256 validUntil
    ) internal returns (uint256 licenseId) {
        vm.prank(publisher);
        licenseId = registry.issue(productId, to, seats, validUntil);
    }

    /// @dev A perpetual volume license with `seats` seats held by `holder`.
    function _issueVolume(uint256 seats) internal returns (uint256) {
        return _issue(VOLUME, holder, seats, 0);
    }

    function _release(uint256 licenseId) internal {
        vm.prank(registry.ownerOf(licenseId));
        registry.release(licenseId, DECLARATION);
    }

    function _assertStatus(
        uint256 licenseId,
        LicenseStatus expected,
        string memory message
    ) internal view {
        assertEq(
            uint256(uint8(registry.getLicense(licenseId).status)),
            uint256(uint8(expected)),
            message
        );
    }

    function _licensesIssued(uint256 productId) internal view returns (uint256) {
        return registry.getProduct(productId).licensesIssued;
    }

    /// @dev `parts` non-empty seat counts adding up to `total` (requires `parts <= total`).
    function _distribute(
        uint256 total,
        uint256 parts,
        uint256 seed
    ) internal pure returns (uint32[] memory seats) {
        seats = new uint32[](parts);
        uint256 remaining = total;
        for (uint256 i; i + 1 < parts; ++i) {
            // Leave at least one seat for each part still to come; cap each share by a random
            // fraction so the last parts are not always single seats.
            uint256 maxHere = remaining - (parts - 1 - i);
            uint256 cap = bound(uint256(keccak256(abi.encode(seed, "cap", i))), 1, maxHere);
            uint256 share = bound(uint256(keccak256(abi.encode(seed, i))), 1, cap);
            seats[i] = uint32(share);
            remaining -= share;
        }
        seats[parts - 1] = uint32(remaining);
    }

    function _parts(uint32 a, uint32 b) internal pure returns (uint32[] memory seats) {
        seats = new uint32[](2);
        seats[0] = a;
        seats[1] = b;
    }
}

// =====================================================================================
// Issuance
// =====================================================================================

contract LicenseRegistryIssueTest is RegistryTestBase {
    function testFuzz_issue_perpetualLicenseCarriesItsTerms(address to, uint256 seats) public {
        vm.assume(to != address(0));
        seats = bound(seats, 1, 500);

        vm.expectEmit(address(registry));
        emit ERC721.Transfer(address(0), to, _id(VOLUME, 1));
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssued(_id(VOLUME, 1), seats, 0);
        vm.prank(publisher);
        uint256 licenseId = registry.issue(VOLUME, to, seats, 0);

        assertEq(licenseId, _id(VOLUME, 1), "first id is product * 10^12 + 1");
        assertEq(registry.ownerOf(licenseId), to, "holder");
        assertEq(registry.balanceOf(to), 1, "holder balance");
        ILicenseRegistry.LicenseView memory lic = registry.getLicense(licenseId);
        assertEq(lic.holder, to, "view holder");
        assertEq(lic.productId, VOLUME, "product");
        assertEq(lic.seats, seats, "seats");
        assertEq(uint256(lic.validUntil), 0, "perpetual");
        _assertStatus(licenseId, LicenseStatus.Active, "active");
        assertFalse(lic.suspended || lic.attested || lic.expired, "fresh license flags");
        assertTrue(
            lic.valid && lic.transferable && lic.splittable,
            "valid, transferable, splittable"
        );
        assertFalse(lic.attestationRequired, "no attestation");
        assertTrue(registry.isValid(licenseId), "isValid");
        assertTrue(registry.isValidFor(licenseId, to), "isValidFor holder");
        assertFalse(registry.isValidFor(licenseId, stranger), "not valid for a stranger");
        assertFalse(registry.locked(licenseId), "transferable license is not locked");
        assertEq(_licensesIssued(VOLUME), 1, "serial counter");
    }

    function testFuzz_issue_limitedLicenseWithinValidityPeriod(
        uint256 seats,
        uint256 start,
        uint256 validFor
    ) public {
        start = bound(start, START, START + 100 * 365 days);
        vm.warp(start);
        seats = bound(seats, 1, 10);
        uint256 validUntil = start + bound(validFor, 1, 365 days);

        vm.expectEmit(address(registry));
        emit IERC5192.Locked(_id(SUBSCRIPTION, 1));
        uint256 licenseId = _issue(SUBSCRIPTION, holder, seats, validUntil);

        ILicenseRegistry.LicenseView memory lic = registry.getLicense(licenseId);
        assertEq(uint256(lic.validUntil), validUntil, "validUntil stored");
        assertEq(lic.seats, seats, "seats");
        assertFalse(lic.expired, "not expired at issuance");
        assertTrue(lic.valid, "valid at issuance");
        assertFalse(lic.transferable || lic.splittable, "subscription terms");
        assertTrue(registry.locked(licenseId), "non-transferable license is locked");
    }

    function testFuzz_issue_anyTermsAreCopiedToTheLicense(
        uint16 validityDays,
        uint32 maxSeats,
        uint8 termFlags,
        uint256 seats,
        uint256 validFor
    ) public {
        maxSeats = uint32(bound(maxSeats, 1, type(uint32).max));
        ProductTerms memory terms = _terms(
            validityDays,
            maxSeats,
            termFlags & 1 != 0,
            termFlags & 2 != 0,
            termFlags & 4 != 0
        );
        vm.prank(publisher);
        uint256 productId = registry.registerProduct(terms, "");
        seats = bound(seats, 1, maxSeats);
        uint256 validUntil =
            validityDays == 0
                ? 0
                : block.timestamp + bound(validFor, 1, uint256(validityDays) * 1 days);

        uint256 licenseId = _issue(productId, holder, seats, validUntil);

        ILicenseRegistry.LicenseView memory lic = registry.getLicense(licenseId);
        assertEq(lic.seats, seats, "seats");
        assertEq(uint256(lic.validUntil), validUntil, "validUntil");
        assertEq(lic.transferable, terms.transferable, "transferable bit");
        assertEq(lic.splittable, terms.splittable, "splittable bit");
        assertEq(lic.attestationRequired, terms.attestationRequired, "attestation bit");
        assertTrue(lic.valid, "valid");
        ILicenseRegistry.ProductView memory p = registry.getProduct(productId);
        assertEq(uint256(p.terms.validityDays), validityDays, "product terms kept");
        assertEq(uint256(p.terms.maxSeatsPerLicense), maxSeats, "product max seats kept");
    }

    function testFuzz_issue_idsAreConsecutivePerProduct(uint256 count, uint256 otherCount) public {
        count = bound(count, 1, 12);
        otherCount = bound(otherCount, 0, 5);
        for (uint256 i; i < otherCount; ++i) _issue(TERM_VOLUME, buyer, 1, block.timestamp + 1);
        for (uint256 i = 1; i <= count; ++i) {
            assertEq(_issue(VOLUME, holder, 1, 0), _id(VOLUME, i), "consecutive serial");
        }
        assertEq(_licensesIssued(VOLUME), count, "volume counter");
        assertEq(_licensesIssued(TERM_VOLUME), otherCount, "other product's counter unaffected");
        assertEq(registry.balanceOf(holder), count, "balance");
    }

    function testFuzz_issue_revertsOnSeatsAboveMax(uint256 seats) public {
        seats = bound(seats, 501, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseSeatsInvalid.selector, seats, 500)
        );
        vm.prank(publisher);
        registry.issue(VOLUME, holder, seats, 0);
    }

    function test_issue_revertsOnZeroSeats() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseSeatsInvalid.selector, 0, 10)
        );
        vm.prank(publisher);
        registry.issue(SUBSCRIPTION, holder, 0, block.timestamp + 1 days);
    }

    function testFuzz_issue_revertsOnValidityForPerpetualProduct(uint256 validUntil) public {
        validUntil = bound(validUntil, 1, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseValidityInvalid.selector,
                validUntil,
                0
            )
        );
        vm.prank(publisher);
        registry.issue(VOLUME, holder, 1, validUntil);
    }

    function testFuzz_issue_revertsOnValidityOutsideWindow(
        uint256 start,
        uint256 validUntil,
        bool late
    ) public {
        start = bound(start, START, START + 100 * 365 days);
        vm.warp(start);
        uint256 latest = start + 365 days;
        validUntil =
            late ? bound(validUntil, latest + 1, type(uint256).max) : bound(validUntil, 0, start);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseValidityInvalid.selector,
                validUntil,
                latest
            )
        );
        vm.prank(publisher);
        registry.issue(SUBSCRIPTION, holder, 1, validUntil);
    }

    function test_issue_acceptsExactlyTheLatestValidity() public {
        uint256 licenseId = _issue(SUBSCRIPTION, holder, 1, block.timestamp + 365 days);
        assertEq(
            uint256(registry.getLicense(licenseId).validUntil),
            block.timestamp + 365 days,
            "edge of the window"
        );
    }

    function test_issue_revertsForEveryUnauthorisedAccount() public {
        address[6] memory others = [admin, operator, pauser, arbiter, holder, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotIssuer.selector,
                    VOLUME,
                    others[i]
                )
            );
            vm.prank(others[i]);
            registry.issue(VOLUME, holder, 1, 0);
        }
        // The dealer onboards the volume product only.
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotIssuer.selector,
                ATTESTED,
                dealer
            )
        );
        vm.prank(dealer);
        registry.issueWithEvidence(ATTESTED, holder, 1, 0, EVIDENCE);
        assertEq(_licensesIssued(VOLUME), 0, "nothing issued");
    }

    function test_issue_revertsForRemovedIssuer() public {
        vm.prank(publisher);
        registry.setIssuer(VOLUME, distributor, IssuerKind.None);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotIssuer.selector,
                VOLUME,
                distributor
            )
        );
        vm.prank(distributor);
        registry.issue(VOLUME, holder, 1, 0);
    }

    function test_issue_revertsForUnknownProduct() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductDoesNotExist.selector, 99)
        );
        vm.prank(publisher);
        registry.issue(99, holder, 1, 0);
    }

    function test_issue_revertsOnClosedProduct() public {
        vm.prank(publisher);
        registry.closeProduct(VOLUME);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductClosed.selector, VOLUME)
        );
        vm.prank(distributor);
        registry.issue(VOLUME, holder, 1, 0);
    }

    function test_issue_revertsToZeroAddress() public {
        vm.expectRevert(ERC721.TransferToZeroAddress.selector);
        vm.prank(publisher);
        registry.issue(VOLUME, address(0), 1, 0);
    }

    function test_issue_revertsForOnboarderWithoutEvidence() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseOriginEvidenceMissing.selector,
                VOLUME,
                dealer
            )
        );
        vm.prank(dealer);
        registry.issue(VOLUME, holder, 1, 0);
    }

    function test_issue_byDistributorNamesTheIssuer() public {
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssued(_id(VOLUME, 1), 3, 0);
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssuedBy(_id(VOLUME, 1), VOLUME, distributor, bytes32(0));
        vm.prank(distributor);
        registry.issue(VOLUME, holder, 3, 0);
    }

    function testFuzz_issueWithEvidence_onboarderRecordsFirstSale(bytes32 evidence) public {
        vm.assume(evidence != bytes32(0));
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseIssuedBy(_id(VOLUME, 1), VOLUME, dealer, evidence);
        vm.prank(dealer);
        uint256 licenseId = registry.issueWithEvidence(VOLUME, holder, 7, 0, evidence);
        assertEq(registry.ownerOf(licenseId), holder, "holder");
        assertEq(registry.getLicense(licenseId).seats, 7, "seats");
    }

    function test_issue_revertsWhilePaused() public {
        vm.prank(pauser);
        registry.pause(1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(block.timestamp + 1 days)
            )
        );
        vm.prank(publisher);
        registry.issue(VOLUME, holder, 1, 0);
    }

    function testFuzz_issueWithKey_bindsTheCommitment(bytes32 key, uint256 seats) public {
        vm.assume(key != bytes32(0));
        seats = bound(seats, 1, 500);
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseKeyCommitted(_id(VOLUME, 1), key);
        vm.prank(publisher);
        uint256 licenseId = registry.issueWithKey(VOLUME, holder, seats, 0, key, bytes32(0));
        assertEq(registry.licenseOfKey(VOLUME, key), licenseId, "key finds the license");
        assertEq(registry.licenseOfKey(VOLUME, ~key), 0, "an unused key finds nothing");
        assertEq(registry.licenseOfKey(TERM_VOLUME, key), 0, "commitments are per product");

        // Within its product a commitment binds one license only, whoever issues.
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseKeyCommitmentInUse.selector,
                key,
                licenseId
            )
        );
        vm.prank(distributor);
        registry.issueWithKey(VOLUME, buyer, 1, 0, key, bytes32(0));
        assertEq(_licensesIssued(VOLUME), 1, "the refused issuance left no trace");
    }

    function testFuzz_issueWithKey_sameCommitmentInAnotherProduct(bytes32 key) public {
        vm.assume(key != bytes32(0));
        vm.prank(publisher);
        uint256 first = registry.issueWithKey(VOLUME, holder, 1, 0, key, bytes32(0));
        // Another product's issuer cannot claim (or front-run) this product's commitment.
        vm.prank(distributor);
        uint256 second = registry.issueWithKey(
            TERM_VOLUME,
            buyer,
            1,
            block.timestamp + 1,
            key,
            bytes32(0)
        );
        assertEq(registry.licenseOfKey(VOLUME, key), first, "first product keeps its license");
        assertEq(registry.licenseOfKey(TERM_VOLUME, key), second, "second product's license");
    }

    function test_issueWithKey_revertsOnZeroCommitment() public {
        vm.expectRevert(ILicenseRegistryErrors.LicenseKeyCommitmentMissing.selector);
        vm.prank(publisher);
        registry.issueWithKey(VOLUME, holder, 1, 0, bytes32(0), bytes32(0));
    }

    function test_issueWithKey_onboarderNeedsEvidence() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseOriginEvidenceMissing.selector,
                VOLUME,
                dealer
            )
        );
        vm.prank(dealer);
        registry.issueWithKey(VOLUME, holder, 1, 0, KEY, bytes32(0));
    }

    function testFuzz_issueBatch_issuesConsecutiveLicenses(uint256 count, uint256 seed) public {
        count = bound(count, 1, 10);
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](
            count
        );
        address[3] memory holders = [holder, buyer, stranger];
        uint256[3] memory expectedBalances;
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            requests[i] = ILicenseRegistry.IssueRequest({
                holder: holders[r % 3],
                seats: bound(r >> 8, 1, 100),
                validUntil: block.timestamp + bound(r >> 64, 1, 30 days),
                keyCommitment: (r >> 128) % 2 == 0 ? bytes32(0) : keccak256(abi.encode(seed, i)),
                originEvidence: bytes32(0)
            });
            expectedBalances[r % 3] += 1;
        }
        vm.prank(publisher);
        uint256 first = registry.issueBatch(TERM_VOLUME, requests);

        assertEq(first, _id(TERM_VOLUME, 1), "first id");
        assertEq(_licensesIssued(TERM_VOLUME), count, "counter advanced by the batch");
        for (uint256 i; i < count; ++i) {
            ILicenseRegistry.LicenseView memory lic = registry.getLicense(first + i);
            assertEq(lic.holder, requests[i].holder, "holder in request order");
            assertEq(lic.seats, requests[i].seats, "seats in request order");
            assertEq(uint256(lic.validUntil), requests[i].validUntil, "validity in request order");
            if (requests[i].keyCommitment != bytes32(0)) {
                assertEq(
                    registry.licenseOfKey(TERM_VOLUME, requests[i].keyCommitment),
                    first + i,
                    "key"
                );
            }
        }
        for (uint256 h; h < 3; ++h) {
            assertEq(registry.balanceOf(holders[h]), expectedBalances[h], "balance");
        }
    }

    function test_issueBatch_revertsWhenEmpty() public {
        vm.expectRevert(ILicenseRegistryErrors.LicenseBatchEmpty.selector);
        vm.prank(publisher);
        registry.issueBatch(VOLUME, new ILicenseRegistry.IssueRequest[](0));
    }

    function testFuzz_issueBatch_revertsWholeOnOneInvalidRequest(
        uint256 count,
        uint256 bad
    ) public {
        count = bound(count, 1, 8);
        bad = bound(bad, 0, count - 1);
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](
            count
        );
        for (uint256 i; i < count; ++i) {
            requests[i] = ILicenseRegistry.IssueRequest(holder, i == bad ? 0 : 1, 0, 0, 0);
        }
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseSeatsInvalid.selector, 0, 500)
        );
        vm.prank(publisher);
        registry.issueBatch(VOLUME, requests);
        assertEq(_licensesIssued(VOLUME), 0, "nothing issued");
        assertEq(registry.balanceOf(holder), 0, "no balance");
    }

    function testFuzz_issueBatch_revertsOnKeyReusedInTheBatch(bytes32 key) public {
        vm.assume(key != bytes32(0));
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](3);
        requests[0] = ILicenseRegistry.IssueRequest(holder, 1, 0, key, 0);
        requests[1] = ILicenseRegistry.IssueRequest(holder, 1, 0, 0, 0);
        requests[2] = ILicenseRegistry.IssueRequest(buyer, 1, 0, key, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseKeyCommitmentInUse.selector,
                key,
                _id(VOLUME, 1)
            )
        );
        vm.prank(publisher);
        registry.issueBatch(VOLUME, requests);
    }

    function test_issueBatch_onboarderNeedsEvidenceOnEveryRequest() public {
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](2);
        requests[0] = ILicenseRegistry.IssueRequest(holder, 1, 0, 0, EVIDENCE);
        requests[1] = ILicenseRegistry.IssueRequest(holder, 1, 0, 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseOriginEvidenceMissing.selector,
                VOLUME,
                dealer
            )
        );
        vm.prank(dealer);
        registry.issueBatch(VOLUME, requests);
    }

    function test_updateProductTerms_revertsOnceALicenseExists() public {
        _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductTermsLocked.selector, VOLUME)
        );
        vm.prank(publisher);
        registry.updateProductTerms(VOLUME, _terms(0, 500, false, false, false), "");
        assertTrue(registry.getLicense(_id(VOLUME, 1)).transferable, "issued terms unchanged");
    }

    function test_registerProduct_revertsWithoutPublisherRole() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                admin,
                PUBLISHER_ROLE
            )
        );
        vm.prank(admin);
        registry.registerProduct(_terms(0, 1, true, false, false), "");
    }

    function test_registerProduct_revertsOnZeroSeats() public {
        vm.expectRevert(ILicenseRegistryErrors.ProductMaxSeatsZero.selector);
        vm.prank(publisher);
        registry.registerProduct(_terms(0, 0, true, false, false), "");
    }

    function test_acceptProductControl_newControllerTakesOverInvalidation() public {
        uint256 licenseId = _issueVolume(2);
        vm.prank(publisher);
        registry.transferProductControl(VOLUME, buyer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotPendingController.selector,
                VOLUME,
                stranger
            )
        );
        vm.prank(stranger);
        registry.acceptProductControl(VOLUME);
        vm.prank(buyer);
        registry.acceptProductControl(VOLUME);

        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotController.selector,
                VOLUME,
                publisher
            )
        );
        vm.prank(publisher);
        registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
        vm.prank(buyer);
        registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
        _assertStatus(licenseId, LicenseStatus.Revoked, "revoked by the new controller");
    }

    function test_acceptProductControl_voidsThePreviousIssuers() public {
        vm.prank(publisher);
        registry.transferProductControl(VOLUME, buyer);
        vm.prank(buyer);
        registry.acceptProductControl(VOLUME);
        assertEq(
            uint256(registry.issuerKind(VOLUME, distributor)),
            uint256(IssuerKind.None),
            "grant lapsed"
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotIssuer.selector,
                VOLUME,
                distributor
            )
        );
        vm.prank(distributor);
        registry.issue(VOLUME, holder, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductNotIssuer.selector, VOLUME, dealer)
        );
        vm.prank(dealer);
        registry.issueWithEvidence(VOLUME, holder, 1, 0, EVIDENCE);
        // The new controller appoints its own.
        vm.prank(buyer);
        registry.setIssuer(VOLUME, distributor, IssuerKind.Distributor);
        vm.prank(distributor);
        registry.issue(VOLUME, holder, 1, 0);
        assertEq(registry.balanceOf(holder), 1, "issued under the new grant");
    }
}

// =====================================================================================
// Release and withdrawal
// =====================================================================================

contract LicenseRegistryReleaseTest is RegistryTestBase {
    function testFuzz_release_recordsTheDeclaration(bytes32 declaration, uint256 seats) public {
        vm.assume(declaration != bytes32(0));
        uint256 licenseId = _issueVolume(bound(seats, 1, 500));

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseReleased(licenseId, VOLUME, holder, declaration);
        vm.expectEmit(address(registry));
        emit IERC4906.MetadataUpdate(licenseId);
        vm.prank(holder);
        registry.release(licenseId, declaration);

        _assertStatus(licenseId, LicenseStatus.Released, "released");
        assertFalse(registry.isValid(licenseId), "no longer valid for the seller");
        assertFalse(registry.isValidFor(licenseId, holder), "not valid for the holder");
        assertEq(registry.ownerOf(licenseId), holder, "still held until it moves");
        assertFalse(registry.locked(licenseId), "released license can move");
    }

    function test_release_byApprovedAccount() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.approve(buyer, licenseId);
        vm.prank(buyer);
        registry.release(licenseId, DECLARATION);
        _assertStatus(licenseId, LicenseStatus.Released, "released by the approved account");
    }

    function test_release_byOperatorForAll() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.setApprovalForAll(dealer, true);
        vm.prank(dealer);
        registry.release(licenseId, DECLARATION);
        _assertStatus(licenseId, LicenseStatus.Released, "released by the operator");
    }

    function test_release_revertsForEveryAccountNotApproved() public {
        uint256 licenseId = _issueVolume(1);
        address[7] memory others = [
            admin,
            publisher,
            operator,
            pauser,
            arbiter,
            distributor,
            buyer
        ];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC721Errors.ERC721InsufficientApproval.selector,
                    others[i],
                    licenseId
                )
            );
            vm.prank(others[i]);
            registry.release(licenseId, DECLARATION);
        }
        _assertStatus(licenseId, LicenseStatus.Active, "still active");
    }

    function test_release_revertsWithoutDeclaration() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseDeclarationMissing.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.release(licenseId, bytes32(0));
    }

    function test_release_revertsWhenAlreadyReleased() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseAlreadyReleased.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.release(licenseId, DECLARATION);
    }

    function test_release_revertsForNonTransferableProduct() public {
        uint256 licenseId = _issue(SUBSCRIPTION, holder, 1, block.timestamp + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseNotTransferable.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.release(licenseId, DECLARATION);
    }

    function test_release_revertsWhenSuspended() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(arbiter);
        registry.suspend(licenseId, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseIsSuspended.selector, licenseId)
        );
        vm.prank(holder);
        registry.release(licenseId, DECLARATION);
    }

    function test_release_revertsForUnknownLicense() public {
        uint256 unknown = _id(VOLUME, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, unknown)
        );
        vm.prank(holder);
        registry.release(unknown, DECLARATION);
    }

    function test_release_worksWhilePaused() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(pauser);
        registry.pause(1 days);
        _release(licenseId);
        _assertStatus(licenseId, LicenseStatus.Released, "a declaration is not a move");
    }

    function testFuzz_withdrawRelease_makesTheLicenseValidAgain(bytes32 declaration) public {
        vm.assume(declaration != bytes32(0));
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.release(licenseId, declaration);

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseReleaseWithdrawn(licenseId, holder);
        vm.prank(holder);
        registry.withdrawRelease(licenseId);

        _assertStatus(licenseId, LicenseStatus.Active, "active again");
        assertTrue(registry.isValidFor(licenseId, holder), "valid again for the holder");
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
    }

    function test_withdrawRelease_clearsTheAttestation() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        vm.prank(publisher);
        registry.attestDeactivation(licenseId, EVIDENCE);
        assertTrue(registry.getLicense(licenseId).attested, "attested");
        vm.prank(holder);
        registry.withdrawRelease(licenseId);
        assertFalse(registry.getLicense(licenseId).attested, "attestation lapsed");
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
    }

    function test_withdrawRelease_revertsWhenNotReleased() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(holder);
        registry.withdrawRelease(licenseId);
    }

    function test_withdrawRelease_revertsForStranger() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC721Errors.ERC721InsufficientApproval.selector,
                stranger,
                licenseId
            )
        );
        vm.prank(stranger);
        registry.withdrawRelease(licenseId);
    }

    function test_withdrawRelease_revertsOnEndedLicense() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.prank(publisher);
        registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(holder);
        registry.withdrawRelease(licenseId);
        assertFalse(registry.isValid(licenseId), "revoked stays invalid");
    }

    function test_attestDeactivation_letsTheAttestedLicenseMove() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseDeactivationAttested(licenseId, publisher, EVIDENCE);
        vm.prank(publisher);
        registry.attestDeactivation(licenseId, EVIDENCE);
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), buyer, "moved");
        assertFalse(registry.getLicense(licenseId).attested, "attestation consumed by the move");
    }

    function test_attestDeactivation_revertsWhenNotReleased() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(publisher);
        registry.attestDeactivation(licenseId, EVIDENCE);
    }

    function test_attestDeactivation_revertsWhenAlreadyAttested() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        vm.prank(publisher);
        registry.attestDeactivation(licenseId, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseAlreadyAttested.selector,
                licenseId
            )
        );
        vm.prank(publisher);
        registry.attestDeactivation(licenseId, EVIDENCE);
    }

    function test_attestDeactivation_revertsWithoutEvidence() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEvidenceMissing.selector,
                licenseId
            )
        );
        vm.prank(publisher);
        registry.attestDeactivation(licenseId, bytes32(0));
    }

    /// @dev A dealer (even an authorised issuer) must never attest its own sale.
    function test_attestDeactivation_revertsForEveryoneButTheController() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        address[6] memory others = [distributor, dealer, arbiter, holder, stranger, admin];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotController.selector,
                    ATTESTED,
                    others[i]
                )
            );
            vm.prank(others[i]);
            registry.attestDeactivation(licenseId, EVIDENCE);
        }
    }
}

// =====================================================================================
// Transfers
// =====================================================================================

contract LicenseRegistryTransferTest is RegistryTestBase {
    function testFuzz_transferFrom_movesAReleasedLicense(
        address to,
        uint256 seats,
        bytes32 declaration
    ) public {
        vm.assume(to != address(0) && to != holder && declaration != bytes32(0));
        uint256 licenseId = _issueVolume(bound(seats, 1, 500));
        vm.prank(holder);
        registry.release(licenseId, declaration);

        vm.expectEmit(address(registry));
        emit ERC721.Transfer(holder, to, licenseId);
        vm.prank(holder);
        registry.transferFrom(holder, to, licenseId);

        assertEq(registry.ownerOf(licenseId), to, "new holder");
        assertEq(registry.balanceOf(holder), 0, "seller balance");
        assertEq(registry.balanceOf(to), 1, "buyer balance");
        _assertStatus(licenseId, LicenseStatus.Active, "active for the new holder");
        assertTrue(registry.isValidFor(licenseId, to), "valid for the buyer");
        assertFalse(registry.isValidFor(licenseId, holder), "not valid for the seller");
    }

    function test_transferFrom_revertsWithoutRelease() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
    }

    function test_transferFrom_eachMoveNeedsItsOwnRelease() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(buyer);
        registry.transferFrom(buyer, stranger, licenseId);
        _release(licenseId);
        vm.prank(buyer);
        registry.transferFrom(buyer, stranger, licenseId);
        assertEq(registry.ownerOf(licenseId), stranger, "second resale");
    }

    function test_transferFrom_revertsForEveryRoleNotApproved() public {
        uint256 licenseId = _issueVolume(1);
        uint256 unreleased = _issueVolume(1);
        _release(licenseId);
        address[8] memory roles = [
            admin,
            publisher,
            operator,
            pauser,
            arbiter,
            distributor,
            dealer,
            stranger
        ];
        for (uint256 i; i < roles.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC721Errors.ERC721InsufficientApproval.selector,
                    roles[i],
                    licenseId
                )
            );
            vm.prank(roles[i]);
            registry.transferFrom(holder, roles[i], licenseId);
            vm.expectRevert(ERC721.NotOwnerNorApproved.selector);
            vm.prank(roles[i]);
            registry.releaseAndTransfer(roles[i], unreleased, DECLARATION);
        }
        assertEq(registry.ownerOf(licenseId), holder, "nobody but the holder moved it");
        assertEq(registry.ownerOf(unreleased), holder, "nobody sold it for the holder");
        _assertStatus(unreleased, LicenseStatus.Active, "no declaration recorded for it");
    }

    function test_transferFrom_byApprovedAccountClearsTheApproval() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.approve(dealer, licenseId);
        _release(licenseId);
        vm.prank(dealer);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), buyer, "moved by the dealer");
        assertEq(registry.getApproved(licenseId), address(0), "approval consumed");
    }

    function test_transferFrom_revertsFromWrongHolder() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.expectRevert(ERC721.TransferFromIncorrectOwner.selector);
        vm.prank(holder);
        registry.transferFrom(buyer, stranger, licenseId);
    }

    function test_transferFrom_revertsWithoutAttestation() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
    }

    function test_transferFrom_revertsWhenSuspended() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.prank(arbiter);
        registry.suspend(licenseId, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseIsSuspended.selector, licenseId)
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
    }

    function test_transferFrom_revertsWhilePaused() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.prank(pauser);
        registry.pause(3 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(block.timestamp + 3 days)
            )
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        vm.warp(block.timestamp + 3 days);
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), buyer, "the pause lapsed by itself");
    }

    function test_transferFrom_revertsWithEther() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.deal(holder, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.RegistryEtherNotAccepted.selector, 1)
        );
        vm.prank(holder);
        registry.transferFrom{value: 1}(holder, buyer, licenseId);
    }

    function test_safeTransferFrom_followsTheSameRules() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(holder);
        registry.safeTransferFrom(holder, buyer, licenseId);
        _release(licenseId);
        vm.prank(holder);
        registry.safeTransferFrom(holder, buyer, licenseId, "");
        assertEq(registry.ownerOf(licenseId), buyer, "moved");
    }

    function testFuzz_releaseAndTransfer_sellsInOneCall(
        address to,
        uint256 seats,
        bytes32 declaration
    ) public {
        vm.assume(to != address(0) && to != holder && declaration != bytes32(0));
        uint256 licenseId = _issueVolume(bound(seats, 1, 500));

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseReleased(licenseId, VOLUME, holder, declaration);
        vm.expectEmit(address(registry));
        emit ERC721.Transfer(holder, to, licenseId);
        vm.prank(holder);
        registry.releaseAndTransfer(to, licenseId, declaration);

        assertEq(registry.ownerOf(licenseId), to, "new holder");
        _assertStatus(licenseId, LicenseStatus.Active, "active for the buyer");
        assertTrue(registry.isValidFor(licenseId, to), "valid for the buyer");
        assertEq(registry.balanceOf(holder), 0, "seller keeps nothing");
        // The declaration was consumed by that move: the buyer must declare its own.
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(to);
        registry.transferFrom(to, holder, licenseId);
    }

    function test_holdingOf_countsEveryMoveAndNothingElse() public {
        uint256 licenseId = _issueVolume(10);
        (address holderNow, uint256 moves) = registry.holdingOf(licenseId);
        assertEq(holderNow, holder, "holder");
        assertEq(moves, 0, "a new license has not moved");
        _release(licenseId); // a release is no move
        vm.prank(holder);
        registry.withdrawRelease(licenseId);
        (, moves) = registry.holdingOf(licenseId);
        assertEq(moves, 0, "release and withdrawal are no moves");
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        (holderNow, moves) = registry.holdingOf(licenseId);
        assertEq(holderNow, buyer, "moved");
        assertEq(moves, 1, "releaseAndTransfer counts");
        _release(licenseId);
        vm.prank(buyer);
        registry.transferFrom(buyer, holder, licenseId);
        (holderNow, moves) = registry.holdingOf(licenseId);
        assertEq(holderNow, holder, "back with the first holder");
        assertEq(moves, 2, "transferFrom counts: the same holder, a new holding");
        assertEq(registry.getLicense(licenseId).moves, 2, "getLicense reports it");
        uint32[] memory parts = new uint32[](2);
        parts[0] = 4;
        parts[1] = 6;
        vm.prank(holder);
        uint256 child = registry.split(licenseId, parts);
        (, moves) = registry.holdingOf(child);
        assertEq(moves, 0, "a split child starts its own count");
        (, moves) = registry.holdingOf(licenseId);
        assertEq(moves, 2, "the ended parent keeps its count");
    }

    /// @dev Solady's ERC-721 ownership slot of `id` (holder | extra data), as its assembly
    /// computes it: id + id + keccak256(the id's top 28 bytes ++ the seed's top 4 bytes).
    function _ownershipSlot(uint256 id) private pure returns (bytes32) {
        bytes32 hash = keccak256(abi.encodePacked(bytes28(bytes32(id)), bytes4(0x7d882553)));
        return bytes32(id + id + uint256(hash));
    }

    function test_move_refusedAtTheMoveLimit() public {
        uint256 licenseId = _issueVolume(1);
        bytes32 slot = _ownershipSlot(licenseId);
        uint256 packed = uint256(vm.load(address(registry), slot));
        assertEq(address(uint160(packed)), holder, "the slot found is the license's");
        // One move short of the limit: that move is allowed, the next one is not.
        uint256 countMask =
            uint256(LicenseDataLib.MOVES_MASK) << (160 + LicenseDataLib.MOVES_SHIFT);
        uint256 oneShort =
            uint256(LicenseDataLib.MOVES_MASK - 1) << (160 + LicenseDataLib.MOVES_SHIFT);
        vm.store(address(registry), slot, bytes32((packed & ~countMask) | oneShort));
        (, uint256 moves) = registry.holdingOf(licenseId);
        assertEq(moves, LicenseDataLib.MOVES_MASK - 1, "one move left");
        assertFalse(registry.locked(licenseId), "still movable");
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        (, moves) = registry.holdingOf(licenseId);
        assertEq(moves, LicenseDataLib.MOVES_MASK, "the last move counted");
        assertTrue(registry.locked(licenseId), "locked at the limit (ERC-5192)");

        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseMoveLimitReached.selector,
                licenseId
            )
        );
        vm.prank(buyer);
        registry.releaseAndTransfer(holder, licenseId, DECLARATION);
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseMoveLimitReached.selector,
                licenseId
            )
        );
        vm.prank(buyer);
        registry.transferFrom(buyer, holder, licenseId);
        (, moves) = registry.holdingOf(licenseId);
        assertEq(moves, LicenseDataLib.MOVES_MASK, "the count never wraps");
        assertEq(registry.ownerOf(licenseId), buyer, "and the license stays put");
    }

    function test_holdingOf_revertsForUnknownLicense() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, uint256(42))
        );
        registry.holdingOf(42);
    }

    function test_releaseAndTransfer_byApprovedAccount() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.approve(dealer, licenseId);
        vm.prank(dealer);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        assertEq(registry.ownerOf(licenseId), buyer, "moved by the dealer");
    }

    function test_releaseAndTransfer_revertsForAttestedProduct() public {
        uint256 licenseId = _issue(ATTESTED, holder, 1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
    }

    function test_releaseAndTransfer_revertsWithoutDeclaration() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseDeclarationMissing.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, bytes32(0));
    }

    function test_releaseAndTransfer_revertsWhenAlreadyReleased() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseAlreadyReleased.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
    }

    function test_releaseAndTransfer_revertsForNonTransferableProduct() public {
        uint256 licenseId = _issue(SUBSCRIPTION, holder, 1, block.timestamp + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseNotTransferable.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
    }

    function test_releaseAndTransfer_revertsWhilePaused() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(pauser);
        registry.pause(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(block.timestamp + 1)
            )
        );
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
    }

    function test_releaseAndTransfer_revertsToZeroAddress() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(ERC721.TransferToZeroAddress.selector);
        vm.prank(holder);
        registry.releaseAndTransfer(address(0), licenseId, DECLARATION);
    }
}

// =====================================================================================
// Split
// =====================================================================================

contract LicenseRegistrySplitTest is RegistryTestBase {
    function testFuzz_split_conservesSeatsAndContinuesTheParent(
        uint256 parentSeats,
        uint256 parts,
        uint256 seed,
        uint256 priorLicenses
    ) public {
        parentSeats = bound(parentSeats, 2, 500);
        parts = bound(parts, 2, parentSeats < 12 ? parentSeats : 12);
        priorLicenses = bound(priorLicenses, 0, 4);
        for (uint256 i; i < priorLicenses; ++i) _issue(VOLUME, buyer, 1, 0);
        uint256 parentId = _issueVolume(parentSeats);
        uint32[] memory seats = _distribute(parentSeats, parts, seed);
        uint256 issuedBefore = _licensesIssued(VOLUME);

        for (uint256 i; i < parts; ++i) {
            vm.expectEmit(address(registry));
            emit ILicenseRegistry.LicenseSplit(
                parentId,
                _id(VOLUME, issuedBefore + 1 + i),
                seats[i]
            );
        }
        vm.prank(holder);
        uint256 firstChild = registry.split(parentId, seats);

        assertEq(firstChild, _id(VOLUME, issuedBefore + 1), "children follow the serial counter");
        assertEq(_licensesIssued(VOLUME), issuedBefore + parts, "counter advanced by the parts");
        _assertStatus(parentId, LicenseStatus.Split, "parent ended");
        assertFalse(registry.isValid(parentId), "parent no longer valid");
        assertTrue(registry.locked(parentId), "parent locked for good");
        assertEq(registry.ownerOf(parentId), holder, "parent stays with its last holder");
        assertEq(registry.balanceOf(holder), parts + 1, "children plus the ended parent");

        uint256 total;
        ILicenseRegistry.LicenseView memory parent = registry.getLicense(parentId);
        for (uint256 i; i < parts; ++i) {
            ILicenseRegistry.LicenseView memory c = registry.getLicense(firstChild + i);
            assertEq(c.holder, holder, "child goes to the holder");
            assertEq(c.seats, seats[i], "child seats");
            assertEq(uint256(c.validUntil), uint256(parent.validUntil), "child validity");
            assertEq(c.transferable, parent.transferable, "transferable bit");
            assertEq(c.splittable, parent.splittable, "splittable bit");
            assertEq(c.attestationRequired, parent.attestationRequired, "attestation bit");
            assertTrue(c.valid, "child valid");
            _assertStatus(firstChild + i, LicenseStatus.Active, "child active");
            total += c.seats;
        }
        assertEq(total, parentSeats, "seats conserved");
    }

    function testFuzz_split_limitedChildrenExpireWithTheParent(
        uint256 parentSeats,
        uint256 parts,
        uint256 seed,
        uint256 validFor
    ) public {
        parentSeats = bound(parentSeats, 2, 100);
        parts = bound(parts, 2, parentSeats < 6 ? parentSeats : 6);
        uint256 validUntil = block.timestamp + bound(validFor, 2, 30 days);
        uint256 parentId = _issue(TERM_VOLUME, holder, parentSeats, validUntil);
        vm.prank(holder);
        uint256 firstChild = registry.split(parentId, _distribute(parentSeats, parts, seed));

        vm.warp(validUntil - 1);
        for (uint256 i; i < parts; ++i) {
            assertEq(
                uint256(registry.getLicense(firstChild + i).validUntil),
                validUntil,
                "child keeps the parent's validity"
            );
            assertTrue(registry.isValid(firstChild + i), "valid before the end");
        }
        vm.warp(validUntil);
        for (uint256 i; i < parts; ++i) {
            assertFalse(registry.isValid(firstChild + i), "expired with the parent's term");
        }
    }

    function testFuzz_split_childrenCanBeSplitAgain(uint256 seed) public {
        uint256 parentId = _issueVolume(9);
        vm.prank(holder);
        uint256 child = registry.split(parentId, _parts(4, 5));
        uint32[] memory seats = _distribute(5, bound(seed, 2, 5), seed);
        vm.prank(holder);
        uint256 grandChild = registry.split(child + 1, seats);
        assertEq(grandChild, _id(VOLUME, 4), "grandchildren continue the counter");
        uint256 total = registry.getLicense(child).seats;
        for (uint256 i; i < seats.length; ++i) total += registry.getLicense(grandChild + i).seats;
        assertEq(total, 9, "seats conserved over two splits");
    }

    function test_split_byApprovedAccountMintsToTheHolder() public {
        uint256 parentId = _issueVolume(3);
        vm.prank(holder);
        registry.approve(dealer, parentId);
        vm.prank(dealer);
        uint256 first = registry.split(parentId, _parts(1, 2));
        assertEq(registry.ownerOf(first), holder, "child 1 to the holder");
        assertEq(registry.ownerOf(first + 1), holder, "child 2 to the holder");
        assertEq(registry.balanceOf(dealer), 0, "the approved account gets nothing");
    }

    function test_split_worksOnClosedProduct() public {
        uint256 parentId = _issueVolume(2);
        vm.prank(publisher);
        registry.closeProduct(VOLUME);
        vm.prank(holder);
        uint256 first = registry.split(parentId, _parts(1, 1));
        assertEq(first, _id(VOLUME, 2), "split issues no new seats, so closing does not stop it");
    }

    function testFuzz_split_revertsWithTooFewParts(uint256 parts) public {
        parts = bound(parts, 0, 1);
        uint256 parentId = _issueVolume(5);
        uint32[] memory seats = new uint32[](parts);
        if (parts == 1) seats[0] = 5;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseSplitTooFewParts.selector,
                parentId,
                parts
            )
        );
        vm.prank(holder);
        registry.split(parentId, seats);
    }

    function testFuzz_split_revertsOnEmptyPart(uint256 parts, uint256 emptyIndex) public {
        parts = bound(parts, 2, 8);
        emptyIndex = bound(emptyIndex, 0, parts - 1);
        uint256 parentId = _issueVolume(parts - 1);
        uint32[] memory seats = new uint32[](parts);
        for (uint256 i; i < parts; ++i) seats[i] = i == emptyIndex ? 0 : 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseSplitEmptyPart.selector,
                parentId,
                emptyIndex
            )
        );
        vm.prank(holder);
        registry.split(parentId, seats);
    }

    function testFuzz_split_revertsOnSeatMismatch(uint256 parentSeats, uint32 a, uint32 b) public {
        parentSeats = bound(parentSeats, 2, 500);
        a = uint32(bound(a, 1, type(uint32).max));
        b = uint32(bound(b, 1, type(uint32).max));
        vm.assume(uint256(a) + b != parentSeats);
        uint256 parentId = _issueVolume(parentSeats);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseSplitSeatsMismatch.selector,
                parentId,
                uint256(a) + b,
                parentSeats
            )
        );
        vm.prank(holder);
        registry.split(parentId, _parts(a, b));
    }

    function test_split_revertsForNonSplittableProduct() public {
        uint256 licenseId = _issue(SUBSCRIPTION, holder, 2, block.timestamp + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotSplittable.selector, licenseId)
        );
        vm.prank(holder);
        registry.split(licenseId, _parts(1, 1));
    }

    function test_split_revertsWhenReleased() public {
        uint256 licenseId = _issueVolume(2);
        _release(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseAlreadyReleased.selector,
                licenseId
            )
        );
        vm.prank(holder);
        registry.split(licenseId, _parts(1, 1));
    }

    function test_split_revertsWhenSuspended() public {
        uint256 licenseId = _issueVolume(2);
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseIsSuspended.selector, licenseId)
        );
        vm.prank(holder);
        registry.split(licenseId, _parts(1, 1));
    }

    function test_split_revertsWhenExpired() public {
        uint256 validUntil = block.timestamp + 10 days;
        uint256 licenseId = _issue(TERM_VOLUME, holder, 2, validUntil);
        vm.warp(validUntil);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseExpired.selector,
                licenseId,
                uint48(validUntil)
            )
        );
        vm.prank(holder);
        registry.split(licenseId, _parts(1, 1));
    }

    function test_split_revertsOnSplitParent() public {
        uint256 licenseId = _issueVolume(4);
        vm.prank(holder);
        registry.split(licenseId, _parts(2, 2));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                licenseId,
                LicenseStatus.Split
            )
        );
        vm.prank(holder);
        registry.split(licenseId, _parts(2, 2));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                licenseId,
                LicenseStatus.Split
            )
        );
        vm.prank(holder);
        registry.release(licenseId, DECLARATION);
    }

    function test_split_revertsWhilePaused() public {
        uint256 licenseId = _issueVolume(2);
        vm.prank(pauser);
        registry.pause(2 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(block.timestamp + 2 days)
            )
        );
        vm.prank(holder);
        registry.split(licenseId, _parts(1, 1));
    }

    function test_split_revertsForStrangerAndPublisher() public {
        uint256 licenseId = _issueVolume(2);
        address[2] memory others = [stranger, publisher];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC721Errors.ERC721InsufficientApproval.selector,
                    others[i],
                    licenseId
                )
            );
            vm.prank(others[i]);
            registry.split(licenseId, _parts(1, 1));
        }
    }
}

// =====================================================================================
// Expiry
// =====================================================================================

contract LicenseRegistryExpiryTest is RegistryTestBase {
    function testFuzz_expiry_limitedLicenseEndsAtValidUntil(
        uint256 validFor,
        uint256 before,
        uint256 afterEnd
    ) public {
        uint256 validUntil = block.timestamp + bound(validFor, 2, 30 days);
        uint256 licenseId = _issue(TERM, holder, 1, validUntil);
        _release(licenseId);
        vm.prank(holder);
        registry.withdrawRelease(licenseId);

        vm.warp(bound(before, block.timestamp, validUntil - 1));
        assertTrue(registry.isValid(licenseId), "valid before validUntil");
        assertFalse(registry.getLicense(licenseId).expired, "not expired");
        assertFalse(registry.locked(licenseId), "movable before the end");

        vm.warp(bound(afterEnd, validUntil, validUntil + 3650 days));
        ILicenseRegistry.LicenseView memory lic = registry.getLicense(licenseId);
        assertTrue(lic.expired, "expired");
        assertFalse(lic.valid, "view says invalid");
        assertFalse(registry.isValid(licenseId), "isValid false");
        assertFalse(registry.isValidFor(licenseId, holder), "not valid for the holder");
        assertTrue(registry.locked(licenseId), "never movable again");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseExpired.selector,
                licenseId,
                uint48(validUntil)
            )
        );
        vm.prank(holder);
        registry.release(licenseId, DECLARATION);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseExpired.selector,
                licenseId,
                uint48(validUntil)
            )
        );
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
    }

    function testFuzz_expiry_releasedLicenseCannotMoveOnceExpired(uint256 afterEnd) public {
        uint256 validUntil = block.timestamp + 30 days;
        uint256 licenseId = _issue(TERM, holder, 1, validUntil);
        _release(licenseId);
        vm.warp(bound(afterEnd, validUntil, validUntil + 3650 days));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseExpired.selector,
                licenseId,
                uint48(validUntil)
            )
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), holder, "stays with the last holder");
    }

    function testFuzz_expiry_perpetualLicenseNeverExpires(uint256 later) public {
        uint256 licenseId = _issueVolume(1);
        vm.warp(bound(later, block.timestamp, type(uint48).max));
        assertTrue(registry.isValid(licenseId), "perpetual stays valid");
        assertFalse(registry.getLicense(licenseId).expired, "never expired");
    }
}

// =====================================================================================
// Invalidation: revoke, suspend, reinstate, surrender
// =====================================================================================

contract LicenseRegistryInvalidationTest is RegistryTestBase {
    function testFuzz_revoke_endsTheLicenseForGood(
        uint16 reasonCode,
        bytes32 evidence,
        bool released
    ) public {
        reasonCode = uint16(bound(reasonCode, 1, type(uint16).max));
        vm.assume(evidence != bytes32(0));
        address by = publisher;
        uint256 licenseId = _issueVolume(3);
        if (released) _release(licenseId);

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseRevoked(licenseId, by, reasonCode, evidence);
        vm.prank(by);
        registry.revoke(licenseId, reasonCode, evidence);

        _assertStatus(licenseId, LicenseStatus.Revoked, "revoked");
        assertFalse(registry.isValid(licenseId), "invalid");
        assertTrue(registry.locked(licenseId), "locked for good");
        assertEq(registry.ownerOf(licenseId), holder, "history stays: last holder kept");
        bytes memory ended = abi.encodeWithSelector(
            ILicenseRegistryErrors.LicenseEnded.selector,
            licenseId,
            LicenseStatus.Revoked
        );
        vm.expectRevert(ended);
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        vm.expectRevert(ended);
        vm.prank(holder);
        registry.releaseAndTransfer(buyer, licenseId, DECLARATION);
        vm.expectRevert(ended);
        vm.prank(holder);
        registry.split(licenseId, _parts(1, 2));
        vm.expectRevert(ended);
        vm.prank(holder);
        registry.surrender(licenseId);
        vm.expectRevert(ended);
        vm.prank(by);
        registry.revoke(licenseId, reasonCode, evidence);
        vm.expectRevert(ended);
        vm.prank(arbiter);
        registry.suspend(licenseId, evidence);
        if (!released) {
            vm.expectRevert(ended);
            vm.prank(holder);
            registry.release(licenseId, DECLARATION);
        }
    }

    function test_revoke_revertsForEveryAccountButTheController() public {
        uint256 licenseId = _issueVolume(1);
        address[8] memory others = [
            admin,
            operator,
            pauser,
            arbiter,
            distributor,
            dealer,
            holder,
            stranger
        ];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotController.selector,
                    VOLUME,
                    others[i]
                )
            );
            vm.prank(others[i]);
            registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
        }
        _assertStatus(licenseId, LicenseStatus.Active, "untouched");
    }

    function test_revoke_revertsWithoutReason() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseReasonMissing.selector, licenseId)
        );
        vm.prank(publisher);
        registry.revoke(licenseId, 0, EVIDENCE);
    }

    function test_revoke_revertsWithoutEvidence() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEvidenceMissing.selector,
                licenseId
            )
        );
        vm.prank(publisher);
        registry.revoke(licenseId, REASON_FRAUD, bytes32(0));
    }

    function test_revoke_revertsForUnknownLicense() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC721Errors.ERC721NonexistentToken.selector, _id(VOLUME, 9))
        );
        vm.prank(publisher);
        registry.revoke(_id(VOLUME, 9), REASON_FRAUD, EVIDENCE);
    }

    function test_revoke_refusedWhileAnArbiterHoldsTheLicense() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(arbiter);
        registry.suspend(licenseId, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseArbiterHold.selector, licenseId)
        );
        vm.prank(publisher);
        registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
    }

    function test_issue_validityNeverBeyondTheStoredField() public {
        // Near the end of 36-bit time (year 4147) a limited license cannot be issued past the
        // field's end.
        vm.warp(LicenseDataLib.MAX_VALID_UNTIL - 10 days);
        uint256 tooLate = block.timestamp + 29 days;
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseValidityInvalid.selector,
                tooLate,
                LicenseDataLib.MAX_VALID_UNTIL
            )
        );
        vm.prank(publisher);
        registry.issue(TERM_VOLUME, holder, 1, tooLate);
    }

    function test_revoke_clearsSuspensionAndStaysEnded() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
        vm.prank(publisher);
        registry.revoke(licenseId, REASON_FRAUD, EVIDENCE);
        assertFalse(registry.getLicense(licenseId).suspended, "suspension lapsed");
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotSuspended.selector, licenseId)
        );
        vm.prank(arbiter);
        registry.reinstate(licenseId, bytes32(0));
        assertFalse(registry.isValid(licenseId), "never valid again");
    }

    function testFuzz_suspend_freezesUntilReinstated(bytes32 evidence, uint256 byIndex) public {
        vm.assume(evidence != bytes32(0));
        address[2] memory allowed = [publisher, arbiter];
        address by = allowed[bound(byIndex, 0, 1)];
        uint256 licenseId = _issueVolume(1);

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseSuspended(licenseId, by, evidence);
        vm.expectEmit(address(registry));
        emit IERC5192.Locked(licenseId);
        vm.prank(by);
        registry.suspend(licenseId, evidence);

        ILicenseRegistry.LicenseView memory lic = registry.getLicense(licenseId);
        assertTrue(lic.suspended, "suspended");
        assertFalse(lic.valid, "frozen: not valid");
        assertTrue(registry.locked(licenseId), "frozen: locked");
        _assertStatus(licenseId, LicenseStatus.Active, "status kept under the suspension");

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseReinstated(licenseId, by, evidence);
        vm.expectEmit(address(registry));
        emit IERC5192.Unlocked(licenseId);
        vm.prank(by);
        registry.reinstate(licenseId, evidence);
        assertTrue(registry.isValidFor(licenseId, holder), "valid again");
        assertFalse(registry.locked(licenseId), "movable again");
    }

    function test_reinstate_arbiterSuspensionIsLiftedOnlyByAnArbiter() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(arbiter);
        registry.suspend(licenseId, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseArbiterHold.selector, licenseId)
        );
        vm.prank(publisher);
        registry.reinstate(licenseId, bytes32(0));
        vm.prank(arbiter);
        registry.reinstate(licenseId, bytes32(0));
        assertTrue(registry.isValid(licenseId), "lifted by the arbiter");
    }

    /// @dev A publisher cannot freeze a resale for good: an arbiter lifts its suspension.
    function test_reinstate_arbiterLiftsTheControllersSuspension() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
        vm.prank(arbiter);
        registry.reinstate(licenseId, bytes32(0));
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), buyer, "resale went through");
    }

    function test_reinstate_controllerLiftsItsOwnSuspension() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
        vm.prank(publisher);
        registry.reinstate(licenseId, bytes32(0));
        assertTrue(registry.isValid(licenseId), "lifted by the controller");
    }

    function test_suspend_releasedLicenseStaysReleasedAfterReinstatement() public {
        uint256 licenseId = _issueVolume(1);
        _release(licenseId);
        vm.prank(arbiter);
        registry.suspend(licenseId, EVIDENCE);
        vm.prank(arbiter);
        registry.reinstate(licenseId, bytes32(0));
        _assertStatus(licenseId, LicenseStatus.Released, "still released");
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
        assertEq(registry.ownerOf(licenseId), buyer, "the declaration still holds");
    }

    function test_suspend_revertsWhenAlreadySuspended() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(arbiter);
        registry.suspend(licenseId, EVIDENCE);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseIsSuspended.selector, licenseId)
        );
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
    }

    function test_suspend_revertsWithoutEvidence() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEvidenceMissing.selector,
                licenseId
            )
        );
        vm.prank(arbiter);
        registry.suspend(licenseId, bytes32(0));
    }

    function test_suspend_revertsForIssuersAdminHolderAndStranger() public {
        uint256 licenseId = _issueVolume(1);
        address[6] memory others = [distributor, dealer, admin, pauser, holder, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotControllerOrArbiter.selector,
                    VOLUME,
                    others[i]
                )
            );
            vm.prank(others[i]);
            registry.suspend(licenseId, EVIDENCE);
        }
    }

    function test_suspend_revertsOnSurrenderedLicense() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.surrender(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                licenseId,
                LicenseStatus.Surrendered
            )
        );
        vm.prank(arbiter);
        registry.suspend(licenseId, EVIDENCE);
    }

    function test_reinstate_revertsWhenNotSuspended() public {
        uint256 licenseId = _issueVolume(1);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotSuspended.selector, licenseId)
        );
        vm.prank(arbiter);
        registry.reinstate(licenseId, bytes32(0));
    }

    function test_reinstate_revertsForIssuerHolderAndStranger() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
        address[3] memory others = [distributor, holder, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotControllerOrArbiter.selector,
                    VOLUME,
                    others[i]
                )
            );
            vm.prank(others[i]);
            registry.reinstate(licenseId, bytes32(0));
        }
    }

    function testFuzz_surrender_endsTheLicense(uint256 seats, bool released) public {
        seats = bound(seats, 1, 500);
        uint256 licenseId = _issueVolume(seats);
        if (released) _release(licenseId);
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseSurrendered(licenseId, holder);
        vm.prank(holder);
        registry.surrender(licenseId);
        _assertStatus(licenseId, LicenseStatus.Surrendered, "surrendered");
        assertFalse(registry.isValid(licenseId), "invalid");
        assertEq(registry.getLicense(licenseId).seats, seats, "seats kept on the ledger");
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                licenseId,
                LicenseStatus.Surrendered
            )
        );
        vm.prank(holder);
        registry.transferFrom(holder, buyer, licenseId);
    }

    function test_surrender_revertsForApprovedAccountAndPublisher() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.approve(dealer, licenseId);
        address[2] memory others = [dealer, publisher];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IERC721Errors.ERC721IncorrectOwner.selector,
                    others[i],
                    licenseId,
                    holder
                )
            );
            vm.prank(others[i]);
            registry.surrender(licenseId);
        }
    }

    function test_surrender_revertsWhenAlreadyEnded() public {
        uint256 licenseId = _issueVolume(1);
        vm.prank(holder);
        registry.surrender(licenseId);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                licenseId,
                LicenseStatus.Surrendered
            )
        );
        vm.prank(holder);
        registry.surrender(licenseId);
    }

    function test_invalidation_worksWhilePaused() public {
        uint256 a = _issueVolume(1);
        uint256 b = _issueVolume(1);
        uint256 c = _issueVolume(1);
        vm.prank(pauser);
        registry.pause(1 days);
        vm.prank(publisher);
        registry.revoke(a, REASON_FRAUD, EVIDENCE);
        vm.prank(arbiter);
        registry.suspend(b, EVIDENCE);
        vm.prank(holder);
        registry.surrender(c);
        _assertStatus(a, LicenseStatus.Revoked, "revoked during a pause");
        assertTrue(registry.getLicense(b).suspended, "suspended during a pause");
        _assertStatus(c, LicenseStatus.Surrendered, "surrendered during a pause");
    }
}

// =====================================================================================
// Pause
// =====================================================================================

contract LicenseRegistryPauseTest is RegistryTestBase {
    function testFuzz_pause_boundsTheDuration(uint48 duration) public {
        duration = uint48(bound(duration, 1, 3 days));
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.Paused(pauser, uint48(block.timestamp) + duration);
        vm.prank(pauser);
        registry.pause(duration);
        assertEq(registry.pausedUntil(), block.timestamp + duration, "pausedUntil");
        vm.warp(block.timestamp + duration);
        _issueVolume(1); // lapsed by itself
    }

    function testFuzz_pause_revertsOnInvalidDuration(uint48 duration) public {
        duration = duration == 0 ? 0 : uint48(bound(duration, 3 days + 1, type(uint48).max));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPauseDurationInvalid.selector,
                duration,
                3 days
            )
        );
        vm.prank(pauser);
        registry.pause(duration);
    }

    function testFuzz_pause_coolsDownAfterEachPause(uint256 wait, bool early) public {
        vm.prank(pauser);
        registry.pause(1 days);
        uint256 end = block.timestamp + 1 days;
        if (early) {
            vm.warp(block.timestamp + 1 hours);
            vm.prank(pauser);
            registry.unpause();
            end = block.timestamp;
        } else {
            vm.warp(end);
        }
        vm.warp(bound(wait, end, end + 7 days - 1));
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPauseCoolingDown.selector,
                uint48(end + 7 days)
            )
        );
        vm.prank(pauser);
        registry.pause(1 days);
        vm.warp(end + 7 days);
        vm.prank(pauser);
        registry.pause(1 days);
    }

    function test_pause_revertsWhilePaused() public {
        vm.prank(pauser);
        registry.pause(1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(block.timestamp + 1 days)
            )
        );
        vm.prank(pauser);
        registry.pause(1 days);
    }

    function test_pause_revertsForAdminAndArbiter() public {
        address[2] memory others = [admin, arbiter];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector,
                    others[i],
                    PAUSER_ROLE
                )
            );
            vm.prank(others[i]);
            registry.pause(1 days);
        }
    }

    function test_unpause_revertsWhenNotPaused() public {
        vm.expectRevert(ILicenseRegistryErrors.RegistryNotPaused.selector);
        vm.prank(pauser);
        registry.unpause();
    }

    function test_unpause_liftsThePause() public {
        vm.prank(pauser);
        registry.pause(3 days);
        vm.expectEmit(address(registry));
        emit ILicenseRegistry.Unpaused(pauser);
        vm.prank(pauser);
        registry.unpause();
        _issueVolume(1);
        assertEq(registry.balanceOf(holder), 1, "issuance resumed");
    }
}

// =====================================================================================
// Pure libraries
// =====================================================================================

/// @dev External wrappers so `expectRevert` can observe the rules library's refusals.
contract LicenseRulesHarness {
    function checkIssue(
        uint256 maxSeats,
        uint256 validityPeriod,
        uint256 seats,
        uint256 validUntil,
        uint256 now_
    ) external pure {
        LicenseRules.checkIssue(maxSeats, validityPeriod, seats, validUntil, now_);
    }

    function checkMove(uint256 licenseId, uint96 raw, uint256 now_) external pure {
        LicenseRules.checkMove(licenseId, LicenseData.wrap(raw), now_);
    }

    function checkReleaseAndMove(
        uint256 licenseId,
        uint96 raw,
        uint256 now_,
        bytes32 declarationHash
    ) external pure {
        LicenseRules.checkReleaseAndMove(licenseId, LicenseData.wrap(raw), now_, declarationHash);
    }

    /// @dev What `releaseAndTransfer` checked before `checkReleaseAndMove`: the release's rules,
    /// then the move's on the released state.
    function releaseThenMove(
        uint256 licenseId,
        uint96 raw,
        uint256 now_,
        bytes32 declarationHash
    ) external pure {
        LicenseData data = LicenseData.wrap(raw);
        LicenseRules.checkRelease(licenseId, data, now_, declarationHash);
        LicenseRules.checkMove(licenseId, data.withStatus(LicenseStatus.Released), now_);
    }
}

contract LicenseLibrariesTest is Test {
    LicenseRulesHarness private rules;

    function setUp() public {
        rules = new LicenseRulesHarness();
    }

    function testFuzz_LicenseDataLib_packRoundTrip(
        uint32 seats,
        uint40 validUntil,
        uint256 termBits
    ) public pure {
        validUntil = uint40(bound(validUntil, 0, LicenseDataLib.MAX_VALID_UNTIL));
        LicenseData data = LicenseDataLib.pack(seats, validUntil, termBits);
        assertEq(data.seats(), seats, "seats");
        assertEq(uint256(data.validUntil()), validUntil, "validUntil");
        assertEq(data.termBits(), termBits & LicenseDataLib.INHERITED_BITS, "inherited bits");
        assertEq(data.transferable(), termBits & LicenseDataLib.TRANSFERABLE_BIT != 0, "t");
        assertEq(data.splittable(), termBits & LicenseDataLib.SPLITTABLE_BIT != 0, "s");
        assertEq(
            data.attestationRequired(),
            termBits & LicenseDataLib.ATTESTATION_REQUIRED_BIT != 0,
            "a"
        );
        assertEq(uint256(uint8(data.status())), uint256(uint8(LicenseStatus.Active)), "active");
        assertFalse(
            data.suspended() || data.attested() || data.ended() || data.arbiterHold(),
            "fresh flags"
        );
        assertEq(
            uint256(LicenseData.unwrap(data)) >> 80,
            (termBits & LicenseDataLib.INHERITED_BITS) >> 80,
            "hold and move count start at zero"
        );
        assertEq(data.moves(), 0, "no moves yet");
    }

    function testFuzz_LicenseDataLib_settersTouchOnlyTheirBits(
        uint32 seats,
        uint40 validUntil,
        uint8 termBits,
        uint8 status,
        bool suspended,
        bool byArbiter,
        bool attested
    ) public pure {
        validUntil = uint40(bound(validUntil, 0, LicenseDataLib.MAX_VALID_UNTIL));
        status = uint8(bound(status, 0, 4));
        LicenseData data = LicenseDataLib
            .pack(seats, validUntil, termBits)
            .withStatus(LicenseStatus(status))
            .withSuspension(suspended, byArbiter)
            .withAttested(attested);
        assertEq(uint256(uint8(data.status())), status, "status");
        assertEq(data.suspended(), suspended, "suspended");
        assertEq(data.arbiterHold(), suspended && byArbiter, "arbiter hold only while suspended");
        assertEq(data.attested(), attested, "attested");
        assertEq(data.seats(), seats, "seats untouched");
        assertEq(uint256(data.validUntil()), validUntil, "validUntil untouched");
        assertEq(data.termBits(), termBits & LicenseDataLib.TERM_BITS, "terms untouched");
        assertEq(data.ended(), status >= uint8(LicenseStatus.Revoked), "ended");
        LicenseData back = data
            .withStatus(LicenseStatus.Active)
            .withSuspension(false, byArbiter)
            .withAttested(false);
        assertEq(
            uint256(LicenseData.unwrap(back)),
            uint256(LicenseData.unwrap(LicenseDataLib.pack(seats, validUntil, termBits))),
            "clearing the state bits gives back the packed license"
        );
    }

    function testFuzz_LicenseDataLib_moveCountTouchesOnlyItsBitsAndWraps(
        uint32 seats,
        uint40 validUntil,
        uint8 termBits,
        uint16 moves
    ) public pure {
        validUntil = uint40(bound(validUntil, 0, LicenseDataLib.MAX_VALID_UNTIL));
        moves = uint16(bound(moves, 0, 0x7fff));
        LicenseData fresh = LicenseDataLib.pack(seats, validUntil, termBits).withSuspension(
            true,
            true
        );
        LicenseData data = fresh;
        // Counting `moves` times, then once more, keeps every other bit and wraps at 2^15.
        for (uint256 i; i < moves % 64; ++i) data = data.withMoveCounted();
        assertEq(data.moves(), moves % 64, "counted");
        LicenseData atMax = LicenseData.wrap(
            LicenseData.unwrap(fresh) |
                uint96(LicenseDataLib.MOVES_MASK << LicenseDataLib.MOVES_SHIFT)
        );
        assertEq(atMax.moves(), 0x7fff, "the field holds 2^15 - 1");
        assertEq(atMax.withMoveCounted().moves(), 0, "and wraps to 0");
        assertEq(
            uint256(LicenseData.unwrap(atMax.withMoveCounted())),
            uint256(LicenseData.unwrap(fresh)),
            "wrapping leaves every other bit as it was"
        );
        assertEq(data.seats(), seats, "seats untouched");
        assertEq(uint256(data.validUntil()), validUntil, "validUntil untouched");
        assertTrue(data.arbiterHold() && data.suspended(), "hold untouched");
    }

    function testFuzz_LicenseDataLib_expiry(uint40 validUntil, uint256 now_) public pure {
        validUntil = uint40(bound(validUntil, 0, LicenseDataLib.MAX_VALID_UNTIL));
        LicenseData data = LicenseDataLib.pack(1, validUntil, 0);
        assertEq(data.expiredAt(now_), validUntil != 0 && now_ >= validUntil, "expiredAt");
    }

    function testFuzz_ProductRecordLib_roundTrip(
        address controller,
        uint16 validityDays,
        uint32 maxSeats,
        uint8 termFlags,
        uint8 extraFlags
    ) public pure {
        ProductTerms memory terms = ProductTerms({
            validityDays: validityDays,
            maxSeatsPerLicense: maxSeats,
            transferable: termFlags & 1 != 0,
            splittable: termFlags & 2 != 0,
            attestationRequired: termFlags & 4 != 0
        });
        uint256 extra =
            extraFlags & (ProductRecordLib.CLOSED | ProductRecordLib.REGISTERED_BY_OPERATOR);
        ProductRecord record = ProductRecordLib.create(controller, terms, extra);
        assertEq(record.controller(), controller, "controller");
        assertEq(record.issued(), 0, "nothing issued");
        assertEq(record.maxSeats(), maxSeats, "max seats");
        assertEq(record.validityPeriod(), uint256(validityDays) * 1 days, "validity period");
        ProductTerms memory back = record.termsOf();
        assertEq(uint256(back.validityDays), validityDays, "validityDays");
        assertEq(uint256(back.maxSeatsPerLicense), maxSeats, "maxSeatsPerLicense");
        assertEq(back.transferable, terms.transferable, "transferable");
        assertEq(back.splittable, terms.splittable, "splittable");
        assertEq(back.attestationRequired, terms.attestationRequired, "attestationRequired");
        assertEq(record.hasFlag(ProductRecordLib.CLOSED), extra & 1 != 0, "closed");
        assertEq(
            record.hasFlag(ProductRecordLib.REGISTERED_BY_OPERATOR),
            extra & 2 != 0,
            "registered by operator"
        );
        // The term flags sit where LicenseData keeps them: issuance copies them with one mask.
        LicenseData data = LicenseDataLib.pack(1, 0, record.flags());
        assertEq(data.transferable(), terms.transferable, "copied transferable");
        assertEq(data.splittable(), terms.splittable, "copied splittable");
        assertEq(data.attestationRequired(), terms.attestationRequired, "copied attestation");
    }

    function testFuzz_ProductRecordLib_updatesKeepTheOtherFields(
        address controller,
        address newController,
        uint256 issued,
        uint256 more,
        uint16 validityDays,
        uint32 maxSeats
    ) public pure {
        issued = bound(issued, 0, LicenseIds.SERIALS_PER_PRODUCT / 2);
        more = bound(more, 0, LicenseIds.SERIALS_PER_PRODUCT / 2 - 1);
        ProductTerms memory terms = ProductTerms(validityDays, maxSeats, true, false, true);
        ProductRecord record = ProductRecordLib
            .create(controller, terms, ProductRecordLib.REGISTERED_BY_OPERATOR)
            .withIssued(issued)
            .withIssued(more);
        assertEq(record.issued(), issued + more, "issued accumulates");
        assertEq(record.maxSeats(), maxSeats, "issued does not spill into the terms");
        record = record.withController(newController).withFlag(ProductRecordLib.CLOSED);
        assertEq(record.controller(), newController, "new controller");
        assertEq(record.issued(), issued + more, "issued kept");
        assertTrue(record.hasFlag(ProductRecordLib.CLOSED), "closed");
        assertTrue(record.hasFlag(ProductRecordLib.REGISTERED_BY_OPERATOR), "operator flag kept");
        record = record.withTerms(ProductTerms(0, 7, false, true, false), ProductRecordLib.CLOSED);
        assertEq(record.controller(), newController, "controller kept by withTerms");
        assertEq(record.issued(), issued + more, "issued kept by withTerms");
        assertEq(record.maxSeats(), 7, "new max seats");
        assertEq(record.validityPeriod(), 0, "new validity");
        assertFalse(record.hasFlag(ProductRecordLib.TRANSFERABLE), "old term bit cleared");
        assertTrue(record.hasFlag(ProductRecordLib.SPLITTABLE), "new term bit set");
        assertFalse(record.hasFlag(ProductRecordLib.REGISTERED_BY_OPERATOR), "not kept");
    }

    function testFuzz_LicenseIds_roundTrip(uint64 productId, uint256 serial) public pure {
        serial = bound(serial, 1, LicenseIds.SERIALS_PER_PRODUCT - 1);
        uint256 licenseId = LicenseIds.licenseId(productId, serial);
        assertEq(LicenseIds.productId(licenseId), productId, "product from id");
        assertEq(licenseId % LicenseIds.SERIALS_PER_PRODUCT, serial, "serial from id");
        assertEq(licenseId, uint256(productId) * 1e12 + serial, "decimal layout");
    }

    function testFuzz_LicenseIds_neighboursDoNotCollide(
        uint64 productId,
        uint256 serialA,
        uint256 serialB
    ) public pure {
        serialA = bound(serialA, 1, LicenseIds.SERIALS_PER_PRODUCT - 1);
        serialB = bound(serialB, 1, LicenseIds.SERIALS_PER_PRODUCT - 1);
        vm.assume(serialA != serialB);
        assertTrue(
            LicenseIds.licenseId(productId, serialA) != LicenseIds.licenseId(productId, serialB),
            "distinct serials give distinct ids"
        );
        assertTrue(
            LicenseIds.licenseId(productId, serialA) !=
                LicenseIds.licenseId(uint256(productId) + 1, serialB),
            "no overlap with the next product"
        );
    }

    function testFuzz_LicenseRules_checkIssueMatchesTheTerms(
        uint32 maxSeats,
        uint16 validityDays,
        uint256 seats,
        uint256 validUntil,
        uint48 now_
    ) public view {
        uint256 period = uint256(validityDays) * 1 days;
        seats = bound(seats, 0, uint256(maxSeats) + 2);
        bool seatsOk = seats != 0 && seats <= maxSeats;
        // The latest validity is capped at the 36-bit field the license stores it in.
        uint256 latest = uint256(now_) + period;
        if (latest > LicenseDataLib.MAX_VALID_UNTIL) latest = LicenseDataLib.MAX_VALID_UNTIL;
        bool validityOk = period == 0 ? validUntil == 0 : validUntil > now_ && validUntil <= latest;
        try rules.checkIssue(maxSeats, period, seats, validUntil, now_) {
            assertTrue(seatsOk && validityOk, "accepted only valid issuance");
        } catch (bytes memory err) {
            bytes memory expected =
                !seatsOk
                    ? abi.encodeWithSelector(
                        ILicenseRegistryErrors.LicenseSeatsInvalid.selector,
                        seats,
                        maxSeats
                    )
                    : abi.encodeWithSelector(
                        ILicenseRegistryErrors.LicenseValidityInvalid.selector,
                        validUntil,
                        period == 0 ? 0 : latest
                    );
            assertEq(keccak256(err), keccak256(expected), "exact refusal");
        }
    }

    /// @notice `checkReleaseAndMove` refuses exactly what a release followed by a move refused,
    /// with the same error, in every state the registry can store (an active license is never
    /// attested: attestation needs a release, and every move or withdrawal clears it).
    function testFuzz_LicenseRules_checkReleaseAndMoveIsReleaseThenMove(
        uint96 raw,
        uint40 now_,
        bool declared
    ) public view {
        // A stored status is one of the five (bits 0..2 never hold 5 to 7).
        LicenseData data = LicenseData.wrap((raw & ~uint96(7)) | ((raw & 7) % 5));
        if (data.status() == LicenseStatus.Active) data = data.withAttested(false);
        bytes32 declaration = declared ? keccak256("declaration") : bytes32(0);
        bytes memory combined;
        bytes memory composed;
        try rules.checkReleaseAndMove(7, LicenseData.unwrap(data), now_, declaration) {} catch (
            bytes memory err
        ) {
            combined = err;
        }
        try rules.releaseThenMove(7, LicenseData.unwrap(data), now_, declaration) {} catch (
            bytes memory err
        ) {
            composed = err;
        }
        assertEq(keccak256(combined), keccak256(composed), "same refusal, or none");
    }

    function testFuzz_LicenseRules_checkMoveNeedsEveryCondition(
        uint8 status,
        bool suspended,
        bool attested,
        bool attestationRequired,
        uint40 validUntil,
        uint48 now_
    ) public view {
        validUntil = uint40(bound(validUntil, 0, LicenseDataLib.MAX_VALID_UNTIL));
        status = uint8(bound(status, 0, 4));
        LicenseData data = LicenseDataLib
            .pack(1, validUntil, attestationRequired ? LicenseDataLib.ATTESTATION_REQUIRED_BIT : 0)
            .withStatus(LicenseStatus(status))
            .withSuspension(suspended, suspended)
            .withAttested(attested);
        bytes memory expected;
        if (status >= 2) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                7,
                status
            );
        } else if (suspended) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseIsSuspended.selector,
                7
            );
        } else if (validUntil != 0 && now_ >= validUntil) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseExpired.selector,
                7,
                validUntil
            );
        } else if (status != 1) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseNotReleased.selector,
                7
            );
        } else if (attestationRequired && !attested) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector,
                7
            );
        }
        try rules.checkMove(7, LicenseData.unwrap(data), now_) {
            assertEq(expected.length, 0, "move allowed only when every condition holds");
        } catch (bytes memory err) {
            assertEq(keccak256(err), keccak256(expected), "exact refusal");
        }
    }
}
