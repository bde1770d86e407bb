// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IERC4906
/// @notice ERC-721 metadata update events (ERC-4906): marketplaces and wallets refresh a token's
/// metadata when they see these.
/// @dev Interface id 0x49064906. Declared here rather than imported from OpenZeppelin because
/// OpenZeppelin's version extends its own IERC721, whose non-payable transfer functions cannot be
/// implemented by a token base with payable ones.
interface IERC4906 {
    /// @notice The metadata of token `_tokenId` changed.
    event MetadataUpdate(uint256 _tokenId);

    /// @notice The metadata of tokens `_fromTokenId` to `_toTokenId` changed.
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);
}
