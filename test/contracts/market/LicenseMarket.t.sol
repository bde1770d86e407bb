// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";

import {ILicenseMarket} from "../../../contracts/interfaces/ILicenseMarket.sol";
import {ILicenseRegistry} from "../../../contracts/interfaces/ILicenseRegistry.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {LicenseMarket} from "../../../contracts/LicenseMarket.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {MockContractWallet} from "../../../contracts/mocks/MockContractWallet.sol";
import {MockERC20} from "../../../contracts/mocks/MockERC20.sol";
import {MockFeeOnTransferToken} from "../../../contracts/mocks/MockFeeOnTransferToken.sol";
import {MockReentrantToken} from "../../../contracts/mocks/MockReentrantToken.sol";
import {MockSellerWallet} from "../../../contracts/mocks/MockSellerWallet.sol";
import {LicenseStatus} from "../../../contracts/types/LicenseData.sol";
import {ProductTerms} from "../../../contracts/types/Product.sol";
import {Test} from "../utils/Test.sol";

/// @notice A buyer that is a contract without `receive`: it refuses the refund of any excess ETH.
contract RefusingBuyer {
    function buy(
        ILicenseMarket market,
        ILicenseMarket.SellOrder calldata order,
        bytes calldata signature,
        uint256 maxTotal
    ) external payable returns (uint256) {
        return market.buy{value: msg.value}(order, signature, maxTotal);
    }

    function withdrawTo(ILicenseMarket market, address payable to) external {
        market.withdrawTo(to);
    }
}

/// @notice The deployed registry and market every market test starts from: a publisher with five
/// products, a market charging 2.5% to its fee recipient, a stablecoin-like token, a seller
/// holding one perpetual license and a funded buyer, both having approved the market.
abstract contract MarketTestBase is Test {
    uint256 internal constant START = 1_700_000_000;
    uint48 internal constant ADMIN_DELAY = 2 days;
    uint16 internal constant FEE_BPS = 250;
    uint16 internal constant MAX_FEE_BPS = 1_000;
    address internal constant ETH = address(0);
    bytes32 internal constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");
    bytes32 internal constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 internal constant DECLARATION = keccak256(
        "declaration: our copy of the software is uninstalled"
    );
    bytes32 internal constant EVIDENCE = keccak256("activation server log, key switched off");
    bytes32 internal constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );
    uint256 internal constant TOKEN_FUNDS = 1_000_000e6;

    uint256 internal constant ADMIN_KEY = 0xAD;
    uint256 internal constant PUBLISHER_KEY = 0xB0;
    uint256 internal constant SELLER_KEY = 0x5E11E5;
    uint256 internal constant BUYER_KEY = 0xB0B;
    uint256 internal constant FEE_KEY = 0xFEE;
    uint256 internal constant STRANGER_KEY = 0x57;
    uint256 internal constant WALLET_OWNER_KEY = 0x0A;

    LicenseRegistry internal registry;
    LicenseMarket internal market;
    MockERC20 internal token;

    address internal admin;
    address internal publisher;
    address internal seller;
    address internal buyer;
    address internal feeRecipient;
    address internal stranger;
    address internal walletOwner;

    /// @dev Perpetual, 1 seat, transferable.
    uint256 internal resale;
    /// @dev Perpetual, 1 seat, transferable, the publisher attests every resale.
    uint256 internal attested;
    /// @dev 365 days, not transferable.
    uint256 internal subscription;
    /// @dev 30 days, transferable.
    uint256 internal term;
    /// @dev Perpetual, up to 10 seats, transferable, splittable.
    uint256 internal volume;

    /// @dev The seller's license (of `resale`).
    uint256 internal licenseId;

    function setUp() public virtual {
        vm.warp(START);
        admin = _account(ADMIN_KEY, "admin");
        publisher = _account(PUBLISHER_KEY, "publisher");
        seller = _account(SELLER_KEY, "seller");
        buyer = _account(BUYER_KEY, "buyer");
        feeRecipient = _account(FEE_KEY, "feeRecipient");
        stranger = _account(STRANGER_KEY, "stranger");
        walletOwner = _account(WALLET_OWNER_KEY, "walletOwner");

        registry = new LicenseRegistry("License Ledger", "LICENSE", admin, ADMIN_DELAY);
        vm.startPrank(admin);
        registry.grantRole(PUBLISHER_ROLE, publisher);
        registry.grantRole(PAUSER_ROLE, admin);
        vm.stopPrank();
        vm.startPrank(publisher);
        resale = registry.registerProduct(ProductTerms(0, 1, true, false, false), "");
        attested = registry.registerProduct(ProductTerms(0, 1, true, false, true), "");
        subscription = registry.registerProduct(ProductTerms(365, 1, false, false, false), "");
        term = registry.registerProduct(ProductTerms(30, 1, true, false, false), "");
        volume = registry.registerProduct(ProductTerms(0, 10, true, true, false), "");
        vm.stopPrank();

        market = new LicenseMarket(address(registry), admin, ADMIN_DELAY, feeRecipient, FEE_BPS);
        vm.label(address(market), "market");
        token = new MockERC20("USD Coin", "USDC");
        vm.label(address(token), "token");

        licenseId = _issue(resale, seller);
        _approveMarket(seller);
        _approveMarket(buyer);
        _fundTokens(buyer, TOKEN_FUNDS);
    }

    // ---------------------------------------------------------------- helpers

    function _account(uint256 key, string memory name) internal returns (address account) {
        account = vm.addr(key);
        vm.label(account, name);
    }

    function _issue(uint256 productId, address to) internal returns (uint256) {
        vm.prank(publisher);
        return registry.issue(productId, to, 1, 0);
    }

    function _approveMarket(address holder) internal {
        vm.prank(holder);
        registry.setApprovalForAll(address(market), true);
    }

    function _fundTokens(address account, uint256 amount) internal {
        token.mint(account, amount);
        vm.prank(account);
        token.approve(address(market), type(uint256).max);
    }

    /// @dev A sell order of `id` by its current holder, valid for 30 days, nonce 0, counter 0,
    /// carrying the holder's declaration.
    function _order(
        uint256 id,
        address currency,
        uint256 price
    ) internal view returns (ILicenseMarket.SellOrder memory) {
        return
            ILicenseMarket.SellOrder({
                seller: registry.ownerOf(id),
                licenseId: id,
                licenseMoves: _moves(id),
                currency: currency,
                price: price,
                expiry: START + 30 days,
                nonce: 0,
                counter: 0,
                declarationHash: DECLARATION
            });
    }

    /// @dev A token offer by `maker` for `id`, valid for 30 days, nonce 0, counter 0.
    function _offer(
        address maker,
        uint256 id,
        uint256 price
    ) internal view returns (ILicenseMarket.BuyOffer memory) {
        return
            ILicenseMarket.BuyOffer({
                buyer: maker,
                licenseId: id,
                licenseMoves: _moves(id),
                currency: address(token),
                price: price,
                expiry: START + 30 days,
                nonce: 0,
                counter: 0
            });
    }

    /// @dev The license's current move count, which a fresh order names.
    function _moves(uint256 id) internal view returns (uint256 moves) {
        (, moves) = registry.holdingOf(id);
    }

    function _sign(
        uint256 key,
        ILicenseMarket.SellOrder memory order
    ) internal view returns (bytes memory) {
        return _signDigest(key, market.hashSellOrder(order));
    }

    function _signOffer(
        uint256 key,
        ILicenseMarket.BuyOffer memory offer
    ) internal view returns (bytes memory) {
        return _signDigest(key, market.hashBuyOffer(offer));
    }

    function _signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _fee(uint256 price) internal view returns (uint256) {
        (, uint16 bps) = market.fee();
        return (price * bps) / 10_000;
    }

    function _setFee(uint16 bps) internal {
        vm.prank(admin);
        market.setFee(feeRecipient, bps);
    }

    /// @dev `buyer` buys `order` paying exactly its total in ETH.
    function _buyWithEther(
        ILicenseMarket.SellOrder memory order,
        bytes memory signature
    ) internal returns (uint256 total) {
        total = order.price + _fee(order.price);
        vm.deal(buyer, buyer.balance + total);
        vm.prank(buyer);
        market.buy{value: total}(order, signature, total);
    }

    function _walletFor(address owner, uint256 id) internal returns (MockSellerWallet wallet) {
        wallet = new MockSellerWallet(owner);
        vm.label(address(wallet), "sellerWallet");
        vm.prank(seller);
        registry.releaseAndTransfer(address(wallet), id, DECLARATION);
        vm.prank(owner);
        wallet.execute(
            address(registry),
            abi.encodeCall(registry.setApprovalForAll, (address(market), true))
        );
    }

    function _setEtherMode(
        MockSellerWallet wallet,
        MockSellerWallet.EtherMode mode,
        bytes memory reentryData
    ) internal {
        vm.prank(wallet.owner());
        wallet.setEtherMode(mode, address(market), reentryData);
    }

    function _walletFailure(bytes memory inner) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(MockSellerWallet.CallFailed.selector, inner);
    }

    function _err(bytes4 selector, address a, uint256 b) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(selector, a, b);
    }
}

