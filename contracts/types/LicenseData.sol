// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The lifecycle state a license records in storage. Expiry is not stored: it is derived
/// from `validUntil` and the block time. `Active` is zero so a freshly issued license needs no
/// status bits.
enum LicenseStatus {
    Active,
    Released,
    Revoked,
    Surrendered,
    Split
}

/// @notice Where a license's first sale took place, as its issuer recorded it at issuance (the
/// publisher's own sale, or the onboarding dealer's first-sale evidence). EU law (CJEU C-128/11,
/// UsedSoft) exhausts the distribution right of a perpetual license first sold in the EU/EEA;
/// Swiss law does the same for a first sale in Switzerland. `Unrecorded` (licenses issued without
/// a region) is never presumed exhausted: whoever relies on exhaustion must prove the first sale.
enum FirstSaleRegion {
    Unrecorded,
    EEA,
    Switzerland,
    Elsewhere
}

/// @notice A license's whole state except its holder and product, packed into the 96 bits that
/// sit beside the holder's address in the token's single ownership slot (Solady ERC-721 "extra
/// data"). Holder and state are therefore read and written together: one cold SLOAD, one SSTORE
/// per operation. The product is part of the license id (see `LicenseIds`).
///
/// Bit layout (least significant first):
/// - [0..2]   status: a `LicenseStatus`
/// - [3]      suspended: frozen by a dispute; orthogonal to the status so reinstating restores it
/// - [4]      attested: the controller attested the deactivation of the released copy
/// - [5]      transferable         } copied from the product's terms at issuance: terms never
/// - [6]      splittable           } change once licenses exist, so a transfer or a split never
/// - [7]      attestationRequired  } reads the product
/// - [8..39]  seats (uint32)
/// - [40..75] validUntil (unix seconds in 36 bits, to the year 4147; 0 = perpetual). A product's
///            validity is at most 2^16 days (179 years) from issuance, so 36 bits never truncate
/// - [76..77] firstSaleRegion: a `FirstSaleRegion`, where the first sale took place; fixed at
///            issuance and inherited by split children, so a move never reads anything else
/// - [78]     keyed: issued with a license-key commitment (inherited by split children), so a
///            split records its children for the key lookup only where a key exists
/// - [79]     unused
/// - [80]     arbiterHold: the suspension was imposed by an arbiter, so only an arbiter lifts it
/// - [81..95] moves: how many times the license changed hands, at most 2^15 - 1 (the rules refuse
///            the move that would wrap it). Written in the same SSTORE as the move itself; market
///            orders name it, so an order dies when its license moves (and does not come back to
///            life if the license returns to its seller)
type LicenseData is uint96;

using LicenseDataLib for LicenseData global;

