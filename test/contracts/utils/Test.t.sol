// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./Test.sol";

/// @dev Exposes the internal assertions as external calls so `expectRevert` can observe them.
contract AssertionHarness is Test {
    function eqUint(uint256 a, uint256 b) external pure {
        assertEq(a, b, "eqUint");
    }

    function eqAddress(address a, address b) external pure {
        assertEq(a, b, "eqAddress");
    }

    function eqBytes32(bytes32 a, bytes32 b) external pure {
        assertEq(a, b, "eqBytes32");
    }

    function eqBool(bool a, bool b) external pure {
        assertEq(a, b, "eqBool");
    }

    function eqString(string memory a, string memory b) external pure {
        assertEq(a, b, "eqString");
    }

    function lt(uint256 a, uint256 b) external pure {
        assertLt(a, b, "lt");
    }

    function boundOf(uint256 x, uint256 min, uint256 max) external pure returns (uint256) {
        return bound(x, min, max);
    }
}

/// @notice The test base must fail when it should: an assertion helper that never fires would make
/// every test built on it worthless.
contract TestBaseTest is Test {
    AssertionHarness private harness;

    function setUp() public {
        harness = new AssertionHarness();
    }

    function test_assertEq_passesOnEqualValues() public view {
        harness.eqUint(7, 7);
        harness.eqAddress(address(this), address(this));
        harness.eqBytes32(keccak256("a"), keccak256("a"));
        harness.eqBool(true, true);
        harness.eqString("license", "license");
        harness.lt(1, 2);
    }

    function test_assertEq_reportsBothValues() public {
        vm.expectRevert(
            abi.encodeWithSelector(AssertionFailed.selector, "eqUint: expected 7 == 8")
        );
        harness.eqUint(7, 8);
    }

    function test_assertions_revertOnMismatch() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                AssertionFailed.selector,
                "eqAddress: expected 0x0000000000000000000000000000000000000001 == 0x0000000000000000000000000000000000000002"
            )
        );
        harness.eqAddress(address(1), address(2));
        vm.expectRevert(
            abi.encodeWithSelector(
                AssertionFailed.selector,
                "eqBytes32: expected 0x0000000000000000000000000000000000000000000000000000000000000000 == 0x0000000000000000000000000000000000000000000000000000000000000001"
            )
        );
        harness.eqBytes32(bytes32(0), bytes32(uint256(1)));
        vm.expectRevert(
            abi.encodeWithSelector(AssertionFailed.selector, "eqBool: expected true == false")
        );
        harness.eqBool(true, false);
        vm.expectRevert(
            abi.encodeWithSelector(AssertionFailed.selector, "eqString: expected a == b")
        );
        harness.eqString("a", "b");
        vm.expectRevert(abi.encodeWithSelector(AssertionFailed.selector, "lt: expected 2 < 2"));
        harness.lt(2, 2);
    }

    function test_bound_revertsOnInvertedRange() public {
        vm.expectRevert(abi.encodeWithSelector(AssertionFailed.selector, "bound: min > max"));
        harness.boundOf(1, 5, 4);
    }

    function testFuzz_bound_staysInRange(uint256 x, uint256 min, uint256 max) public view {
        if (min > max) (min, max) = (max, min);
        uint256 y = harness.boundOf(x, min, max);
        assertGe(y, min, "bound below min");
        assertLe(y, max, "bound above max");
        if (x >= min && x <= max) assertEq(y, x, "bound moved an in-range value");
    }

    function test_cheatcodes_warpAndPrank() public {
        vm.warp(1_700_000_000);
        assertEq(block.timestamp, 1_700_000_000, "warp");
        CallerProbe probe = new CallerProbe();
        address caller = vm.addr(1);
        vm.prank(caller);
        assertEq(probe.caller(), caller, "prank sets msg.sender");
        assertEq(probe.caller(), address(this), "prank lasts one call");
    }
}

contract CallerProbe {
    function caller() external view returns (address) {
        return msg.sender;
    }
}