// =====================================================================================
// Deployment, fee administration and views
// =====================================================================================

contract LicenseMarketAdminTest is MarketTestBase {
    function test_constructor_setsRegistryFeeAndAdmin() public view {
        assertEq(market.registry(), address(registry), "registry");
        (address recipient, uint16 bps) = market.fee();
        assertEq(recipient, feeRecipient, "fee recipient");
        assertEq(uint256(bps), FEE_BPS, "fee bps");
        assertEq(market.owner(), admin, "admin");
        assertTrue(market.hasRole(bytes32(0), admin), "admin role");
        assertEq(uint256(market.MAX_FEE_BPS()), MAX_FEE_BPS, "fee cap");
    }

    function test_constructor_revertsOnRegistryWithoutCode() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketRegistryInvalid.selector, stranger)
        );
        new LicenseMarket(stranger, admin, ADMIN_DELAY, feeRecipient, FEE_BPS);
    }

    function test_constructor_revertsOnFeeAboveCap() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketFeeTooHigh.selector,
                MAX_FEE_BPS + 1,
                MAX_FEE_BPS
            )
        );
        new LicenseMarket(address(registry), admin, ADMIN_DELAY, feeRecipient, MAX_FEE_BPS + 1);
    }

    function test_constructor_revertsOnFeeWithoutRecipient() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketFeeRecipientInvalid.selector, address(0))
        );
        new LicenseMarket(address(registry), admin, ADMIN_DELAY, address(0), 1);
    }

    function test_constructor_acceptsNoFeeWithoutRecipient() public {
        LicenseMarket free = new LicenseMarket(
            address(registry),
            admin,
            ADMIN_DELAY,
            address(0),
            0
        );
        (address recipient, uint16 bps) = free.fee();
        assertEq(recipient, address(0), "no recipient");
        assertEq(uint256(bps), 0, "no fee");
    }

    function testFuzz_setFee_byAdminUpToTheCap(address recipient, uint16 bps) public {
        // The market refuses itself and the registry as recipients (tested apart); a deep run
        // finds the registry's address in the fuzzer's dictionary.
        vm.assume(
            recipient != address(0) &&
                recipient != address(market) &&
                recipient != address(registry)
        );
        bps = uint16(bound(bps, 0, MAX_FEE_BPS));
        vm.expectEmit(address(market));
        emit ILicenseMarket.FeeUpdated(recipient, bps);
        vm.prank(admin);
        market.setFee(recipient, bps);
        (address newRecipient, uint16 newBps) = market.fee();
        assertEq(newRecipient, recipient, "recipient");
        assertEq(uint256(newBps), bps, "bps");
    }

    function testFuzz_setFee_revertsAboveTheCap(uint16 bps) public {
        bps = uint16(bound(bps, MAX_FEE_BPS + 1, type(uint16).max));
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketFeeTooHigh.selector, bps, MAX_FEE_BPS)
        );
        vm.prank(admin);
        market.setFee(feeRecipient, bps);
    }

    function test_setFee_revertsOnFeeWithoutRecipient() public {
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketFeeRecipientInvalid.selector, address(0))
        );
        vm.prank(admin);
        market.setFee(address(0), 1);
    }

    function test_setFee_zeroFeeNeedsNoRecipient() public {
        vm.prank(admin);
        market.setFee(address(0), 0);
        (, uint16 bps) = market.fee();
        assertEq(uint256(bps), 0, "fee off");
        // With no fee, a sale credits nobody.
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        _buyWithEther(order, _sign(SELLER_KEY, order));
        assertEq(address(market).balance, 0, "nothing kept");
        assertEq(market.owed(address(0)), 0, "nothing owed to the zero address");
    }

    function test_setFee_revertsForEveryoneButTheAdmin() public {
        address[5] memory others = [publisher, seller, buyer, feeRecipient, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector,
                    others[i],
                    bytes32(0)
                )
            );
            vm.prank(others[i]);
            market.setFee(others[i], MAX_FEE_BPS);
        }
        (address recipient, uint16 bps) = market.fee();
        assertEq(recipient, feeRecipient, "recipient unchanged");
        assertEq(uint256(bps), FEE_BPS, "fee unchanged");
    }

    function testFuzz_quote_isPricePlusFee(uint256 price, uint16 bps) public {
        price = bound(price, 0, type(uint256).max / MAX_FEE_BPS);
        _setFee(uint16(bound(bps, 0, MAX_FEE_BPS)));
        (uint256 total, uint256 feeAmount) = market.quote(price);
        assertEq(feeAmount, _fee(price), "fee rounds down");
        assertEq(total, price + feeAmount, "total");
    }

    /// @notice The digests follow EIP-712 exactly as the NatSpec types read, so any wallet or SDK
    /// signing the typed data produces a signature the market accepts.
    function test_hashSellOrder_isTheEip712DigestOfTheTypedData() public view {
        ILicenseMarket.SellOrder memory o = _order(licenseId, address(token), 123e6);
        o.nonce = 77;
        o.counter = 3;
        o.licenseMoves = 2;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "SellOrder(address seller,uint256 licenseId,uint256 licenseMoves,address currency,uint256 price,uint256 expiry,uint256 nonce,uint256 counter,bytes32 declarationHash)"
                ),
                o.seller,
                o.licenseId,
                o.licenseMoves,
                o.currency,
                o.price,
                o.expiry,
                o.nonce,
                o.counter,
                o.declarationHash
            )
        );
        assertEq(
            market.hashSellOrder(o),
            keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash)),
            "sell order digest"
        );
    }

    function test_hashBuyOffer_isTheEip712DigestOfTheTypedData() public view {
        ILicenseMarket.BuyOffer memory o = _offer(buyer, licenseId, 99e6);
        o.nonce = 5;
        o.counter = 1;
        o.licenseMoves = 4;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "BuyOffer(address buyer,uint256 licenseId,uint256 licenseMoves,address currency,uint256 price,uint256 expiry,uint256 nonce,uint256 counter)"
                ),
                o.buyer,
                o.licenseId,
                o.licenseMoves,
                o.currency,
                o.price,
                o.expiry,
                o.nonce,
                o.counter
            )
        );
        assertEq(
            market.hashBuyOffer(o),
            keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash)),
            "buy offer digest"
        );
    }

    function test_eip712Domain_namesTheMarket() public view {
        (
            ,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifying,
            ,

        ) = market.eip712Domain();
        assertEq(name, "License Ledger Market", "name");
        assertEq(version, "1", "version");
        assertEq(chainId, block.chainid, "chain id");
        assertEq(verifying, address(market), "verifying contract");
    }

    function testFuzz_setFee_afterSigningNeverTakesMoreFromAMaker(
        uint256 price,
        uint16 bpsAtSigning,
        uint16 bpsAtFilling
    ) public {
        price = bound(price, 1, 100_000e6);
        bpsAtSigning = uint16(bound(bpsAtSigning, 0, MAX_FEE_BPS));
        bpsAtFilling = uint16(bound(bpsAtFilling, 0, MAX_FEE_BPS));
        _setFee(bpsAtSigning);
        // The seller's order and the taker's bound, both made at the old fee.
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), price);
        bytes memory signature = _sign(SELLER_KEY, order);
        uint256 maxTotal = price + _fee(price);
        _setFee(bpsAtFilling);
        uint256 total = price + _fee(price);

        if (total > maxTotal) {
            vm.expectRevert(
                abi.encodeWithSelector(ILicenseMarket.MarketTotalAboveMax.selector, total, maxTotal)
            );
            vm.prank(buyer);
            market.buy(order, signature, maxTotal);
        } else {
            vm.prank(buyer);
            market.buy(order, signature, maxTotal);
            assertEq(token.balanceOf(seller), price, "the maker got exactly what it signed");
            assertEq(token.balanceOf(buyer), TOKEN_FUNDS - total, "the taker paid the new total");
        }
    }

    function test_acceptOffer_feeRaiseIsBoundedByTheSellersMinProceeds() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1_000e6);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        uint256 minProceeds = 1_000e6 - _fee(1_000e6);
        _setFee(MAX_FEE_BPS);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketProceedsBelowMin.selector,
                900e6,
                minProceeds
            )
        );
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, minProceeds);
        // Accepting the new fee, the seller gets less; the bidder still pays exactly its offer.
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, 900e6);
        assertEq(token.balanceOf(buyer), TOKEN_FUNDS - 1_000e6, "bidder paid what it signed");
        assertEq(token.balanceOf(seller), 900e6, "seller got price less the new fee");
    }

    function _domainSeparator() private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    keccak256(
                        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                    ),
                    keccak256("License Ledger Market"),
                    keccak256("1"),
                    block.chainid,
                    address(market)
                )
            );
    }
}

// =====================================================================================
// buy: ETH
// =====================================================================================

