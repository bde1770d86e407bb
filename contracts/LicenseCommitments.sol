// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

import {ILicenseCommitments} from "./interfaces/ILicenseCommitments.sol";
import {ILicenseCommitmentsErrors} from "./interfaces/ILicenseCommitmentsErrors.sol";
import {ILicenseRegistry} from "./interfaces/ILicenseRegistry.sol";
import {LicenseIds} from "./types/LicenseIds.sol";
import {FirstSaleRegion} from "./types/LicenseData.sol";
import {IssuerKind} from "./types/Product.sol";

/// @title LicenseCommitments
/// @notice The registry's committed-issuance module (see `ILicenseCommitments`). The registry
/// creates it in its own constructor, so the pair is deployed as one and the module serves only
/// that registry, which trusts it (and only it) with two hooks: reserving a run's serials at
/// commit and issuing a reserved id at claim.
///
/// Guarantees (proven by the tests in test/contracts/commitments and the registry's invariants):
/// - a run's ids are reserved in the registry at commit, so committed and directly issued (or
///   split) licenses never share an id;
/// - a leaf is issued at most once, only to the leaf's holder, only with the fields the committed
///   root binds (the double-hashed leaf of OpenZeppelin's `StandardMerkleTree`, so an inner node
///   never passes as a leaf), and never once its controller revoked it;
/// - a claim issues through the registry's own issuance path under the committer's name and
///   kind as of the commit: every issuance rule (seats, validity, onboarders' evidence and its
///   capacity, key commitments, region, the pause) applies at claim.
/// A claim honours its commit even if the committer later lost its issuer grant or the product
/// was closed: the licenses were sold at commit. The controller's remedy is `revokeLeaf`, or
/// `revokeRun` for every unclaimed leaf of a run (whose leaves it may not even know).
///
/// Claimed or not is the registry's own record: a license id of a run exists in the registry
/// exactly when its leaf was claimed (licenses are never burned, and the run's ids are minted
/// only here). So a claim writes no claimed-bitmap word of its own; revocations, rare, are a
/// bitmap read only on runs that have any.
contract LicenseCommitments is ILicenseCommitments, ILicenseCommitmentsErrors {
    using BitMaps for BitMaps.BitMap;

    // ------------------------------------------------------------------ storage

    /// @dev A run, three slots:
    /// - slot 0: root
    /// - slot 1: committer (160) | kind (8) | committedAt (48) | revoked leaves (40)
    /// - slot 2: productId (64) | first serial (40) | leafCount (40) | claimed (40)
    /// Product ids are below 2^64 (the registry counts them in a uint64) and serials, counts
    /// below 10^12 < 2^40.
    struct RunRecord {
        bytes32 root;
        address committer;
        IssuerKind kind;
        uint48 committedAt;
        uint40 revoked;
        uint64 productId;
        uint40 firstSerial;
        uint40 leafCount;
        uint40 claimed;
    }

    /// @notice Committed runs use only the serials below this one, half a product's serial space.
    /// A commit's gas does not depend on its size, so without a bound one commit by the
    /// controller or any issuer could reserve the whole remaining space with a junk root and
    /// leave no serial for splits: no volume license of the product could be split again. The
    /// upper half is reached only by direct issuance and splits, which pay a mint per serial.
    uint256 public constant COMMITTED_SERIAL_LIMIT = LicenseIds.SERIALS_PER_PRODUCT / 2;

    /// @dev `RunRecord.revoked` of a run revoked as a whole: no leaf count reaches it (runs have
    /// fewer than `COMMITTED_SERIAL_LIMIT` < 2^40 - 1 leaves).
    uint40 private constant RUN_REVOKED = type(uint40).max;

    ILicenseRegistry private immutable _registry;

    uint256 private _runCount;
    mapping(uint256 runId => RunRecord) private _runs;
    /// @dev Keyed by license id: a run's ids are its own.
    BitMaps.BitMap private _revoked;

    // ------------------------------------------------------------------ constructor

    constructor() {
        _registry = ILicenseRegistry(msg.sender);
    }

    // ------------------------------------------------------------------ external (mutating)

    /// @inheritdoc ILicenseCommitments
    function commit(
        uint256 productId,
        bytes32 root,
        uint256 leafCount,
        string calldata leavesURI,
        bytes32 leavesHash
    ) external returns (uint256 runId, uint256 firstLicenseId) {
        if (root == bytes32(0)) revert CommitmentRootZero();
        if (leafCount == 0 || leafCount >= COMMITTED_SERIAL_LIMIT) {
            revert CommitmentRunSizeInvalid(leafCount, COMMITTED_SERIAL_LIMIT - 1);
        }
        // The registry's reservation mode: a leaf with no holder names the product and the count.
        IssuerKind kind;
        (firstLicenseId, kind) = _registry.committedIssuance(
            msg.sender,
            IssuerKind.None,
            Leaf({
                licenseId: productId,
                holder: address(0),
                seats: leafCount,
                validUntil: 0,
                region: FirstSaleRegion.Unrecorded,
                keyCommitment: bytes32(0),
                originEvidence: bytes32(0)
            })
        );
        uint256 firstSerial = _checkFits(firstLicenseId, leafCount);
        runId = ++_runCount;
        // The casts cannot truncate: see `RunRecord`; the registry checked the product exists.
        _runs[runId] = RunRecord({
            root: root,
            committer: msg.sender,
            kind: kind,
            committedAt: Time.timestamp(),
            revoked: 0,
            productId: uint64(productId),
            firstSerial: uint40(firstSerial),
            leafCount: uint40(leafCount),
            claimed: 0
        });
        emit RunCommitted(
            runId,
            productId,
            msg.sender,
            root,
            firstLicenseId,
            leafCount,
            leavesURI,
            leavesHash
        );
    }

    /// @inheritdoc ILicenseCommitments
    function claim(uint256 runId, Leaf calldata leaf, bytes32[] calldata proof) external {
        RunRecord memory run = _runs[runId];
        _claim(runId, run, leaf, proof);
        _runs[runId].claimed = run.claimed + 1;
    }

    /// @inheritdoc ILicenseCommitments
    function claimBatch(
        uint256 runId,
        Leaf[] calldata leaves,
        bytes32[][] calldata proofs
    ) external {
        uint256 count = leaves.length;
        if (count == 0 || count != proofs.length) {
            revert CommitmentBatchInvalid(count, proofs.length);
        }
        RunRecord memory run = _runs[runId];
        for (uint256 i; i < count; ++i) {
            _claim(runId, run, leaves[i], proofs[i]);
        }
        // Cannot truncate: every claimed leaf is one of the run's, fewer than 2^40.
        _runs[runId].claimed = uint40(run.claimed + count);
    }

    /// @inheritdoc ILicenseCommitments
    function revokeLeaf(
        uint256 runId,
        uint256 licenseId,
        uint16 reasonCode,
        bytes32 evidenceHash
    ) external {
        RunRecord storage run = _runs[runId];
        _checkInRun(runId, run, licenseId);
        _checkRevocation(run.productId, licenseId, reasonCode, evidenceHash);
        if (run.revoked == RUN_REVOKED || _revoked.get(licenseId)) {
            revert CommitmentLeafRevoked(runId, licenseId);
        }
        if (_isClaimed(licenseId)) revert CommitmentLeafAlreadyClaimed(runId, licenseId);
        _revoked.set(licenseId);
        run.revoked += 1;
        emit LeafRevoked(runId, licenseId, reasonCode, evidenceHash);
    }

    /// @inheritdoc ILicenseCommitments
    function revokeRun(uint256 runId, uint16 reasonCode, bytes32 evidenceHash) external {
        RunRecord storage run = _runs[runId];
        if (run.committer == address(0)) revert CommitmentRunUnknown(runId);
        _checkRevocation(run.productId, _firstLicenseId(run), reasonCode, evidenceHash);
        if (run.revoked == RUN_REVOKED) revert CommitmentRunRevoked(runId);
        run.revoked = RUN_REVOKED;
        emit RunRevoked(runId, reasonCode, evidenceHash);
    }

    // ------------------------------------------------------------------ external (views)

    /// @inheritdoc ILicenseCommitments
    function checkLeaf(
        uint256 runId,
        Leaf calldata leaf,
        bytes32[] calldata proof
    ) external view returns (LeafStatus) {
        RunRecord memory run = _runs[runId];
        uint256 licenseId = leaf.licenseId;
        if (
            run.committer == address(0) ||
            !_inRange(run, licenseId) ||
            !MerkleProof.verifyCalldata(proof, run.root, _leafHash(leaf))
        ) return LeafStatus.Invalid;
        if (_isClaimed(licenseId)) return LeafStatus.Claimed;
        return
            run.revoked == RUN_REVOKED || _revoked.get(licenseId)
                ? LeafStatus.Revoked
                : LeafStatus.Claimable;
    }

    /// @inheritdoc ILicenseCommitments
    function getRun(uint256 runId) external view returns (Run memory) {
        RunRecord memory run = _runs[runId];
        if (run.committer == address(0)) revert CommitmentRunUnknown(runId);
        return
            Run({
                productId: run.productId,
                committer: run.committer,
                kind: run.kind,
                firstLicenseId: _firstLicenseId(run),
                leafCount: run.leafCount,
                claimed: run.claimed,
                root: run.root,
                committedAt: run.committedAt
            });
    }

    /// @inheritdoc ILicenseCommitments
    function runCount() external view returns (uint256) {
        return _runCount;
    }

    /// @inheritdoc ILicenseCommitments
    function registry() external view returns (address) {
        return address(_registry);
    }

    // ------------------------------------------------------------------ private

    /// @dev Checks one leaf of `run` (as read from storage) and has the registry issue it. The
    /// caller counts the claim.
    function _claim(
        uint256 runId,
        RunRecord memory run,
        Leaf calldata leaf,
        bytes32[] calldata proof
    ) private {
        uint256 licenseId = leaf.licenseId;
        _checkInRun(runId, run, licenseId);
        // A leaf without a holder would be the registry's reservation mode: never a license.
        if (leaf.holder == address(0)) revert ERC721InvalidReceiver(address(0));
        if (!MerkleProof.verifyCalldata(proof, run.root, _leafHash(leaf))) {
            revert CommitmentProofInvalid(runId, licenseId);
        }
        // Most runs have no revoked leaf: then the bitmap is not read at all.
        if (run.revoked != 0 && (run.revoked == RUN_REVOKED || _revoked.get(licenseId))) {
            revert CommitmentLeafRevoked(runId, licenseId);
        }
        (uint256 issued, ) = _registry.committedIssuance(run.committer, run.kind, leaf);
        if (issued == 0) revert CommitmentLeafAlreadyClaimed(runId, licenseId);
        emit LeafClaimed(runId, licenseId, leaf.holder, msg.sender);
    }

    /// @dev Runs stay below `COMMITTED_SERIAL_LIMIT`: the rest is left to splits (and direct
    /// issuance), which pay a mint per serial. Reverting undoes the reservation. Returns the
    /// run's first serial.
    function _checkFits(
        uint256 firstLicenseId,
        uint256 leafCount
    ) private pure returns (uint256 firstSerial) {
        firstSerial = firstLicenseId % LicenseIds.SERIALS_PER_PRODUCT;
        if (firstSerial + leafCount > COMMITTED_SERIAL_LIMIT) {
            revert CommitmentRunSizeInvalid(
                leafCount,
                firstSerial < COMMITTED_SERIAL_LIMIT ? COMMITTED_SERIAL_LIMIT - firstSerial : 0
            );
        }
    }

    /// @dev A revocation of a leaf of `productId` (for a run: its first) is the controller's,
    /// with a reason and evidence.
    function _checkRevocation(
        uint256 productId,
        uint256 licenseId,
        uint16 reasonCode,
        bytes32 evidenceHash
    ) private view {
        if (msg.sender != _registry.getProduct(productId).controller) {
            revert ProductNotController(productId, msg.sender);
        }
        if (reasonCode == 0) revert LicenseReasonMissing(licenseId);
        if (evidenceHash == bytes32(0)) revert LicenseEvidenceMissing(licenseId);
    }

    function _checkInRun(uint256 runId, RunRecord memory run, uint256 licenseId) private pure {
        if (run.committer == address(0)) revert CommitmentRunUnknown(runId);
        if (!_inRange(run, licenseId)) {
            revert CommitmentLeafOutsideRun(runId, licenseId, _firstLicenseId(run), run.leafCount);
        }
    }

    /// @dev Whether license `licenseId` exists in the registry, that is, for an id of a run,
    /// whether its leaf was claimed.
    function _isClaimed(uint256 licenseId) private view returns (bool) {
        try IERC721(address(_registry)).ownerOf(licenseId) returns (address) {
            return true;
        } catch {
            return false;
        }
    }

    function _inRange(RunRecord memory run, uint256 licenseId) private pure returns (bool) {
        uint256 first = _firstLicenseId(run);
        // Unchecked: `licenseId >= first` is tested first.
        unchecked {
            return licenseId >= first && licenseId - first < run.leafCount;
        }
    }

    function _firstLicenseId(RunRecord memory run) private pure returns (uint256) {
        return LicenseIds.licenseId(run.productId, run.firstSerial);
    }

    /// @dev The OpenZeppelin `StandardMerkleTree` leaf of the tuple: the struct's seven static
    /// fields ABI-encode exactly as the tuple (the region as a uint8 word), hashed twice.
    function _leafHash(Leaf calldata leaf) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(leaf))));
    }
}
