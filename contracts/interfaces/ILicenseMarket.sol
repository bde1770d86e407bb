// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseRegistryErrors} from "./ILicenseRegistryErrors.sol";

/// @title ILicenseMarket
/// @notice The specification of the License Ledger marketplace: atomic sales of used licenses for
/// ETH or an ERC-20 token, from orders signed off-chain (EIP-712), so posting an offer costs no
/// gas.
///
/// Two kinds of signed order, each filled by a taker in one transaction that moves the license
/// and pays the seller and the platform fee, or reverts whole:
/// - a **sell order**, signed by the holder: "license L for `price`", which also carries the
///   declaration that the holder's copy is unusable, so one signature both offers the license and
///   releases it at settlement. A buyer fills it with `buy`.
/// - a **buy offer**, signed by a buyer (ERC-20 only): "I pay `price` for license L". The holder
///   fills it with `acceptOffer`, naming its declaration then.
///
/// Who bears the fee: the maker's signed amount is exact, the taker pays the fee and bounds it.
/// A seller's order pays the seller exactly `price`; the buyer pays `price` plus the fee and
/// names the most it pays (`maxTotal`). A buyer's offer costs the buyer exactly `price`; the
/// seller receives `price` minus the fee and names the least it accepts (`minProceeds`). So a fee
/// change between signing and filling can never take more from a maker than it signed, nor
/// surprise a taker beyond its bound.
///
/// No custody: the market never holds a license (it moves straight from seller to buyer through
/// the registry, as an operator the holder approved) and holds no funds after a call except what
/// it owes by name (`owed`): ETH fees until the fee recipient withdraws them, and ETH a seller's
/// or buyer's account refused to receive.
///
/// An order dies by itself when its license can no longer lawfully move (revoked, suspended,
/// expired, split, surrendered, sold elsewhere, not released where an attestation is needed):
/// filling it reverts with the registry's own error. Those errors are part of this interface
/// (`ILicenseRegistryErrors`), so the market's ABI alone decodes them.
///
/// A sale never leaves the buyer a license it can no longer lawfully resell: a license one move
/// short of the registry's move limit is not sold here (`MarketLicenseAtMoveLimit`).
interface ILicenseMarket is ILicenseRegistryErrors {
    /// @notice A holder's signed offer to sell a license (EIP-712 type `SellOrder`).
    /// @param seller The holder selling; signs the order (an EOA, or a contract via ERC-1271).
    /// @param licenseId The license sold.
    /// @param licenseMoves The license's move count when signing (`ILicenseRegistry.holdingOf`):
    /// the order dies once the license moves, even if it later returns to the seller.
    /// @param currency The payment currency: address(0) for ETH, else an ERC-20 token.
    /// @param price What the seller receives, exactly; the buyer pays it plus the fee.
    /// @param expiry The last second (unix time) the order can be filled.
    /// @param nonce The seller's order number; each nonce fills or cancels once.
    /// @param counter The seller's counter when signing; `cancelAllOrders` bumps it, voiding all.
    /// @param declarationHash Hash of the seller's signed declaration that its copy is unusable:
    /// the market releases the license with it at settlement. 0 for a license the seller already
    /// released itself (required where the product needs the publisher's attestation).
    struct SellOrder {
        address seller;
        uint256 licenseId;
        uint256 licenseMoves;
        address currency;
        uint256 price;
        uint256 expiry;
        uint256 nonce;
        uint256 counter;
        bytes32 declarationHash;
    }

    /// @notice A buyer's signed offer to buy a license for an ERC-20 amount (EIP-712 type
    /// `BuyOffer`).
    /// @param buyer The account paying; signs the offer (an EOA, or a contract via ERC-1271).
    /// @param licenseId The license wanted.
    /// @param licenseMoves The license's move count when signing: the offer dies once the
    /// license moves (so it cannot be pressed on the buyer after it bought the license elsewhere).
    /// @param currency The ERC-20 token paid (never ETH: the market cannot pull a buyer's ETH).
    /// @param price What the buyer pays, exactly; the seller receives it less the fee.
    /// @param expiry The last second (unix time) the offer can be accepted.
    /// @param nonce The buyer's order number (shared with its sell orders).
    /// @param counter The buyer's counter when signing.
    struct BuyOffer {
        address buyer;
        uint256 licenseId;
        uint256 licenseMoves;
        address currency;
        uint256 price;
        uint256 expiry;
        uint256 nonce;
        uint256 counter;
    }

    /// @notice One sell order of a batch purchase, with its signature and the buyer's bound.
    struct Purchase {
        SellOrder order;
        bytes signature;
        uint256 maxTotal;
    }

    /// @notice An ERC-2612 permit the buyer signed for the market, used in the same call.
    /// @param value The allowance the permit grants.
    /// @param deadline The permit's deadline.
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    // ------------------------------------------------------------------ errors

