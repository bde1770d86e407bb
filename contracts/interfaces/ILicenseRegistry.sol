// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IssuerKind, ProductTerms} from "../types/Product.sol";
import {FirstSaleRegion, LicenseStatus} from "../types/LicenseData.sol";
import {ILicenseCommitments} from "./ILicenseCommitments.sol";
import {ILicenseRegistryErrors} from "./ILicenseRegistryErrors.sol";

/// @title ILicenseRegistry
/// @notice The specification of the License Ledger registry: used software licenses as ERC-721
/// tokens whose transfer and invalidation follow the rules EU law sets for a lawful resale
/// (CJEU C-128/11 UsedSoft v Oracle): a perpetual license moves only after its holder declared
/// its own copy unusable, the whole license moves, volume licenses split only where the product
/// allows it, and every step is on the ledger.
///
/// The ERC-721 surface (transferFrom, safeTransferFrom, approve, setApprovalForAll, ownerOf,
/// balanceOf, tokenURI) is inherited from the token base and keeps its standard meaning; every
/// move through it is checked against the rules below.
///
/// Chain of title from logs alone: every event below carries the license id as an indexed topic.
/// Issuance emits `Transfer(0, holder, id)` and `LicenseIssued`; a move emits `Transfer` and is
/// preceded, since the license last moved, by the `LicenseReleased` that declared the seller's
/// copy unusable; a split emits one `LicenseSplit` per child (parent and child both indexed).
interface ILicenseRegistry is ILicenseRegistryErrors {
    /// @notice The full state of a license, as `getLicense` reports it.
    /// @param holder The current holder (ended licenses stay with their last holder).
    /// @param productId The product the license was issued for.
    /// @param seats The seats the license carries.
    /// @param validUntil End of validity (unix seconds); 0 for a perpetual license.
    /// @param status The recorded lifecycle status.
    /// @param suspended Whether a dispute currently freezes the license.
    /// @param attested Whether the controller attested the deactivation of the released copy.
    /// @param expired Whether a limited license's validity has run out.
    /// @param valid Whether the license is valid for its holder right now.
    /// @param transferable Whether the product's terms allow resale (an exhausted license resells
    /// whatever they say).
    /// @param splittable Whether the product's terms allow splitting.
    /// @param attestationRequired Whether a resale needs the controller's attestation.
    /// @param moves How many times the license changed hands (at most 32,767).
    /// @param suspensionLapsesAt When the controller's current suspension lapses by itself (0:
    /// none, or an arbiter's suspension, which does not lapse).
    /// @param declarationSufficesAt For a released license of a product that requires the
    /// controller's attestation: from when the holder's declaration alone suffices (0 otherwise).
    /// @param firstSaleRegion Where the license's first sale took place, as issued.
    /// @param exhausted Whether EU (or Swiss) law exhausted the publisher's control of its
    /// resale: perpetual and first sold in the EU/EEA or Switzerland. It then may be resold
    /// whatever its product's terms say.
    struct LicenseView {
        address holder;
        uint256 productId;
        uint256 seats;
        uint48 validUntil;
        LicenseStatus status;
        bool suspended;
        bool attested;
        bool expired;
        bool valid;
        bool transferable;
        bool splittable;
        bool attestationRequired;
        uint256 moves;
        uint48 suspensionLapsesAt;
        uint48 declarationSufficesAt;
        FirstSaleRegion firstSaleRegion;
        bool exhausted;
    }

    /// @notice A product as `getProduct` reports it.
    struct ProductView {
        address controller;
        address pendingController;
        ProductTerms terms;
        uint256 licensesIssued;
        bool closed;
        bool registeredByOperator;
        string metadataURI;
    }

