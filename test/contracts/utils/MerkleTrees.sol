// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

import {ILicenseCommitments} from "../../../contracts/interfaces/ILicenseCommitments.sol";

/// @title MerkleTrees
/// @notice Test-only Merkle trees with OpenZeppelin's sorted-pair hashing (what `MerkleProof`
/// verifies), built in memory from leaf hashes: a level with an odd count carries its last node
/// up unchanged. Leaves are `StandardMerkleTree` leaves of `ILicenseCommitments.Leaf` (the mocha
/// test proves the encoding against the JavaScript library itself).
library MerkleTrees {
    /// @notice The double-hashed leaf of `ILicenseCommitments`.
    function leafHash(ILicenseCommitments.Leaf memory leaf) internal pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(
                    keccak256(
                        abi.encode(
                            leaf.licenseId,
                            leaf.holder,
                            leaf.seats,
                            leaf.validUntil,
                            uint8(leaf.region),
                            leaf.keyCommitment,
                            leaf.originEvidence
                        )
                    )
                )
            );
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory level = leaves;
        while (level.length > 1) level = _up(level);
        return level[0];
    }

    function proof(
        bytes32[] memory leaves,
        uint256 index
    ) internal pure returns (bytes32[] memory path) {
        bytes32[] memory scratch = new bytes32[](64);
        uint256 depth;
        bytes32[] memory level = leaves;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) scratch[depth++] = level[sibling];
            level = _up(level);
            index /= 2;
        }
        path = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) path[i] = scratch[i];
    }

    /// @notice A root for which `leaf` has a proof of exactly `depth` nodes (pseudo-random
    /// siblings from `seed`): a stand-in for a tree of 2^depth leaves without building it.
    function syntheticPath(
        bytes32 leaf,
        uint256 depth,
        uint256 seed
    ) internal pure returns (bytes32 root_, bytes32[] memory path) {
        path = new bytes32[](depth);
        root_ = leaf;
        for (uint256 i; i < depth; ++i) {
            path[i] = keccak256(abi.encode(seed, i));
            root_ = Hashes.commutativeKeccak256(root_, path[i]);
        }
    }

    function _up(bytes32[] memory level) private pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i; i < next.length; ++i) {
            uint256 left = 2 * i;
            next[i] =
                left + 1 < level.length
                    ? Hashes.commutativeKeccak256(level[left], level[left + 1])
                    : level[left];
        }
    }
}
