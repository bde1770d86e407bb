// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IssuerKind} from "../types/Product.sol";
import {FirstSaleRegion} from "../types/LicenseData.sol";

/// @title ILicenseCommitments
/// @notice Issuance at publisher scale: an issuer commits a whole issuance run (a million
/// licenses) with one Merkle root in one transaction whose gas does not depend on the run's size,
/// and each license becomes a registry token only when it is first needed on chain: its leaf is
/// claimed, by anyone, always for the leaf's holder. A claimed license is an ordinary license of
/// the registry from then on; its chain of title starts at the commit transaction.
///
/// The registry creates this contract in its constructor and trusts it, and only it, to reserve
/// serials for a run and to issue a reserved license id: every issuance rule (seats, validity,
/// onboarders' evidence and its capacity, key commitments, first-sale region, the pause) stays in
/// the registry and applies at claim, exactly as for a direct issuance by the committer.
///
/// Leaves are OpenZeppelin `StandardMerkleTree` leaves (double-hashed, so no inner node passes as
/// a leaf) of the tuple
/// `(uint256 licenseId, address holder, uint256 seats, uint256 validUntil, uint8 region,
///   bytes32 keyCommitment, bytes32 originEvidence)`:
/// `keccak256(bytes.concat(keccak256(abi.encode(licenseId, holder, seats, validUntil, region,
///   keyCommitment, originEvidence))))`.
interface ILicenseCommitments {
    /// @notice One license of a run, as its leaf binds it.
    /// @param licenseId Within the run's reserved range.
    /// @param region The first-sale region recorded for the license (`Unrecorded` allowed).
    /// @param keyCommitment 0 for none.
    /// @param originEvidence 0 for none; required for every leaf of an onboarder's run.
    struct Leaf {
        uint256 licenseId;
        address holder;
        uint256 seats;
        uint256 validUntil;
        FirstSaleRegion region;
        bytes32 keyCommitment;
        bytes32 originEvidence;
    }

    /// @notice A committed run.
    /// @param productId The product whose serials the run reserved.
    /// @param committer The controller or issuer that committed it; claims issue as this account.
    /// @param kind How the committer issues (`None`: it is the product's controller).
    /// @param firstLicenseId The first id of the run's range; the range is
    /// `[firstLicenseId, firstLicenseId + leafCount)`.
    /// @param leafCount Number of leaves (and reserved serials).
    /// @param claimed How many leaves have been claimed so far.
    /// @param root The Merkle root.
    /// @param committedAt Block timestamp of the commit.
    struct Run {
        uint256 productId;
        address committer;
        IssuerKind kind;
        uint256 firstLicenseId;
        uint256 leafCount;
        uint256 claimed;
        bytes32 root;
        uint48 committedAt;
    }

    /// @notice What `checkLeaf` finds for a leaf and its proof, without a transaction.
    /// `Claimable` is not a license and not a promise: the claim still meets every registry rule
    /// and may be refused (a pause, a validity outside the product's window at claim time, its
    /// evidence's capacity drawn by other licenses, its key committed to another license).
    /// Only `Claimed` is a license; an activation server asks the registry about it.
    enum LeafStatus {
        Invalid, // no such run, id outside its range, or the proof does not lead to its root
        Claimable,
        Claimed,
        Revoked
    }

    event RunCommitted(
        uint256 indexed runId,
        uint256 indexed productId,
        address indexed committer,
        bytes32 root,
        uint256 firstLicenseId,
        uint256 leafCount,
        string leavesURI,
        bytes32 leavesHash
    );

    /// @notice A leaf was claimed: emitted in the same transaction as the registry's
    /// `LicenseIssued` for `licenseId`.
    event LeafClaimed(
        uint256 indexed runId,
        uint256 indexed licenseId,
        address indexed holder,
        address claimer
    );

    /// @notice An unclaimed leaf was revoked by the product's controller; it can never be claimed.
    event LeafRevoked(
        uint256 indexed runId,
        uint256 indexed licenseId,
        uint16 reasonCode,
        bytes32 evidenceHash
    );

    /// @notice Every leaf of run `runId` not claimed yet was revoked at once by the product's
    /// controller: none of them can be claimed from now on; claimed licenses are untouched.
    event RunRevoked(uint256 indexed runId, uint16 reasonCode, bytes32 evidenceHash);

    /// @notice Commits a run: reserves `leafCount` serials of `productId` (so committed and
    /// directly issued licenses never collide) and records the root and the published leaves file.
    /// @dev The product's controller or one of its issuers; not while paused; not on a closed
    /// product. Gas does not depend on `leafCount`. Runs use only the lower half of a product's
    /// serial space (the upper half is left to splits and direct issuance, which pay per serial),
    /// so no commit can leave a product's licenses unable to split.
    function commit(
        uint256 productId,
        bytes32 root,
        uint256 leafCount,
        string calldata leavesURI,
        bytes32 leavesHash
    ) external returns (uint256 runId, uint256 firstLicenseId);

    /// @notice Claims one leaf: the registry issues `leaf.licenseId` to `leaf.holder` (never to
    /// the caller). Anyone may call.
    function claim(uint256 runId, Leaf calldata leaf, bytes32[] calldata proof) external;

    /// @notice Claims many leaves of one run in one call; all or nothing.
    function claimBatch(
        uint256 runId,
        Leaf[] calldata leaves,
        bytes32[][] calldata proofs
    ) external;

    /// @notice Revokes an unclaimed leaf, with a reason and evidence as for a license.
    /// @dev The product's controller only.
    function revokeLeaf(
        uint256 runId,
        uint256 licenseId,
        uint16 reasonCode,
        bytes32 evidenceHash
    ) external;

    /// @notice Revokes every leaf of a run not claimed yet, with a reason and evidence: the
    /// remedy for a run whose committer lost the controller's trust (a leaked key, an issuer
    /// removed), whose leaves the controller may not even know. Claimed licenses are untouched.
    /// @dev The product's controller only.
    function revokeRun(uint256 runId, uint16 reasonCode, bytes32 evidenceHash) external;

    /// @notice Checks a leaf and its proof without a transaction (for an activation server).
    function checkLeaf(
        uint256 runId,
        Leaf calldata leaf,
        bytes32[] calldata proof
    ) external view returns (LeafStatus);

    function getRun(uint256 runId) external view returns (Run memory);

    function runCount() external view returns (uint256);

    function registry() external view returns (address);
}
