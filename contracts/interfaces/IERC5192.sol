// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IERC5192
/// @notice Minimal soulbound NFTs (ERC-5192): wallets read `locked` to know a token cannot move.
/// @dev Interface id 0xb45a3c0e.
interface IERC5192 {
    /// @notice The token `tokenId` became locked (non-transferable).
    event Locked(uint256 tokenId);

    /// @notice The token `tokenId` became unlocked.
    event Unlocked(uint256 tokenId);

    /// @notice Whether token `tokenId` is locked (can never be transferred in its current state).
    function locked(uint256 tokenId) external view returns (bool);
}
