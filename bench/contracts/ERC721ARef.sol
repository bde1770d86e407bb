// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC721A} from "erc721a/contracts/ERC721A.sol";

/// @title ERC721ARef
/// @notice Bench-only reference: Azuki's ERC721A, built for cheap batch mints to one holder.
/// Never deployed by the scripts.
contract ERC721ARef is ERC721A {
    constructor() ERC721A("ERC721A reference", "AZUKI") {}

    /// @notice Mints `quantity` consecutive tokens to `to`; no access control (bench only).
    function mint(address to, uint256 quantity) external {
        _mint(to, quantity);
    }

    /// @notice Mints one token to each of `holders`: the per-token cost for distinct holders.
    function mintEach(address[] calldata holders) external {
        for (uint256 i; i < holders.length; ++i) {
            _mint(holders[i], 1);
        }
    }
}