contract LicenseMarketBuyEtherTest is MarketTestBase {
    function test_buy_movesTheLicensePaysTheSellerAndCreditsTheFee() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        bytes memory signature = _sign(SELLER_KEY, order);
        (uint256 total, uint256 feeAmount) = market.quote(1 ether);
        assertEq(feeAmount, 0.025 ether, "2.5% fee");
        vm.deal(buyer, 2 ether);
        uint256 sellerBefore = seller.balance;
        bytes32 orderHash = market.hashSellOrder(order);

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseReleased(licenseId, resale, seller, DECLARATION);
        vm.expectEmit(address(registry));
        emit ERC721.Transfer(seller, buyer, licenseId);
        vm.expectEmit(address(market));
        emit ILicenseMarket.LicenseSold(
            licenseId,
            seller,
            buyer,
            ETH,
            1 ether,
            total,
            feeAmount,
            orderHash
        );
        vm.prank(buyer);
        uint256 paid = market.buy{value: total}(order, signature, total);

        assertEq(paid, total, "returns the total paid");
        assertEq(buyer.balance, 2 ether - total, "buyer paid price plus fee");
        assertEq(seller.balance, sellerBefore + 1 ether, "seller got exactly the price");
        assertEq(market.owed(feeRecipient), feeAmount, "fee credited to the recipient");
        assertEq(market.owed(seller), 0, "nothing owed to a seller that accepted ETH");
        assertEq(address(market).balance, feeAmount, "market keeps only the fee it owes");
        assertEq(registry.ownerOf(licenseId), buyer, "license moved to the buyer");
        assertTrue(registry.isValidFor(licenseId, buyer), "and is valid for the buyer");
        assertEq(registry.balanceOf(address(market)), 0, "market never holds a license");
        assertTrue(market.isNonceUsed(seller, 0), "nonce used");
    }

    function testFuzz_buy_buyerPaysPricePlusFeeSellerGetsPrice(uint256 price, uint16 bps) public {
        price = bound(price, 0, type(uint256).max / MAX_FEE_BPS);
        bps = uint16(bound(bps, 0, MAX_FEE_BPS));
        _setFee(bps);
        uint256 feeAmount = (price * bps) / 10_000;
        uint256 total = price + feeAmount;
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, price);
        vm.deal(buyer, total);
        uint256 sellerBefore = seller.balance;

        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(buyer);
        uint256 paid = market.buy{value: total}(order, signed, total);

        assertEq(paid, total, "total returned");
        assertEq(buyer.balance, 0, "buyer paid exactly price + price * bps / 10000");
        assertEq(seller.balance - sellerBefore, price, "seller got exactly the price");
        assertEq(market.owed(feeRecipient), feeAmount, "fee recipient is owed exactly the fee");
        assertEq(address(market).balance, feeAmount, "market holds exactly what it owes");
        assertEq(registry.ownerOf(licenseId), buyer, "license moved");
    }

    function testFuzz_buy_excessEtherIsRefundedExactly(uint256 price, uint256 excess) public {
        price = bound(price, 0, 1e30);
        excess = bound(excess, 1, 1e30);
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, price);
        uint256 total = price + _fee(price);
        vm.deal(buyer, total + excess);

        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(buyer);
        market.buy{value: total + excess}(order, signed, type(uint256).max);

        assertEq(buyer.balance, excess, "the excess came back, and only the excess");
        assertEq(market.owed(buyer), 0, "nothing deferred for an EOA");
        assertEq(address(market).balance, _fee(price), "market keeps only the fee");
    }

    function testFuzz_buy_revertsOnEtherShortOfTheTotal(uint256 price, uint256 sent) public {
        price = bound(price, 1, 1e30);
        uint256 total = price + _fee(price);
        sent = bound(sent, 0, total - 1);
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, price);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.deal(buyer, sent);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketEtherInsufficient.selector, total, sent)
        );
        vm.prank(buyer);
        market.buy{value: sent}(order, signature, total);
        assertEq(registry.ownerOf(licenseId), seller, "nothing moved");
        assertFalse(market.isNonceUsed(seller, 0), "nonce not used by a failed fill");
    }

    function testFuzz_buy_maxTotalBelowTotalRevertsAtOrAbovePasses(
        uint256 price,
        uint16 bps,
        uint256 maxTotal,
        uint256 generousMax
    ) public {
        price = bound(price, 1, 1e30);
        _setFee(uint16(bound(bps, 0, MAX_FEE_BPS)));
        uint256 total = price + _fee(price);
        maxTotal = bound(maxTotal, 0, total - 1);
        generousMax = bound(generousMax, total, type(uint256).max);
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, price);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.deal(buyer, total);

        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketTotalAboveMax.selector, total, maxTotal)
        );
        vm.prank(buyer);
        market.buy{value: total}(order, signature, maxTotal);

        vm.prank(buyer);
        uint256 paid = market.buy{value: total}(order, signature, generousMax);
        assertEq(paid, total, "pays the total, not the bound");
        assertEq(buyer.balance, 0, "buyer paid exactly the total");
        assertEq(registry.ownerOf(licenseId), buyer, "license moved");
    }

    function test_buy_sellerRefusingEtherIsOwedAndWithdrawsElsewhere() public {
        MockSellerWallet wallet = _walletFor(walletOwner, licenseId);
        _setEtherMode(wallet, MockSellerWallet.EtherMode.Reject, "");
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        bytes memory signature = _sign(WALLET_OWNER_KEY, order);
        uint256 feeAmount = _fee(1 ether);
        uint256 total = 1 ether + feeAmount;
        vm.deal(buyer, total);

        vm.expectEmit(address(market));
        emit ILicenseMarket.PaymentDeferred(address(wallet), 1 ether);
        vm.prank(buyer);
        market.buy{value: total}(order, signature, total);

        assertEq(registry.ownerOf(licenseId), buyer, "the sale completed anyway");
        assertEq(address(wallet).balance, 0, "the wallet refused the ETH");
        assertEq(market.owed(address(wallet)), 1 ether, "the market owes the wallet the price");
        assertEq(address(market).balance, total, "market holds the price and the fee");
        assertEq(address(market).balance, 1 ether + feeAmount, "exactly what it owes by name");

        // The wallet cannot take it itself while it refuses ETH...
        vm.expectRevert(
            _walletFailure(
                abi.encodeWithSelector(
                    ILicenseMarket.MarketWithdrawalFailed.selector,
                    address(wallet),
                    1 ether
                )
            )
        );
        vm.prank(walletOwner);
        wallet.execute(address(market), abi.encodeCall(market.withdraw, ()));

        // ... but sends it to its owner.
        uint256 ownerBefore = walletOwner.balance;
        vm.expectEmit(address(market));
        emit ILicenseMarket.Withdrawn(address(wallet), walletOwner, 1 ether);
        vm.prank(walletOwner);
        wallet.execute(address(market), abi.encodeCall(market.withdrawTo, (payable(walletOwner))));
        assertEq(walletOwner.balance, ownerBefore + 1 ether, "owner received the price");
        assertEq(market.owed(address(wallet)), 0, "debt settled");
        assertEq(address(market).balance, feeAmount, "only the fee is left");
    }

    function test_buy_sellerBurningGasIsOwedAndCannotBurnTheBuyersGas() public {
        MockSellerWallet wallet = _walletFor(walletOwner, licenseId);
        _setEtherMode(wallet, MockSellerWallet.EtherMode.BurnGas, "");
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        bytes memory signature = _sign(WALLET_OWNER_KEY, order);
        uint256 total = 1 ether + _fee(1 ether);
        vm.deal(buyer, total);

        uint256 gasBefore = gasleft();
        vm.prank(buyer);
        market.buy{value: total}(order, signature, total);
        uint256 gasUsed = gasBefore - gasleft();

        assertLt(gasUsed, 400_000, "the stipend bounds what the seller burns");
        assertEq(market.owed(address(wallet)), 1 ether, "price owed to the wallet");
        assertEq(registry.ownerOf(licenseId), buyer, "sale completed");
    }

    function test_buy_sellerReenteringTheMarketIsRefused() public {
        MockSellerWallet wallet = _walletFor(walletOwner, licenseId);
        // The fee recipient's debt is in the market during the push: the seller tries to take
        // ETH out while being paid.
        _setEtherMode(
            wallet,
            MockSellerWallet.EtherMode.Reenter,
            abi.encodeCall(market.withdraw, ())
        );
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        bytes memory signature = _sign(WALLET_OWNER_KEY, order);
        uint256 total = 1 ether + _fee(1 ether);
        vm.deal(buyer, total);

        vm.expectEmit(address(wallet));
        emit MockSellerWallet.ReentryAttempted(
            false,
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        vm.prank(buyer);
        market.buy{value: total}(order, signature, total);

        assertEq(address(wallet).balance, 1 ether, "the wallet was paid, once");
        assertEq(market.owed(address(wallet)), 0, "nothing deferred");
        assertEq(address(market).balance, _fee(1 ether), "the fee is still there");
    }

    function test_buy_refundRefusedByTheBuyerIsOwedToIt() public {
        RefusingBuyer contractBuyer = new RefusingBuyer();
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        bytes memory signature = _sign(SELLER_KEY, order);
        uint256 total = 1 ether + _fee(1 ether);
        vm.deal(address(this), total + 5);

        vm.expectEmit(address(market));
        emit ILicenseMarket.PaymentDeferred(address(contractBuyer), 5);
        contractBuyer.buy{value: total + 5}(market, order, signature, total);

        assertEq(registry.ownerOf(licenseId), address(contractBuyer), "bought");
        assertEq(market.owed(address(contractBuyer)), 5, "excess owed to the buyer");
        assertEq(address(market).balance, _fee(1 ether) + 5, "fee plus the refused refund");
        contractBuyer.withdrawTo(market, payable(stranger));
        assertEq(stranger.balance, 5, "refund withdrawn elsewhere");
    }

    function test_buy_zeroPriceMovesTheLicenseAndPaysNobody() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 0);
        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(buyer);
        uint256 paid = market.buy(order, signed, 0);
        assertEq(paid, 0, "free");
        assertEq(registry.ownerOf(licenseId), buyer, "moved");
        assertEq(market.owed(feeRecipient), 0, "no fee on nothing");
    }

    function test_buy_sellerMayBuyItsOwnOrder() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        uint256 total = 1 ether + _fee(1 ether);
        vm.deal(seller, total);
        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(seller);
        market.buy{value: total}(order, signed, total);
        assertEq(registry.ownerOf(licenseId), seller, "still the seller's");
        assertEq(seller.balance, 1 ether, "paid itself the price, paid the fee");
        assertEq(market.owed(feeRecipient), _fee(1 ether), "fee owed");
        assertTrue(registry.isValidFor(licenseId, seller), "active again after the move");
    }
}

