// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title MockSellerWallet
/// @notice TEST ONLY, never deployed by scripts: a contract account controlled by one owner key
/// that signs orders through ERC-1271 and behaves as a test sets it when it is sent ETH: accept
/// it, refuse it, burn all the gas it is given, or call back into a contract (reentrancy).
contract MockSellerWallet is IERC1271 {
    enum EtherMode {
        Accept,
        Reject,
        BurnGas,
        Reenter,
        Heavy
    }

    error NotOwner(address account);
    error EtherRefused();
    error CallFailed(bytes returnData);

    address public immutable owner;
    EtherMode public mode;
    address public reentryTarget;
    bytes public reentryData;

    /// @notice The wallet tried to call back into `reentryTarget` while receiving ETH; `ok` is
    /// whether that call succeeded (tests expect false) and `returnData` what it returned.
    event ReentryAttempted(bool ok, bytes returnData);

    uint256[4] private _ledger;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Runs a call from the wallet (approve the market, release a license, withdraw).
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) revert CallFailed(ret);
        return ret;
    }

    function setEtherMode(EtherMode mode_, address target, bytes calldata data) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        mode = mode_;
        reentryTarget = target;
        reentryData = data;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(
        bytes32 hash,
        bytes calldata signature
    ) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return
            err == ECDSA.RecoverError.NoError && signer == owner
                ? this.isValidSignature.selector
                : bytes4(0xffffffff);
    }

    /// @notice Accepts licenses sent with `safeTransferFrom`.
    function onERC721Received(
        address,
        address,
        uint256,
        bytes calldata
    ) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }

    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (mode == EtherMode.Reject) revert EtherRefused();
        if (mode == EtherMode.BurnGas) {
            // solhint-disable-next-line no-empty-blocks
            while (true) {}
        }
        if (mode == EtherMode.Heavy) {
            for (uint256 i; i < _ledger.length; ++i) _ledger[i] += msg.value;
        }
        if (mode == EtherMode.Reenter) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = reentryTarget.call(reentryData);
            emit ReentryAttempted(ok, ret);
        }
    }
}
