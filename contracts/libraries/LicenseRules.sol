// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseRegistryErrors} from "../interfaces/ILicenseRegistryErrors.sol";
import {LicenseData, LicenseDataLib, LicenseStatus} from "../types/LicenseData.sol";

/// @title LicenseRules
/// @notice The resale and lifecycle rules (EU used-software resale; see the README) as pure checks over a license's packed
/// state. The registry asks these before every state change; each refusal is a custom error of
/// `ILicenseRegistry` carrying the values involved.
library LicenseRules {
    /// @notice A license may move only when it has not ended, is not frozen or expired, was
    /// released since it last moved, and (where its product demands it) the deactivation of the
    /// seller's copy was attested.
    function checkMove(uint256 licenseId, LicenseData data, uint256 now_) internal pure {
        checkMove(licenseId, data, now_, type(uint256).max);
    }

    /// @notice As `checkMove`, where a missing attestation stops mattering at
    /// `declarationSufficesAt`: a controller that withholds its attestation cannot block a resale
    /// for good (the registry's `ATTESTATION_PERIOD` after the release).
    function checkMove(
        uint256 licenseId,
        LicenseData data,
        uint256 now_,
        uint256 declarationSufficesAt
    ) internal pure {
        checkLive(licenseId, data, now_);
        if (data.status() != LicenseStatus.Released) {
            revert ILicenseRegistryErrors.LicenseNotReleased(licenseId);
        }
        if (data.attestationRequired() && !data.attested() && now_ < declarationSufficesAt) {
            revert ILicenseRegistryErrors.LicenseDeactivationNotAttested(licenseId);
        }
        checkMoveCount(licenseId, data);
    }

    /// @notice The move count never wraps: a market order binds itself to it, and a count that
    /// came round again would bring dead orders back. The 32,767th move is a license's last.
    function checkMoveCount(uint256 licenseId, LicenseData data) internal pure {
        if (data.moves() == LicenseDataLib.MOVES_MASK) {
            revert ILicenseRegistryErrors.LicenseMoveLimitReached(licenseId);
        }
    }

    /// @notice A license may be released when it is live, active and may lawfully change hands
    /// (exhausted under EU or Swiss law, or of a product whose terms permit resale), and the
    /// release names the holder's declaration. An exhausted license is never refused for its
    /// product's terms: a publisher cannot switch exhaustion off (CJEU C-128/11).
    function checkRelease(
        uint256 licenseId,
        LicenseData data,
        uint256 now_,
        bytes32 declarationHash
    ) internal pure {
        checkLive(licenseId, data, now_);
        if (!data.resellable()) revert ILicenseRegistryErrors.LicenseNotTransferable(licenseId);
        if (data.status() == LicenseStatus.Released) {
            revert ILicenseRegistryErrors.LicenseAlreadyReleased(licenseId);
        }
        if (declarationHash == bytes32(0)) {
            revert ILicenseRegistryErrors.LicenseDeclarationMissing(licenseId);
        }
    }

    /// @notice A release and a move in one step (`releaseAndTransfer`): the release's checks, and
    /// the one rule of `checkMove` they do not cover. Liveness is checked once; the license is
    /// released by the step itself; an attestation cannot exist before the release, so a product
    /// that requires one never takes this path.
    function checkReleaseAndMove(
        uint256 licenseId,
        LicenseData data,
        uint256 now_,
        bytes32 declarationHash
    ) internal pure {
        checkRelease(licenseId, data, now_, declarationHash);
        if (data.attestationRequired()) {
            revert ILicenseRegistryErrors.LicenseDeactivationNotAttested(licenseId);
        }
        checkMoveCount(licenseId, data);
    }

    /// @notice A volume license may be split when it is live, active (not released) and of a
    /// splittable product, into at least two non-empty parts whose seats add up to its own.
    function checkSplit(
        uint256 licenseId,
        LicenseData data,
        uint256 now_,
        uint32[] calldata parts
    ) internal pure {
        checkLive(licenseId, data, now_);
        if (!data.splittable()) revert ILicenseRegistryErrors.LicenseNotSplittable(licenseId);
        if (data.status() == LicenseStatus.Released) {
            revert ILicenseRegistryErrors.LicenseAlreadyReleased(licenseId);
        }
        if (parts.length < 2)
            revert ILicenseRegistryErrors.LicenseSplitTooFewParts(licenseId, parts.length);
        uint256 total;
        for (uint256 i; i < parts.length; ++i) {
            if (parts[i] == 0) revert ILicenseRegistryErrors.LicenseSplitEmptyPart(licenseId, i);
            total += parts[i];
        }
        if (total != data.seats()) {
            revert ILicenseRegistryErrors.LicenseSplitSeatsMismatch(licenseId, total, data.seats());
        }
    }

    /// @notice A license is live when it has not ended, is not suspended and has not expired.
    function checkLive(uint256 licenseId, LicenseData data, uint256 now_) internal pure {
        checkNotEnded(licenseId, data);
        if (data.suspended()) revert ILicenseRegistryErrors.LicenseIsSuspended(licenseId);
        if (data.expiredAt(now_))
            revert ILicenseRegistryErrors.LicenseExpired(licenseId, data.validUntil());
    }

    /// @notice An ended license (revoked, surrendered, split) never changes again.
    function checkNotEnded(uint256 licenseId, LicenseData data) internal pure {
        if (data.ended()) revert ILicenseRegistryErrors.LicenseEnded(licenseId, data.status());
    }

    /// @notice Seats and validity of a new license must fit its product's terms: 1 to
    /// `maxSeats` seats; validity 0 for a perpetual product (`validityPeriod` 0), otherwise after
    /// now and at most `validityPeriod` from now.
    function checkIssue(
        uint256 maxSeats,
        uint256 validityPeriod,
        uint256 seats,
        uint256 validUntil,
        uint256 now_
    ) internal pure {
        if (seats == 0 || seats > maxSeats)
            revert ILicenseRegistryErrors.LicenseSeatsInvalid(seats, maxSeats);
        if (validityPeriod == 0) {
            if (validUntil != 0)
                revert ILicenseRegistryErrors.LicenseValidityInvalid(validUntil, 0);
        } else {
            uint256 latest;
            // Unchecked: a block time plus at most 2^16 days cannot overflow.
            unchecked {
                latest = now_ + validityPeriod;
            }
            // The stored field has 40 bits: never accept a time it would truncate.
            if (latest > LicenseDataLib.MAX_VALID_UNTIL) latest = LicenseDataLib.MAX_VALID_UNTIL;
            if (validUntil <= now_ || validUntil > latest) {
                revert ILicenseRegistryErrors.LicenseValidityInvalid(validUntil, latest);
            }
        }
    }

    /// @notice Whether a license is valid for its holder at `now_`: active, not suspended, not
    /// expired. A released license is no longer valid for the seller.
    function isValid(LicenseData data, uint256 now_) internal pure returns (bool) {
        return data.status() == LicenseStatus.Active && !data.suspended() && !data.expiredAt(now_);
    }

    /// @notice Whether a license cannot move in its current state (ERC-5192 `locked`): it is not
    /// exhausted and its product forbids resale, it has ended or expired, a dispute suspends it, or it has made the
    /// most moves the count holds.
    function isLocked(LicenseData data, uint256 now_) internal pure returns (bool) {
        return
            !data.resellable() ||
            data.ended() ||
            data.suspended() ||
            data.expiredAt(now_) ||
            data.moves() == LicenseDataLib.MOVES_MASK;
    }

    /// @notice The state a license takes when it moves: active for the new holder, with the
    /// release and its attestation consumed, and the move counted.
    function afterMove(LicenseData data) internal pure returns (LicenseData) {
        return data.withStatus(LicenseStatus.Active).withAttested(false).withMoveCounted();
    }
}