// =====================================================================================
// buy: ERC-20, buyWithPermit
// =====================================================================================

contract LicenseMarketBuyTokenTest is MarketTestBase {
    function test_buy_tokenOrderPaysSellerAndFeeRecipientDirectly() public {
        uint256 price = 250e6;
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), price);
        uint256 feeAmount = _fee(price);
        bytes32 orderHash = market.hashSellOrder(order);
        bytes memory signed = _sign(SELLER_KEY, order);
        vm.expectEmit(address(market));
        emit ILicenseMarket.LicenseSold(
            licenseId,
            seller,
            buyer,
            address(token),
            price,
            price + feeAmount,
            feeAmount,
            orderHash
        );
        vm.prank(buyer);
        uint256 paid = market.buy(order, signed, price + feeAmount);

        assertEq(paid, price + feeAmount, "total");
        assertEq(token.balanceOf(buyer), TOKEN_FUNDS - price - feeAmount, "buyer paid the total");
        assertEq(token.balanceOf(seller), price, "seller got the price");
        assertEq(token.balanceOf(feeRecipient), feeAmount, "fee recipient got the fee");
        assertEq(token.balanceOf(address(market)), 0, "market holds no token");
        assertEq(market.owed(feeRecipient), 0, "token fees are not owed: they were paid");
        assertEq(registry.ownerOf(licenseId), buyer, "license moved");
    }

    function testFuzz_buy_tokenBuyerPaysPricePlusFeeSellerGetsPrice(
        uint256 price,
        uint16 bps
    ) public {
        price = bound(price, 0, type(uint256).max / MAX_FEE_BPS);
        bps = uint16(bound(bps, 0, MAX_FEE_BPS));
        _setFee(bps);
        uint256 feeAmount = (price * bps) / 10_000;
        address payer = vm.addr(0xCAFE);
        _fundTokens(payer, price + feeAmount);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), price);

        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(payer);
        market.buy(order, signed, price + feeAmount);

        assertEq(token.balanceOf(payer), 0, "buyer paid exactly price + fee");
        assertEq(token.balanceOf(seller), price, "seller got exactly the price");
        assertEq(token.balanceOf(feeRecipient), feeAmount, "fee recipient got exactly the fee");
        assertEq(token.balanceOf(address(market)), 0, "market holds no token");
    }

    /// @notice Surprise (reported): `MarketEtherNotAccepted` is declared but never raised. ETH
    /// sent along with a token order is treated as excess and returned, not refused.
    function test_buy_tokenOrderReturnsEtherSentAlong() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 10e6);
        vm.deal(buyer, 1 ether);
        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(buyer);
        market.buy{value: 1 ether}(order, signed, type(uint256).max);
        assertEq(buyer.balance, 1 ether, "all ETH returned");
        assertEq(address(market).balance, 0, "none kept");
        assertEq(registry.ownerOf(licenseId), buyer, "bought with the token");
    }

    function test_buy_revertsWithoutAllowance() public {
        address payer = vm.addr(0xCAFE);
        token.mint(payer, TOKEN_FUNDS);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 10e6);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                0,
                10e6
            )
        );
        vm.prank(payer);
        market.buy(order, signature, type(uint256).max);
    }

    function test_buy_revertsWhenTheBuyerCannotPayTheFee() public {
        address payer = vm.addr(0xCAFE);
        _fundTokens(payer, 10e6);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 10e6);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                payer,
                0,
                _fee(10e6)
            )
        );
        vm.prank(payer);
        market.buy(order, signature, type(uint256).max);
        assertEq(token.balanceOf(payer), 10e6, "nothing paid");
        assertEq(registry.ownerOf(licenseId), seller, "nothing moved");
    }

    function test_buy_revertsOnFeeOnTransferToken() public {
        MockFeeOnTransferToken fot = new MockFeeOnTransferToken();
        fot.mint(buyer, 1_000e6);
        vm.prank(buyer);
        fot.approve(address(market), type(uint256).max);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(fot), 100e6);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketTokenAmountMismatch.selector,
                address(fot),
                seller,
                100e6,
                99e6
            )
        );
        vm.prank(buyer);
        market.buy(order, signature, type(uint256).max);
    }

    function test_buy_reentrantTokenIsRefused() public {
        MockReentrantToken evil = new MockReentrantToken();
        evil.mint(buyer, 1_000e6);
        vm.prank(buyer);
        evil.approve(address(market), type(uint256).max);
        evil.arm(address(market), abi.encodeCall(market.withdraw, ()));
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(evil), 100e6);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.expectRevert(
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        vm.prank(buyer);
        market.buy(order, signature, type(uint256).max);
        assertEq(registry.ownerOf(licenseId), seller, "nothing moved");
    }

    function test_buyWithPermit_paysWithoutAPriorApproval() public {
        uint256 payerKey = 0xCAFE;
        address payer = vm.addr(payerKey);
        token.mint(payer, 1_000e6);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 100e6);
        uint256 total = 100e6 + _fee(100e6);
        ILicenseMarket.Permit memory permit = _permit(payerKey, total, block.timestamp + 1 hours);

        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(payer);
        uint256 paid = market.buyWithPermit(order, signed, total, permit);

        assertEq(paid, total, "total");
        assertEq(token.balanceOf(payer), 1_000e6 - total, "paid the total");
        assertEq(token.balanceOf(seller), 100e6, "seller paid");
        assertEq(token.allowance(payer, address(market)), 0, "the permit's allowance is spent");
        assertEq(registry.ownerOf(licenseId), payer, "license moved");
    }

    function test_buyWithPermit_frontRunPermitIsIgnored() public {
        uint256 payerKey = 0xCAFE;
        address payer = vm.addr(payerKey);
        token.mint(payer, 1_000e6);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 100e6);
        uint256 total = 100e6 + _fee(100e6);
        ILicenseMarket.Permit memory permit = _permit(payerKey, total, block.timestamp + 1 hours);
        // Someone saw the permit in the mempool and submitted it first.
        vm.prank(stranger);
        token.permit(
            payer,
            address(market),
            permit.value,
            permit.deadline,
            permit.v,
            permit.r,
            permit.s
        );

        bytes memory signed = _sign(SELLER_KEY, order);
        vm.prank(payer);
        market.buyWithPermit(order, signed, total, permit);
        assertEq(registry.ownerOf(licenseId), payer, "the sale still went through");
    }

    function test_buyWithPermit_revertsWithoutAllowanceWhenThePermitIsInvalid() public {
        address payer = vm.addr(0xCAFE);
        token.mint(payer, 1_000e6);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 100e6);
        // Signed by the wrong key: the permit fails and no allowance exists.
        ILicenseMarket.Permit memory permit = _permit(STRANGER_KEY, 1_000e6, block.timestamp);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector,
                address(market),
                0,
                100e6
            )
        );
        vm.prank(payer);
        market.buyWithPermit(order, signature, type(uint256).max, permit);
    }

    function test_buyWithPermit_revertsOnEtherOrder() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        ILicenseMarket.Permit memory permit = _permit(BUYER_KEY, 1, block.timestamp);
        bytes memory signature = _sign(SELLER_KEY, order);
        vm.expectRevert(abi.encodeWithSelector(ILicenseMarket.MarketTokenRequired.selector));
        vm.prank(buyer);
        market.buyWithPermit(order, signature, type(uint256).max, permit);
    }

    function _permit(
        uint256 key,
        uint256 value,
        uint256 deadline
    ) private view returns (ILicenseMarket.Permit memory permit) {
        address owner = vm.addr(key);
        bytes32 structHash = keccak256(
            abi.encode(
                PERMIT_TYPEHASH,
                owner,
                address(market),
                value,
                token.nonces(owner),
                deadline
            )
        );
        (permit.v, permit.r, permit.s) = vm.sign(
            key,
            keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash))
        );
        permit.value = value;
        permit.deadline = deadline;
    }
}

