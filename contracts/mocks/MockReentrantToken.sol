// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockReentrantToken
/// @notice TEST ONLY, never deployed by scripts: a malicious ERC-20 that, inside `transferFrom`,
/// calls back into `reentryTarget` with `reentryData` (for example the market's `buy` or `withdraw`) and bubbles
/// up that call's revert, so a test sees whether the reentry was refused.
contract MockReentrantToken is ERC20 {
    address public reentryTarget;
    bytes public reentryData;
    bool private _entered;

    constructor() ERC20("Reentrant", "REENTER") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the attack: the next `transferFrom` calls `target_` with `data_`.
    function arm(address target_, bytes calldata data_) external {
        reentryTarget = target_;
        reentryData = data_;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (reentryTarget != address(0) && !_entered) {
            _entered = true;
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = reentryTarget.call(reentryData);
            _entered = false;
            if (!ok) {
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    revert(add(ret, 0x20), mload(ret))
                }
            }
        }
        return super.transferFrom(from, to, value);
    }
}
