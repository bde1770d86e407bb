// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {LicenseMarket} from "../../../contracts/LicenseMarket.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {MockERC20} from "../../../contracts/mocks/MockERC20.sol";
import {MockSellerWallet} from "../../../contracts/mocks/MockSellerWallet.sol";
import {ProductTerms} from "../../../contracts/types/Product.sol";
import {Test} from "../utils/Test.sol";
import {MarketHandler, PostedOrder, Violation} from "./MarketHandler.sol";

/// @title MarketInvariants
/// @notice The market's guarantees (see the `LicenseMarket` header and DOMAIN.md: "a sale either
/// completes whole or not at all; the marketplace never keeps anyone's funds or licenses") as
/// invariants over random sequences of signed orders and offers, fills, cancellations,
/// withdrawals, fee changes, a seller wallet that refuses ETH, and registry moves outside the
/// market (see `MarketHandler`). Each invariant compares the chain with the handler's ledger.
contract MarketInvariants is Test {
    bytes32 private constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");
    uint16 private constant FEE_BPS = 250;
    uint256 private constant WALLET_OWNER_KEY = 0x0A;

    LicenseRegistry private registry;
    LicenseMarket private market;
    MockERC20 private token;
    MockSellerWallet private wallet;
    MarketHandler private handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        address admin = vm.addr(0xAD);
        address publisher = vm.addr(0xB0);
        address feeA = vm.addr(0xFA);
        address feeB = vm.addr(0xFB);
        uint256[] memory keys = new uint256[](4);
        keys[0] = 0xA11CE;
        keys[1] = 0xB0B;
        keys[2] = 0xCA201;
        keys[3] = 0xDA7E;

        registry = new LicenseRegistry("License Ledger", "LICENSE", admin, 2 days);
        vm.prank(admin);
        registry.grantRole(PUBLISHER_ROLE, publisher);
        vm.prank(publisher);
        uint256 productId = registry.registerProduct(ProductTerms(0, 1, true, false, false), "");
        market = new LicenseMarket(address(registry), admin, 2 days, feeA, FEE_BPS);
        token = new MockERC20("USD Coin", "USDC");
        wallet = new MockSellerWallet(vm.addr(WALLET_OWNER_KEY));
        handler = new MarketHandler(
            registry,
            market,
            token,
            wallet,
            keys,
            WALLET_OWNER_KEY,
            [admin, publisher, feeA, feeB],
            productId
        );
        // Two licenses per actor (the four EOAs, then the wallet), issued through the handler.
        for (uint256 i; i < 10; ++i) handler.issue(i);

        _seededStart(feeA);
    }

    /// @notice Only the handler is fuzzed (no forge-std here: the runner calls this itself).
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    // ================================================================ invariants

    /// @notice The market's ETH is exactly what it owes by name (fees not yet withdrawn, payments
    /// an account refused), and what it owes each account is what the ledger says.
    function invariant_marketEtherIsExactlyWhatItOwes() public view {
        address[] memory accounts = handler.accounts();
        uint256 owedOnChain;
        uint256 owedInLedger;
        for (uint256 i; i < accounts.length; ++i) {
            uint256 owed = market.owed(accounts[i]);
            assertEq(owed, handler.expectedOwed(accounts[i]), "owed matches the ledger");
            owedOnChain += owed;
            owedInLedger += handler.expectedOwed(accounts[i]);
        }
        assertEq(address(market).balance, owedOnChain, "market ETH == sum of owed by name");
        assertEq(address(market).balance, owedInLedger, "market ETH == the ledger's debts");
    }

    /// @notice Every account's ETH moved exactly as the fills and withdrawals say: buyers paid
    /// price plus fee (excess returned), sellers got the price, nobody lost a wei elsewhere.
    function invariant_etherBalancesMatchTheLedger() public view {
        address[] memory accounts = handler.accounts();
        for (uint256 i; i < accounts.length; ++i) {
            assertEq(accounts[i].balance, handler.expectedEther(accounts[i]), "ETH balance");
        }
    }

    /// @notice No custody: the market holds no license and no token, ever.
    function invariant_marketHoldsNoLicenseAndNoToken() public view {
        assertEq(registry.balanceOf(address(market)), 0, "market holds no license");
        assertEq(token.balanceOf(address(market)), 0, "market holds no token");
    }

    /// @notice Every license is held by exactly the party the handler's fills and outside moves
    /// say, in the state (active, released, revoked) they left it.
    function invariant_everyLicenseIsHeldByTheLedgersHolder() public view {
        uint256[] memory ids = handler.licenses();
        for (uint256 i; i < ids.length; ++i) {
            assertEq(registry.ownerOf(ids[i]), handler.expectedHolder(ids[i]), "holder");
            assertEq(
                uint256(uint8(registry.getLicense(ids[i]).status)),
                handler.expectedStatus(ids[i]),
                "license status"
            );
        }
        address[] memory actors = handler.actors();
        uint256 held;
        for (uint256 a; a < actors.length; ++a) held += registry.balanceOf(actors[a]);
        assertEq(held, ids.length, "every license is with one of the actors");
    }

    /// @notice A nonce is used iff the handler filled or cancelled it (its neighbours checked
    /// too, so a fill cannot flip a bit beside its own), and every counter is the ledger's.
    function invariant_noncesAndCountersMatchTheLedger() public view {
        (address[] memory makers, uint256[] memory nonces) = handler.touchedNonces();
        for (uint256 i; i < makers.length; ++i) {
            _assertNonce(makers[i], nonces[i]);
            if (nonces[i] != 0) _assertNonce(makers[i], nonces[i] - 1);
            if (nonces[i] != type(uint256).max) _assertNonce(makers[i], nonces[i] + 1);
        }
        address[] memory actors = handler.actors();
        for (uint256 a; a < actors.length; ++a) {
            assertEq(market.counterOf(actors[a]), handler.expectedCounter(actors[a]), "counter");
        }
    }

    /// @notice No order or offer was filled twice, and a filled one's nonce is used.
    function invariant_noOrderFilledTwice() public view {
        uint256 count = handler.orderCount();
        for (uint256 i; i < count; ++i) {
            PostedOrder memory p = handler.orderAt(i);
            uint256 filled = handler.fills(p.hash);
            assertLe(filled, 1, "an order fills at most once");
            if (filled == 1) {
                (address maker, uint256 nonce) = p.isOffer
                    ? (p.offer.buyer, p.offer.nonce)
                    : (p.sell.seller, p.sell.nonce);
                assertTrue(market.isNonceUsed(maker, nonce), "a filled order's nonce is used");
            }
        }
    }

    /// @notice Tokens are conserved: the supply is exactly what the actors and fee recipients
    /// hold, each holds what the ledger says, and none is stuck in the market.
    function invariant_tokensAreConserved() public view {
        address[] memory accounts = handler.accounts();
        uint256 sum;
        for (uint256 i; i < accounts.length; ++i) {
            uint256 balance = token.balanceOf(accounts[i]);
            assertEq(balance, handler.expectedTokens(accounts[i]), "token balance");
            sum += balance;
        }
        assertEq(token.totalSupply(), sum, "total supply == sum of the accounts' balances");
    }

    /// @notice Every call ended as the model predicted: success, or the exact revert data.
    function invariant_everyOutcomeMatchesTheModel() public view {
        assertEq(
            handler.violations(Violation.Outcome),
            0,
            handler.firstViolation(Violation.Outcome)
        );
    }

    // ================================================================ helpers

    /// @dev Before the campaign, a run of fills through the handler with seeds that take its
    /// happy paths: an ETH sale, a token batch, an accepted offer and a sale by the wallet while
    /// it refuses ETH. So every run starts with fees and a refused payment owed, and the setup
    /// fails if the handler or the market cannot complete a fill the model expects.
    function _seededStart(address feeA) private {
        handler.postSellOrder(0, 8, 1 ether, 5 days, 8, 8);
        handler.buy(8, 1, 8, 8);
        handler.postSellOrder(1, 9, 100e6, 5 days, 9, 9);
        handler.buyBatch(9, 9, 2, 9);
        handler.postBuyOffer(3, 5, 50e6, 5 days, 11, 11);
        handler.acceptOffer(11, 11, 11, 11);
        handler.setWalletMode(uint256(MockSellerWallet.EtherMode.Reject));
        handler.postSellOrder(4, 5, 2 ether, 5 days, 5, 8);
        handler.buy(5, 0, 5, 5);

        assertEq(
            handler.violations(Violation.Outcome),
            0,
            handler.firstViolation(Violation.Outcome)
        );
        assertEq(handler.succeeded("buy"), 2, "seeded buys");
        assertEq(handler.succeeded("buyBatch"), 1, "seeded batch");
        assertEq(handler.succeeded("acceptOffer"), 1, "seeded offer");
        assertEq(handler.fillCount(), 4, "four fills");
        assertEq(handler.deferredPayments(), 1, "the refusing wallet's payment was deferred");
        assertEq(market.owed(address(wallet)), 2 ether, "the wallet is owed its price");
        assertEq(market.owed(feeA), (3 ether * uint256(FEE_BPS)) / 10_000, "ETH fees owed");
        invariant_marketEtherIsExactlyWhatItOwes();
        invariant_tokensAreConserved();
    }

    function _assertNonce(address maker, uint256 nonce) private view {
        assertEq(
            market.isNonceUsed(maker, nonce),
            handler.expectedNonceUsed(maker, nonce),
            "nonce used iff filled or cancelled"
        );
    }
}
