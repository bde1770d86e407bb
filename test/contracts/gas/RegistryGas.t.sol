// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PlainERC721} from "../../../bench/contracts/PlainERC721.sol";
import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {ProductTerms} from "../../../contracts/types/Product.sol";
import {Test} from "../utils/Test.sol";

/// @notice Named gas snapshots of the key operations, next to a plain OpenZeppelin ERC-721 in the
/// same run. `npm run gas` fails when any of them moves; `npm run gas:update` rewrites them.
/// Figures are the gas of the call frame (no 21,000 base, no calldata): for receipt-level ratios
/// see test/mocha/gas/targets.test.ts.
abstract contract RegistryGasBase is Test {
    LicenseRegistry internal registry;
    PlainERC721 internal plain;

    address internal constant PUBLISHER = address(0xB0B);
    address internal constant HOLDER = address(0xA11CE);
    address internal constant BUYER = address(0xB1E);
    bytes32 internal constant DECLARATION = keccak256("declaration");
    bytes32 internal constant EVIDENCE = keccak256("evidence");
    uint256 internal constant PRODUCT = 1;
    uint256 internal constant FIRST = 1e12 + 1;

    function setUp() public virtual {
        registry = new LicenseRegistry("License Ledger", "LICENSE", address(this), 0);
        plain = new PlainERC721();
        registry.grantRole(registry.PUBLISHER_ROLE(), PUBLISHER);
        vm.startPrank(PUBLISHER);
        registry.registerProduct(
            ProductTerms({
                validityDays: 0,
                maxSeatsPerLicense: 100,
                transferable: true,
                splittable: true,
                attestationRequired: false
            }),
            "ipfs://terms"
        );
        // Both parties already hold a license (ids FIRST and FIRST + 1) and a plain token.
        registry.issue(PRODUCT, HOLDER, 10, 0);
        registry.issue(PRODUCT, BUYER, 10, 0);
        vm.stopPrank();
        plain.mint(HOLDER, 1);
        plain.mint(BUYER, 2);
    }
}

contract RegistryGasTest is RegistryGasBase {
    function test_gas_plainMint() public {
        plain.mint(HOLDER, 3);
        vm.snapshotGasLastCall("plain_mint");
    }

    function test_gas_plainTransferFrom() public {
        vm.prank(HOLDER);
        plain.transferFrom(HOLDER, BUYER, 1);
        vm.snapshotGasLastCall("plain_transferFrom");
    }

    function test_gas_issue() public {
        vm.prank(PUBLISHER);
        registry.issue(PRODUCT, HOLDER, 5, 0);
        vm.snapshotGasLastCall("issue");
    }

    function test_gas_issueWithKey() public {
        vm.prank(PUBLISHER);
        registry.issueWithKey(PRODUCT, HOLDER, 5, 0, keccak256("key"), EVIDENCE);
        vm.snapshotGasLastCall("issueWithKey");
    }

    function test_gas_issueBatch100() public {
        ILicenseRegistry.IssueRequest[] memory requests = new ILicenseRegistry.IssueRequest[](100);
        for (uint256 i; i < 100; ++i) {
            requests[i] = ILicenseRegistry.IssueRequest({
                holder: address(uint160(0x1000 + i)),
                seats: 1,
                validUntil: 0,
                keyCommitment: bytes32(0),
                originEvidence: bytes32(0)
            });
        }
        vm.prank(PUBLISHER);
        registry.issueBatch(PRODUCT, requests);
        vm.snapshotGasLastCall("issueBatch100");
    }

    function test_gas_release() public {
        vm.prank(HOLDER);
        registry.release(FIRST, DECLARATION);
        vm.snapshotGasLastCall("release");
    }

    function test_gas_releaseAndTransfer() public {
        vm.prank(HOLDER);
        registry.releaseAndTransfer(BUYER, FIRST, DECLARATION);
        vm.snapshotGasLastCall("releaseAndTransfer");
    }

    function test_gas_split2() public {
        uint32[] memory parts = new uint32[](2);
        parts[0] = 4;
        parts[1] = 6;
        vm.prank(HOLDER);
        registry.split(FIRST, parts);
        vm.snapshotGasLastCall("split2");
    }

    function test_gas_revoke() public {
        vm.prank(PUBLISHER);
        registry.revoke(FIRST, 2, EVIDENCE);
        vm.snapshotGasLastCall("revoke");
    }

    function test_gas_surrender() public {
        vm.prank(HOLDER);
        registry.surrender(FIRST);
        vm.snapshotGasLastCall("surrender");
    }

    function test_gas_isValidFor() public {
        assertTrue(registry.isValidFor(FIRST, HOLDER), "valid for holder");
        vm.snapshotGasLastCall("isValidFor");
    }
}

/// @notice The standard ERC-721 transfer of a license released in an earlier transaction, so the
/// measured call starts with cold storage like a real one.
contract RegistryGasReleasedTest is RegistryGasBase {
    function setUp() public override {
        super.setUp();
        vm.prank(HOLDER);
        registry.release(FIRST, DECLARATION);
    }

    function test_gas_transferReleased() public {
        vm.prank(HOLDER);
        registry.transferFrom(HOLDER, BUYER, FIRST);
        vm.snapshotGasLastCall("transferReleased");
    }
}
