// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";

import {ILicenseCommitments} from "../../../contracts/interfaces/ILicenseCommitments.sol";
import {ILicenseCommitmentsErrors} from "../../../contracts/interfaces/ILicenseCommitmentsErrors.sol";
import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {LicenseIds} from "../../../contracts/types/LicenseIds.sol";
import {FirstSaleRegion} from "../../../contracts/types/LicenseData.sol";
import {IssuerKind} from "../../../contracts/types/Product.sol";
import {Test} from "../utils/Test.sol";
import {MerkleTrees} from "../utils/MerkleTrees.sol";
import {HandlerText} from "./HandlerText.sol";

/// @notice What the handler expects of one license, kept apart from the chain.
struct ExpectedLicense {
    uint256 productIndex;
    address holder;
    /// @dev A `LicenseStatus` as a number: 0 active, 1 released, 2 revoked, 3 surrendered, 4 split.
    uint8 status;
    bool suspended;
    bool arbiterHold;
    bool attested;
    /// @dev Whether a release (declaration) was recorded since the license last moved.
    bool releasedSinceMove;
    uint32 seats;
    uint48 validUntil;
    /// @dev The issued license whose seats this one carries (itself for an issued license).
    uint256 root;
    /// @dev The split parent (0 for an issued license).
    uint256 parent;
    address approved;
    uint256 moves;
}

/// @notice What the second edition (issue 14) adds to a license's expected state.
struct ExpectedDispute {
    /// @dev A controller's suspension lapses at this time.
    uint48 suspensionLapsesAt;
    /// @dev When the license was last released (the attestation period runs from it).
    uint48 releasedAt;
    /// @dev The move count + 1 when the controller last suspended it (0: never).
    uint256 controllerSuspendedAtMove;
    /// @dev An arbiter reinstated it: only arbiters may suspend it from then on.
    bool arbiterReinstated;
    /// @dev Where its first sale took place (`FirstSaleRegion`; inherited by split children).
    uint8 region;
}

/// @notice A product as the handler expects it.
struct ExpectedProduct {
    uint256 id;
    uint48 validityPeriod;
    uint32 maxSeats;
    bool transferable;
    bool splittable;
    bool attestationRequired;
    address controller;
    uint256 serials;
}

/// @notice Which licenses an operation prefers to pick (it still picks any license at times).
enum Pick {
    Any,
    /// Active, not suspended, not expired.
    Live,
    /// Live, of a transferable product.
    Resellable,
    /// Resellable, and no attestation needed (so `releaseAndTransfer` can succeed).
    ResellableAtOnce,
    Released,
    Suspended
}

/// @notice The rule a successful call broke, by the handler's own bookkeeping.
enum Violation {
    /// The chain's outcome (success, or the exact revert data) differs from the model's.
    Outcome,
    /// A license moved with no release recorded since its previous move.
    MoveWithoutRelease,
    /// An ended license (revoked, surrendered, split) moved or changed state.
    EndedLicenseChanged,
    /// Someone neither controller nor authorised issuer issued a license, or someone not the
    /// controller granted issuer rights.
    UnauthorisedIssuance,
    /// Someone not entitled revoked, suspended, reinstated or attested.
    UnauthorisedInvalidation,
    /// Someone neither holder nor approved by it moved, released or split a license.
    UnapprovedMove,
    ControllerSuspendedAfterArbiter,
    AdminActedOnLicense,
    ExhaustedRefusedForTerms,
    EvidenceOverdrawn
}

