// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ILicenseRenderer
/// @notice Renders a license of its registry as ERC-721 metadata, and checks the text the
/// registry will later render. A separate contract so the registry's own code stays within the
/// 24 KB contract size limit (EIP-170): rendering is a view, never part of a rule.
interface ILicenseRenderer {
    /// @notice The registry whose licenses this renderer describes (the contract that created it).
    function registry() external view returns (address);

    /// @notice The license's metadata as a `data:application/json;base64,` URI: product, status,
    /// seats, validity (`display_type: "date"` when limited), transferability and the product's
    /// URI, as the registry sees them right now.
    /// @dev Reverts as the registry's `getLicense` does for an unknown id.
    /// @param licenseId The license to describe.
    /// @return The data URI.
    function tokenURI(uint256 licenseId) external view returns (string memory);

    /// @notice The index of the first byte of `text` that is not part of well-formed UTF-8
    /// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or
    /// `type(uint256).max` if all of it is.
    /// @param text The bytes to check.
    /// @return index The offset of the first invalid byte, or `type(uint256).max`.
    function firstInvalidUtf8(bytes calldata text) external pure returns (uint256 index);
}