// =====================================================================================
// buy: refusals (order state, signature, license state)
// =====================================================================================

contract LicenseMarketBuyRefusalTest is MarketTestBase {
    ILicenseMarket.SellOrder internal order;
    bytes internal signature;

    function setUp() public override {
        super.setUp();
        order = _order(licenseId, ETH, 1 ether);
        signature = _sign(SELLER_KEY, order);
        vm.deal(buyer, 100 ether);
    }

    function _expectBuyReverts(bytes memory reason) private {
        vm.expectRevert(reason);
        vm.prank(buyer);
        market.buy{value: 2 ether}(order, signature, type(uint256).max);
    }

    function testFuzz_buy_expiryIsTheLastSecondOfTheOrder(uint256 lateBy) public {
        lateBy = bound(lateBy, 1, 100 * 365 days);
        vm.warp(order.expiry + lateBy);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseMarket.MarketOrderExpired.selector,
                seller,
                order.nonce,
                order.expiry
            )
        );
        vm.warp(order.expiry);
        _buyWithEther(order, signature);
        assertEq(registry.ownerOf(licenseId), buyer, "filled at its last second");
    }

    function testFuzz_buy_nonceFillsOnceAndFlipsOnlyItsBit(uint256 nonce) public {
        order.nonce = nonce;
        signature = _sign(SELLER_KEY, order);
        _buyWithEther(order, signature);

        assertTrue(market.isNonceUsed(seller, nonce), "the nonce is used");
        uint256 wordStart = nonce & ~uint256(0xff);
        for (uint256 bit; bit < 256; ++bit) {
            if (wordStart + bit == nonce) continue;
            assertFalse(market.isNonceUsed(seller, wordStart + bit), "no other bit of its word");
        }
        if (wordStart >= 256) {
            assertFalse(market.isNonceUsed(seller, nonce - 256), "same bit, word before");
        }
        if (wordStart < type(uint256).max - 511) {
            assertFalse(market.isNonceUsed(seller, nonce + 256), "same bit, word after");
        }
        assertFalse(market.isNonceUsed(buyer, nonce), "another maker's nonce");

        // The license came back to the seller: the same order still cannot fill again.
        vm.prank(buyer);
        registry.releaseAndTransfer(seller, licenseId, DECLARATION);
        _expectBuyReverts(_err(ILicenseMarket.MarketNonceUsed.selector, seller, nonce));
    }

    function testFuzz_cancelOrders_cancelsOnlyThoseNonces(uint256 nonce, uint256 other) public {
        vm.assume(other != nonce);
        order.nonce = nonce;
        signature = _sign(SELLER_KEY, order);
        uint256[] memory nonces = new uint256[](1);
        nonces[0] = nonce;

        vm.expectEmit(address(market));
        emit ILicenseMarket.OrderCancelled(seller, nonce);
        vm.prank(seller);
        market.cancelOrders(nonces);

        assertTrue(market.isNonceUsed(seller, nonce), "cancelled nonce is used");
        assertFalse(market.isNonceUsed(seller, other), "other nonces untouched");
        _expectBuyReverts(_err(ILicenseMarket.MarketNonceUsed.selector, seller, nonce));

        // Cancelling again (a race with a fill) is not an error.
        vm.prank(seller);
        market.cancelOrders(nonces);

        // An order with another nonce still fills.
        order.nonce = other;
        _buyWithEther(order, _sign(SELLER_KEY, order));
        assertEq(registry.ownerOf(licenseId), buyer, "other nonce filled");
    }

    function test_cancelOrders_batchOfNoncesAcrossWords() public {
        uint256[] memory nonces = new uint256[](4);
        nonces[0] = 0;
        nonces[1] = 255;
        nonces[2] = 256;
        nonces[3] = type(uint256).max;
        vm.prank(seller);
        market.cancelOrders(nonces);
        for (uint256 i; i < nonces.length; ++i) {
            assertTrue(market.isNonceUsed(seller, nonces[i]), "cancelled");
        }
        assertFalse(market.isNonceUsed(seller, 1), "neighbour 1");
        assertFalse(market.isNonceUsed(seller, 254), "neighbour 254");
        assertFalse(market.isNonceUsed(seller, 257), "neighbour 257");
        assertFalse(market.isNonceUsed(seller, type(uint256).max - 1), "neighbour max - 1");
    }

    function test_cancelAllOrders_voidsEveryOrderSignedBefore() public {
        vm.expectEmit(address(market));
        emit ILicenseMarket.AllOrdersCancelled(seller, 1);
        vm.prank(seller);
        uint256 newCounter = market.cancelAllOrders();
        assertEq(newCounter, 1, "returns the new counter");
        assertEq(market.counterOf(seller), 1, "counter bumped");
        assertEq(market.counterOf(buyer), 0, "others unaffected");
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseMarket.MarketOrderCounterMismatch.selector, seller, 0, 1)
        );
        // An order signed at the new counter fills, even with the same nonce.
        order.counter = 1;
        _buyWithEther(order, _sign(SELLER_KEY, order));
        assertEq(registry.ownerOf(licenseId), buyer, "new order filled");
    }

    function test_buy_revertsOnCounterNotReachedYet() public {
        order.counter = 1;
        signature = _sign(SELLER_KEY, order);
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseMarket.MarketOrderCounterMismatch.selector, seller, 1, 0)
        );
    }

    function test_buy_revertsOnSignatureOfAnotherKey() public {
        signature = _sign(STRANGER_KEY, order);
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, seller)
        );
    }

    function test_buy_revertsOnMalformedSignatures() public {
        bytes memory valid = signature;
        bytes[4] memory bad;
        bad[0] = "";
        bad[1] = new bytes(65);
        // The same signature without its v byte (64 bytes, not accepted in compact form).
        bytes memory truncated = new bytes(64);
        for (uint256 i; i < 64; ++i) truncated[i] = valid[i];
        bad[2] = truncated;
        // The malleable twin: s' = n - s, v flipped. OpenZeppelin's ECDSA refuses high s.
        bad[3] = _malleableTwin(valid);
        for (uint256 i; i < bad.length; ++i) {
            signature = bad[i];
            _expectBuyReverts(
                abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, seller)
            );
        }
    }

    function test_buy_revertsOnSignatureForAnotherMarket() public {
        LicenseMarket other = new LicenseMarket(address(registry), admin, 0, feeRecipient, 0);
        signature = _signDigest(SELLER_KEY, other.hashSellOrder(order));
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, seller)
        );
    }

    function test_buy_revertsOnSignatureForAnotherChain() public {
        uint256 chainId = block.chainid;
        vm.chainId(chainId + 1);
        signature = _sign(SELLER_KEY, order);
        vm.chainId(chainId);
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, seller)
        );
    }

    /// @notice Any change to any field of a signed order makes the signature invalid for it.
    function testFuzz_buy_tamperedFieldInvalidatesTheSignature(
        uint256 field,
        uint256 value
    ) public {
        field = bound(field, 0, 7);
        ILicenseMarket.SellOrder memory tampered = order;
        if (field == 0) {
            tampered.seller = address(uint160(bound(value, 0x10000, type(uint160).max)));
            vm.assume(tampered.seller != seller && tampered.seller != address(vm));
        } else if (field == 1) {
            tampered.licenseId = value;
        } else if (field == 2) {
            tampered.currency = address(uint160(value));
        } else if (field == 3) {
            tampered.price = value;
        } else if (field == 4) {
            // Still live: an expired order would be refused before its signature is checked.
            tampered.expiry = bound(value, block.timestamp, type(uint256).max);
        } else if (field == 5) {
            tampered.nonce = value;
        } else if (field == 6) {
            // The seller's counter reaches the tampered one, so only the signature stands in
            // the way.
            tampered.counter = bound(value, 1, 5);
            for (uint256 i; i < tampered.counter; ++i) {
                vm.prank(seller);
                market.cancelAllOrders();
            }
        } else {
            tampered.declarationHash = bytes32(value);
        }
        vm.assume(market.hashSellOrder(tampered) != market.hashSellOrder(order));

        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, tampered.seller)
        );
        vm.prank(buyer);
        market.buy{value: 2 ether}(tampered, signature, type(uint256).max);

        if (field != 6) {
            _buyWithEther(order, signature);
            assertEq(registry.ownerOf(licenseId), buyer, "the untampered order still fills");
        }
    }

    function test_buy_revertsWhenTheSellerNoLongerHoldsTheLicense() public {
        vm.prank(seller);
        registry.releaseAndTransfer(stranger, licenseId, DECLARATION);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseMarket.MarketSellerNotHolder.selector,
                licenseId,
                seller,
                stranger
            )
        );
    }

    function test_buy_revertsWhenTheSellerWithdrewTheApproval() public {
        vm.prank(seller);
        registry.setApprovalForAll(address(market), false);
        _expectBuyReverts(_err(ILicenseMarket.MarketNotApproved.selector, seller, licenseId));
    }

    function test_buy_approvalOfTheSingleLicenseSuffices() public {
        vm.startPrank(seller);
        registry.setApprovalForAll(address(market), false);
        registry.approve(address(market), licenseId);
        vm.stopPrank();
        _buyWithEther(order, signature);
        assertEq(registry.ownerOf(licenseId), buyer, "moved on a single-token approval");
        assertEq(registry.getApproved(licenseId), address(0), "approval consumed");
    }

    function test_buy_revertsWhenTheLicenseIsAlreadyReleasedAndTheOrderDeclaresAgain() public {
        vm.prank(seller);
        registry.release(licenseId, DECLARATION);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseAlreadyReleased.selector,
                licenseId
            )
        );
    }

    function test_buy_withoutDeclarationMovesALicenseTheSellerReleased() public {
        order.declarationHash = bytes32(0);
        signature = _sign(SELLER_KEY, order);
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotReleased.selector, licenseId)
        );
        vm.prank(seller);
        registry.release(licenseId, DECLARATION);
        _buyWithEther(order, signature);
        assertEq(registry.ownerOf(licenseId), buyer, "released license sold");
        assertTrue(registry.isValidFor(licenseId, buyer), "active for the buyer");
    }

    function test_buy_attestedProductNeedsTheReleaseAndTheAttestationFirst() public {
        uint256 id = _issue(attested, seller);
        order = _order(id, ETH, 1 ether);
        signature = _sign(SELLER_KEY, order);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseDeactivationNotAttested.selector,
                id
            )
        );

        vm.prank(seller);
        registry.release(id, DECLARATION);
        vm.prank(publisher);
        registry.attestDeactivation(id, EVIDENCE);
        order.declarationHash = bytes32(0);
        order.nonce = 1;
        _buyWithEther(order, _sign(SELLER_KEY, order));
        assertEq(registry.ownerOf(id), buyer, "attested license sold");
    }

    function test_buy_revertsOnRevokedLicense() public {
        vm.prank(publisher);
        registry.revoke(licenseId, 2, EVIDENCE);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                licenseId,
                LicenseStatus.Revoked
            )
        );
    }

    function test_buy_revertsOnSurrenderedLicense() public {
        vm.prank(seller);
        registry.surrender(licenseId);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                licenseId,
                LicenseStatus.Surrendered
            )
        );
    }

    function test_buy_revertsOnSplitLicense() public {
        vm.prank(publisher);
        uint256 id = registry.issue(volume, seller, 4, 0);
        order = _order(id, ETH, 1 ether);
        signature = _sign(SELLER_KEY, order);
        uint32[] memory parts = new uint32[](2);
        parts[0] = 1;
        parts[1] = 3;
        vm.prank(seller);
        registry.split(id, parts);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseEnded.selector,
                id,
                LicenseStatus.Split
            )
        );
    }

    function test_buy_revertsOnSuspendedLicense() public {
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseIsSuspended.selector, licenseId)
        );
    }

    function test_buy_revertsOnExpiredLicense() public {
        vm.prank(publisher);
        uint256 id = registry.issue(term, seller, 1, block.timestamp + 10 days);
        order = _order(id, ETH, 1 ether);
        signature = _sign(SELLER_KEY, order);
        vm.warp(block.timestamp + 10 days);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.LicenseExpired.selector,
                id,
                uint48(START + 10 days)
            )
        );
    }

    function test_buy_revertsOnNonTransferableLicense() public {
        vm.prank(publisher);
        uint256 id = registry.issue(subscription, seller, 1, block.timestamp + 30 days);
        order = _order(id, ETH, 1 ether);
        signature = _sign(SELLER_KEY, order);
        _expectBuyReverts(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseNotTransferable.selector, id)
        );
    }

    function test_buy_revertsWhileTheRegistryIsPaused() public {
        vm.prank(admin);
        registry.pause(1 days);
        _expectBuyReverts(
            abi.encodeWithSelector(
                ILicenseRegistryErrors.RegistryPaused.selector,
                uint48(block.timestamp + 1 days)
            )
        );
    }

    function test_buy_failedFillLeavesEverythingAsItWas() public {
        vm.prank(seller);
        registry.setApprovalForAll(address(market), false);
        uint256 buyerBefore = buyer.balance;
        _expectBuyReverts(_err(ILicenseMarket.MarketNotApproved.selector, seller, licenseId));
        assertEq(buyer.balance, buyerBefore, "buyer kept its ETH");
        assertEq(address(market).balance, 0, "market took nothing");
        assertFalse(market.isNonceUsed(seller, 0), "nonce still free");
        assertEq(
            uint256(uint8(registry.getLicense(licenseId).status)),
            uint256(uint8(LicenseStatus.Active)),
            "the order's release was rolled back"
        );
    }

    function _malleableTwin(bytes memory sig) private pure returns (bytes memory twin) {
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        bytes32 r;
        bytes32 s;
        uint8 v;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
            v := byte(0, mload(add(sig, 0x60)))
        }
        twin = abi.encodePacked(r, bytes32(n - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }
}