    /// @notice The order or offer of `maker` expired at `expiry`.
    error MarketOrderExpired(address maker, uint256 nonce, uint256 expiry);
    /// @notice Nonce `nonce` of `maker` was already filled or cancelled.
    error MarketNonceUsed(address maker, uint256 nonce);
    /// @notice The order carries counter `orderCounter` but `maker`'s counter is `currentCounter`:
    /// it was signed before `maker` cancelled all its orders (or for a counter not reached yet).
    error MarketOrderCounterMismatch(address maker, uint256 orderCounter, uint256 currentCounter);
    /// @notice The signature is not `maker`'s over this order on this market and chain.
    error MarketSignatureInvalid(address maker);
    /// @notice License `licenseId` is held by `holder`, not by the order's seller `seller`.
    error MarketSellerNotHolder(uint256 licenseId, address seller, address holder);
    /// @notice License `licenseId` has moved since the order was signed (at move `orderMoves`; it
    /// is at move `currentMoves` now): the order died with that move.
    error MarketLicenseMoved(uint256 licenseId, uint256 orderMoves, uint256 currentMoves);
    /// @notice `holder` has not approved the market to move license `licenseId` (or withdrew it).
    error MarketNotApproved(address holder, uint256 licenseId);
    /// @notice The buyer pays `total` (price plus fee), more than its bound `maxTotal`.
    error MarketTotalAboveMax(uint256 total, uint256 maxTotal);
    /// @notice The seller would receive `proceeds` (price less fee), less than `minProceeds`.
    error MarketProceedsBelowMin(uint256 proceeds, uint256 minProceeds);
    /// @notice The ETH sent (`sent`) does not cover the `required` ETH of the purchase.
    error MarketEtherInsufficient(uint256 required, uint256 sent);
    /// @notice A buy offer, and a purchase with a permit, must name an ERC-20 token, not ETH.
    error MarketTokenRequired();
    /// @notice `recipient` received `received` of `token` instead of `expected`: fee-on-transfer
    /// and other balance-changing tokens are refused.
    error MarketTokenAmountMismatch(
        address token,
        address recipient,
        uint256 expected,
        uint256 received
    );
    /// @notice A fee of `bps` basis points is above the cap of `maxBps`.
    error MarketFeeTooHigh(uint256 bps, uint256 maxBps);
    /// @notice `recipient` cannot receive fees: the zero address (with a non-zero fee), the market
    /// itself or the registry.
    error MarketFeeRecipientInvalid(address recipient);
    /// @notice `currency` cannot be paid with: the registry's licenses are not a currency.
    error MarketCurrencyInvalid(address currency);
    /// @notice The market owes `account` nothing.
    error MarketNothingOwed(address account);
    /// @notice Sending `amount` wei to `to` failed (or `to` is the zero address, which would burn it).
    error MarketWithdrawalFailed(address to, uint256 amount);
    /// @notice A batch purchase needs at least one order.
    error MarketBatchEmpty();
    /// @notice `registry` is not a deployed contract.
    error MarketRegistryInvalid(address registry);
    /// @notice License `licenseId` has made `moves` moves: after this sale it would have made the
    /// most its move count holds (`maxMoves`), and its buyer could never resell it.
    error MarketLicenseAtMoveLimit(uint256 licenseId, uint256 moves, uint256 maxMoves);

    // ------------------------------------------------------------------ events

    /// @notice License `licenseId` was sold by `seller` to `buyer` in `currency` (address(0):
    /// ETH). `price` is the price the maker signed: the sell order's price (what the seller
    /// receives) or the buy offer's price (what the buyer pays). `paid` is what the buyer paid in
    /// all, of which `fee` went to the fee recipient; the seller received `paid - fee`.
    /// `orderHash` is the EIP-712 digest of the filled sell order (signed by `seller`) or buy
    /// offer (signed by `buyer`). The registry's `LicenseReleased` (where the order carried the
    /// declaration) and `Transfer` events precede it in the same transaction.
    event LicenseSold(
        uint256 indexed licenseId,
        address indexed seller,
        address indexed buyer,
        address currency,
        uint256 price,
        uint256 paid,
        uint256 fee,
        bytes32 orderHash
    );
    /// @notice `maker` cancelled its order or offer with nonce `nonce`.
    event OrderCancelled(address indexed maker, uint256 nonce);
    /// @notice `maker` cancelled every order and offer signed at a counter below `newCounter`.
    event AllOrdersCancelled(address indexed maker, uint256 newCounter);
    /// @notice Sending `amount` wei to `account` failed; the market owes it to `account`, which
    /// takes it with `withdraw`.
    event PaymentDeferred(address indexed account, uint256 amount);
    /// @notice `account` withdrew `amount` wei it was owed, sent to `to`.
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice The platform fee is now `bps` basis points, paid to `recipient`.
    event FeeUpdated(address indexed recipient, uint16 bps);