    /// @notice One license of a batch issuance.
    /// @param holder The first holder.
    /// @param seats Seats, 1 to the product's `maxSeatsPerLicense`.
    /// @param validUntil 0 for perpetual products; for limited ones a time after now and at most
    /// now plus the product's validity period.
    /// @param keyCommitment Optional hash committing to the license key (0 for none).
    /// @param originEvidence Optional hash of the first-sale evidence (required from onboarders).
    struct IssueRequest {
        address holder;
        uint256 seats;
        uint256 validUntil;
        bytes32 keyCommitment;
        bytes32 originEvidence;
    }

    // ------------------------------------------------------------------ events: products

    /// @notice Product `productId` was registered with `terms`. `publisher` is the controller
    /// for a publisher's own registration; for an operator's registration on an absent
    /// publisher's behalf it is the address invited to take control (0 if not known yet).
    event ProductRegistered(
        uint256 indexed productId,
        address indexed controller,
        address indexed publisher,
        ProductTerms terms,
        string metadataURI,
        bool registeredByOperator
    );
    /// @notice The terms of product `productId` (which had no licenses yet) were replaced.
    event ProductTermsUpdated(uint256 indexed productId, ProductTerms terms, string metadataURI);
    /// @notice Product `productId` was closed for new issuance, for good.
    event ProductClosedForIssuance(uint256 indexed productId);
    /// @notice The controller of `productId` offered control to `pendingController` (0: cancelled).
    event ProductControlTransferStarted(
        uint256 indexed productId,
        address indexed controller,
        address indexed pendingController
    );
    /// @notice Control of product `productId` passed from `previousController` to `newController`.
    event ProductControlTransferred(
        uint256 indexed productId,
        address indexed previousController,
        address indexed newController
    );
    /// @notice The admin started handing product `productId`, whose controller `controller` lost
    /// `OPERATOR_ROLE`, to the operator `newController`, who may complete it from `readyAt`
    /// (`newController` 0: the recovery was cancelled).
    event ProductControlRecoveryStarted(
        uint256 indexed productId,
        address indexed controller,
        address indexed newController,
        uint48 readyAt
    );
    /// @notice Control of product `productId` was recovered from `previousController` (an
    /// operator that lost its role) by the operator `newController`; its issuers' grants and any
    /// pending offer of control lapsed. A `ProductControlTransferred` follows.
    event ProductControlRecovered(
        uint256 indexed productId,
        address indexed previousController,
        address indexed newController
    );
    /// @notice `issuer` may now issue licenses of `productId` as `kind` (`None`: removed), until
    /// control of the product changes hands.
    event IssuerSet(uint256 indexed productId, address indexed issuer, IssuerKind kind);

    // ------------------------------------------------------------------ events: licenses

