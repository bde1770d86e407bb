// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

/// @title MockContractWallet
/// @notice TEST ONLY, never deployed by scripts: a minimal multisig-like company wallet. A call
/// runs only once `threshold` distinct owners approved it, the way a Safe executes a
/// transaction, so tests can hold, release and sell licenses from a contract account. It signs
/// messages the way a Safe does (ERC-1271 over hashes its owners approved with a call to
/// `signHash` through `execute`), and has no `receive`: it refuses plain ETH, like many wallets.
contract MockContractWallet is IERC721Receiver, IERC1271 {
    error NotOwner(address account);
    error AlreadyApproved(bytes32 callId, address owner);
    error NotEnoughApprovals(bytes32 callId, uint256 approvals, uint256 threshold);
    error CallFailed(bytes returnData);

    event Executed(bytes32 indexed callId, address indexed target);

    mapping(address account => bool) public isOwner;
    uint256 public immutable threshold;
    mapping(bytes32 callId => uint256) public approvals;
    mapping(bytes32 callId => mapping(address owner => bool)) private _approvedBy;
    uint256 public nonce;
    /// @notice Hashes the owners signed (ERC-1271), set only through an approved `execute`.
    mapping(bytes32 hash => bool) public signedHashes;

    constructor(address[] memory owners, uint256 threshold_) {
        for (uint256 i; i < owners.length; ++i) isOwner[owners[i]] = true;
        threshold = threshold_;
    }

    /// @notice The id of the next call to `target` with `data`.
    function callId(address target, bytes calldata data) public view returns (bytes32) {
        return keccak256(abi.encode(target, data, nonce));
    }

    /// @notice An owner approves the next call to `target` with `data`.
    function approveCall(address target, bytes calldata data) external {
        if (!isOwner[msg.sender]) revert NotOwner(msg.sender);
        bytes32 id = callId(target, data);
        if (_approvedBy[id][msg.sender]) revert AlreadyApproved(id, msg.sender);
        _approvedBy[id][msg.sender] = true;
        approvals[id] += 1;
    }

    /// @notice Runs the approved call; bubbles its revert data up unchanged.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        bytes32 id = callId(target, data);
        if (approvals[id] < threshold) revert NotEnoughApprovals(id, approvals[id], threshold);
        nonce += 1;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        emit Executed(id, target);
        return ret;
    }

    /// @notice Marks `hash` as signed by the wallet; callable only by the wallet itself, so only
    /// through `execute` with the owners' approvals.
    function signHash(bytes32 hash) external {
        if (msg.sender != address(this)) revert NotOwner(msg.sender);
        signedHashes[hash] = true;
    }

    /// @inheritdoc IERC1271
    /// @dev Like a Safe's signed messages: the signature bytes are ignored, the hash must have
    /// been signed through `signHash`.
    function isValidSignature(bytes32 hash, bytes calldata) external view returns (bytes4) {
        return signedHashes[hash] ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    /// @inheritdoc IERC721Receiver
    function onERC721Received(
        address,
        address,
        uint256,
        bytes calldata
    ) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}
