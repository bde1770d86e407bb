// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";

import {ILicenseMarket} from "./interfaces/ILicenseMarket.sol";
import {ILicenseRegistry} from "./interfaces/ILicenseRegistry.sol";
import {LicenseDataLib} from "./types/LicenseData.sol";

/// @title LicenseMarket
/// @notice Atomic sales of used licenses from EIP-712 signed orders (see `ILicenseMarket`): the
/// license moves only if the seller and the fee recipient are paid, and nobody pays without
/// receiving the license. Not upgradeable, no pause: the registry's own pause and rules govern
/// every move.
///
/// Guarantees (proven by the invariant tests in test/contracts/invariant):
/// - a fill moves the license from the order's seller to its buyer, pays the seller exactly what
///   the order says (sell order: `price`; buy offer: `price` less the fee) and the fee recipient
///   the fee, or reverts whole;
/// - the market never holds a license, and its ETH balance equals what it owes by name (`owed`):
///   fees until withdrawn, and payments an account refused; it never holds ERC-20 tokens;
/// - a nonce fills or cancels once; an order is void after its expiry, after its maker's
///   `cancelAllOrders`, on another chain or another market deployment (EIP-712 domain), after its
///   license moved, and after the seller withdrew the market's approval;
/// - nobody but the maker's signature (ECDSA, or ERC-1271 for contract wallets) creates an order;
///   no role can move a license or take funds owed to others. The admin only sets the fee,
///   capped at `MAX_FEE_BPS`, and a fee change never takes more from a maker than it signed.
///
/// ETH to a seller is pushed with a bounded gas stipend (`ETH_TRANSFER_GAS`); if the seller's
/// account refuses it (or runs out of that gas), the sale still completes and the market owes the
/// amount to the seller, who withdraws it (to any address, so a wallet that cannot receive ETH
/// still gets paid). So a refusing seller can neither block a sale nor keep the buyer's ETH. ETH
/// fees are credited to the fee recipient (pull), which saves every sale a value transfer.
///
/// For overriders: keep every external entry that moves value `nonReentrant`, keep the nonce
/// write before the first external call, and never hold a license or a token between calls.
contract LicenseMarket is
    ILicenseMarket,
    EIP712,
    AccessControlDefaultAdminRules,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------ constants

    /// @notice The highest platform fee: 10%.
    uint16 public constant MAX_FEE_BPS = 1_000;
    /// @notice Gas given to an account receiving ETH from a sale or a refund: enough for a
    /// contract wallet's `receive` (a Safe needs about 5,000), little enough that a recipient
    /// cannot burn the buyer's gas. A recipient that needs more is credited instead.
    uint256 public constant ETH_TRANSFER_GAS = 50_000;
    /// @notice EIP-712 type hash of `SellOrder`.
    bytes32 public constant SELL_ORDER_TYPEHASH = keccak256(
        "SellOrder(address seller,uint256 licenseId,uint256 licenseMoves,address currency,uint256 price,uint256 expiry,uint256 nonce,uint256 counter,bytes32 declarationHash)"
    );
    /// @notice EIP-712 type hash of `BuyOffer`.
    bytes32 public constant BUY_OFFER_TYPEHASH = keccak256(
        "BuyOffer(address buyer,uint256 licenseId,uint256 licenseMoves,address currency,uint256 price,uint256 expiry,uint256 nonce,uint256 counter)"
    );

    uint256 private constant _BPS_DENOMINATOR = 10_000;
    /// @dev The most moves a registry license makes (`LicenseDataLib.MOVES_MASK`, 2^15 - 1).
    uint256 private constant _MAX_MOVES = LicenseDataLib.MOVES_MASK;

    // ------------------------------------------------------------------ storage

    /// @dev The fee, one slot: recipient (160) | bps (16). Read once per call.
    struct FeeConfig {
        address recipient;
        uint16 bps;
    }

    address private immutable _registry;
    FeeConfig private _fee;
    mapping(address maker => uint256) private _counters;
    /// @dev Used nonces as bitmaps, 256 per word (word = nonce >> 8): a maker numbering its
    /// orders 0, 1, 2, ... pays 20,000 gas for a fresh word once per 256 orders and 2,900 after.
    mapping(address maker => mapping(uint256 word => uint256 bits)) private _usedNonces;
    mapping(address account => uint256) private _owed;

    // ------------------------------------------------------------------ constructor

    /// @param registry_ The `LicenseRegistry` whose licenses this market trades.
    /// @param initialAdmin The account holding `DEFAULT_ADMIN_ROLE` (sets the fee).
    /// @param adminTransferDelay The delay of the two-step admin handover, in seconds.
    /// @param feeRecipient Where fees go (may be 0 while `feeBps` is 0).
    /// @param feeBps The platform fee in basis points, at most `MAX_FEE_BPS`.
    constructor(
        address registry_,
        address initialAdmin,
        uint48 adminTransferDelay,
        address feeRecipient,
        uint16 feeBps
    )
        EIP712("License Ledger Market", "1")
        AccessControlDefaultAdminRules(adminTransferDelay, initialAdmin)
    {
        if (registry_.code.length == 0) revert MarketRegistryInvalid(registry_);
        _registry = registry_;
        _setFee(feeRecipient, feeBps);
    }

    // ------------------------------------------------------------------ trading

    /// @inheritdoc ILicenseMarket
    function buy(
        SellOrder calldata order,
        bytes calldata signature,
        uint256 maxTotal
    ) external payable nonReentrant returns (uint256 total) {
        uint256 etherSpent;
        (total, etherSpent) = _fillSellOrder(order, signature, maxTotal, 0, _fee);
        _refundExcessEther(etherSpent);
    }

    /// @inheritdoc ILicenseMarket
    function buyWithPermit(
        SellOrder calldata order,
        bytes calldata signature,
        uint256 maxTotal,
        Permit calldata permit
    ) external nonReentrant returns (uint256 total) {
        if (order.currency == address(0)) revert MarketTokenRequired();
        // A permit someone front-ran (it is public once in the mempool) reverts here; the sale
        // then relies on the allowance it already granted, and fails cleanly if there is none.
        try
            IERC20Permit(order.currency).permit(
                msg.sender,
                address(this),
                permit.value,
                permit.deadline,
                permit.v,
                permit.r,
                permit.s
            )
        {} catch {} // solhint-disable-line no-empty-blocks
        (total, ) = _fillSellOrder(order, signature, maxTotal, 0, _fee);
    }

    /// @inheritdoc ILicenseMarket
    function buyBatch(
        Purchase[] calldata purchases
    ) external payable nonReentrant returns (uint256 totalEther) {
        uint256 count = purchases.length;
        if (count == 0) revert MarketBatchEmpty();
        FeeConfig memory fee_ = _fee;
        for (uint256 i; i < count; ++i) {
            Purchase calldata purchase = purchases[i];
            (, totalEther) = _fillSellOrder(
                purchase.order,
                purchase.signature,
                purchase.maxTotal,
                totalEther,
                fee_
            );
        }
        _refundExcessEther(totalEther);
    }

    /// @inheritdoc ILicenseMarket
    function acceptOffer(
        BuyOffer calldata offer,
        bytes calldata signature,
        bytes32 declarationHash,
        uint256 minProceeds
    ) external nonReentrant returns (uint256 proceeds) {
        if (offer.currency == address(0)) revert MarketTokenRequired();
        bytes32 offerHash = _hashBuyOffer(offer);
        _useOrder(offer.buyer, offer.nonce, offer.counter, offer.expiry, offerHash, signature);
        FeeConfig memory fee_ = _fee;
        uint256 feeAmount = _feeOf(offer.price, fee_.bps);
        proceeds = offer.price - feeAmount;
        if (proceeds < minProceeds) revert MarketProceedsBelowMin(proceeds, minProceeds);

        _moveLicense(
            msg.sender,
            offer.buyer,
            offer.licenseId,
            offer.licenseMoves,
            offer.currency,
            declarationHash
        );
        _pay(offer.currency, offer.buyer, msg.sender, proceeds, feeAmount, fee_.recipient);
        emit LicenseSold(
            offer.licenseId,
            msg.sender,
            offer.buyer,
            offer.currency,
            offer.price,
            offer.price,
            feeAmount,
            offerHash
        );
    }

    /// @inheritdoc ILicenseMarket
    function cancelOrders(uint256[] calldata nonces) external {
        for (uint256 i; i < nonces.length; ++i) {
            uint256 nonce = nonces[i];
            // Idempotent: cancelling a nonce that was already used (a race with a fill) is not
            // an error, so a batch of cancellations never fails on one of them.
            _usedNonces[msg.sender][nonce >> 8] |= _nonceBit(nonce);
            emit OrderCancelled(msg.sender, nonce);
        }
    }

    /// @inheritdoc ILicenseMarket
    function cancelAllOrders() external returns (uint256 newCounter) {
        newCounter = _counters[msg.sender] + 1;
        _counters[msg.sender] = newCounter;
        emit AllOrdersCancelled(msg.sender, newCounter);
    }

    /// @inheritdoc ILicenseMarket
    function withdraw() external nonReentrant {
        _withdraw(msg.sender, payable(msg.sender));
    }

    /// @inheritdoc ILicenseMarket
    function withdrawTo(address payable to) external nonReentrant {
        _withdraw(msg.sender, to);
    }

    /// @inheritdoc ILicenseMarket
    function withdrawFor(address payable account) external nonReentrant {
        _withdraw(account, account);
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc ILicenseMarket
    function setFee(address recipient, uint16 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFee(recipient, bps);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ILicenseMarket
    function registry() external view returns (address) {
        return _registry;
    }

    /// @inheritdoc ILicenseMarket
    function fee() external view returns (address recipient, uint16 bps) {
        FeeConfig memory fee_ = _fee;
        return (fee_.recipient, fee_.bps);
    }

    /// @inheritdoc ILicenseMarket
    function quote(uint256 price) external view returns (uint256 total, uint256 feeAmount) {
        feeAmount = _feeOf(price, _fee.bps);
        total = price + feeAmount;
    }

    /// @inheritdoc ILicenseMarket
    function hashSellOrder(SellOrder calldata order) external view returns (bytes32) {
        return _hashSellOrder(order);
    }

    /// @inheritdoc ILicenseMarket
    function hashBuyOffer(BuyOffer calldata offer) external view returns (bytes32) {
        return _hashBuyOffer(offer);
    }

    /// @inheritdoc ILicenseMarket
    function isNonceUsed(address maker, uint256 nonce) external view returns (bool) {
        return _usedNonces[maker][nonce >> 8] & _nonceBit(nonce) != 0;
    }

    /// @inheritdoc ILicenseMarket
    function counterOf(address maker) external view returns (uint256) {
        return _counters[maker];
    }

    /// @inheritdoc ILicenseMarket
    function owed(address account) external view returns (uint256) {
        return _owed[account];
    }

    // ------------------------------------------------------------------ private

    /// @dev Fills one sell order for `msg.sender`. `etherSpent` is the ETH earlier orders of the
    /// same call used; returns the buyer's total for this order and the ETH used so far.
    function _fillSellOrder(
        SellOrder calldata order,
        bytes calldata signature,
        uint256 maxTotal,
        uint256 etherSpent,
        FeeConfig memory fee_
    ) private returns (uint256 total, uint256 etherSpentAfter) {
        bytes32 orderHash = _hashSellOrder(order);
        _useOrder(order.seller, order.nonce, order.counter, order.expiry, orderHash, signature);
        uint256 feeAmount = _feeOf(order.price, fee_.bps);
        total = order.price + feeAmount;
        if (total > maxTotal) revert MarketTotalAboveMax(total, maxTotal);
        etherSpentAfter = etherSpent;
        if (order.currency == address(0)) {
            etherSpentAfter += total;
            if (etherSpentAfter > msg.value) {
                revert MarketEtherInsufficient(etherSpentAfter, msg.value);
            }
        }

        _moveLicense(
            order.seller,
            msg.sender,
            order.licenseId,
            order.licenseMoves,
            order.currency,
            order.declarationHash
        );
        _pay(order.currency, msg.sender, order.seller, order.price, feeAmount, fee_.recipient);
        emit LicenseSold(
            order.licenseId,
            order.seller,
            msg.sender,
            order.currency,
            order.price,
            total,
            feeAmount,
            orderHash
        );
    }

    /// @dev Checks that `maker`'s order is live and signed by it, and uses its nonce (before any
    /// external call: an ERC-1271 wallet is called last).
    function _useOrder(
        address maker,
        uint256 nonce,
        uint256 counter,
        uint256 expiry,
        bytes32 digest,
        bytes calldata signature
    ) private {
        if (block.timestamp > expiry) revert MarketOrderExpired(maker, nonce, expiry);
        uint256 current = _counters[maker];
        if (counter != current) revert MarketOrderCounterMismatch(maker, counter, current);
        uint256 word = _usedNonces[maker][nonce >> 8];
        uint256 bit = _nonceBit(nonce);
        if (word & bit != 0) revert MarketNonceUsed(maker, nonce);
        _usedNonces[maker][nonce >> 8] = word | bit;
        // ECDSA first, then ERC-1271: an externally owned maker's signature is accepted without
        // reading its code (a cold EXTCODESIZE, 2,600 gas, on every token sale). A contract
        // wallet's signature data rarely recovers at all, and never to the wallet's own address
        // unless that address has a private key: then it is an EIP-7702 account, whose key
        // remains its owner's.
        (address recovered, ECDSA.RecoverError error_, ) = ECDSA.tryRecoverCalldata(
            digest,
            signature
        );
        if (
            (error_ != ECDSA.RecoverError.NoError || recovered != maker) &&
            !SignatureChecker.isValidERC1271SignatureNowCalldata(maker, digest, signature)
        ) {
            revert MarketSignatureInvalid(maker);
        }
    }

    /// @dev Moves license `licenseId` from `seller` to `buyer` through the registry, which checks
    /// every resale rule: released with `declarationHash` in the same call, or (hash 0) moved as
    /// the seller already released it. The order must name the license's current move count, so
    /// it cannot outlive the holding it was signed in. The registry's refusals bubble up
    /// unchanged, except the token base's argument-less approval error, which gets the seller and
    /// license named.
    function _moveLicense(
        address seller,
        address buyer,
        uint256 licenseId,
        uint256 licenseMoves,
        address currency,
        bytes32 declarationHash
    ) private {
        // The registry's licenses are no currency (their transferFrom matches ERC-20's).
        if (currency == _registry) revert MarketCurrencyInvalid(currency);
        (address holder, uint256 moves) = ILicenseRegistry(_registry).holdingOf(licenseId);
        if (holder != seller) revert MarketSellerNotHolder(licenseId, seller, holder);
        if (moves != licenseMoves) revert MarketLicenseMoved(licenseId, licenseMoves, moves);
        // The buyer must be able to resell: the move made here may not be the license's last.
        if (moves + 1 >= _MAX_MOVES) revert MarketLicenseAtMoveLimit(licenseId, moves, _MAX_MOVES);
        bytes memory move =
            declarationHash == bytes32(0)
                ? abi.encodeCall(IERC721.transferFrom, (seller, buyer, licenseId))
                : abi.encodeCall(
                    ILicenseRegistry.releaseAndTransfer,
                    (buyer, licenseId, declarationHash)
                );
        if (!LowLevelCall.callNoReturn(_registry, move)) {
            bytes memory reason = LowLevelCall.returnData();
            bytes4 selector = bytes4(reason);
            if (
                (reason.length == 4 && selector == ERC721.NotOwnerNorApproved.selector) ||
                selector == ERC721InsufficientApproval.selector
            ) {
                revert MarketNotApproved(seller, licenseId);
            }
            LowLevelCall.bubbleRevert(reason);
        }
    }

    /// @dev Pays `payee` exactly `amount` and the fee recipient `feeAmount` of `currency`: ETH (the
    /// caller's, already checked) is pushed to the payee and the fee credited; an ERC-20 token is
    /// pulled from `payer` straight to each, so the market never holds it.
    function _pay(
        address currency,
        address payer,
        address payee,
        uint256 amount,
        uint256 feeAmount,
        address feeRecipient
    ) private {
        if (currency == address(0)) {
            _payEther(payee, amount);
            if (feeAmount != 0) _owed[feeRecipient] += feeAmount;
        } else {
            _payToken(IERC20(currency), payer, payee, amount);
            if (feeAmount != 0) IERC20(currency).safeTransferFrom(payer, feeRecipient, feeAmount);
        }
    }

    /// @dev Pushes `amount` wei to `to` with a bounded stipend; owes it to `to` if refused.
    function _payEther(address to, uint256 amount) private {
        if (amount == 0) return;
        if (!SafeTransferLib.trySafeTransferETH(to, amount, ETH_TRANSFER_GAS)) {
            _owed[to] += amount;
            emit PaymentDeferred(to, amount);
        }
    }

    /// @dev Returns the ETH the caller sent beyond what its purchases used.
    function _refundExcessEther(uint256 etherSpent) private {
        if (msg.value > etherSpent) _payEther(msg.sender, msg.value - etherSpent);
    }

    /// @dev Transfers `amount` of `token` from `from` to `to` and checks `to` received exactly
    /// that, refusing fee-on-transfer and rebasing tokens.
    function _payToken(IERC20 token, address from, address to, uint256 amount) private {
        if (from == to) return token.safeTransferFrom(from, to, amount);
        uint256 before = token.balanceOf(to);
        token.safeTransferFrom(from, to, amount);
        uint256 afterwards = token.balanceOf(to);
        if (afterwards < before || afterwards - before != amount) {
            revert MarketTokenAmountMismatch(
                address(token),
                to,
                amount,
                afterwards < before ? 0 : afterwards - before
            );
        }
    }

    /// @dev Pays out everything owed to `account`, to `to` (the account itself, or where the
    /// account asked), with all the gas the caller gives.
    function _withdraw(address account, address payable to) private {
        uint256 amount = _owed[account];
        if (amount == 0) revert MarketNothingOwed(account);
        if (to == address(0)) revert MarketWithdrawalFailed(to, amount);
        _owed[account] = 0;
        emit Withdrawn(account, to, amount);
        if (!LowLevelCall.callNoReturn(to, amount, "")) revert MarketWithdrawalFailed(to, amount);
    }

    function _setFee(address recipient, uint16 bps) private {
        if (bps > MAX_FEE_BPS) revert MarketFeeTooHigh(bps, MAX_FEE_BPS);
        if (
            (bps != 0 && recipient == address(0)) ||
            recipient == address(this) ||
            recipient == _registry
        ) revert MarketFeeRecipientInvalid(recipient);
        _fee = FeeConfig(recipient, bps);
        emit FeeUpdated(recipient, bps);
    }

    function _hashSellOrder(SellOrder calldata order) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SELL_ORDER_TYPEHASH, order)));
    }

    function _hashBuyOffer(BuyOffer calldata offer) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(BUY_OFFER_TYPEHASH, offer)));
    }

    function _feeOf(uint256 price, uint256 bps) private pure returns (uint256) {
        return (price * bps) / _BPS_DENOMINATOR;
    }

    function _nonceBit(uint256 nonce) private pure returns (uint256) {
        return 1 << (nonce & 0xff);
    }
}
