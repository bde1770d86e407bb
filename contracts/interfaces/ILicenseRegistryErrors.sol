// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {LicenseStatus} from "../types/LicenseData.sol";

/// @title ILicenseRegistryErrors
/// @notice Every refusal of the License Ledger registry, with the values involved. A separate
/// interface so that the market, whose calls bubble these up unchanged, carries them in its own
/// ABI: a wallet or explorer holding only the market's ABI decodes `LicenseIsSuspended` and the
/// rest. The standard ERC-721 errors (OpenZeppelin's `IERC721Errors`, ERC-6093) are the
/// registry's answer to plain token failures: `ERC721NonexistentToken(id)` for every unknown
/// license, whatever the function.
interface ILicenseRegistryErrors is IERC721Errors {
    // ------------------------------------------------------------------ errors: products

    /// @notice No product has id `productId`.
    error ProductDoesNotExist(uint256 productId);
    /// @notice `account` is not the controller of product `productId`.
    error ProductNotController(uint256 productId, address account);
    /// @notice `account` is neither the controller nor an authorised issuer of `productId`.
    error ProductNotIssuer(uint256 productId, address account);
    /// @notice `account` is neither the controller of `productId` nor an arbiter.
    error ProductNotControllerOrArbiter(uint256 productId, address account);
    /// @notice License `licenseId` was suspended by an arbiter; only an arbiter may lift it, and
    /// it cannot be revoked until then.
    error LicenseArbiterHold(uint256 licenseId);
    /// @notice `account` is not the pending controller of product `productId`.
    error ProductNotPendingController(uint256 productId, address account);
    /// @notice Product `productId` is not under an operator's control (a publisher registered it,
    /// or took it over): the admin has no power over it.
    error ProductNotOperatorControlled(uint256 productId);
    /// @notice `controller` of product `productId` still holds `OPERATOR_ROLE`: control is
    /// recovered only from an operator that lost its role.
    error ProductControllerStillOperator(uint256 productId, address controller);
    /// @notice `account` does not hold `OPERATOR_ROLE`, so it cannot take over product
    /// `productId` by recovery.
    error ProductRecoveryTargetNotOperator(uint256 productId, address account);
    /// @notice No recovery of product `productId` is pending for `account`.
    error ProductNotRecoveringController(uint256 productId, address account);
    /// @notice The recovery of product `productId` completes only from `readyAt`.
    error ProductRecoveryNotReady(uint256 productId, uint48 readyAt);
    /// @notice Product `productId` is closed for new issuance.
    error ProductClosed(uint256 productId);
    /// @notice Licenses of product `productId` exist, so its terms are fixed.
    error ProductTermsLocked(uint256 productId);
    /// @notice Terms must allow at least one seat per license.
    error ProductMaxSeatsZero();
    /// @notice A product's metadata URI must be well-formed UTF-8; byte `offset` is not.
    error ProductURINotUtf8(uint256 offset);
    /// @notice Product `productId` has issued the most licenses its id range holds (10^12 - 1).
    error ProductSerialsExhausted(uint256 productId);

    // ------------------------------------------------------------------ errors: licenses

