// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ILicenseRegistry} from "../../contracts/interfaces/ILicenseRegistry.sol";

/// @title BenchMover
/// @notice Bench-only: an operator the bench's holders approve for all, so the scale benchmark can
/// record many resales per transaction. Each move is a real `releaseAndTransfer` with its own
/// declaration, so the history it writes is what a real resale writes. Never deployed by scripts.
contract BenchMover {
    ILicenseRegistry public immutable registry;

    constructor(ILicenseRegistry registry_) {
        registry = registry_;
    }

    /// @notice Resells `licenseIds[i]` to `to[i]`, each with a fresh declaration hash.
    function resell(uint256[] calldata licenseIds, address[] calldata to) external {
        for (uint256 i; i < licenseIds.length; ++i) {
            registry.releaseAndTransfer(
                to[i],
                licenseIds[i],
                keccak256(abi.encode(licenseIds[i], to[i], block.number, i))
            );
        }
    }
}