    /// @notice License `licenseId` was issued with `seats` seats, valid until `validUntil`
    /// (0: perpetual). Its product is `licenseId / 10^12`; the first holder is in the
    /// `Transfer(0, holder, licenseId)` event of the same call; the terms are those of the
    /// product's `ProductRegistered` (or last `ProductTermsUpdated`) event, fixed since its first
    /// issuance. Issued by the product's controller at that block unless a `LicenseIssuedBy`
    /// follows.
    event LicenseIssued(uint256 indexed licenseId, uint256 seats, uint256 validUntil);
    /// @notice License `licenseId` of `productId` was issued by `issuer`, an authorised issuer
    /// rather than the controller, and/or on the first-sale evidence hashed as `originEvidence`
    /// (an invoice or license certificate from before the ledger; 0: none). Emitted right after
    /// `LicenseIssued` only in those cases, so the controller's own issuance pays nothing for it;
    /// publishers watch delegated issuance and onboarding of their products by `productId`.
    event LicenseIssuedBy(
        uint256 indexed licenseId,
        uint256 indexed productId,
        address indexed issuer,
        bytes32 originEvidence
    );
    /// @notice License `licenseId` (of `productId`) was first sold in `region`, as its issuer
    /// recorded at issuance (emitted right after `LicenseIssued`/`LicenseIssuedBy`; a license
    /// without this event records no region and is never presumed exhausted).
    event LicenseFirstSaleRecorded(
        uint256 indexed licenseId,
        uint256 indexed productId,
        FirstSaleRegion region
    );
    /// @notice License `licenseId` was bound to the license-key commitment `keyCommitment`
    /// (unique within the license's product).
    event LicenseKeyCommitted(uint256 indexed licenseId, bytes32 indexed keyCommitment);
    /// @notice `holder` declared its copy of license `licenseId` (of `productId`) unusable, in the
    /// signed document hashed as `declarationHash`, and released the license for resale. The next
    /// `Transfer` of the license relies on this declaration. Publishers watch the resales of their
    /// products by filtering on `productId`.
    event LicenseReleased(
        uint256 indexed licenseId,
        uint256 indexed productId,
        address indexed holder,
        bytes32 declarationHash
    );
    /// @notice `holder` withdrew the release of license `licenseId` before it moved.
    event LicenseReleaseWithdrawn(uint256 indexed licenseId, address indexed holder);
    /// @notice `attester` attested that the released copy of `licenseId` was deactivated.
    event LicenseDeactivationAttested(
        uint256 indexed licenseId,
        address indexed attester,
        bytes32 evidenceHash
    );
    /// @notice License `parentId` was split; `childId` continues its chain of title with `seats`.
    event LicenseSplit(uint256 indexed parentId, uint256 indexed childId, uint256 seats);
    /// @notice License `licenseId` was suspended by `by` on the evidence `evidenceHash`.
    event LicenseSuspended(uint256 indexed licenseId, address indexed by, bytes32 evidenceHash);
    /// @notice The suspension of `licenseId` was lifted by `by`, with `reasonHash` (0: none).
    event LicenseReinstated(uint256 indexed licenseId, address indexed by, bytes32 reasonHash);
    /// @notice The suspension of `licenseId` (of `productId`) that its product's controller just
    /// imposed lapses by itself at `lapsesAt` unless an arbiter lifts it earlier (emitted right
    /// after `LicenseSuspended`; an arbiter's suspension has no lapse and no such event).
    event LicenseSuspensionBounded(
        uint256 indexed licenseId,
        uint256 indexed productId,
        uint48 lapsesAt
    );
    /// @notice Arbiter `arbiter` reinstated license `licenseId` (of `productId`): from now on only
    /// an arbiter may suspend it (emitted right after `LicenseReinstated`).
    event LicenseArbiterReinstated(
        uint256 indexed licenseId,
        uint256 indexed productId,
        address indexed arbiter
    );
    /// @notice License `licenseId` (of `productId`) moved on its holder's declaration alone: its
    /// product requires the controller's deactivation attestation, none came within
    /// `ATTESTATION_PERIOD` of the release, so the declaration sufficed from `sufficedAt`.
    /// Emitted right before the move's `Transfer`.
    event LicenseAttestationLapsed(
        uint256 indexed licenseId,
        uint256 indexed productId,
        uint256 sufficedAt
    );
    /// @notice License `licenseId` was revoked for good by `by` for `reasonCode`, on the evidence
    /// `evidenceHash`. Reason codes: 1 refund, 2 fraud, 3 court order, 4 publisher error, other
    /// values as the publisher documents them.
    event LicenseRevoked(
        uint256 indexed licenseId,
        address indexed by,
        uint16 reasonCode,
        bytes32 evidenceHash
    );
    /// @notice `holder` surrendered license `licenseId` for good.
    event LicenseSurrendered(uint256 indexed licenseId, address indexed holder);

    // ------------------------------------------------------------------ events: evidence

