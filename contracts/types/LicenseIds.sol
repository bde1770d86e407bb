// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title LicenseIds
/// @notice A license id names its product and its serial within the product in decimal, so a
/// person can read both: `productId * 10^12 + serial`. License 7000000000012 is the twelfth
/// license of product 7. Keeping the serial counter in the product's own slot (which issuance
/// reads anyway) saves a global counter's storage write on every issuance.
library LicenseIds {
    uint256 internal constant SERIALS_PER_PRODUCT = 1e12;

    /// @dev Unchecked: product ids are below 2^64 and serials below 10^12, so no overflow.
    function licenseId(uint256 productId_, uint256 serial) internal pure returns (uint256) {
        unchecked {
            return productId_ * SERIALS_PER_PRODUCT + serial;
        }
    }

    function productId(uint256 licenseId_) internal pure returns (uint256) {
        return licenseId_ / SERIALS_PER_PRODUCT;
    }
}
