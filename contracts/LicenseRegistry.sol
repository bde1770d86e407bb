// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";

import {IERC4906} from "./interfaces/IERC4906.sol";
import {IERC5192} from "./interfaces/IERC5192.sol";
import {ILicenseCommitments} from "./interfaces/ILicenseCommitments.sol";
import {ILicenseRegistry} from "./interfaces/ILicenseRegistry.sol";
import {ILicenseRenderer} from "./interfaces/ILicenseRenderer.sol";
import {LicenseCommitments} from "./LicenseCommitments.sol";
import {LicenseRenderer} from "./LicenseRenderer.sol";
import {LicenseRules} from "./libraries/LicenseRules.sol";
import {FirstSaleRegion, LicenseData, LicenseDataLib, LicenseStatus} from "./types/LicenseData.sol";
import {LicenseIds} from "./types/LicenseIds.sol";
import {IssuerKind, ProductRecord, ProductRecordLib, ProductTerms} from "./types/Product.sol";

/// @title LicenseRegistry
/// @notice Used software licenses as ERC-721 tokens with the resale and invalidation rules of EU
/// law (see `ILicenseRegistry`). Not upgradeable: a ledger nobody can rewrite includes its code.
///
/// Guarantees (proven by the invariant tests in test/contracts/invariant):
/// - every license has exactly one holder, and no role (admin, operator, controller, issuer,
///   pauser, arbiter) can move it: only the holder or whom the holder approved;
/// - a license moves only if its holder released it (declared its copy unusable) since it last
///   moved, it is of a transferable product, not suspended, not expired, not ended, and attested
///   where its product demands it;
/// - an ended license (revoked, surrendered, split) never moves or becomes valid again;
/// - splitting conserves seats; the terms a license was issued under never change;
/// - only a product's controller and the issuers it authorised (in its current control epoch)
///   issue its licenses; only the controller attests and revokes; only the controller or an
///   arbiter suspends (an arbiter's suspension is lifted only by an arbiter);
/// - a pause lasts at most `MAX_PAUSE_DURATION` and cannot be renewed within `PAUSE_COOLDOWN`.
///
/// Storage: the license's whole state (`LicenseData`) sits beside its holder in the token's
/// ownership slot (Solady ERC-721 extra data), so holder and state are read and written together.
///
/// For overriders: every move goes through `_beforeTokenTransfer`, which asks `LicenseRules`;
/// never add a path that writes the ownership slot around it.
contract LicenseRegistry is
    ERC721,
    AccessControlDefaultAdminRules,
    ILicenseRegistry,
    IERC4906,
    IERC5192
{
    // ------------------------------------------------------------------ constants

    /// @notice May register products it controls itself.
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");
    /// @notice May register products on an absent publisher's behalf.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    /// @notice May pause issuance and transfers for a bounded time.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice May suspend and reinstate any license during a dispute.
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    /// @notice The longest a single pause lasts.
    uint48 public constant MAX_PAUSE_DURATION = 3 days;
    /// @notice How long after a pause ends before the next may start.
    uint48 public constant PAUSE_COOLDOWN = 7 days;
    /// @notice How long a suspension by a product's controller lasts unless an arbiter lifts it
    /// earlier. 30 days: enough for a publisher to bring a real dispute before an arbiter or a
    /// court (an interim injunction is obtained in days to weeks), short enough that a resale
    /// blocked without cause is not lost (buyers and their orders wait weeks, not months).
    uint48 public constant CONTROLLER_SUSPENSION_PERIOD = 30 days;
    /// @notice How long after a release the controller has to attest the deactivation where its
    /// product requires it; after that the holder's declaration alone suffices. 14 days: an
    /// activation server answers in seconds, a manual check in days. The declaration (rather
    /// than an arbiter's attestation) was chosen so that no absent party, neither publisher nor
    /// arbiter, can block a lawful resale: the declaration is already on the ledger as evidence,
    /// and a publisher that finds the seller's copy still in use keeps its remedies (suspension
    /// while the license is released, revocation with evidence).
    uint48 public constant ATTESTATION_PERIOD = 14 days;
    /// @notice How long after the admin starts a control recovery the new operator may complete
    /// it. 7 days: the recovery is public from its start, so publishers, dealers and the old
    /// operator (if wrongly accused) can see it and object before it takes effect, while a
    /// product is not left for long in the hands of an account the admin stopped trusting.
    uint48 public constant CONTROL_RECOVERY_DELAY = 7 days;

    // ------------------------------------------------------------------ storage

    /// @dev One slot, read (cold) by every issuance, transfer and split for the pause check;
    /// written only by product registration and the pauser.
    struct Counters {
        uint64 productCount;
        uint48 pausedUntil;
    }

    /// @dev Created by the constructor: the metadata lives in its own contract (size limit).
    ILicenseRenderer private immutable _renderer;
    /// @dev Created by the constructor: committed issuance runs (size limit). The only caller of
    /// `committedIssuance`.
    address private immutable _commitments;

    Counters private _counters;
    string private _name;
    string private _symbol;
    mapping(uint256 productId => ProductRecord) private _products;
    /// @dev The handover state of a product, one slot: pending controller (160) | control epoch
    /// (64). The epoch counts handovers; issuer grants of an earlier epoch are void.
    struct ProductControl {
        address pendingController;
        uint64 epoch;
    }

    /// @dev An issuer grant, one slot: the kind and the control epoch it was given in.
    struct IssuerGrant {
        IssuerKind kind;
        uint64 epoch;
    }

    mapping(uint256 productId => ProductControl) private _controls;

    /// @dev A pending control recovery, one slot: the operator taking over (160) | from when it
    /// may complete (48).
    struct ControlRecovery {
        address newController;
        uint48 readyAt;
    }

    mapping(uint256 productId => ControlRecovery) private _recoveries;
    mapping(uint256 productId => string) private _productURIs;
    mapping(uint256 productId => mapping(address account => IssuerGrant)) private _issuers;
    /// @dev Keyed by `keccak256(productId, keyCommitment)`: commitments are per product.
    mapping(bytes32 productKey => uint256 licenseId) private _licenseOfKey;
    /// @dev Facts about a license that the common paths never read, one slot: when a controller's
    /// suspension lapses (48) | when a license of an attestation product was released (48) | the
    /// move count + 1 at the controller's last suspension (16; 0: never) | whether an arbiter
    /// reinstated it (8). Read by a move only where a suspension or a missing attestation makes
    /// them matter.
    struct LicenseAnnex {
        uint48 suspensionLapsesAt;
        uint48 releasedAt;
        uint16 controllerSuspendedAtMove;
        bool arbiterReinstated;
    }

    mapping(uint256 licenseId => LicenseAnnex) private _annexes;

    /// @dev How much of a piece of first-sale evidence is used, one slot: capacity (128) | used
    /// (128), both in seats. Capacity 0: the evidence was never declared nor used.
    struct EvidenceUse {
        uint128 capacity;
        uint128 used;
    }

    mapping(bytes32 originEvidence => EvidenceUse) private _evidence;
    /// @dev Set by `releaseAndTransfer` right before its transfer, consumed by the transfer hook.
    bool private transient _moveAlreadyChecked;

    // ------------------------------------------------------------------ modifiers

    modifier onlyController(uint256 productId) {
        _checkController(productId);
        _;
    }

    // ------------------------------------------------------------------ constructor

    /// @param name_ The ERC-721 collection name wallets show.
    /// @param symbol_ The ERC-721 symbol.
    /// @param initialAdmin The account holding `DEFAULT_ADMIN_ROLE` (grants the other roles).
    /// @param adminTransferDelay The delay of the two-step admin handover, in seconds.
    constructor(
        string memory name_,
        string memory symbol_,
        address initialAdmin,
        uint48 adminTransferDelay
    ) AccessControlDefaultAdminRules(adminTransferDelay, initialAdmin) {
        _name = name_;
        _symbol = symbol_;
        _renderer = new LicenseRenderer();
        _commitments = address(new LicenseCommitments());
    }

    // ------------------------------------------------------------------ products

    /// @inheritdoc ILicenseRegistry
    function registerProduct(
        ProductTerms calldata terms,
        string calldata metadataURI
    ) external onlyRole(PUBLISHER_ROLE) returns (uint256 productId) {
        productId = _registerProduct(terms, metadataURI, msg.sender, 0);
    }

    /// @inheritdoc ILicenseRegistry
    function registerProductForPublisher(
        address publisher,
        ProductTerms calldata terms,
        string calldata metadataURI
    ) external onlyRole(OPERATOR_ROLE) returns (uint256 productId) {
        productId = _registerProduct(
            terms,
            metadataURI,
            publisher,
            ProductRecordLib.REGISTERED_BY_OPERATOR
        );
        if (publisher != address(0)) _offerControl(productId, publisher);
    }

    /// @inheritdoc ILicenseRegistry
    function updateProductTerms(
        uint256 productId,
        ProductTerms calldata terms,
        string calldata metadataURI
    ) external onlyController(productId) {
        ProductRecord product = _products[productId];
        if (product.issued() != 0) revert ProductTermsLocked(productId);
        _checkTerms(terms, metadataURI);
        uint256 kept =
            product.flags() &
                (ProductRecordLib.CLOSED |
                    ProductRecordLib.REGISTERED_BY_OPERATOR |
                    ProductRecordLib.PUBLISHER_CONTROLLED);
        _products[productId] = product.withTerms(terms, kept);
        _productURIs[productId] = metadataURI;
        emit ProductTermsUpdated(productId, terms, metadataURI);
    }

    /// @inheritdoc ILicenseRegistry
    function closeProduct(uint256 productId) external onlyController(productId) {
        ProductRecord product = _products[productId];
        if (product.hasFlag(ProductRecordLib.CLOSED)) revert ProductClosed(productId);
        _products[productId] = product.withFlag(ProductRecordLib.CLOSED);
        emit ProductClosedForIssuance(productId);
    }

    /// @inheritdoc ILicenseRegistry
    function transferProductControl(
        uint256 productId,
        address newController
    ) external onlyController(productId) {
        _offerControl(productId, newController);
    }

    /// @inheritdoc ILicenseRegistry
    function acceptProductControl(uint256 productId) external {
        ProductRecord product = _existingProduct(productId);
        if (_controls[productId].pendingController != msg.sender) {
            revert ProductNotPendingController(productId, msg.sender);
        }
        address previous = product.controller();
        // A product an account without the operator role took over is its publisher's: the
        // admin's recovery never reaches it.
        product =
            hasRole(OPERATOR_ROLE, msg.sender)
                ? product.withoutFlag(ProductRecordLib.PUBLISHER_CONTROLLED)
                : product.withFlag(ProductRecordLib.PUBLISHER_CONTROLLED);
        // Every issuer the previous controller appointed loses its grant.
        _handOver(productId, product, previous);
    }

    /// @inheritdoc ILicenseRegistry
    function startProductControlRecovery(
        uint256 productId,
        address newController
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address controller = _checkRecoverable(productId);
        uint48 readyAt;
        if (newController != address(0)) {
            if (!hasRole(OPERATOR_ROLE, newController)) {
                revert ProductRecoveryTargetNotOperator(productId, newController);
            }
            readyAt = Time.timestamp() + CONTROL_RECOVERY_DELAY;
        }
        _recoveries[productId] = ControlRecovery(newController, readyAt);
        emit ProductControlRecoveryStarted(productId, controller, newController, readyAt);
    }

    /// @inheritdoc ILicenseRegistry
    function completeProductControlRecovery(uint256 productId) external {
        ControlRecovery memory recovery = _recoveries[productId];
        if (recovery.newController != msg.sender) {
            revert ProductNotRecoveringController(productId, msg.sender);
        }
        if (block.timestamp < recovery.readyAt) {
            revert ProductRecoveryNotReady(productId, recovery.readyAt);
        }
        // Checked again: the old operator may have regained its role, or handed the product to
        // its publisher, meanwhile. (A target the admin stopped trusting, the admin cancels.)
        address previous = _checkRecoverable(productId);
        delete _recoveries[productId];
        emit ProductControlRecovered(productId, previous, msg.sender);
        // An offer the old controller made (perhaps to an accomplice) lapses with its issuers;
        // the new operator invites the publisher again.
        _handOver(productId, _products[productId], previous);
    }

    /// @inheritdoc ILicenseRegistry
    function setIssuer(
        uint256 productId,
        address issuer,
        IssuerKind kind
    ) external onlyController(productId) {
        _issuers[productId][issuer] = IssuerGrant(kind, _controls[productId].epoch);
        emit IssuerSet(productId, issuer, kind);
    }

    // ------------------------------------------------------------------ issuance

    // `issue` repeats `_issueOne`'s steps without the key, evidence and region it never has
    // (sharing `_mintLicense`): routing it through `_issueOne` costs it about 400 gas, more than
    // its margin under the 1.20x-of-a-plain-mint target (measured in
    // test/mocha/gas/targets.test.ts). A plain issuance records no region, so it is never
    // exhausted: `!transferable` is `!resellable`.

    /// @inheritdoc ILicenseRegistry
    function issue(
        uint256 productId,
        address holder,
        uint256 seats,
        uint256 validUntil
    ) external returns (uint256 licenseId) {
        ProductRecord product;
        IssuerKind delegate;
        (product, delegate, licenseId) = _beginIssuance(productId, 1, msg.sender);
        if (delegate == IssuerKind.Onboarder) {
            revert LicenseOriginEvidenceMissing(productId, msg.sender);
        }
        LicenseData data = _mintLicense(product, licenseId, holder, seats, validUntil, 0);
        if (delegate != IssuerKind.None) {
            _recordIssuance(
                delegate,
                msg.sender,
                licenseId,
                seats,
                0,
                0,
                FirstSaleRegion.Unrecorded
            );
        }
        if (!data.transferable()) emit Locked(licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    function issueWithEvidence(
        uint256 productId,
        address holder,
        uint256 seats,
        uint256 validUntil,
        bytes32 originEvidence
    ) external returns (uint256 licenseId) {
        licenseId = _issueSingle(productId, holder, seats, validUntil, 0, originEvidence);
    }

    /// @inheritdoc ILicenseRegistry
    function issueWithKey(
        uint256 productId,
        address holder,
        uint256 seats,
        uint256 validUntil,
        bytes32 keyCommitment,
        bytes32 originEvidence
    ) external returns (uint256 licenseId) {
        if (keyCommitment == bytes32(0)) revert LicenseKeyCommitmentMissing();
        licenseId = _issueSingle(
            productId,
            holder,
            seats,
            validUntil,
            keyCommitment,
            originEvidence
        );
    }

    /// @inheritdoc ILicenseRegistry
    function issueBatch(
        uint256 productId,
        IssueRequest[] calldata requests
    ) external returns (uint256 firstLicenseId) {
        firstLicenseId = _issueBatch(productId, requests, FirstSaleRegion.Unrecorded);
    }

    /// @inheritdoc ILicenseRegistry
    function issueWithFirstSale(
        uint256 productId,
        FirstSaleRegion region,
        IssueRequest[] calldata requests
    ) external returns (uint256 firstLicenseId) {
        if (region == FirstSaleRegion.Unrecorded) revert LicenseFirstSaleRegionMissing(productId);
        firstLicenseId = _issueBatch(productId, requests, region);
    }

    /// @inheritdoc ILicenseRegistry
    /// @dev One function for both steps (the registry is at its size limit). A reservation makes
    /// the checks of a direct issuance by `committer` at commit; a claim later issues under them
    /// even if the committer lost its grant or the product was closed meanwhile (the licenses
    /// were sold at commit; the controller's remedy is revoking leaves). A claim issues through
    /// the same path as a direct issuance (`_issueOne`). Licenses are never burned, so an
    /// existing owner means the id was issued; the module issues only ids of its runs, which
    /// `_beginIssuance` reserved, so nothing else ever mints them.
    function committedIssuance(
        address committer,
        IssuerKind kind,
        ILicenseCommitments.Leaf calldata leaf
    ) external returns (uint256 licenseId, IssuerKind committerKind) {
        if (msg.sender != _commitments) revert RegistryNotCommitments(msg.sender);
        if (leaf.holder == address(0)) {
            (, committerKind, licenseId) = _beginIssuance(leaf.licenseId, leaf.seats, committer);
        } else {
            _checkNotPaused(_counters.pausedUntil);
            if (_ownerOf(leaf.licenseId) != address(0)) return (0, IssuerKind.None);
            licenseId = leaf.licenseId;
            _issueOne(
                _products[LicenseIds.productId(licenseId)],
                kind,
                committer,
                licenseId,
                leaf.holder,
                leaf.seats,
                leaf.validUntil,
                leaf.keyCommitment,
                leaf.originEvidence,
                leaf.region
            );
        }
    }

    /// @inheritdoc ILicenseRegistry
    function declareEvidence(uint256 productId, bytes32 originEvidence, uint256 capacity) external {
        _issuerKind(productId, _existingProduct(productId), msg.sender);
        if (originEvidence == bytes32(0) || capacity == 0 || capacity > type(uint128).max) {
            revert EvidenceDeclarationInvalid(originEvidence, capacity);
        }
        uint256 existing = _evidence[originEvidence].capacity;
        if (existing != 0) revert EvidenceAlreadyDeclared(originEvidence, existing);
        _evidence[originEvidence].capacity = uint128(capacity);
        emit EvidenceDeclared(originEvidence, productId, msg.sender, capacity);
    }

    // ------------------------------------------------------------------ holder actions

    /// @inheritdoc ILicenseRegistry
    function release(uint256 licenseId, bytes32 declarationHash) external {
        (address holder, LicenseData data) = _authorizedLicense(licenseId);
        _release(licenseId, holder, data, declarationHash);
        emit MetadataUpdate(licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    function withdrawRelease(uint256 licenseId) external {
        (address holder, LicenseData data) = _authorizedLicense(licenseId);
        if (data.status() != LicenseStatus.Released) revert LicenseNotReleased(licenseId);
        _writeData(licenseId, data.withStatus(LicenseStatus.Active).withAttested(false));
        emit LicenseReleaseWithdrawn(licenseId, holder);
        emit MetadataUpdate(licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    /// @dev One read of the license slot: released and at once active again for `to`, the
    /// license's stored state ends as it began but for the move count, written here (the token
    /// base's holder write then hits the same, already written slot: 100 gas). The move rules
    /// are checked here against the released state, and the transfer hook is told (in transient
    /// storage, with no external call in between) not to check them a second time.
    /// No `MetadataUpdate`: the `Transfer` event already tells wallets to refresh.
    function releaseAndTransfer(address to, uint256 licenseId, bytes32 declarationHash) external {
        _checkNotPaused(_counters.pausedUntil);
        address holder = _holderOf(licenseId);
        LicenseData data = _dataOf(licenseId);
        LicenseRules.checkReleaseAndMove(licenseId, data, block.timestamp, declarationHash);
        emit LicenseReleased(licenseId, LicenseIds.productId(licenseId), holder, declarationHash);
        _writeData(licenseId, data.withMoveCounted());
        _moveAlreadyChecked = true;
        // Reverts unless the caller is the holder or approved by it.
        _transfer(msg.sender, holder, to, licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    function split(
        uint256 licenseId,
        uint32[] calldata seats
    ) external returns (uint256 firstChildId) {
        (address holder, LicenseData data) = _authorizedLicense(licenseId);
        _checkNotPaused(_counters.pausedUntil);
        LicenseRules.checkSplit(licenseId, data, block.timestamp, seats);
        _end(licenseId, data, LicenseStatus.Split);

        // Children take the next serials of the parent's product (whether or not it is closed:
        // a split issues no new seats).
        uint256 productId = LicenseIds.productId(licenseId);
        firstChildId = _reserveSerials(productId, _products[productId], seats.length);
        uint256 validUntil = data.validUntil();
        uint256 termBits = data.termBits();
        for (uint256 i; i < seats.length; ++i) {
            uint256 childId = firstChildId + i;
            LicenseData child = LicenseDataLib.pack(seats[i], validUntil, termBits);
            _mintAndSetExtraDataUnchecked(holder, childId, LicenseData.unwrap(child));
            emit LicenseSplit(licenseId, childId, seats[i]);
            if (!child.resellable()) emit Locked(childId);
        }
    }

    /// @inheritdoc ILicenseRegistry
    function surrender(uint256 licenseId) external {
        address holder = _holderOf(licenseId);
        if (msg.sender != holder) revert ERC721IncorrectOwner(msg.sender, licenseId, holder);
        LicenseData data = _dataOf(licenseId);
        LicenseRules.checkNotEnded(licenseId, data);
        _end(licenseId, data, LicenseStatus.Surrendered);
        emit LicenseSurrendered(licenseId, holder);
    }

    // ------------------------------------------------------------------ publisher and arbiter

    /// @inheritdoc ILicenseRegistry
    function attestDeactivation(uint256 licenseId, bytes32 evidenceHash) external {
        _holderOf(licenseId);
        LicenseData data = _dataOf(licenseId);
        _checkController(LicenseIds.productId(licenseId));
        if (evidenceHash == bytes32(0)) revert LicenseEvidenceMissing(licenseId);
        if (data.status() != LicenseStatus.Released) revert LicenseNotReleased(licenseId);
        if (data.attested()) revert LicenseAlreadyAttested(licenseId);
        _writeData(licenseId, data.withAttested(true));
        emit LicenseDeactivationAttested(licenseId, msg.sender, evidenceHash);
        emit MetadataUpdate(licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    function revoke(uint256 licenseId, uint16 reasonCode, bytes32 evidenceHash) external {
        _holderOf(licenseId);
        LicenseData data = _dataOf(licenseId);
        _checkController(LicenseIds.productId(licenseId));
        if (reasonCode == 0) revert LicenseReasonMissing(licenseId);
        if (evidenceHash == bytes32(0)) revert LicenseEvidenceMissing(licenseId);
        LicenseRules.checkNotEnded(licenseId, data);
        // A dispute an arbiter froze is decided by the arbiter first.
        if (data.arbiterHold()) revert LicenseArbiterHold(licenseId);
        _end(licenseId, data, LicenseStatus.Revoked);
        emit LicenseRevoked(licenseId, msg.sender, reasonCode, evidenceHash);
    }

    /// @inheritdoc ILicenseRegistry
    function suspend(uint256 licenseId, bytes32 evidenceHash) external {
        _holderOf(licenseId);
        LicenseData data = _dataOf(licenseId);
        uint256 productId = LicenseIds.productId(licenseId);
        bool byArbiter = _checkControllerOrArbiter(productId);
        if (evidenceHash == bytes32(0)) revert LicenseEvidenceMissing(licenseId);
        LicenseRules.checkNotEnded(licenseId, data);
        if (data.suspended()) revert LicenseIsSuspended(licenseId);
        uint48 lapsesAt;
        if (!byArbiter) {
            LicenseAnnex storage annex = _annexes[licenseId];
            if (annex.arbiterReinstated) revert LicenseSuspensionReservedToArbiters(licenseId);
            // Once per holding: the mark is the move count (+1, so 0 means never).
            uint16 mark = uint16(data.moves() + 1);
            if (annex.controllerSuspendedAtMove == mark) {
                revert LicenseControllerSuspensionUsed(licenseId, data.moves());
            }
            lapsesAt = Time.timestamp() + CONTROLLER_SUSPENSION_PERIOD;
            annex.suspensionLapsesAt = lapsesAt;
            annex.controllerSuspendedAtMove = mark;
        }
        bool wasLocked = LicenseRules.isLocked(data, block.timestamp);
        _writeData(licenseId, data.withSuspension(true, byArbiter));
        emit LicenseSuspended(licenseId, msg.sender, evidenceHash);
        if (!byArbiter) emit LicenseSuspensionBounded(licenseId, productId, lapsesAt);
        emit MetadataUpdate(licenseId);
        if (!wasLocked) emit Locked(licenseId);
    }

    /// @inheritdoc ILicenseRegistry
    function reinstate(uint256 licenseId, bytes32 reasonHash) external {
        _holderOf(licenseId);
        LicenseData data = _dataOf(licenseId);
        uint256 productId = LicenseIds.productId(licenseId);
        bool byArbiter = _checkControllerOrArbiter(productId);
        if (!data.suspended()) revert LicenseNotSuspended(licenseId);
        if (data.arbiterHold() && !byArbiter) revert LicenseArbiterHold(licenseId);
        LicenseData reinstated = data.withSuspension(false, false);
        _writeData(licenseId, reinstated);
        emit LicenseReinstated(licenseId, msg.sender, reasonHash);
        if (byArbiter) {
            _annexes[licenseId].arbiterReinstated = true;
            emit LicenseArbiterReinstated(licenseId, productId, msg.sender);
        }
        emit MetadataUpdate(licenseId);
        if (!LicenseRules.isLocked(reinstated, block.timestamp)) emit Unlocked(licenseId);
    }

    // ------------------------------------------------------------------ emergency

    /// @inheritdoc ILicenseRegistry
    function pause(uint48 duration) external onlyRole(PAUSER_ROLE) {
        if (duration == 0 || duration > MAX_PAUSE_DURATION) {
            revert RegistryPauseDurationInvalid(duration, MAX_PAUSE_DURATION);
        }
        uint48 until = _counters.pausedUntil;
        _checkNotPaused(until);
        uint48 availableAt = until + PAUSE_COOLDOWN;
        if (until != 0 && block.timestamp < availableAt) {
            revert RegistryPauseCoolingDown(availableAt);
        }
        until = Time.timestamp() + duration;
        _counters.pausedUntil = until;
        emit Paused(msg.sender, until);
    }

    /// @inheritdoc ILicenseRegistry
    function unpause() external onlyRole(PAUSER_ROLE) {
        uint48 now_ = Time.timestamp();
        if (now_ >= _counters.pausedUntil) revert RegistryNotPaused();
        _counters.pausedUntil = now_;
        emit Unpaused(msg.sender);
    }

    // ------------------------------------------------------------------ ERC-721 overrides

    /// @notice Approves `account` to move license `id` (standard ERC-721).
    /// @dev Payable in the token base for gas; the registry refuses ether so none is stranded.
    function approve(address account, uint256 id) public payable override {
        _rejectEther();
        _holderOf(id);
        super.approve(account, id);
    }

    /// @notice The holder of license `id` (standard ERC-721); reverts for an unknown id with
    /// `ERC721NonexistentToken(id)`, like every other function of the registry.
    function ownerOf(uint256 id) public view override returns (address) {
        return _holderOf(id);
    }

    /// @notice The account approved to move license `id` (standard ERC-721); reverts for an
    /// unknown id with `ERC721NonexistentToken(id)`.
    function getApproved(uint256 id) public view override returns (address) {
        _holderOf(id);
        return super.getApproved(id);
    }

    // ------------------------------------------------------------------ queries

    /// @inheritdoc ILicenseRegistry
    function isValid(uint256 licenseId) public view returns (bool) {
        return
            _ownerOf(licenseId) != address(0) &&
            LicenseRules.isValid(_dataOf(licenseId), block.timestamp);
    }

    /// @inheritdoc ILicenseRegistry
    function isValidFor(uint256 licenseId, address holder) external view returns (bool) {
        return
            holder != address(0) &&
            _ownerOf(licenseId) == holder &&
            LicenseRules.isValid(_dataOf(licenseId), block.timestamp);
    }

    /// @inheritdoc ILicenseRegistry
    function holdingOf(uint256 licenseId) external view returns (address holder, uint256 moves) {
        holder = _holderOf(licenseId);
        moves = _dataOf(licenseId).moves();
    }

    /// @inheritdoc ILicenseRegistry
    function licenseOfKey(
        uint256 productId,
        bytes32 keyCommitment
    ) external view returns (uint256) {
        return _licenseOfKey[_productKey(productId, keyCommitment)];
    }

    /// @inheritdoc ILicenseRegistry
    function getLicense(uint256 licenseId) public view returns (LicenseView memory view_) {
        address holder = _holderOf(licenseId);
        LicenseData data = _dataOf(licenseId);
        view_ = LicenseView({
            holder: holder,
            productId: LicenseIds.productId(licenseId),
            seats: data.seats(),
            validUntil: data.validUntil(),
            status: data.status(),
            suspended: data.suspended(),
            attested: data.attested(),
            expired: data.expiredAt(block.timestamp),
            valid: LicenseRules.isValid(data, block.timestamp),
            transferable: data.transferable(),
            splittable: data.splittable(),
            attestationRequired: data.attestationRequired(),
            moves: data.moves(),
            suspensionLapsesAt: data.suspended() && !data.arbiterHold()
                ? _annexes[licenseId].suspensionLapsesAt
                : 0,
            declarationSufficesAt: uint48(_declarationSufficesAt(licenseId, data)),
            firstSaleRegion: data.firstSaleRegion(),
            exhausted: data.exhausted()
        });
    }

    /// @inheritdoc ILicenseRegistry
    function getProduct(uint256 productId) external view returns (ProductView memory) {
        ProductRecord product = _existingProduct(productId);
        return
            ProductView({
                controller: product.controller(),
                pendingController: _controls[productId].pendingController,
                terms: product.termsOf(),
                licensesIssued: product.issued(),
                closed: product.hasFlag(ProductRecordLib.CLOSED),
                registeredByOperator: product.hasFlag(ProductRecordLib.REGISTERED_BY_OPERATOR),
                metadataURI: _productURIs[productId]
            });
    }

    /// @inheritdoc ILicenseRegistry
    function issuerKind(uint256 productId, address account) external view returns (IssuerKind) {
        return _issuerKindOf(productId, account);
    }

    /// @inheritdoc ILicenseRegistry
    function evidenceUse(
        bytes32 originEvidence
    ) external view returns (uint256 capacity, uint256 used) {
        EvidenceUse memory use = _evidence[originEvidence];
        return (use.capacity, use.used);
    }

    /// @inheritdoc ILicenseRegistry
    function productCount() external view returns (uint256) {
        return _counters.productCount;
    }

    /// @inheritdoc ILicenseRegistry
    function pausedUntil() external view returns (uint48) {
        return _counters.pausedUntil;
    }

    /// @inheritdoc IERC5192
    function locked(uint256 tokenId) external view returns (bool) {
        _holderOf(tokenId);
        return LicenseRules.isLocked(_dataOf(tokenId), block.timestamp);
    }

    /// @notice The collection name.
    function name() public view override returns (string memory) {
        return _name;
    }

    /// @notice The collection symbol.
    function symbol() public view override returns (string memory) {
        return _symbol;
    }

    /// @notice On-chain JSON metadata (base64 data URI): product, status, seats and validity, so
    /// a wallet shows the license as the ledger sees it right now. Rendered by `renderer()`.
    function tokenURI(uint256 id) public view override returns (string memory) {
        // An unknown id reverts in the renderer's `getLicense` call, with this registry's error.
        return _renderer.tokenURI(id);
    }

    /// @inheritdoc ILicenseRegistry
    function renderer() external view returns (address) {
        return address(_renderer);
    }

    /// @inheritdoc ILicenseRegistry
    function commitments() external view returns (address) {
        return _commitments;
    }

    /// @notice ERC-165: ERC-721, its metadata, ERC-4906, ERC-5192 and access control.
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC721, AccessControlDefaultAdminRules) returns (bool) {
        return
            interfaceId == 0x49064906 || // ERC-4906
            interfaceId == type(IERC5192).interfaceId ||
            ERC721.supportsInterface(interfaceId) ||
            AccessControlDefaultAdminRules.supportsInterface(interfaceId);
    }

    // ------------------------------------------------------------------ internal

    /// @dev The single transfer hook: every move of an existing license (transferFrom,
    /// safeTransferFrom, releaseAndTransfer) passes here. Issuance and split mint their state
    /// directly (`from` is zero). Reads the license slot (the token base then reads it warm) and
    /// writes the state the license takes after moving.
    function _beforeTokenTransfer(address from, address, uint256 id) internal override {
        if (from == address(0)) return;
        if (_moveAlreadyChecked) {
            _moveAlreadyChecked = false;
            return;
        }
        _rejectEther();
        _checkNotPaused(_counters.pausedUntil);
        _holderOf(id);
        // A caller that may not move the license at all is told so before any rule.
        if (!_isApprovedOrOwner(msg.sender, id)) revert ERC721InsufficientApproval(msg.sender, id);
        LicenseData data = _dataOf(id);
        uint256 declarationSufficesAt = _declarationSufficesAt(id, data);
        LicenseRules.checkMove(id, data, block.timestamp, declarationSufficesAt);
        _writeData(id, LicenseRules.afterMove(data));
        if (declarationSufficesAt != 0) {
            emit LicenseAttestationLapsed(id, LicenseIds.productId(id), declarationSufficesAt);
        }
    }

    // ------------------------------------------------------------------ private

    /// @dev Offers control of `productId` to `newController` (0: withdraws the offer).
    function _offerControl(uint256 productId, address newController) private {
        _controls[productId].pendingController = newController;
        emit ProductControlTransferStarted(productId, msg.sender, newController);
    }

    /// @dev Hands `product` (as it will be stored, but for its controller) over from `previous`
    /// to the caller: a pending offer lapses and a new control epoch voids every issuer grant.
    function _handOver(uint256 productId, ProductRecord product, address previous) private {
        _products[productId] = product.withController(msg.sender);
        ProductControl storage control = _controls[productId];
        control.pendingController = address(0);
        control.epoch += 1;
        emit ProductControlTransferred(productId, previous, msg.sender);
    }

    /// @dev Registers a product the caller controls, for `publisher` (the caller itself, or
    /// the publisher an operator acts for: `extraFlags` has `REGISTERED_BY_OPERATOR`).
    function _registerProduct(
        ProductTerms calldata terms,
        string calldata metadataURI,
        address publisher,
        uint256 extraFlags
    ) private returns (uint256 productId) {
        _checkTerms(terms, metadataURI);
        // Cannot overflow: 2^64 registrations cost more gas than will ever exist.
        productId = _counters.productCount + 1;
        _counters.productCount = uint64(productId);
        _products[productId] = ProductRecordLib.create(msg.sender, terms, extraFlags);
        if (bytes(metadataURI).length != 0) _productURIs[productId] = metadataURI;
        emit ProductRegistered(
            productId,
            msg.sender,
            publisher,
            terms,
            metadataURI,
            extraFlags != 0
        );
    }

    /// @dev Checks the pause, the product and the caller's right to issue, and reserves `count`
    /// serials (which also fixes the product's terms for good). Returns the product as it was
    /// before the reservation, how the caller issues (`None`: it is the controller) and the id of
    /// the first license to issue.
    function _beginIssuance(
        uint256 productId,
        uint256 count,
        address issuer
    ) private returns (ProductRecord product, IssuerKind delegate, uint256 firstId) {
        _checkNotPaused(_counters.pausedUntil);
        product = _existingProduct(productId);
        if (product.hasFlag(ProductRecordLib.CLOSED)) revert ProductClosed(productId);
        delegate = _issuerKind(productId, product, issuer);
        firstId = _reserveSerials(productId, product, count);
    }

    /// @dev Records `count` more serials used by `product` (as read from storage) and returns
    /// the id of the first; reverts past the id range.
    function _reserveSerials(
        uint256 productId,
        ProductRecord product,
        uint256 count
    ) private returns (uint256 firstId) {
        uint256 issued = product.issued();
        // Unchecked: `issued` < 10^12 and `count` is bounded by calldata size.
        unchecked {
            if (issued + count >= LicenseIds.SERIALS_PER_PRODUCT) {
                revert ProductSerialsExhausted(productId);
            }
            _products[productId] = product.withIssued(count);
            firstId = LicenseIds.licenseId(productId, issued + 1);
        }
    }

    /// @dev One license with a key and/or evidence (`issueWithKey`, `issueWithEvidence`): one
    /// shared body (the code size limit matters more here than `issueWithKey`'s 70 gas).
    function _issueSingle(
        uint256 productId,
        address holder,
        uint256 seats,
        uint256 validUntil,
        bytes32 keyCommitment,
        bytes32 originEvidence
    ) private returns (uint256 licenseId) {
        ProductRecord product;
        IssuerKind delegate;
        (product, delegate, licenseId) = _beginIssuance(productId, 1, msg.sender);
        _issueOne(
            product,
            delegate,
            msg.sender,
            licenseId,
            holder,
            seats,
            validUntil,
            keyCommitment,
            originEvidence,
            FirstSaleRegion.Unrecorded
        );
    }

    function _issueBatch(
        uint256 productId,
        IssueRequest[] calldata requests,
        FirstSaleRegion region
    ) private returns (uint256 firstLicenseId) {
        if (requests.length == 0) revert LicenseBatchEmpty();
        ProductRecord product;
        IssuerKind delegate;
        (product, delegate, firstLicenseId) = _beginIssuance(
            productId,
            requests.length,
            msg.sender
        );
        for (uint256 i; i < requests.length; ++i) {
            IssueRequest calldata r = requests[i];
            _issueOne(
                product,
                delegate,
                msg.sender,
                firstLicenseId + i,
                r.holder,
                r.seats,
                r.validUntil,
                r.keyCommitment,
                r.originEvidence,
                region
            );
        }
    }

    function _issueOne(
        ProductRecord product,
        IssuerKind delegate,
        address issuer,
        uint256 licenseId,
        address holder,
        uint256 seats,
        uint256 validUntil,
        bytes32 keyCommitment,
        bytes32 originEvidence,
        FirstSaleRegion region
    ) private {
        if (delegate == IssuerKind.Onboarder && originEvidence == bytes32(0)) {
            revert LicenseOriginEvidenceMissing(LicenseIds.productId(licenseId), issuer);
        }
        // The region and the keyed mark are fixed here with the terms, in the same slot.
        LicenseData data = _mintLicense(
            product,
            licenseId,
            holder,
            seats,
            validUntil,
            LicenseDataLib.regionBits(region, keyCommitment != bytes32(0))
        );
        // The controller's plain issuance records nothing more.
        // One test, without branches: any of the four set (`issue`'s common case pays least).
        if (
            uint256(delegate) |
                uint256(keyCommitment) |
                uint256(originEvidence) |
                uint256(region) !=
            0
        ) {
            _recordIssuance(
                delegate,
                issuer,
                licenseId,
                seats,
                keyCommitment,
                originEvidence,
                region
            );
        }
        if (!data.resellable()) emit Locked(licenseId);
    }

    /// @dev Checks `seats` and `validUntil` against `product`'s terms, mints `licenseId` to
    /// `holder` with them, the product's term bits and `extraBits`, and emits `LicenseIssued`.
    function _mintLicense(
        ProductRecord product,
        uint256 licenseId,
        address holder,
        uint256 seats,
        uint256 validUntil,
        uint256 extraBits
    ) private returns (LicenseData data) {
        LicenseRules.checkIssue(
            product.maxSeats(),
            product.validityPeriod(),
            seats,
            validUntil,
            block.timestamp
        );
        data = LicenseDataLib.pack(seats, validUntil, product.flags() | extraBits);
        _mintAndSetExtraDataUnchecked(holder, licenseId, LicenseData.unwrap(data));
        emit LicenseIssued(licenseId, seats, validUntil);
    }

    /// @dev What an issuance records beyond the license itself: who issued it on what evidence
    /// (drawn from the evidence's capacity), its key commitment, its first-sale region.
    function _recordIssuance(
        IssuerKind delegate,
        address issuer,
        uint256 licenseId,
        uint256 seats,
        bytes32 keyCommitment,
        bytes32 originEvidence,
        FirstSaleRegion region
    ) private {
        uint256 productId = LicenseIds.productId(licenseId);
        if (delegate != IssuerKind.None || originEvidence != bytes32(0)) {
            emit LicenseIssuedBy(licenseId, productId, issuer, originEvidence);
        }
        if (keyCommitment != bytes32(0)) {
            bytes32 productKey = _productKey(productId, keyCommitment);
            uint256 existing = _licenseOfKey[productKey];
            if (existing != 0) revert LicenseKeyCommitmentInUse(keyCommitment, existing);
            _licenseOfKey[productKey] = licenseId;
            emit LicenseKeyCommitted(licenseId, keyCommitment);
        }
        if (region != FirstSaleRegion.Unrecorded) {
            emit LicenseFirstSaleRecorded(licenseId, productId, region);
        }
        if (originEvidence != bytes32(0)) _drawEvidence(originEvidence, licenseId, seats);
    }

    /// @dev Draws `seats` from the capacity of `originEvidence` for `licenseId`; evidence never
    /// declared covers exactly its first license's seats.
    function _drawEvidence(bytes32 originEvidence, uint256 licenseId, uint256 seats) private {
        EvidenceUse memory use = _evidence[originEvidence];
        uint256 capacity = use.capacity == 0 ? seats : use.capacity;
        uint256 used = use.used + seats;
        if (used > capacity) {
            revert EvidenceCapacityExceeded(originEvidence, capacity, use.used, seats);
        }
        // Seats are at most 2^32 - 1 per license and capacity below 2^128: both fit.
        _evidence[originEvidence] = EvidenceUse(uint128(capacity), uint128(used));
        emit EvidenceDrawn(
            originEvidence,
            licenseId,
            LicenseIds.productId(licenseId),
            seats,
            used,
            capacity
        );
    }

    function _release(
        uint256 licenseId,
        address holder,
        LicenseData data,
        bytes32 declarationHash
    ) private {
        LicenseRules.checkRelease(licenseId, data, block.timestamp, declarationHash);
        _writeData(licenseId, data.withStatus(LicenseStatus.Released));
        // The attestation period runs from here (a cost only products that demand one pay).
        if (data.attestationRequired()) _annexes[licenseId].releasedAt = Time.timestamp();
        emit LicenseReleased(licenseId, LicenseIds.productId(licenseId), holder, declarationHash);
    }

    /// @dev Ends a license for good: the status records why; suspension and attestation lapse.
    function _end(uint256 licenseId, LicenseData data, LicenseStatus status) private {
        _writeData(
            licenseId,
            data.withStatus(status).withSuspension(false, false).withAttested(false)
        );
        emit MetadataUpdate(licenseId);
        if (!LicenseRules.isLocked(data, block.timestamp)) emit Locked(licenseId);
    }

    function _writeData(uint256 licenseId, LicenseData data) private {
        _setExtraData(licenseId, LicenseData.unwrap(data));
    }

    /// @dev The license's state as it stands now: a controller's suspension that lapsed is no
    /// suspension (its stale bit is dropped by the next write). Reads the annex only for a
    /// license suspended by its controller.
    function _dataOf(uint256 licenseId) private view returns (LicenseData data) {
        data = LicenseData.wrap(_getExtraData(licenseId));
        if (
            data.suspended() &&
            !data.arbiterHold() &&
            block.timestamp >= _annexes[licenseId].suspensionLapsesAt
        ) data = data.withSuspension(false, false);
    }

    /// @dev For a released license whose product requires an attestation it does not have yet:
    /// when the holder's declaration alone suffices (0 otherwise, and then nothing is read).
    function _declarationSufficesAt(
        uint256 licenseId,
        LicenseData data
    ) private view returns (uint256) {
        if (!data.attestationRequired() || data.attested()) return 0;
        if (data.status() != LicenseStatus.Released) return 0;
        return uint256(_annexes[licenseId].releasedAt) + ATTESTATION_PERIOD;
    }

    /// @dev The holder of an existing license; reverts for an unknown id.
    function _holderOf(uint256 licenseId) private view returns (address holder) {
        holder = _ownerOf(licenseId);
        if (holder == address(0)) revert ERC721NonexistentToken(licenseId);
    }

    /// @dev The holder and state of a license the caller holds or may manage.
    function _authorizedLicense(
        uint256 licenseId
    ) private view returns (address holder, LicenseData data) {
        holder = _holderOf(licenseId);
        if (!_isApprovedOrOwner(msg.sender, licenseId)) {
            revert ERC721InsufficientApproval(msg.sender, licenseId);
        }
        data = _dataOf(licenseId);
    }

    function _existingProduct(uint256 productId) private view returns (ProductRecord product) {
        product = _products[productId];
        if (!product.exists()) revert ProductDoesNotExist(productId);
    }

    /// @dev A product the admin may recover: registered by an operator, never taken over by its
    /// publisher, and controlled by an account that no longer holds `OPERATOR_ROLE`. Returns
    /// that controller.
    function _checkRecoverable(uint256 productId) private view returns (address controller) {
        ProductRecord product = _existingProduct(productId);
        if (
            !product.hasFlag(ProductRecordLib.REGISTERED_BY_OPERATOR) ||
            product.hasFlag(ProductRecordLib.PUBLISHER_CONTROLLED)
        ) revert ProductNotOperatorControlled(productId);
        controller = product.controller();
        if (hasRole(OPERATOR_ROLE, controller)) {
            revert ProductControllerStillOperator(productId, controller);
        }
    }

    function _checkController(uint256 productId) private view {
        address controller = _existingProduct(productId).controller();
        if (msg.sender != controller) revert ProductNotController(productId, msg.sender);
    }

    /// @dev The caller must hold `ARBITER_ROLE` (returns true) or control the product.
    function _checkControllerOrArbiter(uint256 productId) private view returns (bool byArbiter) {
        if (hasRole(ARBITER_ROLE, msg.sender)) return true;
        if (msg.sender != _products[productId].controller()) {
            revert ProductNotControllerOrArbiter(productId, msg.sender);
        }
    }

    /// @dev How `account` issues `product` (`None`: it is the controller); reverts if it may not.
    function _issuerKind(
        uint256 productId,
        ProductRecord product,
        address account
    ) private view returns (IssuerKind delegate) {
        if (account != product.controller()) {
            delegate = _issuerKindOf(productId, account);
            if (delegate == IssuerKind.None) revert ProductNotIssuer(productId, account);
        }
    }

    /// @dev The issuer kind of `account` for `productId`, void once control changed hands.
    function _issuerKindOf(uint256 productId, address account) private view returns (IssuerKind) {
        IssuerGrant memory grant = _issuers[productId][account];
        return grant.epoch == _controls[productId].epoch ? grant.kind : IssuerKind.None;
    }

    function _productKey(uint256 productId, bytes32 keyCommitment) private pure returns (bytes32) {
        return keccak256(abi.encode(productId, keyCommitment));
    }

    /// @dev Terms allow a seat; the URI is well-formed UTF-8 (else metadata would break strict
    /// JSON parsers), checked by the renderer, which holds the code.
    function _checkTerms(ProductTerms calldata terms, string calldata metadataURI) private view {
        if (terms.maxSeatsPerLicense == 0) revert ProductMaxSeatsZero();
        if (bytes(metadataURI).length != 0) {
            uint256 offset = _renderer.firstInvalidUtf8(bytes(metadataURI));
            if (offset != type(uint256).max) revert ProductURINotUtf8(offset);
        }
    }

    function _checkNotPaused(uint48 until) private view {
        if (block.timestamp < until) revert RegistryPaused(until);
    }

    /// @dev The token base makes transfer and approve payable; the registry keeps no ether.
    function _rejectEther() private view {
        if (msg.value != 0) revert RegistryEtherNotAccepted(msg.value);
    }
}