    /// @notice `declarer`, an issuer of `productId`, declared that the first-sale evidence hashed
    /// as `originEvidence` covers `capacity` seats, before any license was onboarded on it.
    event EvidenceDeclared(
        bytes32 indexed originEvidence,
        uint256 indexed productId,
        address indexed declarer,
        uint256 capacity
    );
    /// @notice License `licenseId` of `productId` was issued on the evidence `originEvidence`,
    /// drawing `seats` of its `capacity`; `used` seats are drawn now. Filter on `originEvidence`
    /// to list every license issued on one piece of paperwork.
    event EvidenceDrawn(
        bytes32 indexed originEvidence,
        uint256 indexed licenseId,
        uint256 indexed productId,
        uint256 seats,
        uint256 used,
        uint256 capacity
    );

    // ------------------------------------------------------------------ events: registry

    /// @notice `account` paused issuance and transfers until `until`.
    event Paused(address indexed account, uint48 until);
    /// @notice `account` lifted the pause before it lapsed.
    event Unpaused(address indexed account);

    // ------------------------------------------------------------------ products

    /// @notice Registers a product controlled by the caller, a publisher.
    /// @dev Requires `PUBLISHER_ROLE`. Writes 2 slots (product, counter) plus the URI.
    /// @param terms The product's terms; fixed once its first license exists.
    /// @param metadataURI Where the publisher describes the product (name, version, EULA).
    /// @return productId The new product's id (sequential from 1).
    function registerProduct(
        ProductTerms calldata terms,
        string calldata metadataURI
    ) external returns (uint256 productId);

    /// @notice Registers, on an absent publisher's behalf, a product with the terms that publisher
    /// published. The caller (an operator) controls it until `publisher` accepts control.
    /// @dev Requires `OPERATOR_ROLE`. The product is marked as registered by an operator for good.
    /// @param publisher The publisher invited to take control (0 if not known yet).
    /// @param terms The terms the publisher published.
    /// @param metadataURI Where the terms are documented.
    /// @return productId The new product's id.
    function registerProductForPublisher(
        address publisher,
        ProductTerms calldata terms,
        string calldata metadataURI
    ) external returns (uint256 productId);

    /// @notice Replaces the terms and URI of a product that has no licenses yet.
    /// @dev Only the controller. Reverts with `ProductTermsLocked` once a license exists.
    function updateProductTerms(
        uint256 productId,
        ProductTerms calldata terms,
        string calldata metadataURI
    ) external;

    /// @notice Closes a product for new issuance, for good. Existing licenses are unaffected.
    /// @dev Only the controller.
    function closeProduct(uint256 productId) external;

    /// @notice Offers control of a product to `newController` (0 cancels a pending offer).
    /// @dev Only the controller. Control passes when `newController` calls `acceptProductControl`.
    function transferProductControl(uint256 productId, address newController) external;

    /// @notice Accepts control of a product offered to the caller.
    function acceptProductControl(uint256 productId) external;

    /// @notice Starts handing a product registered by an operator, whose controller no longer
    /// holds `OPERATOR_ROLE` (a compromised account the admin removed), to another operator
    /// `newController`, who completes it after `CONTROL_RECOVERY_DELAY`. `newController` 0
    /// cancels a pending recovery.
    /// @dev `DEFAULT_ADMIN_ROLE` only, and nothing more: no power over a product a publisher
    /// controls, and none over licenses (the admin moves, revokes and suspends nothing).
    function startProductControlRecovery(uint256 productId, address newController) external;

    /// @notice Completes a recovery started for the caller, once its delay has passed and while
    /// the old controller still lacks `OPERATOR_ROLE` and no publisher took the product over.
    /// The issuers the old controller appointed, and any offer of control it made, lapse. (The
    /// admin cancels a recovery whose target it stopped trusting.)
    function completeProductControlRecovery(uint256 productId) external;

    /// @notice Authorises `issuer` to issue the product's licenses as `kind`, or removes it with
    /// `IssuerKind.None`. Authorisations lapse when control of the product changes hands: a
    /// publisher taking over from an operator starts with no issuers but those it appoints.
    /// @dev Only the controller. Issuers issue; attesting and revoking stay with the controller.
    function setIssuer(uint256 productId, address issuer, IssuerKind kind) external;

