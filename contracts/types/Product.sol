// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LicenseDataLib} from "./LicenseData.sol";

/// @notice The terms a product's licenses are issued under. Fixed once the first license exists:
/// a new version of the terms is a new product.
/// @param validityDays 0 for a perpetual license (the only kind EU law lets a holder resell
/// without the publisher's consent); otherwise the longest validity, in days, a license may be
/// issued with.
/// @param maxSeatsPerLicense The most seats one license may carry (1 for single-seat products).
/// @param transferable Whether a holder may resell its licenses.
/// @param splittable Whether a volume license may be split into licenses with fewer seats.
/// @param attestationRequired Whether a release must be attested by the product's controller
/// (that the seller's activation was switched off) before the license may move.
struct ProductTerms {
    uint16 validityDays;
    uint32 maxSeatsPerLicense;
    bool transferable;
    bool splittable;
    bool attestationRequired;
}

/// @notice How an account may issue a product's licenses.
/// @dev `Onboarder`: a dealer bringing licenses sold before the ledger existed; every license it
/// issues must carry the hash of its first-sale evidence.
enum IssuerKind {
    None,
    Distributor,
    Onboarder
}

/// @notice A product as stored, in one slot, read (and its serial counter written) once by every
/// issuance and never by a transfer (licenses carry their term bits).
///
/// Bit layout (least significant first):
/// - [0..159]   controller
/// - [160..199] issued: licenses issued so far (the last serial; uint40)
/// - [200..215] validityDays (uint16)
/// - [216..247] maxSeatsPerLicense (uint32)
/// - [248..255] flags: CLOSED, REGISTERED_BY_OPERATOR, PUBLISHER_CONTROLLED and the three term
///              bits
type ProductRecord is uint256;

using ProductRecordLib for ProductRecord global;

/// @title ProductRecordLib
/// @notice Packing and unpacking of `ProductRecord`. The term flags sit at the same bit positions
/// as in `LicenseData`, so issuance copies them with one mask.
library ProductRecordLib {
    uint256 internal constant CLOSED = 1 << 0;
    uint256 internal constant REGISTERED_BY_OPERATOR = 1 << 1;
    /// @notice Control of an operator-registered product passed to an account without
    /// `OPERATOR_ROLE` (its publisher): the admin's control recovery no longer applies.
    uint256 internal constant PUBLISHER_CONTROLLED = 1 << 2;
    uint256 internal constant TRANSFERABLE = LicenseDataLib.TRANSFERABLE_BIT;
    uint256 internal constant SPLITTABLE = LicenseDataLib.SPLITTABLE_BIT;
    uint256 internal constant ATTESTATION_REQUIRED = LicenseDataLib.ATTESTATION_REQUIRED_BIT;

    uint256 private constant ADDRESS_MASK = type(uint160).max;
    uint256 private constant ISSUED_SHIFT = 160;
    uint256 private constant ISSUED_MASK = type(uint40).max;
    uint256 private constant VALIDITY_SHIFT = 200;
    uint256 private constant SEATS_SHIFT = 216;
    uint256 private constant FLAGS_SHIFT = 248;

    /// @notice A new product with no licenses issued.
    function create(
        address controller_,
        ProductTerms memory terms,
        uint256 extraFlags
    ) internal pure returns (ProductRecord) {
        return withTerms(ProductRecord.wrap(uint256(uint160(controller_))), terms, extraFlags);
    }

    /// @notice `self` with its terms replaced (controller, issued count and `keptFlags` kept).
    function withTerms(
        ProductRecord self,
        ProductTerms memory terms,
        uint256 keptFlags
    ) internal pure returns (ProductRecord) {
        uint256 newFlags = keptFlags;
        if (terms.transferable) newFlags |= TRANSFERABLE;
        if (terms.splittable) newFlags |= SPLITTABLE;
        if (terms.attestationRequired) newFlags |= ATTESTATION_REQUIRED;
        uint256 raw = ProductRecord.unwrap(self) & (ADDRESS_MASK | (ISSUED_MASK << ISSUED_SHIFT));
        return
            ProductRecord.wrap(
                raw |
                    (uint256(terms.validityDays) << VALIDITY_SHIFT) |
                    (uint256(terms.maxSeatsPerLicense) << SEATS_SHIFT) |
                    (newFlags << FLAGS_SHIFT)
            );
    }

    function exists(ProductRecord self) internal pure returns (bool) {
        return ProductRecord.unwrap(self) != 0;
    }

    function controller(ProductRecord self) internal pure returns (address) {
        return address(uint160(ProductRecord.unwrap(self)));
    }

    function withController(
        ProductRecord self,
        address newController
    ) internal pure returns (ProductRecord) {
        return
            ProductRecord.wrap(
                (ProductRecord.unwrap(self) & ~ADDRESS_MASK) | uint256(uint160(newController))
            );
    }

    /// @notice Licenses issued so far (issuance and split children); the last serial used.
    function issued(ProductRecord self) internal pure returns (uint256) {
        return (ProductRecord.unwrap(self) >> ISSUED_SHIFT) & ISSUED_MASK;
    }

    /// @notice `self` with `count` more licenses issued. Callers keep the total below 10^12
    /// (< 2^40), so the field never overflows into the next.
    function withIssued(ProductRecord self, uint256 count) internal pure returns (ProductRecord) {
        unchecked {
            return ProductRecord.wrap(ProductRecord.unwrap(self) + (count << ISSUED_SHIFT));
        }
    }

    /// @notice The validity period in seconds (0: perpetual).
    function validityPeriod(ProductRecord self) internal pure returns (uint256) {
        return uint256(uint16(ProductRecord.unwrap(self) >> VALIDITY_SHIFT)) * 1 days;
    }

    function maxSeats(ProductRecord self) internal pure returns (uint256) {
        return uint256(uint32(ProductRecord.unwrap(self) >> SEATS_SHIFT));
    }

    function flags(ProductRecord self) internal pure returns (uint256) {
        return ProductRecord.unwrap(self) >> FLAGS_SHIFT;
    }

    function hasFlag(ProductRecord self, uint256 flag) internal pure returns (bool) {
        return flags(self) & flag != 0;
    }

    function withFlag(ProductRecord self, uint256 flag) internal pure returns (ProductRecord) {
        return ProductRecord.wrap(ProductRecord.unwrap(self) | (flag << FLAGS_SHIFT));
    }

    function withoutFlag(ProductRecord self, uint256 flag) internal pure returns (ProductRecord) {
        return ProductRecord.wrap(ProductRecord.unwrap(self) & ~(flag << FLAGS_SHIFT));
    }

    /// @notice The terms recorded in `self`.
    function termsOf(ProductRecord self) internal pure returns (ProductTerms memory) {
        return
            ProductTerms({
                validityDays: uint16(ProductRecord.unwrap(self) >> VALIDITY_SHIFT),
                maxSeatsPerLicense: uint32(maxSeats(self)),
                transferable: hasFlag(self, TRANSFERABLE),
                splittable: hasFlag(self, SPLITTABLE),
                attestationRequired: hasFlag(self, ATTESTATION_REQUIRED)
            });
    }
}