/// @title RegistryHandler
/// @notice Drives random sequences of every registry operation by every kind of actor, predicts
/// each outcome (success, or the exact custom error) from its own ledger, and mirrors every
/// successful call in that ledger. Reverts are caught so a run continues; any divergence, and
/// any success that breaks a rule of DOMAIN.md by the ledger's account, is recorded as a
/// violation the invariant suite asserts is absent.
contract RegistryHandler is Test {
    uint256 private constant NO_PRODUCT = type(uint256).max;
    uint256 private constant UNKNOWN_PRODUCT_ID = 999;
    bytes32 private constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    uint48 private constant MAX_PAUSE = 3 days;
    uint48 private constant PAUSE_COOLDOWN = 7 days;
    uint48 private constant CONTROLLER_SUSPENSION_PERIOD = 30 days;
    uint48 private constant ATTESTATION_PERIOD = 14 days;

    LicenseRegistry public immutable registry;
    ILicenseCommitments public immutable commitments;
    HandlerText private immutable _text;
    address public immutable admin;
    address public immutable pauser;
    address public immutable arbiter;
    address public immutable publisher;
    address public immutable publisher2;
    address public immutable distributor;
    address public immutable dealer;
    address public immutable stranger;

    address[] private _actors;
    ExpectedProduct[] private _products;
    mapping(uint256 productIndex => mapping(address account => IssuerKind)) private _grants;
    mapping(uint256 productIndex => mapping(bytes32 key => uint256 licenseId)) private _keys;
    mapping(address owner => mapping(address operator => bool)) private _operators;
    mapping(address account => uint256) private _balances;

    uint256[] private _ids;
    mapping(uint256 licenseId => ExpectedLicense) private _ledger;
    mapping(uint256 licenseId => ExpectedDispute) private _disputes;
    /// @dev First-sale evidence comes from a small pool, so onboardings share paperwork.
    uint256 private constant EVIDENCE_POOL = 6;
    mapping(bytes32 evidence => uint256) private _evidenceCapacity;
    mapping(bytes32 evidence => uint256) private _evidenceUsed;
    uint256[] private _roots;
    mapping(uint256 root => uint256) private _rootSeats;
    mapping(uint256 root => uint256) private _rootSeatsEnded;
    uint256[] private _splitParents;
    mapping(uint256 parent => uint256[]) private _children;

    /// @dev Committed runs (issue 16): each run's product, committer, kind and leaves, and which
    /// leaves were claimed.
    struct CommittedRun {
        uint256 runId;
        uint256 productIndex;
        address committer;
        IssuerKind kind;
        uint256 leafCount;
    }
    CommittedRun[] private _runs;
    mapping(uint256 runIndex => mapping(uint256 leaf => ILicenseCommitments.Leaf)) private _leaves;
    mapping(uint256 runIndex => bytes32[]) private _leafHashes;
    mapping(uint256 licenseId => bool) private _claimed;
    /// @notice Serials reserved by runs whose leaves are not claimed (yet): no license has them.
    uint256 private _unclaimedLeaves;

    uint48 private _pausedUntil;
    /// @dev The region the issuance in progress records (0 but in `issueWithFirstSale`).
    uint8 private _pendingRegion;

    mapping(Violation => uint256) public violations;
    mapping(Violation => string) public firstViolation;
    mapping(string op => uint256) public attempted;
    mapping(string op => uint256) public succeeded;

    constructor(
        LicenseRegistry registry_,
        address[] memory actors_,
        uint256[] memory productIds,
        HandlerText text_
    ) {
        registry = registry_;
        commitments = ILicenseCommitments(registry_.commitments());
        _text = text_;
        _actors = actors_;
        admin = actors_[0];
        pauser = actors_[1];
        arbiter = actors_[2];
        publisher = actors_[3];
        publisher2 = actors_[4];
        distributor = actors_[5];
        dealer = actors_[6];
        stranger = actors_[actors_.length - 1];
        for (uint256 i; i < productIds.length; ++i) {
            ILicenseRegistry.ProductView memory p = registry_.getProduct(productIds[i]);
            _products.push(
                ExpectedProduct({
                    id: productIds[i],
                    validityPeriod: uint48(p.terms.validityDays) * 1 days,
                    maxSeats: p.terms.maxSeatsPerLicense,
                    transferable: p.terms.transferable,
                    splittable: p.terms.splittable,
                    attestationRequired: p.terms.attestationRequired,
                    controller: p.controller,
                    serials: p.licensesIssued
                })
            );
            for (uint256 a; a < actors_.length; ++a) {
                _grants[i][actors_[a]] = registry_.issuerKind(productIds[i], actors_[a]);
            }
        }
    }

    // ================================================================ issuance

    function issue(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 holderSeed,
        uint256 seatsSeed,
        uint256 validitySeed
    ) external {
        (uint256 pi, uint256 pid) = _pickProduct(productSeed);
        address caller = _issuingCaller(callerSeed, pi);
        ILicenseRegistry.IssueRequest[] memory reqs = new ILicenseRegistry.IssueRequest[](1);
        reqs[0] = _request(pi, holderSeed, seatsSeed, validitySeed, 0, 0);
        bytes memory expected = _expectIssuance(pi, pid, caller, reqs);
        attempted["issue"] += 1;
        vm.prank(caller);
        try registry.issue(pid, reqs[0].holder, reqs[0].seats, reqs[0].validUntil) returns (
            uint256 id
        ) {
            _afterIssuance("issue", pi, pid, caller, reqs, id, expected);
        } catch (bytes memory err) {
            _failed("issue", pid, caller, expected, err);
        }
    }

    function issueWithKey(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 holderSeed,
        uint256 seatsSeed,
        uint256 validitySeed,
        uint256 keySeed
    ) external {
        (uint256 pi, uint256 pid) = _pickProduct(productSeed);
        address caller = _issuingCaller(callerSeed, pi);
        ILicenseRegistry.IssueRequest[] memory reqs = new ILicenseRegistry.IssueRequest[](1);
        reqs[0] = _request(pi, holderSeed, seatsSeed, validitySeed, _key(keySeed), keySeed >> 8);
        bytes memory expected =
            reqs[0].keyCommitment == bytes32(0)
                ? abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseKeyCommitmentMissing.selector
                )
                : _expectIssuance(pi, pid, caller, reqs);
        attempted["issueWithKey"] += 1;
        vm.prank(caller);
        try
            registry.issueWithKey(
                pid,
                reqs[0].holder,
                reqs[0].seats,
                reqs[0].validUntil,
                reqs[0].keyCommitment,
                reqs[0].originEvidence
            )
        returns (uint256 id) {
            _afterIssuance("issueWithKey", pi, pid, caller, reqs, id, expected);
        } catch (bytes memory err) {
            _failed("issueWithKey", pid, caller, expected, err);
        }
    }

    function issueBatch(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 count,
        uint256 seed
    ) external {
        (uint256 pi, uint256 pid) = _pickProduct(productSeed);
        address caller = _issuingCaller(callerSeed, pi);
        count = bound(count, 0, 3);
        ILicenseRegistry.IssueRequest[] memory reqs = new ILicenseRegistry.IssueRequest[](count);
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes32 key = _oneIn(r >> 96, 3) ? _key(r >> 100) : bytes32(0);
            reqs[i] = _request(pi, r, r >> 32, r >> 64, key, r >> 128);
        }
        bytes memory expected =
            count == 0
                ? abi.encodeWithSelector(ILicenseRegistryErrors.LicenseBatchEmpty.selector)
                : _expectIssuance(pi, pid, caller, reqs);
        attempted["issueBatch"] += 1;
        vm.prank(caller);
        try registry.issueBatch(pid, reqs) returns (uint256 firstId) {
            _afterIssuance("issueBatch", pi, pid, caller, reqs, firstId, expected);
        } catch (bytes memory err) {
            _failed("issueBatch", pid, caller, expected, err);
        }
    }

    function issueWithFirstSale(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 holderSeed,
        uint256 seatsSeed,
        uint256 validitySeed,
        uint256 regionSeed
    ) external {
        (uint256 pi, uint256 pid) = _pickProduct(productSeed);
        address caller = _issuingCaller(callerSeed, pi);
        uint8 region = uint8(regionSeed % 8 == 0 ? 0 : 1 + ((regionSeed >> 3) % 3));
        ILicenseRegistry.IssueRequest[] memory reqs = new ILicenseRegistry.IssueRequest[](1);
        reqs[0] = _request(pi, holderSeed, seatsSeed, validitySeed, 0, regionSeed >> 8);
        bytes memory expected =
            region == 0
                ? abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseFirstSaleRegionMissing.selector,
                    pid
                )
                : _expectIssuance(pi, pid, caller, reqs);
        attempted["issueWithFirstSale"] += 1;
        vm.prank(caller);
        try registry.issueWithFirstSale(pid, FirstSaleRegion(region), reqs) returns (uint256 id) {
            _pendingRegion = region;
            _afterIssuance("issueWithFirstSale", pi, pid, caller, reqs, id, expected);
            _pendingRegion = 0;
        } catch (bytes memory err) {
            _failed("issueWithFirstSale", pid, caller, expected, err);
        }
    }

    // ================================================================ committed issuance

    /// @notice Commits a run of 1 to 4 leaves for the next serials of a product, built as the
    /// direct issuances are (so some leaves break a rule and are refused at claim).
    function commitRun(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 countSeed,
        uint256 seed
    ) external {
        (uint256 pi, uint256 pid) = _pickProduct(productSeed);
        address caller = _issuingCaller(callerSeed, pi);
        uint256 count = bound(countSeed, 1, 4);
        bytes memory expected = _expectCommit(pi, pid, caller);
        uint256 first = pi == NO_PRODUCT ? 0 : LicenseIds.licenseId(pid, _products[pi].serials + 1);
        uint256 runIndex = _runs.length;
        bytes32 root = _buildLeaves(runIndex, pi, first, count, seed);
        attempted["commitRun"] += 1;
        vm.prank(caller);
        try commitments.commit(pid, root, count, "", bytes32(0)) returns (
            uint256 runId,
            uint256 firstId
        ) {
            _succeeded("commitRun", pid, caller, expected);
            if (pi == NO_PRODUCT) return;
            if (firstId != first)
                _violate(Violation.Outcome, "commit: run off the serials", firstId, caller);
            ExpectedProduct storage p = _products[pi];
            IssuerKind kind = caller == p.controller ? IssuerKind.None : _grants[pi][caller];
            if (caller != p.controller && kind == IssuerKind.None) {
                _violate(Violation.UnauthorisedIssuance, "commitRun", firstId, caller);
            }
            _runs.push(CommittedRun(runId, pi, caller, kind, count));
            p.serials += count;
            _unclaimedLeaves += count;
        } catch (bytes memory err) {
            delete _leafHashes[runIndex];
            _failed("commitRun", pid, caller, expected, err);
        }
    }

    /// @notice Claims a leaf of a committed run, by anybody: the license goes to the leaf's
    /// holder, under the rules of a direct issuance by the committer as it was at commit.
    function claimLeaf(uint256 runSeed, uint256 leafSeed, uint256 callerSeed) external {
        if (_runs.length == 0) return;
        uint256 runIndex = runSeed % _runs.length;
        CommittedRun storage run = _runs[runIndex];
        uint256 index = leafSeed % run.leafCount;
        ILicenseCommitments.Leaf memory leaf = _leaves[runIndex][index];
        address caller = _actor(callerSeed);
        ILicenseRegistry.IssueRequest[] memory reqs = new ILicenseRegistry.IssueRequest[](1);
        reqs[0] = ILicenseRegistry.IssueRequest(
            leaf.holder,
            leaf.seats,
            leaf.validUntil,
            leaf.keyCommitment,
            leaf.originEvidence
        );
        bytes memory expected;
        if (block.timestamp < _pausedUntil) {
            expected = _paused();
        } else if (_claimed[leaf.licenseId]) {
            expected = abi.encodeWithSelector(
                ILicenseCommitmentsErrors.CommitmentLeafAlreadyClaimed.selector,
                run.runId,
                leaf.licenseId
            );
        } else {
            expected = _expectRequest(
                run.productIndex,
                _products[run.productIndex].id,
                run.committer,
                run.kind,
                reqs,
                0,
                leaf.licenseId
            );
        }
        attempted["claimLeaf"] += 1;
        vm.prank(caller);
        try commitments.claim(run.runId, leaf, MerkleTrees.proof(_leafHashes[runIndex], index)) {
            _succeeded("claimLeaf", leaf.licenseId, caller, expected);
            _claimed[leaf.licenseId] = true;
            _unclaimedLeaves -= 1;
            _pendingRegion = uint8(leaf.region);
            _recordLicense("claimLeaf", run.productIndex, leaf.licenseId, reqs[0], run.committer);
            _pendingRegion = 0;
            if (registry.ownerOf(leaf.licenseId) != leaf.holder) {
                _violate(Violation.Outcome, "claim: not the leaf's holder", leaf.licenseId, caller);
            }
        } catch (bytes memory err) {
            _failed("claimLeaf", leaf.licenseId, caller, expected, err);
        }
    }

    /// @dev The leaves of run `runIndex` (built as direct issuances' requests are), and its root.
    function _buildLeaves(
        uint256 runIndex,
        uint256 pi,
        uint256 first,
        uint256 count,
        uint256 seed
    ) private returns (bytes32) {
        bytes32[] storage hashes = _leafHashes[runIndex];
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            bytes32 key = _oneIn(r >> 96, 3) ? _key(r >> 100) : bytes32(0);
            ILicenseRegistry.IssueRequest memory q = _request(
                pi,
                r,
                r >> 32,
                r >> 64,
                key,
                r >> 128
            );
            ILicenseCommitments.Leaf memory leaf = ILicenseCommitments.Leaf({
                licenseId: first + i,
                holder: q.holder,
                seats: q.seats,
                validUntil: q.validUntil,
                region: FirstSaleRegion((r >> 160) % 4),
                keyCommitment: q.keyCommitment,
                originEvidence: q.originEvidence
            });
            _leaves[runIndex][i] = leaf;
            hashes.push(MerkleTrees.leafHash(leaf));
        }
        return MerkleTrees.root(hashes);
    }

    function _expectCommit(
        uint256 pi,
        uint256 pid,
        address caller
    ) private view returns (bytes memory) {
        if (block.timestamp < _pausedUntil) return _paused();
        if (pi == NO_PRODUCT) return _err(ILicenseRegistryErrors.ProductDoesNotExist.selector, pid);
        ExpectedProduct storage p = _products[pi];
        if (caller != p.controller && _grants[pi][caller] == IssuerKind.None) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.ProductNotIssuer.selector,
                    pid,
                    caller
                );
        }
        return "";
    }

    function unclaimedLeaves() external view returns (uint256) {
        return _unclaimedLeaves;
    }

    function declareEvidence(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 evidenceSeed,
        uint256 capacitySeed
    ) external {
        (uint256 pi, uint256 pid) = _pickProduct(productSeed);
        address caller = _issuingCaller(callerSeed, pi);
        bytes32 evidence = _evidenceOf(evidenceSeed);
        uint256 capacity = bound(capacitySeed, 0, 200);
        bytes memory expected;
        if (pi == NO_PRODUCT) {
            expected = _err(ILicenseRegistryErrors.ProductDoesNotExist.selector, pid);
        } else if (caller != _products[pi].controller && _grants[pi][caller] == IssuerKind.None) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotIssuer.selector,
                pid,
                caller
            );
        } else if (evidence == bytes32(0) || capacity == 0) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceDeclarationInvalid.selector,
                evidence,
                capacity
            );
        } else if (_evidenceCapacity[evidence] != 0) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.EvidenceAlreadyDeclared.selector,
                evidence,
                _evidenceCapacity[evidence]
            );
        }
        attempted["declareEvidence"] += 1;
        vm.prank(caller);
        try registry.declareEvidence(pid, evidence, capacity) {
            _succeeded("declareEvidence", pid, caller, expected);
            _evidenceCapacity[evidence] = capacity;
        } catch (bytes memory err) {
            _failed("declareEvidence", pid, caller, expected, err);
        }
    }

    // ================================================================ holder actions

    function release(uint256 licenseSeed, uint256 callerSeed, uint256 declarationSeed) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Resellable);
        address caller = _managingCaller(callerSeed, lic);
        bytes32 declaration = _hashOrZero(declarationSeed, "declaration");
        bytes memory expected = _expectRelease(id, lic, caller, declaration);
        attempted["release"] += 1;
        vm.prank(caller);
        try registry.release(id, declaration) {
            _succeeded("release", id, caller, expected);
            _checkHolderAction(id, lic, caller);
            lic.status = 1;
            _disputes[id].releasedAt = uint48(block.timestamp);
            lic.releasedSinceMove = true;
        } catch (bytes memory err) {
            _checkExhaustedNotRefused("release", id, caller, err);
            _failed("release", id, caller, expected, err);
        }
    }

    function withdrawRelease(uint256 licenseSeed, uint256 callerSeed) external {
        // A withdrawal undoes a release: keep it rarer than the moves a release enables.
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(
            licenseSeed,
            _oneIn(callerSeed, 3) ? Pick.Released : Pick.Any
        );
        address caller = _oneIn(callerSeed >> 1, 2) ? lic.holder : _actor(callerSeed >> 2);
        bytes memory expected;
        if (!_mayManage(caller, lic)) {
            expected = _insufficientApproval(caller, id);
        } else if (lic.status != 1) {
            expected = _err(ILicenseRegistryErrors.LicenseNotReleased.selector, id);
        }
        attempted["withdrawRelease"] += 1;
        vm.prank(caller);
        try registry.withdrawRelease(id) {
            _succeeded("withdrawRelease", id, caller, expected);
            _checkHolderAction(id, lic, caller);
            lic.status = 0;
            lic.attested = false;
            lic.releasedSinceMove = false;
        } catch (bytes memory err) {
            _failed("withdrawRelease", id, caller, expected, err);
        }
    }

    function transferFrom(
        uint256 licenseSeed,
        uint256 callerSeed,
        uint256 toSeed,
        uint256 fromSeed
    ) external {
        _transferOp(false, licenseSeed, callerSeed, toSeed, fromSeed);
    }

    /// @dev Recipients are accounts without code, so this is `transferFrom` through the other
    /// entry point (the hook must guard both).
    function safeTransferFrom(
        uint256 licenseSeed,
        uint256 callerSeed,
        uint256 toSeed,
        uint256 fromSeed
    ) external {
        _transferOp(true, licenseSeed, callerSeed, toSeed, fromSeed);
    }

    function releaseAndTransfer(
        uint256 licenseSeed,
        uint256 callerSeed,
        uint256 toSeed,
        uint256 declarationSeed
    ) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(
            licenseSeed,
            Pick.ResellableAtOnce
        );
        address caller = _managingCaller(callerSeed, lic);
        address to = _actor(toSeed);
        bytes32 declaration = _hashOrZero(declarationSeed, "declaration");
        bytes memory expected = _expectReleaseAndTransfer(id, lic, caller, declaration);
        attempted["releaseAndTransfer"] += 1;
        vm.prank(caller);
        try registry.releaseAndTransfer(to, id, declaration) {
            _succeeded("releaseAndTransfer", id, caller, expected);
            // The release recorded in this very call is the declaration the move relies on.
            if (!lic.releasedSinceMove && lic.status < 2) lic.releasedSinceMove = true;
            _moved("releaseAndTransfer", id, lic, caller, to, _mayManage(caller, lic));
        } catch (bytes memory err) {
            _checkExhaustedNotRefused("releaseAndTransfer", id, caller, err);
            _failed("releaseAndTransfer", id, caller, expected, err);
        }
    }

    function split(uint256 licenseSeed, uint256 callerSeed, uint256 parts, uint256 seed) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Live);
        address caller = _managingCaller(callerSeed, lic);
        uint32[] memory seats = _parts(lic.seats, bound(parts, 1, 4), seed);
        bytes memory expected = _expectSplit(id, lic, caller, seats);
        attempted["split"] += 1;
        vm.prank(caller);
        try registry.split(id, seats) returns (uint256 firstChild) {
            _succeeded("split", id, caller, expected);
            _checkHolderAction(id, lic, caller);
            _afterSplit(id, lic, seats, firstChild);
        } catch (bytes memory err) {
            _failed("split", id, caller, expected, err);
        }
    }

    function surrender(uint256 licenseSeed, uint256 callerSeed) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Live);
        // Surrender ends a license for good: keep it rare so licenses live long enough to move.
        address caller = _oneIn(callerSeed, 4) ? lic.holder : _actor(callerSeed >> 2);
        bytes memory expected;
        if (caller != lic.holder) {
            expected = abi.encodeWithSelector(
                IERC721Errors.ERC721IncorrectOwner.selector,
                caller,
                id,
                lic.holder
            );
        } else if (lic.status >= 2) {
            expected = _ended(id, lic);
        }
        attempted["surrender"] += 1;
        vm.prank(caller);
        try registry.surrender(id) {
            _succeeded("surrender", id, caller, expected);
            if (caller != lic.holder) _violate(Violation.UnapprovedMove, "surrender", id, caller);
            _end(lic, 3);
        } catch (bytes memory err) {
            _failed("surrender", id, caller, expected, err);
        }
    }

    function approve(uint256 licenseSeed, uint256 callerSeed, uint256 approvedSeed) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Any);
        address caller = callerSeed % 4 == 0 ? _actor(callerSeed >> 2) : lic.holder;
        address account = approvedSeed % 5 == 0 ? address(0) : _actor(approvedSeed);
        bytes memory expected;
        if (caller != lic.holder && !_operators[lic.holder][caller]) {
            expected = abi.encodeWithSelector(ERC721.NotOwnerNorApproved.selector);
        }
        attempted["approve"] += 1;
        vm.prank(caller);
        try registry.approve(account, id) {
            _succeeded("approve", id, caller, expected);
            lic.approved = account;
        } catch (bytes memory err) {
            _failed("approve", id, caller, expected, err);
        }
    }

    function setApprovalForAll(uint256 ownerSeed, uint256 operatorSeed, bool approved) external {
        address owner = _actor(ownerSeed);
        address operator = _actor(operatorSeed);
        attempted["setApprovalForAll"] += 1;
        vm.prank(owner);
        registry.setApprovalForAll(operator, approved);
        succeeded["setApprovalForAll"] += 1;
        _operators[owner][operator] = approved;
    }

    // ================================================================ controller and arbiter

    function attestDeactivation(
        uint256 licenseSeed,
        uint256 callerSeed,
        uint256 evidenceSeed
    ) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Released);
        address controller = _products[lic.productIndex].controller;
        address caller = _caller(callerSeed, controller);
        bytes32 evidence = _hashOrZero(evidenceSeed, "attestation");
        bytes memory expected;
        if (caller != controller) {
            expected = _notController(lic.productIndex, caller);
        } else if (evidence == bytes32(0)) {
            expected = _err(ILicenseRegistryErrors.LicenseEvidenceMissing.selector, id);
        } else if (lic.status != 1) {
            expected = _err(ILicenseRegistryErrors.LicenseNotReleased.selector, id);
        } else if (lic.attested) {
            expected = _err(ILicenseRegistryErrors.LicenseAlreadyAttested.selector, id);
        }
        attempted["attestDeactivation"] += 1;
        vm.prank(caller);
        try registry.attestDeactivation(id, evidence) {
            _succeeded("attestDeactivation", id, caller, expected);
            if (caller != controller) {
                _violate(Violation.UnauthorisedInvalidation, "attest", id, caller);
            }
            if (lic.status >= 2) _violate(Violation.EndedLicenseChanged, "attest", id, caller);
            lic.attested = true;
        } catch (bytes memory err) {
            _failed("attestDeactivation", id, caller, expected, err);
        }
    }

    function revoke(
        uint256 licenseSeed,
        uint256 callerSeed,
        uint16 reasonCode,
        uint256 evidenceSeed
    ) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(
            licenseSeed,
            _oneIn(licenseSeed, 3) ? Pick.Suspended : Pick.Live
        );
        address controller = _products[lic.productIndex].controller;
        // Revocation ends a license for good: keep it rare so licenses live long enough to move.
        address caller = _oneIn(callerSeed, 4) ? controller : _actor(callerSeed >> 2);
        if (evidenceSeed % 8 != 0 && reasonCode == 0) reasonCode = 2;
        bytes32 evidence = _hashOrZero(evidenceSeed >> 3, "revocation");
        bytes memory expected;
        if (caller != controller) {
            expected = _notController(lic.productIndex, caller);
        } else if (reasonCode == 0) {
            expected = _err(ILicenseRegistryErrors.LicenseReasonMissing.selector, id);
        } else if (evidence == bytes32(0)) {
            expected = _err(ILicenseRegistryErrors.LicenseEvidenceMissing.selector, id);
        } else if (lic.status >= 2) {
            expected = _ended(id, lic);
        } else if (lic.arbiterHold) {
            expected = _err(ILicenseRegistryErrors.LicenseArbiterHold.selector, id);
        }
        attempted["revoke"] += 1;
        vm.prank(caller);
        try registry.revoke(id, reasonCode, evidence) {
            _succeeded("revoke", id, caller, expected);
            if (caller != controller) {
                _violate(Violation.UnauthorisedInvalidation, "revoke", id, caller);
            }
            if (lic.status >= 2) _violate(Violation.EndedLicenseChanged, "revoke", id, caller);
            if (lic.arbiterHold) {
                _violate(Violation.UnauthorisedInvalidation, "revoke", id, caller);
            }
            if (caller == admin) _violate(Violation.AdminActedOnLicense, "revoke", id, caller);
            _end(lic, 2);
        } catch (bytes memory err) {
            _failed("revoke", id, caller, expected, err);
        }
    }

    function suspend(uint256 licenseSeed, uint256 callerSeed, uint256 evidenceSeed) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Live);
        address controller = _products[lic.productIndex].controller;
        address caller = _caller(callerSeed, callerSeed % 2 == 0 ? arbiter : controller);
        bytes32 evidence = _hashOrZero(evidenceSeed, "dispute");
        bool byArbiter = caller == arbiter;
        bytes memory expected;
        if (!byArbiter && caller != controller) {
            expected = _notControllerOrArbiter(lic.productIndex, caller);
        } else if (evidence == bytes32(0)) {
            expected = _err(ILicenseRegistryErrors.LicenseEvidenceMissing.selector, id);
        } else if (lic.status >= 2) {
            expected = _ended(id, lic);
        } else if (_suspendedNow(id)) {
            expected = _err(ILicenseRegistryErrors.LicenseIsSuspended.selector, id);
        } else if (!byArbiter && _disputes[id].arbiterReinstated) {
            expected = _err(
                ILicenseRegistryErrors.LicenseSuspensionReservedToArbiters.selector,
                id
            );
        } else if (!byArbiter && _disputes[id].controllerSuspendedAtMove == lic.moves + 1) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseControllerSuspensionUsed.selector,
                id,
                lic.moves
            );
        }
        attempted["suspend"] += 1;
        vm.prank(caller);
        try registry.suspend(id, evidence) {
            _succeeded("suspend", id, caller, expected);
            if (!byArbiter && caller != controller) {
                _violate(Violation.UnauthorisedInvalidation, "suspend", id, caller);
            }
            if (lic.status >= 2) _violate(Violation.EndedLicenseChanged, "suspend", id, caller);
            if (!byArbiter && _disputes[id].arbiterReinstated) {
                _violate(Violation.ControllerSuspendedAfterArbiter, "suspend", id, caller);
            }
            if (caller == admin) _violate(Violation.AdminActedOnLicense, "suspend", id, caller);
            lic.suspended = true;
            lic.arbiterHold = byArbiter;
            if (!byArbiter) {
                _disputes[id].suspensionLapsesAt =
                    uint48(block.timestamp) + CONTROLLER_SUSPENSION_PERIOD;
                _disputes[id].controllerSuspendedAtMove = lic.moves + 1;
            }
        } catch (bytes memory err) {
            _failed("suspend", id, caller, expected, err);
        }
    }

    function reinstate(uint256 licenseSeed, uint256 callerSeed) external {
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Suspended);
        address controller = _products[lic.productIndex].controller;
        address caller = _caller(callerSeed, callerSeed % 2 == 0 ? arbiter : controller);
        bool byArbiter = caller == arbiter;
        bytes memory expected;
        if (!byArbiter && caller != controller) {
            expected = _notControllerOrArbiter(lic.productIndex, caller);
        } else if (!_suspendedNow(id)) {
            expected = _err(ILicenseRegistryErrors.LicenseNotSuspended.selector, id);
        } else if (lic.arbiterHold && !byArbiter) {
            expected = _err(ILicenseRegistryErrors.LicenseArbiterHold.selector, id);
        }
        attempted["reinstate"] += 1;
        vm.prank(caller);
        try registry.reinstate(id, bytes32(callerSeed)) {
            _succeeded("reinstate", id, caller, expected);
            if ((!byArbiter && caller != controller) || (lic.arbiterHold && !byArbiter)) {
                _violate(Violation.UnauthorisedInvalidation, "reinstate", id, caller);
            }
            if (lic.status >= 2) _violate(Violation.EndedLicenseChanged, "reinstate", id, caller);
            lic.suspended = false;
            lic.arbiterHold = false;
            if (byArbiter) _disputes[id].arbiterReinstated = true;
        } catch (bytes memory err) {
            _failed("reinstate", id, caller, expected, err);
        }
    }

    function setIssuer(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 issuerSeed,
        uint8 kindSeed
    ) external {
        uint256 pi = productSeed % _products.length;
        ExpectedProduct storage p = _products[pi];
        address caller = _caller(callerSeed, p.controller);
        address issuer = _actor(issuerSeed);
        IssuerKind kind = IssuerKind(kindSeed % 3);
        bytes memory expected;
        if (caller != p.controller) expected = _notController(pi, caller);
        attempted["setIssuer"] += 1;
        vm.prank(caller);
        try registry.setIssuer(p.id, issuer, kind) {
            _succeeded("setIssuer", p.id, caller, expected);
            if (caller != p.controller) {
                _violate(Violation.UnauthorisedIssuance, "setIssuer", p.id, caller);
            }
            _grants[pi][issuer] = kind;
        } catch (bytes memory err) {
            _failed("setIssuer", p.id, caller, expected, err);
        }
    }

    /// @notice The controller hands the product over to the other publisher, who accepts; every
    /// issuer grant of the product lapses.
    function handOverControl(uint256 productSeed, uint256 callerSeed) external {
        uint256 pi = productSeed % _products.length;
        ExpectedProduct storage p = _products[pi];
        // A handover voids every issuer grant: keep it rare so issuers get to issue.
        address caller = _oneIn(callerSeed, 4) ? p.controller : _actor(callerSeed >> 2);
        address next = p.controller == publisher ? publisher2 : publisher;
        bytes memory expected;
        if (caller != p.controller) expected = _notController(pi, caller);
        attempted["handOverControl"] += 1;
        vm.prank(caller);
        try registry.transferProductControl(p.id, next) {
            _succeeded("handOverControl", p.id, caller, expected);
        } catch (bytes memory err) {
            _failed("handOverControl", p.id, caller, expected, err);
            return;
        }
        vm.prank(next);
        try registry.acceptProductControl(p.id) {
            p.controller = next;
            for (uint256 a; a < _actors.length; ++a) _grants[pi][_actors[a]] = IssuerKind.None;
        } catch (bytes memory err) {
            _failed("acceptProductControl", p.id, next, "", err);
        }
    }

    // ================================================================ time and pause

    /// @notice The admin (or anyone) tries to recover control of a product. Every product here
    /// is a publisher's, so the admin has no power over any of them: nothing may change.
    function startProductControlRecovery(
        uint256 productSeed,
        uint256 callerSeed,
        uint256 targetSeed
    ) external {
        (uint256 pi, uint256 pid) = _pickProduct(productSeed);
        address caller = _caller(callerSeed, admin);
        address target = _actor(targetSeed);
        bytes memory expected;
        if (caller != admin) {
            expected = abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                caller,
                bytes32(0)
            );
        } else if (pi == NO_PRODUCT) {
            expected = _err(ILicenseRegistryErrors.ProductDoesNotExist.selector, pid);
        } else {
            expected = _err(ILicenseRegistryErrors.ProductNotOperatorControlled.selector, pid);
        }
        attempted["startProductControlRecovery"] += 1;
        vm.prank(caller);
        try registry.startProductControlRecovery(pid, target) {
            _succeeded("startProductControlRecovery", pid, caller, expected);
            _violate(Violation.AdminActedOnLicense, "recovered a publisher's product", pid, caller);
        } catch (bytes memory err) {
            _failed("startProductControlRecovery", pid, caller, expected, err);
        }
    }

    function warp(uint256 secondsSeed) external {
        attempted["warp"] += 1;
        vm.warp(block.timestamp + bound(secondsSeed, 1, 10 days));
        succeeded["warp"] += 1;
    }

    function pause(uint256 callerSeed, uint256 durationSeed) external {
        address caller = _caller(callerSeed, pauser);
        uint48 duration = uint48(bound(durationSeed, 0, MAX_PAUSE + 1));
        uint48 now_ = uint48(block.timestamp);
        bytes memory expected;
        if (caller != pauser) {
            expected = abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                caller,
                PAUSER_ROLE
            );
        } else if (duration == 0 || duration > MAX_PAUSE) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPauseDurationInvalid.selector,
                duration,
                MAX_PAUSE
            );
        } else if (now_ < _pausedUntil) {
            expected = _paused();
        } else if (_pausedUntil != 0 && now_ < _pausedUntil + PAUSE_COOLDOWN) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPauseCoolingDown.selector,
                _pausedUntil + PAUSE_COOLDOWN
            );
        }
        attempted["pause"] += 1;
        vm.prank(caller);
        try registry.pause(duration) {
            _succeeded("pause", duration, caller, expected);
            _pausedUntil = now_ + duration;
        } catch (bytes memory err) {
            _failed("pause", duration, caller, expected, err);
        }
    }

    function unpause(uint256 callerSeed) external {
        address caller = _caller(callerSeed, pauser);
        uint48 now_ = uint48(block.timestamp);
        bytes memory expected;
        if (caller != pauser) {
            expected = abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                caller,
                PAUSER_ROLE
            );
        } else if (now_ >= _pausedUntil) {
            expected = abi.encodeWithSelector(ILicenseRegistryErrors.RegistryNotPaused.selector);
        }
        attempted["unpause"] += 1;
        vm.prank(caller);
        try registry.unpause() {
            _succeeded("unpause", 0, caller, expected);
            _pausedUntil = now_;
        } catch (bytes memory err) {
            _failed("unpause", 0, caller, expected, err);
        }
    }

    // ================================================================ shared operations

    function _transferOp(
        bool safe,
        uint256 licenseSeed,
        uint256 callerSeed,
        uint256 toSeed,
        uint256 fromSeed
    ) private {
        string memory op = safe ? "safeTransferFrom" : "transferFrom";
        (uint256 id, ExpectedLicense storage lic) = _pickLicense(licenseSeed, Pick.Released);
        address caller = _managingCaller(callerSeed, lic);
        address to = _actor(toSeed);
        address from = _oneIn(fromSeed, 8) ? _actor(fromSeed >> 3) : lic.holder;
        bytes memory expected = _expectTransfer(id, lic, caller, from);
        bool approved = caller == from || caller == lic.approved || _operators[from][caller];
        attempted[op] += 1;
        vm.prank(caller);
        if (safe) {
            try registry.safeTransferFrom(from, to, id) {
                _succeeded(op, id, caller, expected);
                _moved(op, id, lic, caller, to, approved && from == lic.holder);
            } catch (bytes memory err) {
                _failed(op, id, caller, expected, err);
            }
        } else {
            try registry.transferFrom(from, to, id) {
                _succeeded(op, id, caller, expected);
                _moved(op, id, lic, caller, to, approved && from == lic.holder);
            } catch (bytes memory err) {
                _failed(op, id, caller, expected, err);
            }
        }
    }

    // ================================================================ ledger views

    function licenseCount() external view returns (uint256) {
        return _ids.length;
    }

    function licenseAt(uint256 index) external view returns (uint256) {
        return _ids[index];
    }

    /// @dev The expected license as the registry reports it now: a controller's suspension
    /// that lapsed is no suspension.
    function expectedLicense(uint256 id) external view returns (ExpectedLicense memory e) {
        e = _ledger[id];
        e.suspended = _suspendedNow(id);
    }

    function productCount() external view returns (uint256) {
        return _products.length;
    }

    function expectedProduct(uint256 index) external view returns (ExpectedProduct memory) {
        return _products[index];
    }

    function expectedIssuerKind(uint256 index, address account) external view returns (IssuerKind) {
        return _grants[index][account];
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function expectedBalance(address account) external view returns (uint256) {
        return _balances[account];
    }

    function roots() external view returns (uint256[] memory) {
        return _roots;
    }

    function rootSeats(uint256 root) external view returns (uint256 issued, uint256 ended) {
        return (_rootSeats[root], _rootSeatsEnded[root]);
    }

    function splitParents() external view returns (uint256[] memory) {
        return _splitParents;
    }

    function childrenOf(uint256 parent) external view returns (uint256[] memory) {
        return _children[parent];
    }

    function expectedPausedUntil() external view returns (uint48) {
        return _pausedUntil;
    }

    function expectedValid(uint256 id) external view returns (bool) {
        ExpectedLicense storage lic = _ledger[id];
        return lic.status == 0 && !_suspendedNow(id) && !_expired(lic);
    }

    // ================================================================ model: expected outcomes

    function _expectIssuance(
        uint256 pi,
        uint256 pid,
        address caller,
        ILicenseRegistry.IssueRequest[] memory reqs
    ) private view returns (bytes memory) {
        if (block.timestamp < _pausedUntil) return _paused();
        if (pi == NO_PRODUCT) return _err(ILicenseRegistryErrors.ProductDoesNotExist.selector, pid);
        ExpectedProduct storage p = _products[pi];
        IssuerKind kind = IssuerKind.None;
        if (caller != p.controller) {
            kind = _grants[pi][caller];
            if (kind == IssuerKind.None) {
                return
                    abi.encodeWithSelector(
                        ILicenseRegistryErrors.ProductNotIssuer.selector,
                        pid,
                        caller
                    );
            }
        }
        uint256 firstId = LicenseIds.licenseId(pid, p.serials + 1);
        for (uint256 i; i < reqs.length; ++i) {
            bytes memory refusal = _expectRequest(pi, pid, caller, kind, reqs, i, firstId);
            if (refusal.length != 0) return refusal;
        }
        return "";
    }

    /// @dev The refusal request `i` of an issuance meets, if any, in the registry's order.
    function _expectRequest(
        uint256 pi,
        uint256 pid,
        address caller,
        IssuerKind kind,
        ILicenseRegistry.IssueRequest[] memory reqs,
        uint256 i,
        uint256 firstId
    ) private view returns (bytes memory) {
        ExpectedProduct storage p = _products[pi];
        ILicenseRegistry.IssueRequest memory r = reqs[i];
        if (kind == IssuerKind.Onboarder && r.originEvidence == bytes32(0)) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseOriginEvidenceMissing.selector,
                    pid,
                    caller
                );
        }
        if (r.seats == 0 || r.seats > p.maxSeats) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseSeatsInvalid.selector,
                    r.seats,
                    p.maxSeats
                );
        }
        if (p.validityPeriod == 0) {
            if (r.validUntil != 0) {
                return
                    abi.encodeWithSelector(
                        ILicenseRegistryErrors.LicenseValidityInvalid.selector,
                        r.validUntil,
                        0
                    );
            }
        } else {
            uint256 latest = block.timestamp + p.validityPeriod;
            if (r.validUntil <= block.timestamp || r.validUntil > latest) {
                return
                    abi.encodeWithSelector(
                        ILicenseRegistryErrors.LicenseValidityInvalid.selector,
                        r.validUntil,
                        latest
                    );
            }
        }
        bytes memory keyRefusal = _expectKeyFree(pi, reqs, i, firstId);
        if (keyRefusal.length != 0) return keyRefusal;
        return _expectEvidence(reqs, i);
    }

    /// @dev Evidence draws its seats from its capacity (set by a declaration, or else by the
    /// first license issued on it), counting earlier requests of the same batch.
    function _expectEvidence(
        ILicenseRegistry.IssueRequest[] memory reqs,
        uint256 i
    ) private view returns (bytes memory) {
        bytes32 evidence = reqs[i].originEvidence;
        if (evidence == bytes32(0)) return "";
        uint256 capacity = _evidenceCapacity[evidence];
        uint256 used = _evidenceUsed[evidence];
        for (uint256 j; j < i; ++j) {
            if (reqs[j].originEvidence != evidence) continue;
            if (capacity == 0) capacity = reqs[j].seats;
            used += reqs[j].seats;
        }
        if (capacity == 0) capacity = reqs[i].seats;
        if (used + reqs[i].seats > capacity) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.EvidenceCapacityExceeded.selector,
                    evidence,
                    capacity,
                    used,
                    reqs[i].seats
                );
        }
        return "";
    }

    /// @dev A key commitment binds one license of its product, counting earlier requests of the
    /// same batch.
    function _expectKeyFree(
        uint256 pi,
        ILicenseRegistry.IssueRequest[] memory reqs,
        uint256 i,
        uint256 firstId
    ) private view returns (bytes memory) {
        bytes32 key = reqs[i].keyCommitment;
        if (key == bytes32(0)) return "";
        uint256 existing = _keys[pi][key];
        for (uint256 j; j < i && existing == 0; ++j) {
            if (reqs[j].keyCommitment == key) existing = firstId + j;
        }
        if (existing == 0) return "";
        return
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseKeyCommitmentInUse.selector,
                key,
                existing
            );
    }

    function _expectRelease(
        uint256 id,
        ExpectedLicense storage lic,
        address caller,
        bytes32 declaration
    ) private view returns (bytes memory) {
        if (!_mayManage(caller, lic)) return _insufficientApproval(caller, id);
        bytes memory live = _expectLive(id, lic);
        if (live.length != 0) return live;
        if (!_products[lic.productIndex].transferable && !_exhausted(id)) {
            return _err(ILicenseRegistryErrors.LicenseNotTransferable.selector, id);
        }
        if (lic.status == 1)
            return _err(ILicenseRegistryErrors.LicenseAlreadyReleased.selector, id);
        if (declaration == bytes32(0)) {
            return _err(ILicenseRegistryErrors.LicenseDeclarationMissing.selector, id);
        }
        return "";
    }

    function _expectTransfer(
        uint256 id,
        ExpectedLicense storage lic,
        address caller,
        address from
    ) private view returns (bytes memory) {
        if (block.timestamp < _pausedUntil) return _paused();
        // A caller that may not move the license is told so before any rule.
        if (!_mayManage(caller, lic)) return _insufficientApproval(caller, id);
        bytes memory live = _expectLive(id, lic);
        if (live.length != 0) return live;
        if (lic.status != 1) return _err(ILicenseRegistryErrors.LicenseNotReleased.selector, id);
        // A withheld attestation lapses: the declaration suffices after the period.
        if (
            _products[lic.productIndex].attestationRequired &&
            !lic.attested &&
            block.timestamp < uint256(_disputes[id].releasedAt) + ATTESTATION_PERIOD
        ) {
            return _err(ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector, id);
        }
        if (from != lic.holder) {
            return abi.encodeWithSelector(ERC721.TransferFromIncorrectOwner.selector);
        }
        if (caller != from && caller != lic.approved && !_operators[from][caller]) {
            return abi.encodeWithSelector(ERC721.NotOwnerNorApproved.selector);
        }
        return "";
    }

    function _expectReleaseAndTransfer(
        uint256 id,
        ExpectedLicense storage lic,
        address caller,
        bytes32 declaration
    ) private view returns (bytes memory) {
        if (block.timestamp < _pausedUntil) return _paused();
        bytes memory live = _expectLive(id, lic);
        if (live.length != 0) return live;
        ExpectedProduct storage p = _products[lic.productIndex];
        if (!p.transferable && !_exhausted(id))
            return _err(ILicenseRegistryErrors.LicenseNotTransferable.selector, id);
        if (lic.status == 1)
            return _err(ILicenseRegistryErrors.LicenseAlreadyReleased.selector, id);
        if (declaration == bytes32(0)) {
            return _err(ILicenseRegistryErrors.LicenseDeclarationMissing.selector, id);
        }
        if (p.attestationRequired && !lic.attested) {
            return _err(ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector, id);
        }
        if (!_mayManage(caller, lic)) {
            return abi.encodeWithSelector(ERC721.NotOwnerNorApproved.selector);
        }
        return "";
    }

    function _expectSplit(
        uint256 id,
        ExpectedLicense storage lic,
        address caller,
        uint32[] memory seats
    ) private view returns (bytes memory) {
        if (!_mayManage(caller, lic)) return _insufficientApproval(caller, id);
        if (block.timestamp < _pausedUntil) return _paused();
        bytes memory live = _expectLive(id, lic);
        if (live.length != 0) return live;
        if (!_products[lic.productIndex].splittable) {
            return _err(ILicenseRegistryErrors.LicenseNotSplittable.selector, id);
        }
        if (lic.status == 1)
            return _err(ILicenseRegistryErrors.LicenseAlreadyReleased.selector, id);
        if (seats.length < 2) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseSplitTooFewParts.selector,
                    id,
                    seats.length
                );
        }
        uint256 total;
        for (uint256 i; i < seats.length; ++i) {
            if (seats[i] == 0) {
                return
                    abi.encodeWithSelector(
                        ILicenseRegistryErrors.LicenseSplitEmptyPart.selector,
                        id,
                        i
                    );
            }
            total += seats[i];
        }
        if (total != lic.seats) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseSplitSeatsMismatch.selector,
                    id,
                    total,
                    lic.seats
                );
        }
        return "";
    }

    function _expectLive(
        uint256 id,
        ExpectedLicense storage lic
    ) private view returns (bytes memory) {
        if (lic.status >= 2) return _ended(id, lic);
        if (_suspendedNow(id)) {
            return _err(ILicenseRegistryErrors.LicenseIsSuspended.selector, id);
        }
        if (_expired(lic)) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseExpired.selector,
                    id,
                    lic.validUntil
                );
        }
        return "";
    }

    // ================================================================ ledger updates

    function _afterIssuance(
        string memory op,
        uint256 pi,
        uint256 pid,
        address caller,
        ILicenseRegistry.IssueRequest[] memory reqs,
        uint256 firstId,
        bytes memory expected
    ) private {
        _succeeded(op, pid, caller, expected);
        if (pi == NO_PRODUCT) return;
        ExpectedProduct storage p = _products[pi];
        if (caller != p.controller && _grants[pi][caller] == IssuerKind.None) {
            _violate(Violation.UnauthorisedIssuance, op, firstId, caller);
        }
        if (firstId != LicenseIds.licenseId(pid, p.serials + 1)) {
            _violate(
                Violation.Outcome,
                string.concat(op, ": id off the serial counter"),
                firstId,
                caller
            );
        }
        for (uint256 i; i < reqs.length; ++i) _recordLicense(op, pi, firstId + i, reqs[i], caller);
        p.serials += reqs.length;
    }

    /// @dev The ledger's record of a license just issued (directly or by a claim).
    function _recordLicense(
        string memory op,
        uint256 pi,
        uint256 id,
        ILicenseRegistry.IssueRequest memory req,
        address caller
    ) private {
        ExpectedLicense storage lic = _ledger[id];
        if (lic.holder != address(0)) _violate(Violation.Outcome, "id issued twice", id, caller);
        lic.productIndex = pi;
        lic.holder = req.holder;
        lic.seats = uint32(req.seats);
        lic.validUntil = uint48(req.validUntil);
        lic.root = id;
        _ids.push(id);
        _roots.push(id);
        _rootSeats[id] = req.seats;
        _balances[req.holder] += 1;
        if (req.keyCommitment != bytes32(0)) _keys[pi][req.keyCommitment] = id;
        _disputes[id].region = _pendingRegion;
        bytes32 evidence = req.originEvidence;
        if (evidence != bytes32(0)) {
            if (_evidenceCapacity[evidence] == 0) _evidenceCapacity[evidence] = req.seats;
            _evidenceUsed[evidence] += req.seats;
            if (_evidenceUsed[evidence] > _evidenceCapacity[evidence]) {
                _violate(Violation.EvidenceOverdrawn, op, id, caller);
            }
        }
    }

    function _afterSplit(
        uint256 id,
        ExpectedLicense storage lic,
        uint32[] memory seats,
        uint256 firstChild
    ) private {
        if (lic.status >= 2) _violate(Violation.EndedLicenseChanged, "split", id, lic.holder);
        ExpectedProduct storage p = _products[lic.productIndex];
        if (firstChild != LicenseIds.licenseId(p.id, p.serials + 1)) {
            _violate(Violation.Outcome, "split: child id off the serial counter", id, lic.holder);
        }
        bool wasLive = lic.status < 2;
        _end(lic, 4);
        // A split ends the parent without losing its seats: they pass to the children.
        if (wasLive) _rootSeatsEnded[lic.root] -= lic.seats;
        _splitParents.push(id);
        for (uint256 i; i < seats.length; ++i) {
            uint256 childId = firstChild + i;
            ExpectedLicense storage c = _ledger[childId];
            c.productIndex = lic.productIndex;
            c.holder = lic.holder;
            c.seats = seats[i];
            c.validUntil = lic.validUntil;
            c.root = lic.root;
            c.parent = id;
            _disputes[childId].region = _disputes[id].region;
            _ids.push(childId);
            _children[id].push(childId);
            _balances[lic.holder] += 1;
        }
        p.serials += seats.length;
    }

    function _moved(
        string memory op,
        uint256 id,
        ExpectedLicense storage lic,
        address caller,
        address to,
        bool authorised
    ) private {
        if (!authorised) _violate(Violation.UnapprovedMove, op, id, caller);
        if (caller == admin && !authorised) _violate(Violation.AdminActedOnLicense, op, id, caller);
        if (!lic.releasedSinceMove) _violate(Violation.MoveWithoutRelease, op, id, caller);
        if (lic.status >= 2) _violate(Violation.EndedLicenseChanged, op, id, caller);
        _balances[lic.holder] -= 1;
        _balances[to] += 1;
        lic.holder = to;
        lic.status = 0;
        lic.attested = false;
        lic.approved = address(0);
        lic.releasedSinceMove = false;
        lic.moves += 1;
        // Only a license free of suspension moves; a lapsed one's stale mark goes with the move.
        lic.suspended = false;
    }

    function _end(ExpectedLicense storage lic, uint8 status) private {
        if (lic.status < 2) _rootSeatsEnded[lic.root] += lic.seats;
        lic.status = status;
        lic.suspended = false;
        lic.arbiterHold = false;
        lic.attested = false;
        lic.releasedSinceMove = false;
    }

    function _checkHolderAction(uint256 id, ExpectedLicense storage lic, address caller) private {
        if (!_mayManage(caller, lic))
            _violate(Violation.UnapprovedMove, "holder action", id, caller);
        if (lic.status >= 2) _violate(Violation.EndedLicenseChanged, "holder action", id, caller);
    }

    // ================================================================ outcomes and violations

    function _succeeded(
        string memory op,
        uint256 subject,
        address caller,
        bytes memory expected
    ) private {
        succeeded[op] += 1;
        if (expected.length != 0) {
            _violate(Violation.Outcome, _text.unexpectedSuccess(op, expected), subject, caller);
        }
    }

    function _failed(
        string memory op,
        uint256 subject,
        address caller,
        bytes memory expected,
        bytes memory actual
    ) private {
        if (expected.length != 0 && keccak256(expected) == keccak256(actual)) return;
        _violate(Violation.Outcome, _text.unexpectedRevert(op, actual, expected), subject, caller);
    }

    function _violate(Violation kind, string memory what, uint256 subject, address caller) private {
        violations[kind] += 1;
        if (violations[kind] == 1) {
            firstViolation[kind] = _text.report(what, subject, caller, block.timestamp);
        }
    }

    // ================================================================ input shaping

    function _pickProduct(uint256 seed) private view returns (uint256 pi, uint256 pid) {
        if (seed % 32 == 31) return (NO_PRODUCT, UNKNOWN_PRODUCT_ID);
        pi = seed % _products.length;
        pid = _products[pi].id;
    }

    /// @dev Three times in four the first license in the wanted state from a random start (so
    /// a release is often followed by a move of the same license), otherwise any license.
    function _pickLicense(
        uint256 seed,
        Pick want
    ) private view returns (uint256 id, ExpectedLicense storage lic) {
        uint256 n = _ids.length;
        uint256 start = seed % n;
        if (want != Pick.Any && uint256(keccak256(abi.encode(seed))) % 4 != 0) {
            for (uint256 k; k < n; ++k) {
                id = _ids[(start + k) % n];
                lic = _ledger[id];
                if (_matches(id, lic, want)) return (id, lic);
            }
        }
        id = _ids[start];
        lic = _ledger[id];
    }

    function _matches(
        uint256 id,
        ExpectedLicense storage lic,
        Pick want
    ) private view returns (bool) {
        if (want == Pick.Released) return lic.status == 1;
        if (want == Pick.Suspended) return _suspendedNow(id);
        if (lic.status != 0 || _suspendedNow(id) || _expired(lic)) return false;
        ExpectedProduct storage p = _products[lic.productIndex];
        bool resellable = p.transferable || _exhausted(id);
        if (want == Pick.Resellable) return resellable;
        if (want == Pick.ResellableAtOnce) return resellable && !p.attestationRequired;
        return true;
    }

    function _actor(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev Usually `preferred` (so most calls can succeed), sometimes anybody.
    function _caller(uint256 seed, address preferred) private view returns (address) {
        return seed % 4 == 0 ? _actor(seed >> 2) : preferred;
    }

    /// @dev The holder, its approved account or operator, or anybody.
    function _managingCaller(
        uint256 seed,
        ExpectedLicense storage lic
    ) private view returns (address) {
        if (seed % 5 == 1 && lic.approved != address(0)) return lic.approved;
        return _caller(seed, lic.holder);
    }

    /// @dev The controller, the distributor or the onboarding dealer, or anybody.
    function _issuingCaller(uint256 seed, uint256 pi) private view returns (address) {
        if (pi == NO_PRODUCT) return publisher;
        uint256 pick = (seed >> 8) % 3;
        address preferred =
            pick == 0 ? _products[pi].controller : (pick == 1 ? distributor : dealer);
        return _caller(seed, preferred);
    }

    function _request(
        uint256 pi,
        uint256 holderSeed,
        uint256 seatsSeed,
        uint256 validitySeed,
        bytes32 key,
        uint256 evidenceSeed
    ) private view returns (ILicenseRegistry.IssueRequest memory r) {
        r.holder = _actor(holderSeed);
        r.keyCommitment = key;
        r.originEvidence = _evidenceOf(evidenceSeed);
        if (pi == NO_PRODUCT) {
            r.seats = 1;
            return r;
        }
        ExpectedProduct storage p = _products[pi];
        if (seatsSeed % 10 == 0) {
            r.seats = seatsSeed % 20 == 0 ? 0 : uint256(p.maxSeats) + 1;
        } else {
            r.seats = bound(seatsSeed, 1, p.maxSeats);
        }
        if (p.validityPeriod == 0) {
            r.validUntil = validitySeed % 10 == 0 ? block.timestamp + 1 : 0;
        } else if (validitySeed % 10 == 0) {
            r.validUntil =
                validitySeed % 20 == 0 ? block.timestamp : block.timestamp + p.validityPeriod + 1;
        } else {
            r.validUntil = block.timestamp + bound(validitySeed, 1, p.validityPeriod);
        }
    }

    /// @dev `count` parts adding up to `total` most of the time; sometimes an empty part or a
    /// wrong total.
    function _parts(
        uint256 total,
        uint256 count,
        uint256 seed
    ) private pure returns (uint32[] memory seats) {
        seats = new uint32[](count);
        if (seed % 10 == 0 || total < count) {
            for (uint256 i; i < count; ++i) seats[i] = uint32((seed >> (8 * i)) % 3);
            return seats;
        }
        uint256 remaining = total;
        for (uint256 i; i + 1 < count; ++i) {
            uint256 share = bound(
                uint256(keccak256(abi.encode(seed, i))),
                1,
                remaining - (count - 1 - i)
            );
            seats[i] = uint32(share);
            remaining -= share;
        }
        seats[count - 1] = uint32(remaining);
    }

    /// @dev True once in `n` times, whatever values the fuzzer favours (0, 1, max...).
    function _oneIn(uint256 seed, uint256 n) private pure returns (bool) {
        return uint256(keccak256(abi.encode(seed, "oneIn"))) % n == 0;
    }

    /// @dev One of a few key commitments (so some collide), or none.
    function _key(uint256 seed) private pure returns (bytes32) {
        if (seed % 7 == 0) return bytes32(0);
        return keccak256(abi.encode("license key", seed % 12));
    }

    /// @dev One of `EVIDENCE_POOL` invoices, or none one time in eight.
    function _evidenceOf(uint256 seed) private pure returns (bytes32) {
        if (seed % 8 == 0) return bytes32(0);
        return evidenceAt((seed >> 3) % EVIDENCE_POOL);
    }

    function evidenceAt(uint256 index) public pure returns (bytes32) {
        return keccak256(abi.encode("first sale", index));
    }

    function evidencePoolSize() external pure returns (uint256) {
        return EVIDENCE_POOL;
    }

    function expectedEvidence(bytes32 evidence) external view returns (uint256, uint256) {
        return (_evidenceCapacity[evidence], _evidenceUsed[evidence]);
    }

    function expectedExhausted(uint256 id) external view returns (bool) {
        return _exhausted(id);
    }

    function _exhausted(uint256 id) private view returns (bool) {
        uint8 region = _disputes[id].region;
        return _ledger[id].validUntil == 0 && (region == 1 || region == 2);
    }

    function _hashOrZero(uint256 seed, string memory tag) private pure returns (bytes32) {
        if (seed % 8 == 0) return bytes32(0);
        return keccak256(abi.encode(tag, seed));
    }

    // ================================================================ small helpers

    function _mayManage(address caller, ExpectedLicense storage lic) private view returns (bool) {
        return caller == lic.holder || caller == lic.approved || _operators[lic.holder][caller];
    }

    /// @dev An exhausted license is never refused a move for its product's terms.
    function _checkExhaustedNotRefused(
        string memory op,
        uint256 id,
        address caller,
        bytes memory err
    ) private {
        if (!_exhausted(id)) return;
        bytes memory terms = _err(ILicenseRegistryErrors.LicenseNotTransferable.selector, id);
        if (keccak256(err) == keccak256(terms)) {
            _violate(Violation.ExhaustedRefusedForTerms, op, id, caller);
        }
    }

    /// @dev Suspended right now: an arbiter's hold, or a controller's suspension not yet lapsed.
    function _suspendedNow(uint256 id) private view returns (bool) {
        ExpectedLicense storage lic = _ledger[id];
        return
            lic.suspended &&
            (lic.arbiterHold || block.timestamp < _disputes[id].suspensionLapsesAt);
    }

    function _expired(ExpectedLicense storage lic) private view returns (bool) {
        return lic.validUntil != 0 && block.timestamp >= lic.validUntil;
    }

    function _err(bytes4 selector, uint256 id) private pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, id);
    }

    function _ended(uint256 id, ExpectedLicense storage lic) private view returns (bytes memory) {
        return abi.encodeWithSelector(ILicenseRegistryErrors.LicenseEnded.selector, id, lic.status);
    }

    function _paused() private view returns (bytes memory) {
        return abi.encodeWithSelector(ILicenseRegistryErrors.RegistryPaused.selector, _pausedUntil);
    }

    function _insufficientApproval(address caller, uint256 id) private pure returns (bytes memory) {
        return
            abi.encodeWithSelector(IERC721Errors.ERC721InsufficientApproval.selector, caller, id);
    }

    function _notController(uint256 pi, address caller) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotController.selector,
                _products[pi].id,
                caller
            );
    }

    function _notControllerOrArbiter(
        uint256 pi,
        address caller
    ) private view returns (bytes memory) {
        return
            abi.encodeWithSelector(
                ILicenseRegistryErrors.ProductNotControllerOrArbiter.selector,
                _products[pi].id,
                caller
            );
    }
}
