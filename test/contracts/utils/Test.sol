// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Vm} from "./Vm.sol";

/// @title Test
/// @notice Our own small base for Solidity tests: the cheatcode handle, assertions that report the
/// values they compared, and `bound` for shaping fuzz inputs. Tests inherit it instead of
/// forge-std's `Test`.
/// @dev A failed assertion reverts with `AssertionFailed(message)`; the runner reports the test as
/// failed with that message, so the values involved appear in the output.
abstract contract Test {
    using Strings for uint256;
    using Strings for address;

    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @notice Raised by every failed assertion; `message` names the values compared.
    error AssertionFailed(string message);

    // ---------------------------------------------------------------- assertions

    function fail(string memory message) internal pure {
        revert AssertionFailed(message);
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) fail(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) fail(message);
    }

    function assertEq(uint256 actual, uint256 expected, string memory message) internal pure {
        if (actual != expected) {
            fail(_describe(message, actual.toString(), "==", expected.toString()));
        }
    }

    function assertEq(address actual, address expected, string memory message) internal pure {
        if (actual != expected) {
            fail(_describe(message, actual.toHexString(), "==", expected.toHexString()));
        }
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory message) internal pure {
        if (actual != expected) {
            fail(
                _describe(
                    message,
                    uint256(actual).toHexString(32),
                    "==",
                    uint256(expected).toHexString(32)
                )
            );
        }
    }

    function assertEq(bool actual, bool expected, string memory message) internal pure {
        if (actual != expected) {
            fail(_describe(message, actual ? "true" : "false", "==", expected ? "true" : "false"));
        }
    }

    function assertEq(
        string memory actual,
        string memory expected,
        string memory message
    ) internal pure {
        if (keccak256(bytes(actual)) != keccak256(bytes(expected))) {
            fail(_describe(message, actual, "==", expected));
        }
    }

    function assertNotEq(uint256 actual, uint256 unexpected, string memory message) internal pure {
        if (actual == unexpected) {
            fail(_describe(message, actual.toString(), "!=", unexpected.toString()));
        }
    }

    function assertLt(uint256 a, uint256 b, string memory message) internal pure {
        if (a >= b) fail(_describe(message, a.toString(), "<", b.toString()));
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) fail(_describe(message, a.toString(), "<=", b.toString()));
    }

    function assertGt(uint256 a, uint256 b, string memory message) internal pure {
        if (a <= b) fail(_describe(message, a.toString(), ">", b.toString()));
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) fail(_describe(message, a.toString(), ">=", b.toString()));
    }

    // ---------------------------------------------------------------- fuzz input shaping

    /// @notice Maps any `x` into `[min, max]`, keeping values already in range unchanged so the
    /// fuzzer's interesting edge values (0, 1, max) still reach the edges of the range.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) fail("bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    // ---------------------------------------------------------------- private

    function _describe(
        string memory message,
        string memory actual,
        string memory op,
        string memory expected
    ) private pure returns (string memory) {
        return string.concat(message, ": expected ", actual, " ", op, " ", expected);
    }
}