// =====================================================================================
// ERC-1271 makers
// =====================================================================================

contract LicenseMarketContractWalletTest is MarketTestBase {
    function test_buy_walletSellerSignsThroughErc1271() public {
        MockSellerWallet wallet = _walletFor(walletOwner, licenseId);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 50e6);
        bytes memory signed = _sign(WALLET_OWNER_KEY, order);
        vm.prank(buyer);
        market.buy(order, signed, type(uint256).max);
        assertEq(registry.ownerOf(licenseId), buyer, "bought from the wallet");
        assertEq(token.balanceOf(address(wallet)), 50e6, "wallet paid");
    }

    function test_buy_revertsOnWalletOrderSignedByAnotherKey() public {
        MockSellerWallet wallet = _walletFor(walletOwner, licenseId);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 50e6);
        bytes memory signature = _sign(STRANGER_KEY, order);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, address(wallet))
        );
        vm.prank(buyer);
        market.buy(order, signature, type(uint256).max);
    }

    function test_buy_ownerKeySignsForTheOwnerNotForItsWallet() public {
        // The owner's key signs an order naming the owner as seller: it is the owner's order,
        // not the wallet's, and the wallet's license does not move.
        _walletFor(walletOwner, licenseId);
        ILicenseMarket.SellOrder memory order = _order(licenseId, address(token), 50e6);
        order.seller = walletOwner;
        bytes memory signature = _sign(WALLET_OWNER_KEY, order);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketSellerNotHolder.selector,
                licenseId,
                walletOwner,
                registry.ownerOf(licenseId)
            )
        );
        vm.prank(buyer);
        market.buy(order, signature, type(uint256).max);
    }

    /// @notice A Safe-like company wallet (2 of 2) bids through an offer it signs by approving the
    /// offer's digest (ERC-1271, no ECDSA signature at all).
    function test_acceptOffer_safeLikeWalletBuyerSignsByApprovedHash() public {
        address[] memory owners = new address[](2);
        owners[0] = walletOwner;
        owners[1] = stranger;
        MockContractWallet safe = new MockContractWallet(owners, 2);
        token.mint(address(safe), 500e6);
        _safeExecute(safe, address(token), abi.encodeCall(token.approve, (address(market), 500e6)));
        ILicenseMarket.BuyOffer memory offer = _offer(address(safe), licenseId, 500e6);
        _safeExecute(
            safe,
            address(safe),
            abi.encodeCall(safe.signHash, (market.hashBuyOffer(offer)))
        );

        vm.prank(seller);
        uint256 proceeds = market.acceptOffer(offer, "", DECLARATION, 0);

        assertEq(proceeds, 500e6 - _fee(500e6), "seller proceeds");
        assertEq(registry.ownerOf(licenseId), address(safe), "the company wallet holds it");
        assertEq(token.balanceOf(address(safe)), 0, "wallet paid exactly its offer");
    }

    function _safeExecute(MockContractWallet safe, address target, bytes memory data) private {
        vm.prank(walletOwner);
        safe.approveCall(target, data);
        vm.prank(stranger);
        safe.approveCall(target, data);
        safe.execute(target, data);
    }
}

// =====================================================================================
// buyBatch
// =====================================================================================

