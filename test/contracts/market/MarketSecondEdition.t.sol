// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ILicenseMarket} from "../../../contracts/interfaces/ILicenseMarket.sol";
import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {LicenseDataLib} from "../../../contracts/types/LicenseData.sol";
import {MarketTestBase} from "./LicenseMarket.t.sol";

/// @notice Issue 14, item 7 and the market's ABI: a sale never leaves the buyer a license it can
/// no longer lawfully resell, and the registry's refusals reach a market caller decodable.
contract MarketSecondEditionTest is MarketTestBase {
    uint256 private constant MAX_MOVES = LicenseDataLib.MOVES_MASK;

    /// @dev Solady's ERC-721 ownership slot of `id` (holder | extra data).
    function _ownershipSlot(uint256 id) private pure returns (bytes32) {
        bytes32 hash = keccak256(abi.encodePacked(bytes28(bytes32(id)), bytes4(0x7d882553)));
        return bytes32(id + id + uint256(hash));
    }

    /// @dev Sets license `id`'s move count to `moves` in storage (reaching it by 32,766 real
    /// resales would take minutes).
    function _setMoves(uint256 id, uint256 moves) private {
        bytes32 slot = _ownershipSlot(id);
        uint256 packed = uint256(vm.load(address(registry), slot));
        uint256 mask = uint256(MAX_MOVES) << (160 + LicenseDataLib.MOVES_SHIFT);
        packed = (packed & ~mask) | (moves << (160 + LicenseDataLib.MOVES_SHIFT));
        vm.store(address(registry), slot, bytes32(packed));
    }

    function test_buy_refusesALicenseItsBuyerCouldNeverResell() public {
        _setMoves(licenseId, MAX_MOVES - 1);
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        bytes memory signature = _sign(SELLER_KEY, order);
        uint256 total = order.price + _fee(order.price);
        vm.deal(buyer, total);
        vm.prank(buyer);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketLicenseAtMoveLimit.selector,
                licenseId,
                MAX_MOVES - 1,
                MAX_MOVES
            )
        );
        market.buy{value: total}(order, signature, total);
        assertEq(registry.ownerOf(licenseId), seller, "the license stays with its seller");
    }

    function test_buy_sellsALicenseTwoMovesShortOfTheLimit() public {
        _setMoves(licenseId, MAX_MOVES - 2);
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        _buyWithEther(order, _sign(SELLER_KEY, order));
        assertEq(registry.ownerOf(licenseId), buyer, "sold");
        assertFalse(registry.locked(licenseId), "and the buyer can resell it once more");
    }

    function test_acceptOffer_refusesALicenseItsBuyerCouldNeverResell() public {
        _setMoves(licenseId, MAX_MOVES - 1);
        ILicenseMarket.BuyOffer memory offer = _offer(buyer, licenseId, 100e6);
        bytes memory signature = _signOffer(BUYER_KEY, offer);
        vm.prank(seller);
        vm.expectRevert(
            abi.encodeWithSelector(
                ILicenseMarket.MarketLicenseAtMoveLimit.selector,
                licenseId,
                MAX_MOVES - 1,
                MAX_MOVES
            )
        );
        market.acceptOffer(offer, signature, DECLARATION, 0);
    }

    function test_buy_bubblesTheRegistrysErrorWithItsArguments() public {
        vm.prank(publisher);
        registry.suspend(licenseId, EVIDENCE);
        ILicenseMarket.SellOrder memory order = _order(licenseId, ETH, 1 ether);
        bytes memory signature = _sign(SELLER_KEY, order);
        uint256 total = order.price + _fee(order.price);
        vm.deal(buyer, total);
        vm.prank(buyer);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.LicenseIsSuspended.selector, licenseId)
        );
        market.buy{value: total}(order, signature, total);
    }
}
