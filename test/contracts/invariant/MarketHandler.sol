// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {ILicenseMarket} from "../../../contracts/interfaces/ILicenseMarket.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {LicenseMarket} from "../../../contracts/LicenseMarket.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {MockERC20} from "../../../contracts/mocks/MockERC20.sol";
import {MockSellerWallet} from "../../../contracts/mocks/MockSellerWallet.sol";
import {LicenseStatus} from "../../../contracts/types/LicenseData.sol";
import {Test} from "../utils/Test.sol";

/// @notice One order or offer the handler signed, as a maker would post it off-chain.
struct PostedOrder {
    bool isOffer;
    /// @dev Set when `isOffer` is false.
    ILicenseMarket.SellOrder sell;
    /// @dev Set when `isOffer` is true.
    ILicenseMarket.BuyOffer offer;
    bytes signature;
    bytes32 hash;
    /// @dev Signed by the maker's key (for the wallet: its owner's key, checked via ERC-1271).
    bool validSignature;
    /// @dev The fee when posted: a taker sets its bound (maxTotal / minProceeds) from it.
    uint16 bpsAtPosting;
}

/// @notice The rule a call broke, by the handler's own bookkeeping.
enum Violation {
    /// The chain's outcome (success, or the exact revert data) differs from the model's.
    Outcome
}