    /// @notice `seats` is zero or above the product's maximum `maxSeats`.
    error LicenseSeatsInvalid(uint256 seats, uint256 maxSeats);
    /// @notice `validUntil` does not fit the product: must be 0 for a perpetual product
    /// (`latest` = 0), or after now and at most `latest` for a limited one.
    error LicenseValidityInvalid(uint256 validUntil, uint256 latest);
    /// @notice `keyCommitment` already belongs to license `licenseId` of the same product.
    error LicenseKeyCommitmentInUse(bytes32 keyCommitment, uint256 licenseId);
    /// @notice `issueWithKey` needs a non-zero key commitment.
    error LicenseKeyCommitmentMissing();
    /// @notice Onboarder `issuer` must give the first-sale evidence hash of every license.
    error LicenseOriginEvidenceMissing(uint256 productId, address issuer);
    /// @notice A batch issuance needs at least one request.
    error LicenseBatchEmpty();
    /// @notice License `licenseId` has ended (revoked, surrendered or split) with `status`.
    error LicenseEnded(uint256 licenseId, LicenseStatus status);
    /// @notice License `licenseId`'s validity ran out at `validUntil`.
    error LicenseExpired(uint256 licenseId, uint48 validUntil);
    /// @notice License `licenseId` is suspended by a dispute.
    error LicenseIsSuspended(uint256 licenseId);
    /// @notice License `licenseId` is not suspended (a controller's suspension that lapsed is
    /// not a suspension any more).
    error LicenseNotSuspended(uint256 licenseId);
    /// @notice An arbiter reinstated license `licenseId`: from then on only an arbiter may
    /// suspend it; the product's controller asks one.
    error LicenseSuspensionReservedToArbiters(uint256 licenseId);
    /// @notice The product's controller already suspended license `licenseId` while it had made
    /// `moves` moves: a controller suspends a license once per holding (it cannot renew a
    /// lapsed or lifted suspension); an arbiter decides any further freeze.
    error LicenseControllerSuspensionUsed(uint256 licenseId, uint256 moves);
    /// @notice License `licenseId` may not change hands: its product's terms do not allow resale
    /// and it is not exhausted (perpetual and first sold in the EU/EEA or Switzerland).
    error LicenseNotTransferable(uint256 licenseId);
    /// @notice `issueWithFirstSale` must name where the first sale took place (not `Unrecorded`).
    error LicenseFirstSaleRegionMissing(uint256 productId);
    /// @notice The terms of license `licenseId` do not allow splitting.
    error LicenseNotSplittable(uint256 licenseId);
    /// @notice License `licenseId` cannot move: its holder has not declared its copy unusable
    /// since the license last moved.
    error LicenseNotReleased(uint256 licenseId);
    /// @notice License `licenseId` is already released for resale.
    error LicenseAlreadyReleased(uint256 licenseId);
    /// @notice License `licenseId` needs the controller's deactivation attestation to move.
    error LicenseDeactivationNotAttested(uint256 licenseId);
    /// @notice License `licenseId` has changed hands 32,767 times, the most its move count
    /// holds; it cannot move again (a count that wrapped would revive dead market orders).
    error LicenseMoveLimitReached(uint256 licenseId);
    /// @notice The deactivation of license `licenseId` is already attested.
    error LicenseAlreadyAttested(uint256 licenseId);
    /// @notice A release of license `licenseId` needs the hash of the holder's declaration.
    error LicenseDeclarationMissing(uint256 licenseId);
    /// @notice An invalidation of license `licenseId` needs an evidence hash.
    error LicenseEvidenceMissing(uint256 licenseId);
    /// @notice A revocation of license `licenseId` needs a non-zero reason code.
    error LicenseReasonMissing(uint256 licenseId);
    /// @notice A split of license `licenseId` needs at least two parts; `parts` were given.
    error LicenseSplitTooFewParts(uint256 licenseId, uint256 parts);
    /// @notice Part `index` of the split of license `licenseId` has no seats.
    error LicenseSplitEmptyPart(uint256 licenseId, uint256 index);
    /// @notice The parts of a split of `licenseId` add up to `partsTotal`, not `parentSeats`.
    error LicenseSplitSeatsMismatch(uint256 licenseId, uint256 partsTotal, uint256 parentSeats);

    // ------------------------------------------------------------------ errors: evidence

    /// @notice The first-sale evidence hashed as `originEvidence` covers `capacity` seats and
    /// `used` of them are onboarded already: `seats` more would exceed it (the same paperwork
    /// sold twice).
    error EvidenceCapacityExceeded(
        bytes32 originEvidence,
        uint256 capacity,
        uint256 used,
        uint256 seats
    );
    /// @notice The capacity of evidence `originEvidence` is already set (`capacity` seats), by a
    /// declaration or by its first onboarding.
    error EvidenceAlreadyDeclared(bytes32 originEvidence, uint256 capacity);
    /// @notice A declaration needs a non-zero evidence hash and a capacity of at least one seat
    /// (`capacity` was given).
    error EvidenceDeclarationInvalid(bytes32 originEvidence, uint256 capacity);

    // ------------------------------------------------------------------ errors: registry

    /// @notice Issuance and transfers are paused until `pausedUntil`.
    error RegistryPaused(uint48 pausedUntil);
    /// @notice The registry is not paused.
    error RegistryNotPaused();
    /// @notice A pause lasts more than zero and at most `maxDuration` seconds; `duration` was asked.
    error RegistryPauseDurationInvalid(uint256 duration, uint256 maxDuration);
    /// @notice A new pause may start only from `availableAt`, after the cool-down of the last one.
    error RegistryPauseCoolingDown(uint48 availableAt);
    /// @notice The registry holds no ether; `value` wei were sent with a token call.
    error RegistryEtherNotAccepted(uint256 value);
    /// @notice `caller` is not the registry's commitments module (`commitments()`), the only
    /// caller of the committed-issuance hooks.
    error RegistryNotCommitments(address caller);
}
