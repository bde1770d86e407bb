// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseMarket} from "../../../contracts/interfaces/ILicenseMarket.sol";
import {LicenseMarket} from "../../../contracts/LicenseMarket.sol";
import {LicenseRegistry} from "../../../contracts/LicenseRegistry.sol";
import {MockERC20} from "../../../contracts/mocks/MockERC20.sol";
import {ProductTerms} from "../../../contracts/types/Product.sol";
import {Test} from "../utils/Test.sol";

/// @notice Named gas snapshots of the market's fills, in a dealer's steady state (as the
/// benchmark measures them): the seller and the buyer have used their nonce word before, the fee
/// recipient is already owed ETH fees, every party already holds a license and the stablecoin,
/// and the buyer approved the market once for good. Figures are the call frame's gas (no 21,000
/// base, no calldata); bench/ reports whole transactions against the issue's ceilings.
contract MarketGasTest is Test {
    LicenseRegistry private registry;
    LicenseMarket private market;
    MockERC20 private usdc;

    uint256 private constant SELLER_KEY = 0xA11CE;
    uint256 private constant BUYER_KEY = 0xB0B;
    address private constant PUBLISHER = address(0x9B);
    address private constant FEE_RECIPIENT = address(0xFEE);
    uint256 private constant PRODUCT = 1;
    uint256 private constant FIRST = 1e12 + 1;
    uint256 private constant PRICE = 1 ether;
    uint256 private constant TOKEN_PRICE = 250e6;

    address private seller;
    address private buyer;

    function setUp() public {
        seller = vm.addr(SELLER_KEY);
        buyer = vm.addr(BUYER_KEY);
        registry = new LicenseRegistry("License Ledger", "LICENSE", address(this), 0);
        market = new LicenseMarket(address(registry), address(this), 0, FEE_RECIPIENT, 250);
        usdc = new MockERC20("Mock USD Coin", "mUSDC");
        registry.grantRole(registry.PUBLISHER_ROLE(), PUBLISHER);
        vm.startPrank(PUBLISHER);
        registry.registerProduct(
            ProductTerms({
                validityDays: 0,
                maxSeatsPerLicense: 100,
                transferable: true,
                splittable: true,
                attestationRequired: false
            }),
            "ipfs://terms"
        );
        // Serials 1-5 for the seller, 6 for the buyer (so both already hold a license).
        for (uint256 i; i < 5; ++i) registry.issue(PRODUCT, seller, 1, 0);
        registry.issue(PRODUCT, buyer, 1, 0);
        vm.stopPrank();
        for (uint256 i; i < 3; ++i) {
            address account = [seller, buyer, FEE_RECIPIENT][i];
            usdc.mint(account, 1e12);
        }
        vm.deal(FEE_RECIPIENT, 1 ether); // an account in use, as a fee recipient's would be
        vm.prank(seller);
        registry.setApprovalForAll(address(market), true);
        vm.startPrank(buyer);
        registry.setApprovalForAll(address(market), true);
        usdc.approve(address(market), type(uint256).max);
        vm.deal(buyer, 100 ether);
        // Warm-up sale: the seller's nonce word and the fee recipient's credit are in use.
        _buy(_order(FIRST, 0, address(0), PRICE));
        uint256[] memory nonces = new uint256[](1);
        nonces[0] = 200;
        market.cancelOrders(nonces); // the buyer's nonce word is in use
        vm.stopPrank();
    }

    function test_gas_buyEth() public {
        ILicenseMarket.SellOrder memory order = _order(FIRST + 1, 1, address(0), PRICE);
        bytes memory signature = _sign(SELLER_KEY, market.hashSellOrder(order));
        (uint256 total, ) = market.quote(PRICE);
        vm.prank(buyer);
        market.buy{value: total}(order, signature, total);
        vm.snapshotGasLastCall("market_buyEth");
    }

    function test_gas_buyErc20() public {
        ILicenseMarket.SellOrder memory order = _order(FIRST + 2, 1, address(usdc), TOKEN_PRICE);
        bytes memory signature = _sign(SELLER_KEY, market.hashSellOrder(order));
        (uint256 total, ) = market.quote(TOKEN_PRICE);
        vm.prank(buyer);
        market.buy(order, signature, total);
        vm.snapshotGasLastCall("market_buyErc20");
    }

    function test_gas_buyBatch2Eth() public {
        ILicenseMarket.Purchase[] memory purchases = new ILicenseMarket.Purchase[](2);
        (uint256 total, ) = market.quote(PRICE);
        for (uint256 i; i < 2; ++i) {
            ILicenseMarket.SellOrder memory order = _order(FIRST + 1 + i, 1 + i, address(0), PRICE);
            purchases[i] = ILicenseMarket.Purchase({
                order: order,
                signature: _sign(SELLER_KEY, market.hashSellOrder(order)),
                maxTotal: total
            });
        }
        vm.prank(buyer);
        market.buyBatch{value: 2 * total}(purchases);
        vm.snapshotGasLastCall("market_buyBatch2Eth");
    }

    function test_gas_acceptOffer() public {
        ILicenseMarket.BuyOffer memory offer = ILicenseMarket.BuyOffer({
            buyer: buyer,
            licenseId: FIRST + 3,
            licenseMoves: 0,
            currency: address(usdc),
            price: TOKEN_PRICE,
            expiry: block.timestamp + 1 days,
            nonce: 0,
            counter: 0
        });
        bytes memory signature = _sign(BUYER_KEY, market.hashBuyOffer(offer));
        vm.prank(seller);
        market.acceptOffer(offer, signature, keccak256("declaration"), 0);
        vm.snapshotGasLastCall("market_acceptOffer");
    }

    function test_gas_cancelOrder() public {
        uint256[] memory nonces = new uint256[](1);
        nonces[0] = 7;
        vm.prank(seller);
        market.cancelOrders(nonces);
        vm.snapshotGasLastCall("market_cancelOrder");
    }

    function test_gas_cancelAllOrders() public {
        vm.prank(seller);
        market.cancelAllOrders();
        vm.snapshotGasLastCall("market_cancelAllOrders");
    }

    function test_gas_withdrawFees() public {
        vm.prank(FEE_RECIPIENT);
        market.withdraw();
        vm.snapshotGasLastCall("market_withdraw");
    }

    function _buy(ILicenseMarket.SellOrder memory order) private {
        (uint256 total, ) = market.quote(order.price);
        market.buy{value: total}(order, _sign(SELLER_KEY, market.hashSellOrder(order)), total);
    }

    function _order(
        uint256 licenseId,
        uint256 nonce,
        address currency,
        uint256 price
    ) private view returns (ILicenseMarket.SellOrder memory) {
        return
            ILicenseMarket.SellOrder({
                seller: seller,
                licenseId: licenseId,
                licenseMoves: 0,
                currency: currency,
                price: price,
                expiry: block.timestamp + 1 days,
                nonce: nonce,
                counter: 0,
                declarationHash: keccak256(abi.encode("declaration", licenseId))
            });
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }
}
