// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {LicenseStatus} from "../../../contracts/types/LicenseData.sol";
import {IssuerKind, ProductTerms} from "../../../contracts/types/Product.sol";
import {Test} from "../utils/Test.sol";
import {HandlerText} from "./HandlerText.sol";
import {ExpectedLicense, ExpectedProduct, RegistryHandler, Violation} from "./RegistryHandler.sol";

/// @title RegistryInvariants
/// @notice The rules of DOMAIN.md ("What must always hold") as invariants over random sequences
/// of every registry operation by every kind of actor (see `RegistryHandler`). Each invariant
/// compares the chain with the handler's own ledger, or asserts that the handler saw no success
/// that broke a rule.
contract RegistryInvariants is Test {
    bytes32 private constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");
    bytes32 private constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 private constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    LicenseRegistry private registry;
    RegistryHandler private handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        string[11] memory names = [
            "admin",
            "pauser",
            "arbiter",
            "publisher",
            "publisher2",
            "distributor",
            "dealer",
            "holderA",
            "holderB",
            "holderC",
            "stranger"
        ];
        address[] memory actors = new address[](names.length);
        for (uint256 i; i < names.length; ++i) {
            actors[i] = vm.addr(100 + i);
            vm.label(actors[i], names[i]);
        }
        uint256[] memory productIds = _deployRegistry(actors);
        handler = new RegistryHandler(registry, actors, productIds, new HandlerText());
        // Start every run with one license of each product for each holder, issued through the
        // handler (seeds chosen so the controller issues valid requests).
        for (uint256 p; p < productIds.length; ++p) {
            for (uint256 h = 7; h <= 9; ++h) handler.issue(p, 1, h, 13, 1_296_001);
        }
        assertEq(handler.licenseCount(), 15, "initial licenses issued");
        // And one committed run of four leaves by the first product's controller, so claims
        // have leaves from the first call on (issue 16).
        handler.commitRun(0, 1, 4, 7);
        assertEq(handler.unclaimedLeaves(), 4, "initial run committed");
        assertEq(
            handler.violations(Violation.Outcome),
            0,
            handler.firstViolation(Violation.Outcome)
        );
    }

    /// @notice Only the handler is fuzzed (no forge-std here: the runner calls this itself).
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    // ================================================================ invariants

    /// @notice Direct issuance, splits and claims of committed leaves never share an id: a run
    /// reserves its serials at commit (the handler also flags any id recorded twice).
    function invariant_idsAreUniqueAcrossDirectAndCommittedIssuance() public view {
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            for (uint256 j = i + 1; j < count; ++j) {
                assertTrue(handler.licenseAt(j) != id, "a license id issued twice");
            }
        }
    }

    /// @notice Every license's move count (what market orders bind to) equals the moves the
    /// ledger saw, and `getLicense` reports the same.
    function invariant_moveCountMatchesTheLedger() public view {
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            (address holder, uint256 moves) = registry.holdingOf(id);
            assertEq(holder, handler.expectedLicense(id).holder, "holdingOf holder");
            assertEq(moves, handler.expectedLicense(id).moves, "move count == the ledger's moves");
            assertEq(registry.getLicense(id).moves, moves, "getLicense reports the count");
        }
    }

    /// @notice No license is ever stored active with an attestation: an attestation needs a
    /// release, and a move or a withdrawn release clears it (`checkReleaseAndMove` relies on it).
    function invariant_noActiveLicenseIsAttested() public view {
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            ILicenseRegistry.LicenseView memory license = registry.getLicense(handler.licenseAt(i));
            if (license.status == LicenseStatus.Active) {
                assertFalse(license.attested, "an active license is never attested");
            }
        }
    }

    /// @notice A license has exactly one holder: the one the ledger expects, and no license
    /// exists that the ledger does not know.
    function invariant_everyLicenseHasExactlyTheLedgersHolder() public view {
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            address expected = handler.expectedLicense(id).holder;
            assertEq(registry.ownerOf(id), expected, "ownerOf matches the ledger");
            assertEq(registry.getLicense(id).holder, expected, "getLicense holder");
        }
        uint256 serials;
        for (uint256 p; p < handler.productCount(); ++p) {
            ExpectedProduct memory product = handler.expectedProduct(p);
            assertEq(
                registry.getProduct(product.id).licensesIssued,
                product.serials,
                "serial counter matches the ledger"
            );
            serials += product.serials;
        }
        // A committed run reserves its serials at commit; its leaves become licenses at claim.
        assertEq(
            serials,
            count + handler.unclaimedLeaves(),
            "every serial used is a license in the ledger or an unclaimed leaf"
        );
    }

    /// @notice `balanceOf` of every actor equals the ledger's count, and they add up to all
    /// licenses: none is held twice or by nobody.
    function invariant_balancesMatchTheLedger() public view {
        address[] memory actors = handler.actors();
        uint256 total;
        for (uint256 a; a < actors.length; ++a) {
            uint256 balance = registry.balanceOf(actors[a]);
            assertEq(balance, handler.expectedBalance(actors[a]), "balanceOf matches the ledger");
            total += balance;
        }
        assertEq(total, handler.licenseCount(), "each license counted for exactly one holder");
    }

    /// @notice Status, suspension, attestation, seats, validity and approval match the ledger.
    function invariant_licenseStateMatchesTheLedger() public view {
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            ExpectedLicense memory e = handler.expectedLicense(id);
            ExpectedProduct memory p = handler.expectedProduct(e.productIndex);
            ILicenseRegistry.LicenseView memory lic = registry.getLicense(id);
            assertEq(uint256(uint8(lic.status)), e.status, "status");
            assertEq(lic.suspended, e.suspended, "suspended");
            assertEq(lic.attested, e.attested, "attested");
            assertEq(lic.seats, e.seats, "seats");
            assertEq(uint256(lic.validUntil), uint256(e.validUntil), "validUntil");
            assertEq(lic.productId, p.id, "product");
            assertEq(lic.transferable, p.transferable, "transferable term");
            assertEq(lic.splittable, p.splittable, "splittable term");
            assertEq(lic.attestationRequired, p.attestationRequired, "attestation term");
            assertEq(registry.getApproved(id), e.approved, "approved account");
        }
    }

    /// @notice `isValid`, `isValidFor` and the view's `valid` match the ledger's expectation:
    /// active, not suspended, not expired.
    function invariant_isValidMatchesTheLedger() public view {
        uint256 count = handler.licenseCount();
        address stranger = handler.stranger();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            bool expected = handler.expectedValid(id);
            address holder = handler.expectedLicense(id).holder;
            assertEq(registry.isValid(id), expected, "isValid");
            assertEq(registry.isValidFor(id, holder), expected, "isValidFor holder");
            assertEq(registry.getLicense(id).valid, expected, "view valid");
            if (holder != stranger) {
                assertFalse(registry.isValidFor(id, stranger), "never valid for a non-holder");
            }
        }
    }

    /// @notice Every split parent's children carry exactly its seats, its validity and its term
    /// bits, with consecutive ids; the parent ended as split.
    function invariant_splitConservesSeats() public view {
        uint256[] memory parents = handler.splitParents();
        for (uint256 i; i < parents.length; ++i) {
            ILicenseRegistry.LicenseView memory parent = registry.getLicense(parents[i]);
            assertEq(uint256(uint8(parent.status)), uint256(LicenseStatus.Split), "parent split");
            uint256[] memory children = handler.childrenOf(parents[i]);
            assertGe(children.length, 2, "at least two children");
            uint256 total;
            for (uint256 c; c < children.length; ++c) {
                assertEq(children[c], children[0] + c, "consecutive child ids");
                ILicenseRegistry.LicenseView memory child = registry.getLicense(children[c]);
                assertEq(
                    uint256(child.validUntil),
                    uint256(parent.validUntil),
                    "child has the parent's validity"
                );
                assertEq(child.transferable, parent.transferable, "child transferable bit");
                assertEq(child.splittable, parent.splittable, "child splittable bit");
                assertEq(child.attestationRequired, parent.attestationRequired, "child attest bit");
                assertEq(child.productId, parent.productId, "child of the same product");
                total += child.seats;
            }
            assertEq(total, parent.seats, "children's seats add up to the parent's");
        }
    }

    /// @notice For every issued license, the seats of its descendants that have not been split
    /// add up to what was issued, and those still live add up to what was issued minus what the
    /// ledger saw revoked or surrendered: splitting never creates or loses a seat.
    function invariant_liveSeatsPerRootAreConserved() public view {
        uint256[] memory roots = handler.roots();
        uint256[] memory leafSeats = new uint256[](roots.length);
        uint256[] memory liveSeats = new uint256[](roots.length);
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            uint256 r = _indexOf(roots, handler.expectedLicense(id).root);
            ILicenseRegistry.LicenseView memory lic = registry.getLicense(id);
            if (lic.status == LicenseStatus.Split) continue;
            leafSeats[r] += lic.seats;
            if (lic.status == LicenseStatus.Active || lic.status == LicenseStatus.Released) {
                liveSeats[r] += lic.seats;
            }
        }
        for (uint256 r; r < roots.length; ++r) {
            (uint256 issued, uint256 ended) = handler.rootSeats(roots[r]);
            assertEq(leafSeats[r], issued, "seats of the root's unsplit descendants");
            assertEq(liveSeats[r], issued - ended, "live seats of the root");
        }
    }

    /// @notice An ended license (revoked, surrendered, split) keeps its status and last holder,
    /// is never valid and never movable again, and the handler saw none move or change.
    function invariant_endedLicensesNeverMoveOrBecomeValid() public view {
        assertEq(
            handler.violations(Violation.EndedLicenseChanged),
            0,
            handler.firstViolation(Violation.EndedLicenseChanged)
        );
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            ExpectedLicense memory e = handler.expectedLicense(id);
            if (e.status < uint8(LicenseStatus.Revoked)) continue;
            ILicenseRegistry.LicenseView memory lic = registry.getLicense(id);
            assertEq(uint256(uint8(lic.status)), e.status, "ended status kept");
            assertEq(lic.holder, e.holder, "ended license stays with its last holder");
            assertFalse(lic.valid || registry.isValid(id), "ended license never valid");
            assertTrue(registry.locked(id), "ended license locked");
            assertFalse(lic.suspended || lic.attested, "no suspension or attestation on ended");
        }
    }

    /// @notice No license changed hands without a release recorded since its previous move.
    function invariant_noMoveWithoutARecordedRelease() public view {
        assertEq(
            handler.violations(Violation.MoveWithoutRelease),
            0,
            handler.firstViolation(Violation.MoveWithoutRelease)
        );
    }

    /// @notice Only a product's controller or the issuers it authorised (in its current control
    /// epoch) issued; only the controller revoked or attested; only the controller or an arbiter
    /// suspended or reinstated. Controllers and grants on chain match the ledger.
    function invariant_onlyControllerOrIssuersIssueAndInvalidate() public view {
        assertEq(
            handler.violations(Violation.UnauthorisedIssuance),
            0,
            handler.firstViolation(Violation.UnauthorisedIssuance)
        );
        assertEq(
            handler.violations(Violation.UnauthorisedInvalidation),
            0,
            handler.firstViolation(Violation.UnauthorisedInvalidation)
        );
        address[] memory actors = handler.actors();
        for (uint256 p; p < handler.productCount(); ++p) {
            ExpectedProduct memory product = handler.expectedProduct(p);
            assertEq(
                registry.getProduct(product.id).controller,
                product.controller,
                "controller matches the ledger"
            );
            for (uint256 a; a < actors.length; ++a) {
                assertEq(
                    uint256(registry.issuerKind(product.id, actors[a])),
                    uint256(handler.expectedIssuerKind(p, actors[a])),
                    "issuer grant matches the ledger"
                );
            }
        }
    }

    /// @notice No role (admin, pauser, arbiter, publisher, issuer) nor anyone else moved,
    /// released, split or surrendered a license it was not holder of or approved for.
    function invariant_noRoleMovesALicenseItWasNotApprovedFor() public view {
        assertEq(
            handler.violations(Violation.UnapprovedMove),
            0,
            handler.firstViolation(Violation.UnapprovedMove)
        );
    }

    /// @notice Issue 14: once an arbiter reinstated a license, its product's controller never
    /// suspended it again (every suspension since is an arbiter's hold).
    function invariant_arbiterReinstatedLicenseNeverSuspendedByTheController() public view {
        assertEq(
            handler.violations(Violation.ControllerSuspendedAfterArbiter),
            0,
            handler.firstViolation(Violation.ControllerSuspendedAfterArbiter)
        );
    }

    /// @notice Issue 14: a controller's suspension lapses by itself: a suspension the registry
    /// reports with a lapse time has not reached it, and one the model sees lapsed is no
    /// suspension on chain (`invariant_licenseStateMatchesTheLedger` compares the rest).
    function invariant_controllerSuspensionsLapse() public view {
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            ILicenseRegistry.LicenseView memory lic = registry.getLicense(id);
            if (lic.suspensionLapsesAt != 0) {
                assertTrue(lic.suspended, "a lapse time only on a suspension");
                assertLt(block.timestamp, lic.suspensionLapsesAt, "not lapsed yet");
            }
            assertEq(lic.suspended, handler.expectedLicense(id).suspended, "suspended as modelled");
        }
    }

    /// @notice Issue 14: an exhausted license (perpetual, first sold in the EU/EEA or Switzerland)
    /// is never refused a move for its product's terms, and the registry says which are.
    function invariant_exhaustedLicenseNeverRefusedForItsTerms() public view {
        assertEq(
            handler.violations(Violation.ExhaustedRefusedForTerms),
            0,
            handler.firstViolation(Violation.ExhaustedRefusedForTerms)
        );
        uint256 count = handler.licenseCount();
        for (uint256 i; i < count; ++i) {
            uint256 id = handler.licenseAt(i);
            assertEq(registry.getLicense(id).exhausted, handler.expectedExhausted(id), "exhausted");
        }
    }

    /// @notice Issue 14: the seats onboarded against a piece of first-sale evidence never exceed
    /// the capacity it was declared with (or that its first license set), and the registry's
    /// accounts match the model's.
    function invariant_evidenceNeverCoversMoreSeatsThanItsCapacity() public view {
        assertEq(
            handler.violations(Violation.EvidenceOverdrawn),
            0,
            handler.firstViolation(Violation.EvidenceOverdrawn)
        );
        for (uint256 i; i < handler.evidencePoolSize(); ++i) {
            bytes32 evidence = handler.evidenceAt(i);
            (uint256 capacity, uint256 used) = registry.evidenceUse(evidence);
            (uint256 expectedCapacity, uint256 expectedUsed) = handler.expectedEvidence(evidence);
            assertEq(capacity, expectedCapacity, "capacity");
            assertEq(used, expectedUsed, "used");
            assertLe(used, capacity, "never beyond the capacity");
        }
    }

    /// @notice Issue 14: no admin action moved, revoked or suspended a license.
    function invariant_noAdminActionMovesRevokesOrSuspends() public view {
        assertEq(
            handler.violations(Violation.AdminActedOnLicense),
            0,
            handler.firstViolation(Violation.AdminActedOnLicense)
        );
    }

    /// @notice Every call ended as the model predicted: success, or the exact custom error.
    function invariant_everyOutcomeMatchesTheModel() public view {
        assertEq(
            handler.violations(Violation.Outcome),
            0,
            handler.firstViolation(Violation.Outcome)
        );
    }

    /// @notice The pause the chain records is the one the ledger expects (bounded, cooled down).
    function invariant_pauseMatchesTheLedger() public view {
        assertEq(
            uint256(registry.pausedUntil()),
            uint256(handler.expectedPausedUntil()),
            "pausedUntil"
        );
    }

    // ================================================================ helpers

    /// @dev The registry with its roles and four products of the first publisher; a distributor
    /// on every product and an onboarding dealer on the two volume products.
    function _deployRegistry(
        address[] memory actors
    ) private returns (uint256[] memory productIds) {
        (address admin, address pauser, address arbiter) = (actors[0], actors[1], actors[2]);
        (address publisher, address publisher2) = (actors[3], actors[4]);
        (address distributor, address dealer) = (actors[5], actors[6]);
        registry = new LicenseRegistry("License Ledger", "LICENSE", admin, 2 days);
        vm.startPrank(admin);
        registry.grantRole(PUBLISHER_ROLE, publisher);
        registry.grantRole(PUBLISHER_ROLE, publisher2);
        registry.grantRole(PAUSER_ROLE, pauser);
        registry.grantRole(ARBITER_ROLE, arbiter);
        vm.stopPrank();

        productIds = new uint256[](5);
        vm.startPrank(publisher);
        // Perpetual volume license: transferable and splittable.
        productIds[0] = registry.registerProduct(ProductTerms(0, 50, true, true, false), "");
        // Perpetual, the publisher attests every resale; splittable.
        productIds[1] = registry.registerProduct(ProductTerms(0, 4, true, true, true), "");
        // 20-day term volume license, resellable and splittable while it runs.
        productIds[2] = registry.registerProduct(ProductTerms(20, 20, true, true, false), "");
        // 60-day subscription: neither transferable nor splittable.
        productIds[3] = registry.registerProduct(ProductTerms(60, 5, false, false, false), "");
        // Perpetual, its terms forbid resale, splittable: only exhaustion lets it move.
        productIds[4] = registry.registerProduct(ProductTerms(0, 10, false, true, false), "");
        for (uint256 i; i < productIds.length; ++i) {
            registry.setIssuer(productIds[i], distributor, IssuerKind.Distributor);
        }
        registry.setIssuer(productIds[0], dealer, IssuerKind.Onboarder);
        registry.setIssuer(productIds[2], dealer, IssuerKind.Onboarder);
        vm.stopPrank();
    }

    function _indexOf(uint256[] memory values, uint256 value) private pure returns (uint256) {
        for (uint256 i; i < values.length; ++i) if (values[i] == value) return i;
        revert AssertionFailed("root not in the ledger");
    }
}
