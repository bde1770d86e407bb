// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title PlainERC721
/// @notice Bench-only reference: a plain OpenZeppelin ERC-721 with an open mint, the cost a
/// publisher would pay for a token that enforces nothing. Never deployed by the scripts.
contract PlainERC721 is ERC721 {
    constructor() ERC721("Plain", "PLAIN") {}

    /// @notice Mints token `id` to `to`; no access control (bench only).
    function mint(address to, uint256 id) external {
        _mint(to, id);
    }

    /// @notice Mints tokens `firstId` to `firstId + holders.length - 1`, one per holder.
    function mintBatch(address[] calldata holders, uint256 firstId) external {
        for (uint256 i; i < holders.length; ++i) {
            _mint(holders[i], firstId + i);
        }
    }
}