    // ------------------------------------------------------------------ issuance

    /// @notice Issues one license of `productId` to `holder`, with no key commitment and no
    /// first-sale evidence (the cheapest issuance: publishers and distributors).
    /// @dev Controller or issuer (not an onboarder) only; not while paused. Writes 3 slots: the
    /// product (its serial counter), the license (holder and state in one slot) and the holder's
    /// balance.
    /// @param seats Seats, 1 to the product's `maxSeatsPerLicense`.
    /// @param validUntil 0 for a perpetual product; for a limited one, after now and at most now
    /// plus its validity period.
    /// @return licenseId The new license's id: `productId * 10^12 + serial`, serials from 1.
    function issue(
        uint256 productId,
        address holder,
        uint256 seats,
        uint256 validUntil
    ) external returns (uint256 licenseId);

    /// @notice Issues one license carrying the hash of its first-sale evidence: how onboarders
    /// bring licenses sold before the ledger existed. The license's seats are drawn from the
    /// evidence's capacity (see `declareEvidence`), so the same paperwork cannot be sold twice.
    /// @dev As `issue`; onboarders must give a non-zero `originEvidence`. Writes the evidence's
    /// use slot too (every issuance with evidence does).
    function issueWithEvidence(
        uint256 productId,
        address holder,
        uint256 seats,
        uint256 validUntil,
        bytes32 originEvidence
    ) external returns (uint256 licenseId);

    /// @notice Issues one license bound to a license-key commitment, so an activation server can
    /// find the license from the key without the key being public.
    /// @dev As `issue`, plus one slot for the commitment.
    /// @param keyCommitment A hash committing to the key (see the SDK for the scheme); non-zero
    /// and unused.
    function issueWithKey(
        uint256 productId,
        address holder,
        uint256 seats,
        uint256 validUntil,
        bytes32 keyCommitment,
        bytes32 originEvidence
    ) external returns (uint256 licenseId);

    /// @notice Issues licenses as `issueBatch` does, recording where their first sale took place:
    /// the publisher's own sale, or (for an onboarder) the place its first-sale evidence shows.
    /// A perpetual license first sold in the EU/EEA or Switzerland is exhausted: it may be
    /// resold whatever its product's terms say (CJEU C-128/11, UsedSoft). The other issuance
    /// functions record no region (`Unrecorded`), which is never presumed exhausted.
    /// @dev As `issueBatch`; one `LicenseFirstSaleRecorded` per license. The region sits in the
    /// license's own slot, so recording it costs no storage write.
    /// @param region `EEA`, `Switzerland` or `Elsewhere` (`Unrecorded` is refused).
    /// @return firstLicenseId The id of the first license; the others follow in request order.
    function issueWithFirstSale(
        uint256 productId,
        FirstSaleRegion region,
        IssueRequest[] calldata requests
    ) external returns (uint256 firstLicenseId);

    /// @notice Issues one license per request, with consecutive ids, in one transaction.
    /// @dev Writes the product's serial counter once, then per license its slot and its holder's
    /// balance (plus the commitment slot where one is given).
    /// @return firstLicenseId The id of the first license; the others follow in request order.
    function issueBatch(
        uint256 productId,
        IssueRequest[] calldata requests
    ) external returns (uint256 firstLicenseId);

