// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseRegistryErrors} from "../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {LicenseRegistry} from "../../contracts/LicenseRegistry.sol";
import {ProductTerms} from "../../contracts/types/Product.sol";
import {Test} from "./utils/Test.sol";

/// @notice A product's id range holds 10^12 - 1 licenses. Issuing that many is out of reach in a
/// test, so the test finds the product's storage slot and sets its issued count near the end.
contract SerialLimitTest is Test {
    LicenseRegistry private registry;
    address private constant HOLDER = address(0xA11CE);

    function setUp() public {
        registry = new LicenseRegistry("License Ledger", "LICENSE", address(this), 0);
        registry.grantRole(registry.PUBLISHER_ROLE(), address(this));
        registry.registerProduct(
            ProductTerms({
                validityDays: 0,
                maxSeatsPerLicense: 10,
                transferable: true,
                splittable: true,
                attestationRequired: false
            }),
            ""
        );
    }

    /// @dev The slot of `_products[1]`: the mapping slot whose entry for key 1 holds this
    /// contract's address as controller (the low 160 bits of the record).
    function _productSlot() private view returns (bytes32 slot) {
        for (uint256 i; i < 64; ++i) {
            slot = keccak256(abi.encode(uint256(1), i));
            if (uint160(uint256(vm.load(address(registry), slot))) == uint160(address(this))) {
                return slot;
            }
        }
        fail("product slot not found");
    }

    function _setIssued(uint256 issued) private {
        bytes32 slot = _productSlot();
        uint256 record = uint256(vm.load(address(registry), slot));
        record = (record & ~(uint256(type(uint40).max) << 160)) | (issued << 160);
        vm.store(address(registry), slot, bytes32(record));
        assertEq(registry.getProduct(1).licensesIssued, issued, "issued count set");
    }

    function test_issue_lastSerialThenExhausted() public {
        _setIssued(1e12 - 2);
        uint256 id = registry.issue(1, HOLDER, 1, 0);
        assertEq(id, 2e12 - 1, "last id of product 1");
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductSerialsExhausted.selector, 1)
        );
        registry.issue(1, HOLDER, 1, 0);
    }

    function test_split_refusedWhenSerialsExhausted() public {
        uint256 parent = registry.issue(1, HOLDER, 10, 0);
        _setIssued(1e12 - 2);
        uint32[] memory parts = new uint32[](2);
        parts[0] = 5;
        parts[1] = 5;
        vm.prank(HOLDER);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductSerialsExhausted.selector, 1)
        );
        registry.split(parent, parts);
    }
}