/// @title LicenseDataLib
/// @notice Packing and unpacking of `LicenseData`. Pure bit manipulation, no rules.
library LicenseDataLib {
    uint256 internal constant STATUS_MASK = 0x07;
    uint256 internal constant SUSPENDED_BIT = 1 << 3;
    uint256 internal constant ATTESTED_BIT = 1 << 4;
    uint256 internal constant TRANSFERABLE_BIT = 1 << 5;
    uint256 internal constant SPLITTABLE_BIT = 1 << 6;
    uint256 internal constant ATTESTATION_REQUIRED_BIT = 1 << 7;
    uint256 internal constant ARBITER_HOLD_BIT = 1 << 80;
    /// @dev The three term bits, at the positions `ProductRecord` keeps them in its flags.
    uint256 internal constant TERM_BITS =
        TRANSFERABLE_BIT | SPLITTABLE_BIT | ATTESTATION_REQUIRED_BIT;

    uint256 internal constant SEATS_SHIFT = 8;
    uint256 internal constant VALID_UNTIL_SHIFT = 40;
    uint256 internal constant SEATS_MASK = type(uint32).max;
    uint256 internal constant VALID_UNTIL_MASK = (1 << 36) - 1;
    /// @notice The latest validity the field holds (year 4147).
    uint256 internal constant MAX_VALID_UNTIL = (1 << 36) - 1;
    uint256 internal constant REGION_SHIFT = 76;
    uint256 internal constant REGION_MASK = 3 << REGION_SHIFT;
    uint256 internal constant KEYED_BIT = 1 << 78;
    /// @dev Everything a split child takes from its parent besides seats and validity.
    uint256 internal constant INHERITED_BITS = TERM_BITS | REGION_MASK | KEYED_BIT;
    uint256 internal constant MOVES_SHIFT = 81;
    uint256 internal constant MOVES_MASK = 0x7fff;

    /// @notice Packs a new, active license. Callers guarantee each value fits its field;
    /// `termBits_` may carry the term bits, the region and the keyed bit (`INHERITED_BITS`).
    function pack(
        uint256 seats_,
        uint256 validUntil_,
        uint256 termBits_
    ) internal pure returns (LicenseData) {
        return
            LicenseData.wrap(
                uint96(
                    (validUntil_ << VALID_UNTIL_SHIFT) |
                        (seats_ << SEATS_SHIFT) |
                        (termBits_ & INHERITED_BITS)
                )
            );
    }

    function status(LicenseData self) internal pure returns (LicenseStatus) {
        return LicenseStatus(LicenseData.unwrap(self) & STATUS_MASK);
    }

    function withStatus(
        LicenseData self,
        LicenseStatus newStatus
    ) internal pure returns (LicenseData) {
        return
            LicenseData.wrap(
                (LicenseData.unwrap(self) & ~uint96(STATUS_MASK)) | uint96(uint8(newStatus))
            );
    }

    function suspended(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & SUSPENDED_BIT != 0;
    }

    function arbiterHold(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & ARBITER_HOLD_BIT != 0;
    }

    /// @notice `self` suspended (`value` true, by an arbiter when `byArbiter`) or reinstated.
    function withSuspension(
        LicenseData self,
        bool value,
        bool byArbiter
    ) internal pure returns (LicenseData) {
        return
            _withBit(_withBit(self, SUSPENDED_BIT, value), ARBITER_HOLD_BIT, value && byArbiter);
    }

    function attested(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & ATTESTED_BIT != 0;
    }

    function withAttested(LicenseData self, bool value) internal pure returns (LicenseData) {
        return _withBit(self, ATTESTED_BIT, value);
    }

    function transferable(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & TRANSFERABLE_BIT != 0;
    }

    function splittable(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & SPLITTABLE_BIT != 0;
    }

    function attestationRequired(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & ATTESTATION_REQUIRED_BIT != 0;
    }

    /// @notice The bits a split child inherits: terms, first-sale region, keyed.
    function termBits(LicenseData self) internal pure returns (uint256) {
        return LicenseData.unwrap(self) & INHERITED_BITS;
    }

    /// @notice The bits recording `region` and, `withKey`, a key commitment, for `pack`.
    function regionBits(FirstSaleRegion region, bool withKey) internal pure returns (uint256) {
        return (uint256(uint8(region)) << REGION_SHIFT) | (withKey ? KEYED_BIT : 0);
    }

    function firstSaleRegion(LicenseData self) internal pure returns (FirstSaleRegion) {
        return FirstSaleRegion((LicenseData.unwrap(self) & REGION_MASK) >> REGION_SHIFT);
    }

    function keyed(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & KEYED_BIT != 0;
    }

    /// @notice Whether EU (or Swiss) law exhausted the publisher's right to control the resale:
    /// a perpetual license first sold in the EU/EEA or in Switzerland (CJEU C-128/11). Such a
    /// license moves whatever its product's terms say.
    function exhausted(LicenseData self) internal pure returns (bool) {
        uint256 region = (LicenseData.unwrap(self) & REGION_MASK) >> REGION_SHIFT;
        return
            validUntil(self) == 0 &&
            (region == uint8(FirstSaleRegion.EEA) || region == uint8(FirstSaleRegion.Switzerland));
    }

    /// @notice Whether the license may lawfully change hands at all: exhausted, or its product's
    /// terms permit resale. Read only when the terms do not (the common path pays nothing).
    function resellable(LicenseData self) internal pure returns (bool) {
        return transferable(self) || exhausted(self);
    }

    function seats(LicenseData self) internal pure returns (uint256) {
        return (LicenseData.unwrap(self) >> SEATS_SHIFT) & SEATS_MASK;
    }

    function validUntil(LicenseData self) internal pure returns (uint48) {
        return uint48((LicenseData.unwrap(self) >> VALID_UNTIL_SHIFT) & VALID_UNTIL_MASK);
    }

    /// @notice How many times the license changed hands.
    function moves(LicenseData self) internal pure returns (uint256) {
        return (LicenseData.unwrap(self) >> MOVES_SHIFT) & MOVES_MASK;
    }

    /// @notice `self` with one more move counted. The count is the top field of the 96 bits, so
    /// one addition does it; a carry out of bit 95 would be dropped (a wrap), which is why
    /// `LicenseRules.checkMoveCount` refuses a move at the maximum before this runs.
    function withMoveCounted(LicenseData self) internal pure returns (LicenseData) {
        unchecked {
            return LicenseData.wrap(uint96(uint256(LicenseData.unwrap(self)) + (1 << MOVES_SHIFT)));
        }
    }

    /// @notice True once the license has ended for good: revoked, surrendered or split.
    function ended(LicenseData self) internal pure returns (bool) {
        return LicenseData.unwrap(self) & STATUS_MASK >= uint8(LicenseStatus.Revoked);
    }

    /// @notice True when a limited license's validity has run out at time `now_`.
    function expiredAt(LicenseData self, uint256 now_) internal pure returns (bool) {
        uint256 until = validUntil(self);
        return until != 0 && now_ >= until;
    }

    function _withBit(
        LicenseData self,
        uint256 bit,
        bool value
    ) private pure returns (LicenseData) {
        uint96 raw = LicenseData.unwrap(self);
        return LicenseData.wrap(value ? raw | uint96(bit) : raw & ~uint96(bit));
    }
}