contract LicenseMarketBuyBatchTest is MarketTestBase {
    function test_buyBatch_mixedCurrenciesPayEachSellerAndRefundOnce() public {
        uint256 second = _issue(resale, seller);
        uint256 third = _issue(resale, stranger);
        _approveMarket(stranger);
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](3);
        purchases[0] = _purchase(SELLER_KEY, _order(licenseId, ETH, 1 ether), 0);
        purchases[1] = _purchase(SELLER_KEY, _order(second, address(token), 70e6), 1);
        purchases[2] = _purchase(STRANGER_KEY, _order(third, ETH, 3 ether), 0);
        uint256 etherTotal = 4 ether + _fee(1 ether) + _fee(3 ether);
        vm.deal(buyer, etherTotal + 1 ether);
        uint256 sellerBefore = seller.balance;

        vm.prank(buyer);
        uint256 paid = market.buyBatch{value: etherTotal + 1 ether}(purchases);

        assertEq(paid, etherTotal, "returns the ETH paid");
        assertEq(buyer.balance, 1 ether, "excess returned once");
        assertEq(seller.balance - sellerBefore, 1 ether, "seller's ETH price");
        assertEq(stranger.balance, 3 ether, "second seller's ETH price");
        assertEq(token.balanceOf(seller), 70e6, "seller's token price");
        assertEq(token.balanceOf(feeRecipient), _fee(70e6), "token fee paid");
        assertEq(market.owed(feeRecipient), _fee(1 ether) + _fee(3 ether), "ETH fees credited");
        assertEq(address(market).balance, market.owed(feeRecipient), "market holds what it owes");
        assertEq(registry.balanceOf(buyer), 3, "buyer holds all three");
    }

    function testFuzz_buyBatch_paysEveryOrderExactly(
        uint256 count,
        uint256 seed,
        uint256 excess
    ) public {
        count = bound(count, 1, 6);
        excess = bound(excess, 0, 1 ether);
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](count);
        uint256 etherTotal;
        uint256 tokenTotal;
        uint256 etherPrices;
        uint256 tokenPrices;
        for (uint256 i; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 id = i == 0 ? licenseId : _issue(resale, seller);
            bool inEther = r % 2 == 0;
            uint256 price = bound(r >> 8, 0, inEther ? 10 ether : 10_000e6);
            purchases[i] = _purchase(
                SELLER_KEY,
                _order(id, inEther ? ETH : address(token), price),
                i
            );
            if (inEther) {
                etherTotal += price + _fee(price);
                etherPrices += price;
            } else {
                tokenTotal += price + _fee(price);
                tokenPrices += price;
            }
        }
        vm.deal(buyer, etherTotal + excess);
        uint256 sellerBefore = seller.balance;

        vm.prank(buyer);
        assertEq(market.buyBatch{value: etherTotal + excess}(purchases), etherTotal, "ETH paid");

        assertEq(buyer.balance, excess, "buyer's ETH: exactly the totals");
        assertEq(token.balanceOf(buyer), TOKEN_FUNDS - tokenTotal, "buyer's token: the totals");
        assertEq(seller.balance - sellerBefore, etherPrices, "seller's ETH: the prices");
        assertEq(token.balanceOf(seller), tokenPrices, "seller's token: the prices");
        assertEq(market.owed(feeRecipient), etherTotal - etherPrices, "ETH fees owed");
        assertEq(token.balanceOf(feeRecipient), tokenTotal - tokenPrices, "token fees paid");
        assertEq(address(market).balance, etherTotal - etherPrices, "market holds the ETH fees");
        assertEq(registry.balanceOf(buyer), count, "every license bought");
    }

    function test_buyBatch_revertsWhenEmpty() public {
        vm.expectRevert(abi.encodeWithSelector(ILicenseMarket.MarketBatchEmpty.selector));
        vm.prank(buyer);
        market.buyBatch(new ILicenseMarket.Purchase[](0));
    }

    function test_buyBatch_revertsWhenTheEtherCoversOnlyTheFirstOrders() public {
        uint256 second = _issue(resale, seller);
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](2);
        purchases[0] = _purchase(SELLER_KEY, _order(licenseId, ETH, 1 ether), 0);
        purchases[1] = _purchase(SELLER_KEY, _order(second, ETH, 1 ether), 1);
        uint256 one = 1 ether + _fee(1 ether);
        vm.deal(buyer, 2 * one);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketEtherInsufficient.selector,
                2 * one,
                2 * one - 1
            )
        );
        vm.prank(buyer);
        market.buyBatch{value: 2 * one - 1}(purchases);
    }

    function test_buyBatch_oneRefusedOrderRevertsTheWholeBatch() public {
        uint256 second = _issue(resale, seller);
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](2);
        purchases[0] = _purchase(SELLER_KEY, _order(licenseId, ETH, 1 ether), 0);
        purchases[1] = _purchase(SELLER_KEY, _order(second, address(token), 1e6), 1);
        uint256[] memory nonces = new uint256[](1);
        nonces[0] = 1;
        vm.prank(seller);
        market.cancelOrders(nonces);
        vm.deal(buyer, 2 ether);

        vm.expectRevert(_err(ILicenseMarket.MarketNonceUsed.selector, seller, 1));
        vm.prank(buyer);
        market.buyBatch{value: 2 ether}(purchases);

        assertEq(registry.ownerOf(licenseId), seller, "first license did not move");
        assertEq(buyer.balance, 2 ether, "buyer kept its ETH");
        assertFalse(market.isNonceUsed(seller, 0), "first nonce still free");
    }

    function test_buyBatch_sameLicenseTwiceReverts() public {
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](2);
        purchases[0] = _purchase(SELLER_KEY, _order(licenseId, ETH, 1 ether), 0);
        purchases[1] = _purchase(SELLER_KEY, _order(licenseId, ETH, 1 ether), 1);
        vm.deal(buyer, 3 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketSellerNotHolder.selector,
                licenseId,
                seller,
                buyer
            )
        );
        vm.prank(buyer);
        market.buyBatch{value: 3 ether}(purchases);
    }

    function test_buyBatch_boundsEachOrderByItsOwnMax() public {
        uint256 second = _issue(resale, seller);
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](2);
        purchases[0] = _purchase(SELLER_KEY, _order(licenseId, ETH, 1 ether), 0);
        purchases[1] = _purchase(SELLER_KEY, _order(second, ETH, 1 ether), 1);
        purchases[1].maxTotal = 1 ether;
        vm.deal(buyer, 3 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketTotalAboveMax.selector,
                1 ether + _fee(1 ether),
                1 ether
            )
        );
        vm.prank(buyer);
        market.buyBatch{value: 3 ether}(purchases);
    }

    function _purchase(
        uint256 key,
        ILicenseMarket.SellOrder memory order,
        uint256 nonce
    ) private view returns (ILicenseMarket.Purchase memory) {
        order.nonce = nonce;
        return
            ILicenseMarket.Purchase({
                order: order,
                signature: _sign(key, order),
                maxTotal: order.price + _fee(order.price)
            });
    }
}

// =====================================================================================
// acceptOffer
// =====================================================================================