    /// @notice Committed issuance (see `ILicenseCommitments`), called by `commitments()` only,
    /// in two modes.
    /// Reservation, at commit, when `leaf.holder` is zero: checks that `committer` may issue
    /// product `leaf.licenseId` now (not paused, product open, controller or issuer) and reserves
    /// `leaf.seats` serials for the run (`kind` is ignored).
    /// Claim, otherwise, once the module checked the leaf's proof: issues the reserved
    /// `leaf.licenseId` to `leaf.holder` exactly as a direct issuance by `committer` of kind
    /// `kind` would (`LicenseIssuedBy` names `committer`); not while paused.
    /// @return licenseId Reservation: the run's first id (the run takes `leaf.seats` consecutive
    /// ids). Claim: `leaf.licenseId`, or 0 (and nothing done) if that license already exists.
    /// @return committerKind Reservation: how `committer` issues (`None`: it is the controller),
    /// fixed for the run. Claim: `None`.
    function committedIssuance(
        address committer,
        IssuerKind kind,
        ILicenseCommitments.Leaf calldata leaf
    ) external returns (uint256 licenseId, IssuerKind committerKind);

    /// @notice Declares, before its first use, how many seats the first-sale evidence hashed as
    /// `originEvidence` covers (an invoice for 100 seats: 100). Every license issued on it, by
    /// any issuer of any product, draws its seats from that capacity, and one beyond it is
    /// refused. Evidence used without a declaration covers exactly the seats of the first
    /// license issued on it.
    /// @dev The product's controller or one of its issuers. Once per evidence hash.
    /// @param productId A product the caller controls or issues, named for the record.
    /// @param capacity The seats the evidence covers, at least 1.
    function declareEvidence(uint256 productId, bytes32 originEvidence, uint256 capacity) external;

    // ------------------------------------------------------------------ holder actions

    /// @notice Records the holder's declaration that its copy is unusable and releases the
    /// license for resale. From now on the license is not valid for its holder.
    /// @dev Holder or approved account. Writes 1 slot.
    /// @param declarationHash Hash of the signed declaration document (kept off-chain).
    function release(uint256 licenseId, bytes32 declarationHash) external;

    /// @notice Withdraws a release before the license moved; the license is valid again.
    /// @dev Holder or approved account. Writes 1 slot. Clears any attestation.
    function withdrawRelease(uint256 licenseId) external;

    /// @notice Releases the license with `declarationHash` and transfers it from its holder to
    /// `to` in one call: the usual way a holder sells directly.
    /// @dev Holder or approved account; not while paused. Fails where the product requires an
    /// attestation, which cannot happen between the two steps. Writes the license slot (holder
    /// only: the state ends as it began) and both balances.
    function releaseAndTransfer(address to, uint256 licenseId, bytes32 declarationHash) external;

    /// @notice Splits a volume license into licenses with `seats[i]` seats each; the parent ends.
    /// @dev Holder or approved account; active, unsuspended, unexpired license of a splittable
    /// product; not while paused. The children go to the holder with the parent's validity.
    /// @return firstChildId The id of the first child; the others follow in order.
    function split(
        uint256 licenseId,
        uint32[] calldata seats
    ) external returns (uint256 firstChildId);

    /// @notice Gives up the license for good. It stays on the ledger, invalid, with its history.
    /// @dev Holder only.
    function surrender(uint256 licenseId) external;

    // ------------------------------------------------------------------ publisher and arbiter

    /// @notice Attests that the released copy of a license was deactivated (for example, that its
    /// activation server switched the seller's key off).
    /// @dev The product's controller only: a dealer must never attest its own sale. Evidence
    /// (for example the hash of the activation server's log entry) is required. A controller
    /// that withholds it cannot block the resale: `ATTESTATION_PERIOD` after the release the
    /// holder's declaration alone suffices (`LicenseAttestationLapsed`).
    function attestDeactivation(uint256 licenseId, bytes32 evidenceHash) external;

    /// @notice Revokes a license for good (refund, fraud, court order).
    /// @dev The product's controller only. Reason and evidence are required. Not while an arbiter
    /// holds the license suspended: the dispute is decided first.
    function revoke(uint256 licenseId, uint16 reasonCode, bytes32 evidenceHash) external;

