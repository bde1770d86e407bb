// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721} from "solady/src/tokens/ERC721.sol";

/// @title SoladyERC721Ref
/// @notice Bench-only reference: Solady's ERC-721 with an open mint, the leanest well-kept token
/// base. Never deployed by the scripts.
contract SoladyERC721Ref is ERC721 {
    function name() public pure override returns (string memory) {
        return "Solady reference";
    }

    function symbol() public pure override returns (string memory) {
        return "SOLADY";
    }

    function tokenURI(uint256) public pure override returns (string memory) {
        return "";
    }

    /// @notice Mints token `id` to `to`; no access control (bench only).
    function mint(address to, uint256 id) external {
        _mint(to, id);
    }

    /// @notice Mints tokens `firstId`.. to `holders`, one each.
    function mintBatch(address[] calldata holders, uint256 firstId) external {
        for (uint256 i; i < holders.length; ++i) {
            _mint(holders[i], firstId + i);
        }
    }
}