contract LicenseMarketAcceptOfferTest is MarketTestBase {
    function test_acceptOffer_buyerPaysThePriceSellerGetsItLessTheFee() public {
        uint256 price = 400e6;
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, price);
        uint256 feeAmount = _fee(price);
        bytes32 offerHash = market.hashBuyOffer(offer);
        bytes memory signed = _signOffer(BUYER_KEY, offer);

        vm.expectEmit(address(registry));
        emit ILicenseRegistry.LicenseReleased(licenseId, resale, seller, DECLARATION);
        vm.expectEmit(address(market));
        emit ILicenseMarket.LicenseSold(
            licenseId,
            seller,
            buyer,
            address(token),
            price,
            price,
            feeAmount,
            offerHash
        );
        vm.prank(seller);
        uint256 proceeds = market.acceptOffer(offer, signed, DECLARATION, price - feeAmount);

        assertEq(proceeds, price - feeAmount, "proceeds returned");
        assertEq(token.balanceOf(buyer), TOKEN_FUNDS - price, "buyer paid exactly its price");
        assertEq(token.balanceOf(seller), price - feeAmount, "seller got price less fee");
        assertEq(token.balanceOf(feeRecipient), feeAmount, "fee paid");
        assertEq(token.balanceOf(address(market)), 0, "market holds no token");
        assertEq(registry.ownerOf(licenseId), buyer, "license moved to the bidder");
        assertTrue(market.isNonceUsed(buyer, 0), "the bidder's nonce is used");
    }

    function testFuzz_acceptOffer_buyerPaysPriceSellerGetsPriceLessFee(
        uint256 price,
        uint16 bps
    ) public {
        price = bound(price, 0, type(uint256).max / MAX_FEE_BPS);
        bps = uint16(bound(bps, 0, MAX_FEE_BPS));
        _setFee(bps);
        uint256 feeAmount = (price * bps) / 10_000;
        uint256 bidderKey = 0xB1D;
        address bidder = vm.addr(bidderKey);
        _fundTokens(bidder, price);
        ILicenseMarket.BuyOffer memory offer = _offer(bidder, licenseId, price);

        bytes memory signed = _signOffer(bidderKey, offer);
        vm.prank(seller);
        market.acceptOffer(offer, signed, DECLARATION, price - feeAmount);

        assertEq(token.balanceOf(bidder), 0, "buyer paid exactly the price");
        assertEq(token.balanceOf(seller), price - feeAmount, "seller got exactly price - fee");
        assertEq(token.balanceOf(feeRecipient), feeAmount, "fee recipient got exactly the fee");
        assertEq(token.balanceOf(address(market)), 0, "market holds no token");
        assertEq(registry.ownerOf(licenseId), bidder, "license moved");
    }

    function testFuzz_acceptOffer_minProceedsAboveProceedsReverts(
        uint256 price,
        uint256 minProceeds
    ) public {
        price = bound(price, 0, TOKEN_FUNDS);
        uint256 proceeds = price - _fee(price);
        minProceeds = bound(minProceeds, proceeds + 1, type(uint256).max);
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, price);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketProceedsBelowMin.selector,
                proceeds,
                minProceeds
            )
        );
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, minProceeds);
    }

    function test_acceptOffer_revertsOnEtherOffer() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1 ether);
        offer.currency = ETH;
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        vm.expectRevert(abi.encodeWithSelector(ILicenseMarket.MarketTokenRequired.selector));
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, 0);
    }

    function test_acceptOffer_refusesEtherWithEmptyRevertData() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1e6);
        bytes memory data = abi.encodeCall(
            market.acceptOffer,
            (offer, _signOffer(BUYER_KEY, offer), DECLARATION, 0)
        );
        vm.deal(seller, 1 ether);
        vm.prank(seller);
        (bool ok, bytes memory reason) = address(market).call{value: 1}(data);
        assertFalse(ok, "not payable");
        assertEq(reason.length, 0, "plain revert: MarketEtherNotAccepted is never used");
    }

    function test_acceptOffer_revertsForAnyoneButTheHolder() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1e6);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        // Even an operator the holder approved cannot accept on its behalf.
        vm.prank(seller);
        registry.setApprovalForAll(stranger, true);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketSellerNotHolder.selector,
                licenseId,
                stranger,
                seller
            )
        );
        vm.prank(stranger);
        market.acceptOffer(offer, signature, DECLARATION, 0);
    }

    function test_acceptOffer_revertsOnOfferSignedByAnotherKey() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1e6);
        bytes memory signature = _signOffer(STRANGER_KEY, offer);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, buyer)
        );
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, 0);
    }

    function testFuzz_acceptOffer_tamperedFieldInvalidatesTheSignature(
        uint256 field,
        uint256 value
    ) public {
        field = bound(field, 0, 5);
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1e6);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        ILicenseMarket.BuyOffer memory tampered = _offer(buyer, licenseId, 1e6);
        if (field == 0) {
            tampered.buyer = address(uint160(bound(value, 0x10000, type(uint160).max)));
            vm.assume(tampered.buyer != address(vm));
        } else if (field == 1) {
            tampered.licenseId = value;
        } else if (field == 2) {
            tampered.currency = address(uint160(bound(value, 1, type(uint160).max)));
        } else if (field == 3) {
            tampered.price = value;
        } else if (field == 4) {
            tampered.expiry = bound(value, block.timestamp, type(uint256).max);
        } else {
            tampered.nonce = value;
        }
        vm.assume(market.hashBuyOffer(tampered) != market.hashBuyOffer(offer));
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketSignatureInvalid.selector, tampered.buyer)
        );
        vm.prank(seller);
        market.acceptOffer(tampered, signature, DECLARATION, 0);
    }

    function test_acceptOffer_offerFillsOnceAndCancelAllVoidsIt() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1e6);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, 0);
        // The buyer sells it back directly; the same offer cannot fill again.
        vm.prank(buyer);
        registry.releaseAndTransfer(seller, licenseId, DECLARATION);
        vm.expectRevert(_err(ILicenseMarket.MarketNonceUsed.selector, buyer, 0));
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, 0);

        ILicenseMarket.BuyOffer memory next = _offer(buyer, licenseId, 1e6);
        next.nonce = 1;
        bytes memory nextSignature = _signOffer(BUYER_KEY, next);
        vm.prank(buyer);
        market.cancelAllOrders();
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketOrderCounterMismatch.selector, buyer, 0, 1)
        );
        vm.prank(seller);
        market.acceptOffer(next, nextSignature, DECLARATION, 0);
    }

    function test_acceptOffer_revertsOnExpiredOffer() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1e6);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        vm.warp(offer.expiry + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketOrderExpired.selector,
                buyer,
                0,
                offer.expiry
            )
        );
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, 0);
    }

    function test_acceptOffer_releasedLicenseWithoutADeclaration() public {
        vm.prank(seller);
        registry.release(licenseId, DECLARATION);
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 1e6);
        bytes memory signed = _signOffer(BUYER_KEY, offer);
        vm.prank(seller);
        market.acceptOffer(offer, signed, bytes32(0), 0);
        assertEq(registry.ownerOf(licenseId), buyer, "moved on the earlier release");
    }

    function test_acceptOffer_revertsWhenTheBuyerCannotPay() public {
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 2 * TOKEN_FUNDS);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        uint256 proceeds = 2 * TOKEN_FUNDS - _fee(2 * TOKEN_FUNDS);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector,
                buyer,
                TOKEN_FUNDS,
                proceeds
            )
        );
        vm.prank(seller);
        market.acceptOffer(offer, signature, DECLARATION, 0);
        assertEq(registry.ownerOf(licenseId), seller, "nothing moved");
    }
}

// =====================================================================================
// withdraw
// =====================================================================================

contract LicenseMarketWithdrawTest is MarketTestBase {
    function test_withdraw_feeRecipientTakesTheAccruedFees() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 2 ether);
        _buyWithEther(order, _sign(SELLER_KEY, order));
        uint256 feeAmount = _fee(2 ether);
        uint256 before = feeRecipient.balance;

        vm.expectEmit(address(market));
        emit ILicenseMarket.Withdrawn(feeRecipient, feeRecipient, feeAmount);
        vm.prank(feeRecipient);
        market.withdraw();

        assertEq(feeRecipient.balance, before + feeAmount, "fees received");
        assertEq(market.owed(feeRecipient), 0, "nothing owed any more");
        assertEq(address(market).balance, 0, "market empty");
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseMarket.MarketNothingOwed.selector, feeRecipient)
        );
        vm.prank(feeRecipient);
        market.withdraw();
    }

    function test_withdraw_revertsForAccountsOwedNothing() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 2 ether);
        _buyWithEther(order, _sign(SELLER_KEY, order));
        address[4] memory others = [admin, seller, buyer, stranger];
        for (uint256 i; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(ILicenseMarket.MarketNothingOwed.selector, others[i])
            );
            vm.prank(others[i]);
            market.withdrawTo(payable(others[i]));
        }
        assertEq(market.owed(feeRecipient), _fee(2 ether), "the fee stays owed");
    }

    function test_withdrawTo_sendsToAnotherAddress() public {
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 2 ether);
        _buyWithEther(order, _sign(SELLER_KEY, order));
        uint256 feeAmount = _fee(2 ether);
        vm.expectEmit(address(market));
        emit ILicenseMarket.Withdrawn(feeRecipient, stranger, feeAmount);
        vm.prank(feeRecipient);
        market.withdrawTo(payable(stranger));
        assertEq(stranger.balance, feeAmount, "sent to the named address");
    }

    function test_withdraw_reentrantRecipientCannotWithdrawTwice() public {
        MockSellerWallet wallet = new MockSellerWallet(walletOwner);
        vm.prank(admin);
        market.setFee(address(wallet), FEE_BPS);
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 2 ether);
        _buyWithEther(order, _sign(SELLER_KEY, order));
        uint256 owedToWallet = _fee(2 ether);
        // A debt to someone else, which a second withdrawal would eat into.
        _setFee(FEE_BPS);
        uint256 second = _issue(resale, seller);
        order = _order(second, ETH, 4 ether);
        order.nonce = 1;
        _buyWithEther(order, _sign(SELLER_KEY, order));
        _setEtherMode(
            wallet,
            MockSellerWallet.EtherMode.Reenter,
            abi.encodeCall(market.withdraw, ())
        );

        vm.expectEmit(address(wallet));
        emit MockSellerWallet.ReentryAttempted(
            false,
            abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)
        );
        vm.prank(walletOwner);
        wallet.execute(address(market), abi.encodeCall(market.withdraw, ()));

        assertEq(address(wallet).balance, owedToWallet, "withdrew exactly once");
        assertEq(market.owed(address(wallet)), 0, "debt settled");
        assertEq(address(market).balance, _fee(4 ether), "the other debt is intact");
        assertEq(market.owed(feeRecipient), _fee(4 ether), "and still owed to its owner");
    }
}