    // ------------------------------------------------------------------ trading

    /// @notice Buys a license from the seller's signed order: releases it with the order's
    /// declaration, moves it to the caller, pays the seller `price` and the fee recipient the fee.
    /// @dev ETH orders: send at least the total (`quote`); any excess is returned. ERC-20 orders:
    /// the caller must have approved the market for the total. Reverts whole on any refusal.
    /// @param order The seller's order.
    /// @param signature The seller's EIP-712 signature (65 bytes) or ERC-1271 signature data.
    /// @param maxTotal The most the caller pays, fee included (protects against a fee change).
    /// @return total What the caller paid, fee included.
    function buy(
        SellOrder calldata order,
        bytes calldata signature,
        uint256 maxTotal
    ) external payable returns (uint256 total);

    /// @notice `buy` for an ERC-20 order, first using the caller's ERC-2612 permit for the market,
    /// so no separate approval transaction is needed. A permit that was already used (for
    /// example front-run by someone who saw it) is ignored when the allowance suffices.
    function buyWithPermit(
        SellOrder calldata order,
        bytes calldata signature,
        uint256 maxTotal,
        Permit calldata permit
    ) external returns (uint256 total);

    /// @notice Buys several licenses in one transaction, all or nothing.
    /// @dev ETH orders are paid from `msg.value`, which must cover their totals; the excess is
    /// returned once at the end.
    /// @return totalEther The ETH the caller paid in all.
    function buyBatch(Purchase[] calldata purchases) external payable returns (uint256 totalEther);

    /// @notice Sells the caller's license to a buyer's signed offer: releases it with the caller's
    /// declaration, moves it to the buyer, and pays the caller `price` less the fee.
    /// @dev The caller must be the license's holder and have approved the market.
    /// @param offer The buyer's offer.
    /// @param signature The buyer's EIP-712 signature or ERC-1271 signature data.
    /// @param declarationHash Hash of the caller's declaration that its copy is unusable (0 for a
    /// license the caller already released).
    /// @param minProceeds The least the caller accepts, after the fee.
    /// @return proceeds What the caller received.
    function acceptOffer(
        BuyOffer calldata offer,
        bytes calldata signature,
        bytes32 declarationHash,
        uint256 minProceeds
    ) external returns (uint256 proceeds);

    /// @notice Cancels the caller's orders and offers with these nonces.
    function cancelOrders(uint256[] calldata nonces) external;

    /// @notice Cancels every order and offer the caller signed so far (bumps its counter).
    /// @return newCounter The counter new orders must carry.
    function cancelAllOrders() external returns (uint256 newCounter);

    /// @notice Sends the caller everything the market owes it.
    function withdraw() external;

    /// @notice Sends everything the market owes the caller to `to` (for an account that cannot
    /// receive ETH itself).
    function withdrawTo(address payable to) external;

    /// @notice Sends everything the market owes `account` to `account` itself, with all the gas
    /// the caller gives: anyone may call it, for a contract whose `receive` needs more than the
    /// sale's stipend and that cannot call `withdraw` itself.
    function withdrawFor(address payable account) external;

    // ------------------------------------------------------------------ admin

    /// @notice Sets the platform fee (at most `MAX_FEE_BPS`) and where it is paid.
    /// @dev `DEFAULT_ADMIN_ROLE`. Applies to orders filled from now on; makers are unaffected
    /// (see the contract header), takers are protected by their bounds.
    function setFee(address recipient, uint16 bps) external;

    // ------------------------------------------------------------------ views

    /// @notice The registry whose licenses this market trades.
    function registry() external view returns (address);

    /// @notice The current fee recipient and rate in basis points.
    function fee() external view returns (address recipient, uint16 bps);

    /// @notice What a buyer pays for a sell order of `price` at the current fee, and the fee.
    function quote(uint256 price) external view returns (uint256 total, uint256 feeAmount);

    /// @notice The EIP-712 digest a seller signs for `order`.
    function hashSellOrder(SellOrder calldata order) external view returns (bytes32);

    /// @notice The EIP-712 digest a buyer signs for `offer`.
    function hashBuyOffer(BuyOffer calldata offer) external view returns (bytes32);

    /// @notice Whether `maker`'s nonce `nonce` was filled or cancelled.
    function isNonceUsed(address maker, uint256 nonce) external view returns (bool);

    /// @notice The counter `maker`'s new orders must carry.
    function counterOf(address maker) external view returns (uint256);

    /// @notice The ETH the market owes `account` (fees, refused payments).
    function owed(address account) external view returns (uint256);
}