    /// @notice Freezes a license during a dispute: it is neither valid nor movable until
    /// reinstated or, for a controller's suspension, until it lapses.
    /// @dev The product's controller or `ARBITER_ROLE`. Evidence required. A suspension by an
    /// arbiter (a court, a dispute service) lasts until an arbiter lifts it. A controller's
    /// suspension lapses by itself `CONTROLLER_SUSPENSION_PERIOD` after it began (an arbiter may
    /// lift it earlier); the controller suspends a license at most once per holding (since the
    /// license last moved), and never again once an arbiter reinstated the license. So a
    /// publisher cannot freeze a resale for good: a longer freeze is an arbiter's decision.
    function suspend(uint256 licenseId, bytes32 evidenceHash) external;

    /// @notice Lifts a suspension.
    /// @dev `ARBITER_ROLE`, or the product's controller unless an arbiter imposed it. An arbiter's
    /// reinstatement reserves any later suspension of the license to arbiters.
    function reinstate(uint256 licenseId, bytes32 reasonHash) external;

    // ------------------------------------------------------------------ emergency

    /// @notice Halts issuance, transfers and splits for `duration` seconds (at most
    /// `MAX_PAUSE_DURATION`). The pause lapses by itself; a new one may start only
    /// `PAUSE_COOLDOWN` after the last one ended, so nobody can freeze the trade for good.
    /// @dev `PAUSER_ROLE`.
    function pause(uint48 duration) external;

    /// @notice Lifts the pause early. The cool-down counts from now.
    /// @dev `PAUSER_ROLE`.
    function unpause() external;

    // ------------------------------------------------------------------ queries

    /// @notice Whether license `licenseId` is valid right now: it exists, is active (not released
    /// or ended), is not suspended and has not expired.
    function isValid(uint256 licenseId) external view returns (bool);

    /// @notice Whether license `licenseId` is valid right now and held by `holder`.
    function isValidFor(uint256 licenseId, address holder) external view returns (bool);

    /// @notice The holder of license `licenseId` and how many times it changed hands (at most
    /// 32,767: the count never wraps, the move that would wrap it is refused). A signed market order names the count it was signed at, so it dies when the license
    /// moves and stays dead if the license ever returns to its signer. Reverts for an unknown id.
    function holdingOf(uint256 licenseId) external view returns (address holder, uint256 moves);

    /// @notice The license of `productId` bound to `keyCommitment`, or 0 if none. Commitments are
    /// scoped per product, so no issuer of another product can claim (or front-run) one.
    function licenseOfKey(
        uint256 productId,
        bytes32 keyCommitment
    ) external view returns (uint256 licenseId);

    /// @notice The full state of license `licenseId`. Reverts for an unknown id.
    function getLicense(uint256 licenseId) external view returns (LicenseView memory);

    /// @notice Product `productId` and its terms. Reverts for an unknown id.
    function getProduct(uint256 productId) external view returns (ProductView memory);

    /// @notice How `account` may issue licenses of `productId` now (`None` once control changed).
    function issuerKind(uint256 productId, address account) external view returns (IssuerKind);

    /// @notice How many seats the first-sale evidence hashed as `originEvidence` covers and how
    /// many are onboarded (0, 0: never used). The licenses are in its `EvidenceDrawn` events.
    function evidenceUse(
        bytes32 originEvidence
    ) external view returns (uint256 capacity, uint256 used);

    /// @notice The number of products registered (ids run from 1 to this).
    function productCount() external view returns (uint256);

    /// @notice Until when issuance and transfers are paused (in the past: not paused).
    function pausedUntil() external view returns (uint48);

    /// @notice The contract that renders `tokenURI` (an `ILicenseRenderer` the registry created
    /// in its constructor, serving only this registry).
    function renderer() external view returns (address);

    /// @notice The committed-issuance module (an `ILicenseCommitments` the registry created in
    /// its constructor, serving only this registry): verifiers find it from the registry alone.
    function commitments() external view returns (address);
}
