// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseMarket} from "../interfaces/ILicenseMarket.sol";

/// @title MockFakeMarket (TEST ONLY, never deployed by scripts)
/// @notice A contract that is not the market but emits the market's `LicenseSold` event and
/// claims the official registry, as a forger would to invent sales in a chain of title.
contract MockFakeMarket {
    /// @notice The registry this contract claims to serve.
    address public immutable registry;

    constructor(address registry_) {
        registry = registry_;
    }

    /// @notice Emits a `LicenseSold` that no sale stands behind.
    function emitSold(
        uint256 licenseId,
        address seller,
        address buyer,
        address currency,
        uint256 price,
        uint256 paid,
        uint256 fee,
        bytes32 orderHash
    ) external {
        emit ILicenseMarket.LicenseSold(
            licenseId,
            seller,
            buyer,
            currency,
            price,
            paid,
            fee,
            orderHash
        );
    }
}
