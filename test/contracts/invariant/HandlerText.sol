// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @notice Test-only: writes an invariant handler's violation reports, so the registry handler
/// (already the largest test contract) keeps only the model.
contract HandlerText {
    using Strings for uint256;
    using Strings for address;

    /// @notice "`what` [subject `subject`, caller `caller`, time `time`]".
    function report(
        string calldata what,
        uint256 subject,
        address caller,
        uint256 time
    ) external pure returns (string memory) {
        return
            string.concat(
                what,
                " [subject ",
                subject.toString(),
                ", caller ",
                caller.toHexString(),
                ", time ",
                time.toString(),
                "]"
            );
    }

    /// @notice "`op` succeeded; model expected revert 0x...".
    function unexpectedSuccess(
        string calldata op,
        bytes calldata expected
    ) external pure returns (string memory) {
        return string.concat(op, " succeeded; model expected revert ", _hex(expected));
    }

    /// @notice "`op` reverted with 0x...; model expected 0x...".
    function unexpectedRevert(
        string calldata op,
        bytes calldata actual,
        bytes calldata expected
    ) external pure returns (string memory) {
        return
            string.concat(op, " reverted with ", _hex(actual), "; model expected ", _hex(expected));
    }

    function _hex(bytes calldata data) private pure returns (string memory) {
        if (data.length == 0) return "(nothing)";
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(2 + data.length * 2);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i; i < data.length; ++i) {
            out[2 + 2 * i] = digits[uint8(data[i]) >> 4];
            out[3 + 2 * i] = digits[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }
}