/// @title MarketHandler
/// @notice Drives random sequences of market operations by several actors (four EOAs, which sign
/// with their keys, and an ERC-1271 seller wallet that can refuse ETH) and of registry operations
/// outside the market that make orders stale. Predicts every outcome (success, or the exact
/// revert data) from its own ledger, and mirrors every successful call in that ledger: who holds
/// each license, each account's ETH, token balance and allowance, what the market owes each
/// account, which nonces are used, each maker's counter, and how often each order was filled.
/// Reverts are caught so a run continues; a call that ends otherwise than predicted is recorded
/// as a violation the invariant suite asserts is absent.
contract MarketHandler is Test {
    using Strings for uint256;

    uint256 private constant BPS = 10_000;
    uint16 private constant MAX_FEE_BPS = 1_000;
    uint256 private constant INITIAL_ETHER = 1_000_000 ether;
    uint256 private constant INITIAL_TOKENS = 1_000_000e6;
    uint256 private constant MAX_LICENSES = 24;
    /// @dev Gas for a call by an actor: bounded, since a wallet burning gas in `receive` (when a
    /// withdrawal pays it with all the gas) would otherwise loop through the test's huge limit.
    uint256 private constant CALL_GAS = 5_000_000;
    address private constant ETH = address(0);

    LicenseRegistry public immutable registry;
    LicenseMarket public immutable market;
    MockERC20 public immutable token;
    MockSellerWallet public immutable wallet;
    address public immutable walletOwner;
    address public immutable admin;
    address public immutable publisher;
    address public immutable feeA;
    address public immutable feeB;
    uint256 public immutable productId;

    /// @dev The EOAs (signing with `_keys`) and, last, the wallet.
    address[] private _actors;
    /// @dev Every account whose ETH, tokens and debts the ledger follows.
    address[] private _accounts;
    mapping(address actor => uint256) private _keys;

    // ---------------------------------------------------------------- the ledger

    uint256[] private _ids;
    mapping(uint256 licenseId => address) public expectedHolder;
    /// @dev 0 active, 1 released, 2 revoked.
    mapping(uint256 licenseId => uint8) public expectedStatus;
    /// @notice How many times each license changed hands (the registry's `holdingOf` count).
    mapping(uint256 licenseId => uint256) public expectedMoves;
    mapping(uint256 licenseId => address) private _approved;
    mapping(address holder => bool) private _marketIsOperator;

    mapping(address account => uint256) public expectedEther;
    mapping(address account => uint256) public expectedTokens;
    mapping(address account => uint256) private _allowance;
    mapping(address account => uint256) public expectedOwed;

    mapping(address maker => mapping(uint256 nonce => bool)) public expectedNonceUsed;
    mapping(address maker => uint256) public expectedCounter;
    mapping(address maker => uint256) private _nextNonce;
    mapping(address maker => uint256[]) private _makerNonces;
    address[] private _touchedMakers;
    uint256[] private _touchedNonces;
    mapping(address maker => mapping(uint256 nonce => bool)) private _touched;

    address private _feeRecipient;
    uint16 private _feeBps;
    MockSellerWallet.EtherMode private _walletMode;

    PostedOrder[] private _orders;
    mapping(bytes32 orderHash => uint256) public fills;

    // ---------------------------------------------------------------- outcomes

    mapping(Violation => uint256) public violations;
    mapping(Violation => string) public firstViolation;
    mapping(string op => uint256) public attempted;
    mapping(string op => uint256) public succeeded;
    /// @notice Orders and offers filled so far.
    uint256 public fillCount;
    /// @notice Payments the wallet refused, which the market then owed it.
    uint256 public deferredPayments;

    /// @dev The payer's ETH sent and spent, and its token balance and allowance, as the fills of
    /// one call (a batch: several) would leave them.
    struct Sim {
        uint256 value;
        uint256 etherSpent;
        uint256 tokens;
        uint256 allowance;
    }

    constructor(
        LicenseRegistry registry_,
        LicenseMarket market_,
        MockERC20 token_,
        MockSellerWallet wallet_,
        uint256[] memory keys,
        uint256 walletOwnerKey,
        address[4] memory roles,
        uint256 productId_
    ) {
        registry = registry_;
        market = market_;
        token = token_;
        wallet = wallet_;
        walletOwner = wallet_.owner();
        (admin, publisher, feeA, feeB) = (roles[0], roles[1], roles[2], roles[3]);
        productId = productId_;
        (_feeRecipient, _feeBps) = market_.fee();

        for (uint256 i; i < keys.length; ++i) {
            address eoa = vm.addr(keys[i]);
            _actors.push(eoa);
            _keys[eoa] = keys[i];
        }
        _actors.push(address(wallet_));
        _keys[address(wallet_)] = walletOwnerKey;
        if (vm.addr(walletOwnerKey) != walletOwner) fail("wallet owner key");

        for (uint256 i; i < _actors.length; ++i) _accounts.push(_actors[i]);
        _accounts.push(feeA);
        _accounts.push(feeB);
        _accounts.push(walletOwner);

        _fundAccounts();
    }

    // ================================================================ posting (off-chain)

    /// @notice A holder signs a sell order, in ETH or in the token.
    function postSellOrder(
        uint256 makerSeed,
        uint256 licenseSeed,
        uint256 priceSeed,
        uint256 expirySeed,
        uint256 nonceSeed,
        uint256 flags
    ) external {
        _postSellOrder(makerSeed, licenseSeed, priceSeed, expirySeed, nonceSeed, flags);
    }

    /// @notice An actor signs a token offer for a license someone (usually another) holds.
    function postBuyOffer(
        uint256 makerSeed,
        uint256 licenseSeed,
        uint256 priceSeed,
        uint256 expirySeed,
        uint256 nonceSeed,
        uint256 flags
    ) external {
        _postBuyOffer(makerSeed, licenseSeed, priceSeed, expirySeed, nonceSeed, flags);
    }

    function _postSellOrder(
        uint256 makerSeed,
        uint256 licenseSeed,
        uint256 priceSeed,
        uint256 expirySeed,
        uint256 nonceSeed,
        uint256 flags
    ) private returns (uint256 index) {
        address maker = _actor(makerSeed);
        uint256 id = _licenseOf(maker, licenseSeed);
        bool inEther = flags % 2 == 0;
        // A license the holder released itself is sold on that release (declaration 0).
        bool declare = expectedStatus[id] != 1;
        if (_oneIn(flags, 8)) declare = !declare;
        ILicenseMarket.SellOrder memory order = ILicenseMarket.SellOrder({
            seller: maker,
            licenseId: id,
            licenseMoves: expectedMoves[id],
            currency: inEther ? ETH : address(token),
            price: bound(priceSeed, 0, inEther ? 50 ether : 300_000e6),
            expiry: block.timestamp + bound(expirySeed, 0, 10 days),
            nonce: _pickNonce(maker, nonceSeed),
            counter: expectedCounter[maker] + (_oneIn(flags >> 1, 16) ? 1 : 0),
            declarationHash: declare ? keccak256(abi.encode("declaration", id, flags)) : bytes32(0)
        });
        bytes32 hash = market.hashSellOrder(order);
        (bytes memory signature, bool valid) = _signAs(maker, hash, flags >> 2);
        index = _orders.length;
        PostedOrder storage p = _orders.push();
        p.sell = order;
        p.signature = signature;
        p.hash = hash;
        p.validSignature = valid;
        p.bpsAtPosting = _feeBps;
        attempted["postSellOrder"] += 1;
        succeeded["postSellOrder"] += 1;
    }

    function _postBuyOffer(
        uint256 makerSeed,
        uint256 licenseSeed,
        uint256 priceSeed,
        uint256 expirySeed,
        uint256 nonceSeed,
        uint256 flags
    ) private returns (uint256 index) {
        address maker = _actor(makerSeed);
        uint256 id = _licenseOfOther(maker, licenseSeed);
        ILicenseMarket.BuyOffer memory offer = ILicenseMarket.BuyOffer({
            buyer: maker,
            licenseId: id,
            licenseMoves: expectedMoves[id],
            currency: _oneIn(flags, 16) ? ETH : address(token),
            price: bound(priceSeed, 0, 300_000e6),
            expiry: block.timestamp + bound(expirySeed, 0, 10 days),
            nonce: _pickNonce(maker, nonceSeed),
            counter: expectedCounter[maker] + (_oneIn(flags >> 1, 16) ? 1 : 0)
        });
        bytes32 hash = market.hashBuyOffer(offer);
        (bytes memory signature, bool valid) = _signAs(maker, hash, flags >> 2);
        index = _orders.length;
        PostedOrder storage p = _orders.push();
        p.isOffer = true;
        p.offer = offer;
        p.signature = signature;
        p.hash = hash;
        p.validSignature = valid;
        p.bpsAtPosting = _feeBps;
        attempted["postBuyOffer"] += 1;
        succeeded["postBuyOffer"] += 1;
    }

    // ================================================================ filling

    function buy(
        uint256 orderSeed,
        uint256 takerSeed,
        uint256 boundSeed,
        uint256 valueSeed
    ) external {
        PostedOrder storage p = _orders[_orderToFill(orderSeed, false)];
        address taker = _actor(takerSeed);
        uint256 maxTotal = _maxTotal(p, boundSeed);
        Sim memory sim = _sim(taker, _etherToSend(taker, p, valueSeed));
        bytes memory expected = _expectSellFill(p, taker, maxTotal, sim);
        attempted["buy"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            taker,
            address(market),
            abi.encodeCall(market.buy, (p.sell, p.signature, maxTotal)),
            sim.value
        );
        if (!ok) return _failed("buy", taker, _wrapFor(taker, expected), ret);
        _succeeded("buy", taker, expected);
        uint256 etherSpent = _applySellFill(p, taker);
        _settleEther(taker, sim.value, etherSpent);
    }

    function buyBatch(
        uint256 seed,
        uint256 countSeed,
        uint256 takerSeed,
        uint256 valueSeed
    ) external {
        address taker = _actor(takerSeed);
        uint256[] memory picked = _pickBatch(seed, _oneIn(countSeed, 16) ? 0 : 1 + (countSeed % 3));
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](picked.length);
        uint256 etherNeeded;
        for (uint256 i; i < picked.length; ++i) {
            PostedOrder storage p = _orders[picked[i]];
            purchases[i] = ILicenseMarket.Purchase({
                order: p.sell,
                signature: p.signature,
                maxTotal: _maxTotal(p, uint256(keccak256(abi.encode(seed, i))))
            });
            if (p.sell.currency == ETH) etherNeeded += _total(p.sell.price);
        }
        Sim memory sim = _sim(taker, _perturb(taker, etherNeeded, valueSeed));
        bytes memory expected;
        if (picked.length == 0) {
            expected = abi.encodeWithSelector(ILicenseMarket.MarketBatchEmpty.selector);
        }
        for (uint256 i; i < picked.length && expected.length == 0; ++i) {
            expected = _expectSellFill(_orders[picked[i]], taker, purchases[i].maxTotal, sim);
        }
        attempted["buyBatch"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            taker,
            address(market),
            abi.encodeCall(market.buyBatch, (purchases)),
            sim.value
        );
        if (!ok) return _failed("buyBatch", taker, _wrapFor(taker, expected), ret);
        _succeeded("buyBatch", taker, expected);
        uint256 etherSpent;
        for (uint256 i; i < picked.length; ++i)
            etherSpent += _applySellFill(_orders[picked[i]], taker);
        _settleEther(taker, sim.value, etherSpent);
    }

    function acceptOffer(
        uint256 offerSeed,
        uint256 takerSeed,
        uint256 declarationSeed,
        uint256 minSeed
    ) external {
        PostedOrder storage p = _orders[_orderToFill(offerSeed, true)];
        ILicenseMarket.BuyOffer storage o = p.offer;
        address taker = _oneIn(takerSeed, 4) ? _actor(takerSeed >> 2) : expectedHolder[o.licenseId];
        bool declare = expectedStatus[o.licenseId] != 1;
        if (_oneIn(declarationSeed, 8)) declare = !declare;
        bytes32 declaration =
            declare ? keccak256(abi.encode("declaration", declarationSeed)) : bytes32(0);
        uint256 minProceeds = o.price - (o.price * p.bpsAtPosting) / BPS;
        if (_oneIn(minSeed, 8)) minProceeds = bound(minSeed, 0, type(uint256).max);
        Sim memory sim = _sim(o.buyer, 0);
        bytes memory expected = _expectOfferFill(p, taker, declaration, minProceeds, sim);
        attempted["acceptOffer"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            taker,
            address(market),
            abi.encodeCall(market.acceptOffer, (o, p.signature, declaration, minProceeds)),
            0
        );
        if (!ok) return _failed("acceptOffer", taker, _wrapFor(taker, expected), ret);
        _succeeded("acceptOffer", taker, expected);
        _applyOfferFill(p, taker);
    }

    // ================================================================ cancelling

    function cancelOrders(uint256 makerSeed, uint256 countSeed, uint256 seed) external {
        address maker = _actor(makerSeed);
        uint256[] memory nonces = new uint256[](countSeed % 4);
        uint256[] storage posted = _makerNonces[maker];
        for (uint256 i; i < nonces.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            nonces[i] = posted.length != 0 && !_oneIn(r, 4) ? posted[r % posted.length] : r % 600;
        }
        attempted["cancelOrders"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            maker,
            address(market),
            abi.encodeCall(market.cancelOrders, (nonces)),
            0
        );
        if (!ok) return _failed("cancelOrders", maker, "", ret);
        _succeeded("cancelOrders", maker, "");
        for (uint256 i; i < nonces.length; ++i) _useNonce(maker, nonces[i]);
    }

    /// @notice Voids all of a maker's orders: done one time in three, so orders live on.
    function cancelAllOrders(uint256 makerSeed) external {
        if (!_oneIn(makerSeed, 3)) return;
        address maker = _actor(makerSeed >> 2);
        attempted["cancelAllOrders"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            maker,
            address(market),
            abi.encodeCall(market.cancelAllOrders, ()),
            0
        );
        if (!ok) return _failed("cancelAllOrders", maker, "", ret);
        _succeeded("cancelAllOrders", maker, "");
        uint256 newCounter = abi.decode(ret, (uint256));
        expectedCounter[maker] += 1;
        if (newCounter != expectedCounter[maker]) {
            _violate(Violation.Outcome, "cancelAllOrders returned another counter", maker);
        }
    }

    // ================================================================ withdrawing

    function withdraw(uint256 accountSeed, uint256 toSeed) external {
        address account = _withdrawer(accountSeed);
        // The wallet withdraws to itself or to its owner; others to themselves or another.
        bool toSelf = account == address(wallet) ? toSeed % 2 == 0 : !_oneIn(toSeed, 3);
        address to =
            toSelf
                ? account
                : (
                    account == address(wallet)
                        ? walletOwner
                        : _accounts[(toSeed >> 2) % _accounts.length]
                );
        uint256 amount = expectedOwed[account];
        bytes memory expected;
        if (amount == 0) {
            expected = abi.encodeWithSelector(ILicenseMarket.MarketNothingOwed.selector, account);
        } else if (to == address(wallet) && _walletRefuses()) {
            expected = abi.encodeWithSelector(
                ILicenseMarket.MarketWithdrawalFailed.selector,
                to,
                amount
            );
        }
        attempted["withdraw"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            account,
            address(market),
            toSelf
                ? abi.encodeCall(market.withdraw, ())
                : abi.encodeCall(market.withdrawTo, (payable(to))),
            0
        );
        if (!ok) return _failed("withdraw", account, _wrapFor(account, expected), ret);
        _succeeded("withdraw", account, expected);
        expectedOwed[account] = 0;
        expectedEther[to] += amount;
    }

    // ================================================================ admin and wallet

    function setFee(uint256 callerSeed, uint256 recipientSeed, uint256 bpsSeed) external {
        address caller = _oneIn(callerSeed, 8) ? _actor(callerSeed >> 3) : admin;
        uint256 r = recipientSeed % 8;
        address recipient = r == 0 ? address(0) : (r < 4 ? feeA : feeB);
        uint16 bps = uint16(bound(bpsSeed, 0, MAX_FEE_BPS + 100));
        if (_oneIn(bpsSeed, 8)) bps = 0;
        bytes memory expected;
        if (caller != admin) {
            expected = abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                caller,
                bytes32(0)
            );
        } else if (bps > MAX_FEE_BPS) {
            expected = abi.encodeWithSelector(
                ILicenseMarket.MarketFeeTooHigh.selector,
                bps,
                MAX_FEE_BPS
            );
        } else if (
            (bps != 0 && recipient == address(0)) ||
            recipient == address(market) ||
            recipient == address(registry)
        ) {
            expected = abi.encodeWithSelector(
                ILicenseMarket.MarketFeeRecipientInvalid.selector,
                recipient
            );
        }
        attempted["setFee"] += 1;
        vm.prank(caller);
        try market.setFee(recipient, bps) {
            _succeeded("setFee", caller, expected);
            (_feeRecipient, _feeBps) = (recipient, bps);
        } catch (bytes memory err) {
            _failed("setFee", caller, expected, err);
        }
    }

    /// @notice The wallet's owner switches how it takes ETH: accept, refuse, burn the gas, or
    /// call back into the market (`withdraw`) while being paid.
    function setWalletMode(uint256 modeSeed) external {
        MockSellerWallet.EtherMode mode = MockSellerWallet.EtherMode(modeSeed % 4);
        attempted["setWalletMode"] += 1;
        vm.prank(walletOwner);
        wallet.setEtherMode(mode, address(market), abi.encodeCall(market.withdraw, ()));
        succeeded["setWalletMode"] += 1;
        _walletMode = mode;
    }

    // ================================================================ outside the market

    /// @notice The publisher issues a new license to an actor (up to a small cap).
    function issue(uint256 holderSeed) external {
        if (_ids.length >= MAX_LICENSES) return;
        address holder = _actor(holderSeed);
        attempted["issue"] += 1;
        vm.prank(publisher);
        uint256 id = registry.issue(productId, holder, 1, 0);
        succeeded["issue"] += 1;
        _ids.push(id);
        expectedHolder[id] = holder;
    }

    /// @notice The holder releases its license itself (its orders with a declaration go stale).
    function releaseOutside(uint256 licenseSeed, uint256 declarationSeed) external {
        (bool found, uint256 id) = _licenseInStatus(licenseSeed, 0);
        if (!found) return;
        address holder = expectedHolder[id];
        bytes memory expected = _expectRelease(id);
        attempted["releaseOutside"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            holder,
            address(registry),
            abi.encodeCall(registry.release, (id, keccak256(abi.encode(declarationSeed))))
        );
        if (!ok) return _failed("releaseOutside", holder, _wrapFor(holder, expected), ret);
        _succeeded("releaseOutside", holder, expected);
        expectedStatus[id] = 1;
    }

    function withdrawReleaseOutside(uint256 licenseSeed) external {
        (bool found, uint256 id) = _licenseInStatus(licenseSeed, 1);
        if (!found) return;
        address holder = expectedHolder[id];
        bytes memory expected;
        if (expectedStatus[id] != 1) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseNotReleased.selector,
                id
            );
        }
        attempted["withdrawReleaseOutside"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            holder,
            address(registry),
            abi.encodeCall(registry.withdrawRelease, (id))
        );
        if (!ok) return _failed("withdrawReleaseOutside", holder, _wrapFor(holder, expected), ret);
        _succeeded("withdrawReleaseOutside", holder, expected);
        expectedStatus[id] = 0;
    }

    /// @notice The holder sells directly, outside the market: its orders for the license die.
    function transferOutside(uint256 licenseSeed, uint256 toSeed) external {
        uint256 id = _ids[licenseSeed % _ids.length];
        address holder = expectedHolder[id];
        address to = _actor(toSeed);
        uint8 status = expectedStatus[id];
        bytes memory expected;
        if (status == 2) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                id,
                LicenseStatus.Revoked
            );
        }
        bytes memory data =
            status == 1
                ? abi.encodeCall(registry.transferFrom, (holder, to, id))
                : abi.encodeCall(
                    registry.releaseAndTransfer,
                    (to, id, keccak256(abi.encode(toSeed)))
                );
        attempted["transferOutside"] += 1;
        (bool ok, bytes memory ret) = _asActor(holder, address(registry), data);
        if (!ok) return _failed("transferOutside", holder, _wrapFor(holder, expected), ret);
        _succeeded("transferOutside", holder, expected);
        _moveLedger(id, to);
    }

    /// @notice The publisher revokes a license (one time in four): its orders die for good.
    function revoke(uint256 licenseSeed) external {
        if (!_oneIn(licenseSeed, 4)) return;
        uint256 id = _ids[(licenseSeed >> 2) % _ids.length];
        bytes memory expected;
        if (expectedStatus[id] == 2) {
            expected = abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                id,
                LicenseStatus.Revoked
            );
        }
        attempted["revoke"] += 1;
        vm.prank(publisher);
        try registry.revoke(id, 2, keccak256(abi.encode("fraud", id))) {
            _succeeded("revoke", publisher, expected);
            expectedStatus[id] = 2;
        } catch (bytes memory err) {
            _failed("revoke", publisher, expected, err);
        }
    }

    /// @notice A holder approves or withdraws the market as operator of all its licenses.
    function setMarketApproval(uint256 actorSeed, bool approved) external {
        address actor = _actor(actorSeed);
        // Withdrawing kills all of an actor's orders: keep it rarer than granting.
        if (!approved && !_oneIn(actorSeed, 2)) approved = true;
        attempted["setMarketApproval"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            actor,
            address(registry),
            abi.encodeCall(registry.setApprovalForAll, (address(market), approved))
        );
        if (!ok) return _failed("setMarketApproval", actor, "", ret);
        _succeeded("setMarketApproval", actor, "");
        _marketIsOperator[actor] = approved;
    }

    /// @notice The holder approves the market (or nobody) for one license.
    function approveLicense(uint256 licenseSeed, bool approveMarket) external {
        uint256 id = _ids[licenseSeed % _ids.length];
        address holder = expectedHolder[id];
        address account = approveMarket ? address(market) : address(0);
        attempted["approveLicense"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            holder,
            address(registry),
            abi.encodeCall(registry.approve, (account, id))
        );
        if (!ok) return _failed("approveLicense", holder, "", ret);
        _succeeded("approveLicense", holder, "");
        _approved[id] = account;
    }

    function mintTokens(uint256 actorSeed, uint256 amount) external {
        address actor = _actor(actorSeed);
        amount = bound(amount, 0, 500_000e6);
        attempted["mintTokens"] += 1;
        token.mint(actor, amount);
        succeeded["mintTokens"] += 1;
        expectedTokens[actor] += amount;
    }

    /// @notice An actor sets the market's token allowance: unlimited, or a bounded amount.
    function setAllowance(uint256 actorSeed, uint256 amountSeed) external {
        address actor = _actor(actorSeed);
        uint256 amount =
            _oneIn(amountSeed, 3) ? type(uint256).max : bound(amountSeed, 0, 300_000e6);
        attempted["setAllowance"] += 1;
        (bool ok, bytes memory ret) = _asActor(
            actor,
            address(token),
            abi.encodeCall(token.approve, (address(market), amount))
        );
        if (!ok) return _failed("setAllowance", actor, "", ret);
        _succeeded("setAllowance", actor, "");
        _allowance[actor] = amount;
    }

    function warp(uint256 secondsSeed) external {
        attempted["warp"] += 1;
        vm.warp(block.timestamp + bound(secondsSeed, 1, 3 days));
        succeeded["warp"] += 1;
    }

    // ================================================================ ledger views

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function accounts() external view returns (address[] memory) {
        return _accounts;
    }

    function licenses() external view returns (uint256[] memory) {
        return _ids;
    }

    function orderCount() external view returns (uint256) {
        return _orders.length;
    }

    function orderAt(uint256 index) external view returns (PostedOrder memory) {
        return _orders[index];
    }

    /// @notice Every (maker, nonce) the handler signed an order with or cancelled.
    function touchedNonces() external view returns (address[] memory, uint256[] memory) {
        return (_touchedMakers, _touchedNonces);
    }

    function expectedFee() external view returns (address, uint16) {
        return (_feeRecipient, _feeBps);
    }

    // ================================================================ the model

    /// @dev The revert `buy` of `p` by `taker` must end with, in the market's order of checks
    /// (empty: it must succeed); updates `sim` with the ETH and tokens the fill would take.
    function _expectSellFill(
        PostedOrder storage p,
        address taker,
        uint256 maxTotal,
        Sim memory sim
    ) private view returns (bytes memory) {
        ILicenseMarket.SellOrder storage o = p.sell;
        bytes memory refusal = _expectLiveOrder(p, o.seller, o.nonce, o.counter, o.expiry);
        if (refusal.length != 0) return refusal;
        uint256 feeAmount = (o.price * _feeBps) / BPS;
        uint256 total = o.price + feeAmount;
        if (total > maxTotal) {
            return
                abi.encodeWithSelector(
                    ILicenseMarket.MarketTotalAboveMax.selector,
                    total,
                    maxTotal
                );
        }
        if (o.currency == ETH) {
            sim.etherSpent += total;
            if (sim.etherSpent > sim.value) {
                return
                    abi.encodeWithSelector(
                        ILicenseMarket.MarketEtherInsufficient.selector,
                        sim.etherSpent,
                        sim.value
                    );
            }
        }
        refusal = _expectMove(o.seller, o.licenseId, o.licenseMoves, o.declarationHash);
        if (refusal.length != 0 || o.currency == ETH) return refusal;
        return _expectPull(sim, taker, o.seller, o.price, feeAmount);
    }

    function _expectOfferFill(
        PostedOrder storage p,
        address taker,
        bytes32 declaration,
        uint256 minProceeds,
        Sim memory sim
    ) private view returns (bytes memory refusal) {
        ILicenseMarket.BuyOffer storage o = p.offer;
        if (o.currency == ETH) {
            refusal = abi.encodeWithSelector(ILicenseMarket.MarketTokenRequired.selector);
        } else {
            refusal = _expectLiveOrder(p, o.buyer, o.nonce, o.counter, o.expiry);
        }
        if (refusal.length == 0) {
            uint256 feeAmount = (o.price * _feeBps) / BPS;
            uint256 proceeds = o.price - feeAmount;
            if (proceeds < minProceeds) {
                refusal = abi.encodeWithSelector(
                    ILicenseMarket.MarketProceedsBelowMin.selector,
                    proceeds,
                    minProceeds
                );
            } else {
                refusal = _expectMove(taker, o.licenseId, o.licenseMoves, declaration);
                if (refusal.length == 0) {
                    refusal = _expectPull(sim, o.buyer, taker, proceeds, feeAmount);
                }
            }
        }
    }

    function _expectLiveOrder(
        PostedOrder storage p,
        address maker,
        uint256 nonce,
        uint256 counter,
        uint256 expiry
    ) private view returns (bytes memory) {
        if (block.timestamp > expiry) {
            return
                abi.encodeWithSelector(
                    ILicenseMarket.MarketOrderExpired.selector,
                    maker,
                    nonce,
                    expiry
                );
        }
        if (counter != expectedCounter[maker]) {
            return
                abi.encodeWithSelector(
                    ILicenseMarket.MarketOrderCounterMismatch.selector,
                    maker,
                    counter,
                    expectedCounter[maker]
                );
        }
        if (expectedNonceUsed[maker][nonce]) {
            return abi.encodeWithSelector(ILicenseMarket.MarketNonceUsed.selector, maker, nonce);
        }
        if (!p.validSignature) {
            return abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, maker);
        }
        return "";
    }

    /// @dev The refusal of moving `id` from `from` (the market checks the holder and the move
    /// count the order was signed at; the registry checks the release rules before the market's
    /// approval).
    function _expectMove(
        address from,
        uint256 id,
        uint256 orderMoves,
        bytes32 declaration
    ) private view returns (bytes memory) {
        address holder = expectedHolder[id];
        if (holder != from) {
            return
                abi.encodeWithSelector(
                    ILicenseMarket.MarketSellerNotHolder.selector,
                    id,
                    from,
                    holder
                );
        }
        if (orderMoves != expectedMoves[id]) {
            return
                abi.encodeWithSelector(
                    ILicenseMarket.MarketLicenseMoved.selector,
                    id,
                    orderMoves,
                    expectedMoves[id]
                );
        }
        bool approved = _marketIsOperator[from] || _approved[id] == address(market);
        // A plain transferFrom (no declaration) asks the caller's approval before any rule.
        if (declaration == bytes32(0) && !approved) {
            return abi.encodeWithSelector(ILicenseMarket.MarketNotApproved.selector, from, id);
        }
        uint8 status = expectedStatus[id];
        if (status == 2) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseEnded.selector,
                    id,
                    LicenseStatus.Revoked
                );
        }
        if (declaration != bytes32(0) && status == 1) {
            return
                abi.encodeWithSelector(ILicenseRegistryErrors.LicenseAlreadyReleased.selector, id);
        }
        if (declaration == bytes32(0) && status != 1) {
            return abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, id);
        }
        if (!approved) {
            return abi.encodeWithSelector(ILicenseMarket.MarketNotApproved.selector, from, id);
        }
        return "";
    }

    /// @dev The refusal of pulling `amount` from `payer` to `payee` and then the fee, as the
    /// token (OpenZeppelin ERC-20) checks them: allowance first, then balance.
    function _expectPull(
        Sim memory sim,
        address payer,
        address payee,
        uint256 amount,
        uint256 feeAmount
    ) private view returns (bytes memory refusal) {
        refusal = _expectTransfer(sim, payer, amount);
        if (refusal.length != 0) return refusal;
        if (payee == payer) sim.tokens += amount;
        if (feeAmount != 0) refusal = _expectTransfer(sim, payer, feeAmount);
    }

    function _expectTransfer(
        Sim memory sim,
        address payer,
        uint256 amount
    ) private view returns (bytes memory) {
        if (sim.allowance != type(uint256).max) {
            if (sim.allowance < amount) {
                return
                    abi.encodeWithSelector(
                        IERC20Errors.ERC20InsufficientAllowance.selector,
                        address(market),
                        sim.allowance,
                        amount
                    );
            }
            sim.allowance -= amount;
        }
        if (sim.tokens < amount) {
            return
                abi.encodeWithSelector(
                    IERC20Errors.ERC20InsufficientBalance.selector,
                    payer,
                    sim.tokens,
                    amount
                );
        }
        sim.tokens -= amount;
        return "";
    }

    function _expectRelease(uint256 id) private view returns (bytes memory) {
        uint8 status = expectedStatus[id];
        if (status == 2) {
            return
                abi.encodeWithSelector(
                    ILicenseRegistryErrors.LicenseEnded.selector,
                    id,
                    LicenseStatus.Revoked
                );
        }
        if (status == 1) {
            return
                abi.encodeWithSelector(ILicenseRegistryErrors.LicenseAlreadyReleased.selector, id);
        }
        return "";
    }

    // ================================================================ ledger updates

    /// @dev Mirrors a filled sell order; returns the ETH it took from the taker.
    function _applySellFill(
        PostedOrder storage p,
        address taker
    ) private returns (uint256 etherSpent) {
        ILicenseMarket.SellOrder storage o = p.sell;
        uint256 feeAmount = (o.price * _feeBps) / BPS;
        _filled(p, o.seller, o.nonce);
        _moveLedger(o.licenseId, taker);
        if (o.currency == ETH) {
            _payEther(o.seller, o.price);
            expectedOwed[_feeRecipient] += feeAmount;
            return o.price + feeAmount;
        }
        _pullTokens(taker, o.seller, o.price, feeAmount);
    }

    function _applyOfferFill(PostedOrder storage p, address taker) private {
        ILicenseMarket.BuyOffer storage o = p.offer;
        uint256 feeAmount = (o.price * _feeBps) / BPS;
        _filled(p, o.buyer, o.nonce);
        _moveLedger(o.licenseId, o.buyer);
        unchecked {
            _pullTokens(o.buyer, taker, o.price - feeAmount, feeAmount);
        }
    }

    function _filled(PostedOrder storage p, address maker, uint256 nonce) private {
        _useNonce(maker, nonce);
        fills[p.hash] += 1;
        fillCount += 1;
    }

    function _moveLedger(uint256 id, address to) private {
        expectedHolder[id] = to;
        expectedMoves[id] += 1;
        expectedStatus[id] = 0;
        _approved[id] = address(0);
    }

    /// @dev The market pushes ETH to `to`; the wallet refusing it (or burning the stipend) is
    /// owed it instead.
    function _payEther(address to, uint256 amount) private {
        if (amount == 0) return;
        if (to == address(wallet) && _walletRefuses()) {
            expectedOwed[to] += amount;
            deferredPayments += 1;
        } else {
            expectedEther[to] += amount;
        }
    }

    /// @dev Unchecked here and in `_settleEther`: a ledger update must never revert, or the
    /// call's violation record would be rolled back with it (a wrong ledger shows in the
    /// invariants instead).
    function _pullTokens(address payer, address payee, uint256 amount, uint256 feeAmount) private {
        unchecked {
            uint256 total = amount + feeAmount;
            if (_allowance[payer] != type(uint256).max) _allowance[payer] -= total;
            expectedTokens[payer] -= total;
            expectedTokens[payee] += amount;
            expectedTokens[_feeRecipient] += feeAmount;
        }
    }

    /// @dev The taker sent `value` and the market kept `etherSpent`: the rest came back.
    function _settleEther(address taker, uint256 value, uint256 etherSpent) private {
        unchecked {
            expectedEther[taker] -= value;
        }
        if (value > etherSpent) _payEther(taker, value - etherSpent);
    }

    function _useNonce(address maker, uint256 nonce) private {
        expectedNonceUsed[maker][nonce] = true;
        _touch(maker, nonce);
    }

    function _touch(address maker, uint256 nonce) private {
        if (_touched[maker][nonce]) return;
        _touched[maker][nonce] = true;
        _touchedMakers.push(maker);
        _touchedNonces.push(nonce);
    }

    // ================================================================ outcomes and violations

    function _succeeded(string memory op, address caller, bytes memory expected) private {
        succeeded[op] += 1;
        if (expected.length != 0) {
            _violate(
                Violation.Outcome,
                string.concat(op, " succeeded; model expected revert ", _hex(expected)),
                caller
            );
        }
    }

    function _failed(
        string memory op,
        address caller,
        bytes memory expected,
        bytes memory actual
    ) private {
        if (expected.length != 0 && keccak256(expected) == keccak256(actual)) return;
        _violate(
            Violation.Outcome,
            string.concat(op, " reverted with ", _hex(actual), "; model expected ", _hex(expected)),
            caller
        );
    }

    function _violate(Violation kind, string memory what, address caller) private {
        violations[kind] += 1;
        if (violations[kind] == 1) {
            firstViolation[kind] = string.concat(
                what,
                " [caller ",
                Strings.toHexString(caller),
                ", time ",
                block.timestamp.toString(),
                "]"
            );
        }
    }

    // ================================================================ setup

    /// @dev Every account starts with ETH; every actor with tokens and the market approved for
    /// its licenses and its tokens.
    function _fundAccounts() private {
        for (uint256 i; i < _accounts.length; ++i) {
            address account = _accounts[i];
            vm.deal(account, INITIAL_ETHER);
            expectedEther[account] = INITIAL_ETHER;
        }
        for (uint256 i; i < _actors.length; ++i) {
            address actor = _actors[i];
            token.mint(actor, INITIAL_TOKENS);
            expectedTokens[actor] = INITIAL_TOKENS;
            _asActor(
                actor,
                address(token),
                abi.encodeCall(token.approve, (address(market), type(uint256).max))
            );
            _allowance[actor] = type(uint256).max;
            _asActor(
                actor,
                address(registry),
                abi.encodeCall(registry.setApprovalForAll, (address(market), true))
            );
            _marketIsOperator[actor] = true;
        }
    }

    // ================================================================ calls as an actor

    /// @dev Calls `target` as `actor`: pranked for an EOA, through `execute` for the wallet
    /// (which wraps a failure as `CallFailed(reason)` and cannot send ETH).
    function _asActor(
        address actor,
        address target,
        bytes memory data,
        uint256 value
    ) private returns (bool ok, bytes memory ret) {
        if (actor == address(wallet)) {
            vm.prank(walletOwner);
            try wallet.execute{gas: CALL_GAS}(target, data) returns (bytes memory r) {
                return (true, r);
            } catch (bytes memory err) {
                return (false, err);
            }
        }
        vm.prank(actor);
        (ok, ret) = target.call{value: value, gas: CALL_GAS}(data);
    }

    function _asActor(
        address actor,
        address target,
        bytes memory data
    ) private returns (bool, bytes memory) {
        return _asActor(actor, target, data, 0);
    }

    function _wrapFor(address actor, bytes memory reason) private view returns (bytes memory) {
        if (actor != address(wallet) || reason.length == 0) return reason;
        return abi.encodeWithSelector(MockSellerWallet.CallFailed.selector, reason);
    }

    // ================================================================ input shaping

    /// @dev Usually an account the market owes (the wallet, a fee recipient), sometimes any.
    function _withdrawer(uint256 seed) private view returns (address) {
        uint256 n = _accounts.length;
        uint256 start = seed % n;
        if (!_oneIn(seed, 4)) {
            for (uint256 k; k < n; ++k) {
                address account = _accounts[(start + k) % n];
                if (expectedOwed[account] != 0) return account;
            }
        }
        return _accounts[start];
    }

    function _actor(uint256 seed) private view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev Usually a license `maker` holds now, sometimes any.
    function _licenseOf(address maker, uint256 seed) private view returns (uint256) {
        uint256 n = _ids.length;
        uint256 start = seed % n;
        if (!_oneIn(seed, 6)) {
            for (uint256 k; k < n; ++k) {
                uint256 id = _ids[(start + k) % n];
                if (expectedHolder[id] == maker && expectedStatus[id] != 2) return id;
            }
        }
        return _ids[start];
    }

    /// @dev Usually a live license someone other than `maker` holds, sometimes any.
    function _licenseOfOther(address maker, uint256 seed) private view returns (uint256) {
        uint256 n = _ids.length;
        uint256 start = seed % n;
        if (!_oneIn(seed, 6)) {
            for (uint256 k; k < n; ++k) {
                uint256 id = _ids[(start + k) % n];
                if (expectedHolder[id] != maker && expectedStatus[id] != 2) return id;
            }
        }
        return _ids[start];
    }

    /// @dev Three times in four a license whose status is `status` (none found: `found` false),
    /// otherwise any.
    function _licenseInStatus(
        uint256 seed,
        uint8 status
    ) private view returns (bool found, uint256 id) {
        uint256 n = _ids.length;
        uint256 start = seed % n;
        if (_oneIn(seed, 4)) return (true, _ids[start]);
        for (uint256 k; k < n; ++k) {
            id = _ids[(start + k) % n];
            if (expectedStatus[id] == status) return (true, id);
        }
    }

    /// @dev Mostly the maker's next fresh nonce; sometimes one it used before (the fill must then
    /// be refused), one next to a bitmap word's edge, or one at the top of the range.
    function _pickNonce(address maker, uint256 seed) private returns (uint256 nonce) {
        uint256 r = uint256(keccak256(abi.encode(seed, "nonce")));
        uint256[] storage used = _makerNonces[maker];
        if (r % 10 == 0 && used.length != 0) return used[seed % used.length];
        if (r % 10 == 1) {
            nonce = seed % 2 == 0 ? 255 + ((seed >> 1) % 3) : type(uint256).max - ((seed >> 1) % 3);
        } else {
            nonce = _nextNonce[maker]++;
        }
        used.push(nonce);
        _touch(maker, nonce);
    }

    /// @dev A signature by the maker's key (the wallet's owner for the wallet), or one time in
    /// sixteen by another actor's key.
    function _signAs(
        address maker,
        bytes32 digest,
        uint256 seed
    ) private view returns (bytes memory signature, bool valid) {
        uint256 key = _keys[maker];
        valid = !_oneIn(seed, 16);
        if (!valid) key = _keys[_actors[(_indexOf(maker) + 1) % _actors.length]];
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        signature = abi.encodePacked(r, s, v);
    }

    /// @dev Three times in four a live order (or offer), from a random start in the book; when
    /// the book has none, a maker posts one first. Otherwise any order (or offer) posted so far,
    /// most of them filled, cancelled or stale by now.
    function _orderToFill(uint256 seed, bool offer) private returns (uint256) {
        return _orderToFill(seed, offer, !_oneIn(seed, 4));
    }

    function _orderToFill(uint256 seed, bool offer, bool wantLive) private returns (uint256) {
        (bool found, uint256 index) = _pickOrder(seed, offer, wantLive);
        if (found) return index;
        uint256[6] memory r;
        for (uint256 i; i < r.length; ++i) r[i] = uint256(keccak256(abi.encode(seed, "post", i)));
        return
            offer
                ? _postBuyOffer(r[0], r[1], r[2], r[3], r[4], r[5])
                : _postSellOrder(r[0], r[1], r[2], r[3], r[4], r[5]);
    }

    function _pickOrder(
        uint256 seed,
        bool offer,
        bool wantLive
    ) private view returns (bool, uint256) {
        uint256 n = _orders.length;
        if (n == 0) return (false, 0);
        uint256 start = seed % n;
        for (uint256 k; k < n; ++k) {
            uint256 i = (start + k) % n;
            if (_orders[i].isOffer != offer) continue;
            if (!wantLive || _isLive(_orders[i])) return (true, i);
        }
        return (false, 0);
    }

    /// @dev Up to `count` sell orders for distinct licenses and distinct maker nonces, so the
    /// fills of a batch do not depend on each other except through the taker's ETH and tokens.
    /// Three batches in four are of live orders only.
    function _pickBatch(uint256 seed, uint256 count) private returns (uint256[] memory picked) {
        uint256[] memory chosen = new uint256[](count);
        uint256 found;
        bool wantLive = !_oneIn(seed, 4);
        for (uint256 a; a < count * 2 && found < count; ++a) {
            uint256 i = _orderToFill(uint256(keccak256(abi.encode(seed, a))), false, wantLive);
            ILicenseMarket.SellOrder storage o = _orders[i].sell;
            bool clash;
            for (uint256 b; b < found; ++b) {
                ILicenseMarket.SellOrder storage other = _orders[chosen[b]].sell;
                if (
                    other.licenseId == o.licenseId ||
                    (other.seller == o.seller && other.nonce == o.nonce)
                ) clash = true;
            }
            if (!clash) chosen[found++] = i;
        }
        picked = new uint256[](found);
        for (uint256 b; b < found; ++b) picked[b] = chosen[b];
    }

    function _isLive(PostedOrder storage p) private view returns (bool) {
        if (fills[p.hash] != 0) return false;
        if (p.isOffer) {
            ILicenseMarket.BuyOffer storage o = p.offer;
            return
                block.timestamp <= o.expiry &&
                o.counter == expectedCounter[o.buyer] &&
                !expectedNonceUsed[o.buyer][o.nonce] &&
                o.licenseMoves == expectedMoves[o.licenseId] &&
                expectedStatus[o.licenseId] != 2;
        }
        ILicenseMarket.SellOrder storage s = p.sell;
        return
            block.timestamp <= s.expiry &&
            s.counter == expectedCounter[s.seller] &&
            !expectedNonceUsed[s.seller][s.nonce] &&
            expectedHolder[s.licenseId] == s.seller &&
            s.licenseMoves == expectedMoves[s.licenseId] &&
            expectedStatus[s.licenseId] != 2;
    }

    /// @dev The taker's bound: usually the total it was quoted when the order was posted (a fee
    /// raised since then makes it too low), sometimes one short of the total, or no bound.
    function _maxTotal(PostedOrder storage p, uint256 seed) private view returns (uint256) {
        uint256 price = p.sell.price;
        uint256 r = uint256(keccak256(abi.encode(seed, "max"))) % 10;
        if (r == 0) return _total(price) == 0 ? 0 : _total(price) - 1;
        if (r == 1) return type(uint256).max;
        return price + (price * p.bpsAtPosting) / BPS;
    }

    /// @dev ETH sent with a `buy`: usually the total, sometimes more (refunded) or less; the
    /// wallet (which cannot send ETH) sends none; a token order sometimes carries some ETH.
    function _etherToSend(
        address taker,
        PostedOrder storage p,
        uint256 seed
    ) private view returns (uint256) {
        uint256 needed = p.sell.currency == ETH ? _total(p.sell.price) : 0;
        return _perturb(taker, needed, seed);
    }

    function _perturb(address taker, uint256 needed, uint256 seed) private view returns (uint256) {
        if (taker == address(wallet)) return 0;
        uint256 r = uint256(keccak256(abi.encode(seed, "value"))) % 8;
        if (r == 0) return needed == 0 ? 0 : bound(seed, 0, needed - 1);
        if (r <= 2) return needed + bound(seed, 1, 5 ether);
        return needed;
    }

    function _sim(address payer, uint256 value) private view returns (Sim memory) {
        return Sim(value, 0, expectedTokens[payer], _allowance[payer]);
    }

    function _total(uint256 price) private view returns (uint256) {
        return price + (price * _feeBps) / BPS;
    }

    function _walletRefuses() private view returns (bool) {
        return
            _walletMode == MockSellerWallet.EtherMode.Reject ||
            _walletMode == MockSellerWallet.EtherMode.BurnGas;
    }

    function _indexOf(address actor) private view returns (uint256) {
        for (uint256 i; i < _actors.length; ++i) if (_actors[i] == actor) return i;
        revert AssertionFailed("not an actor");
    }

    /// @dev True once in `n` times, whatever values the fuzzer favours (0, 1, max...).
    function _oneIn(uint256 seed, uint256 n) private pure returns (bool) {
        return uint256(keccak256(abi.encode(seed, "oneIn"))) % n == 0;
    }

    function _hex(bytes memory data) private pure returns (string memory) {
        if (data.length == 0) return "(nothing)";
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(2 + data.length * 2);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i; i < data.length; ++i) {
            out[2 + 2 * i] = digits[uint8(data[i]) >> 4];
            out[3 + 2 * i] = digits[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }
}
