// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {ILicenseRegistryErrors} from "../../../contracts/interfaces/ILicenseRegistryErrors.sol";
import {ILicenseRenderer} from "../../../contracts/interfaces/ILicenseRenderer.sol";
import {RegistryTestBase} from "./LicenseRegistry.t.sol";

/// @notice Issue 14, the registry's second edition: each rule as the attack that worked on the
/// first edition, then the refusal by its custom error and arguments.
contract SecondEditionTest is RegistryTestBase {
    // ---------------------------------------------------------------- metadata and size

    function test_renderer_isCreatedByAndServesTheRegistry() public view {
        ILicenseRenderer renderer = ILicenseRenderer(registry.renderer());
        assertEq(renderer.registry(), address(registry), "renderer's registry");
    }

    function test_registerProduct_refusesAUriThatIsNotUtf8() public {
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductURINotUtf8.selector, 6)
        );
        registry.registerProduct(
            _terms(0, 1, true, false, false),
            _bytesAsString(hex"697066733a2fff")
        );
    }

    function test_updateProductTerms_refusesAUriThatIsNotUtf8() public {
        vm.prank(publisher);
        uint256 productId = registry.registerProduct(_terms(0, 1, true, false, false), "");
        vm.prank(publisher);
        vm.expectRevert(
            abi.encodeWithSelector(ILicenseRegistryErrors.ProductURINotUtf8.selector, 0)
        );
        registry.updateProductTerms(
            productId,
            _terms(0, 1, true, false, false),
            _bytesAsString(hex"c0af")
        );
    }

    function test_registerProduct_acceptsWellFormedUtf8() public {
        vm.prank(publisher);
        // "Büro ✓ 𝄞": two-, three- and four-byte sequences.
        registry.registerProduct(
            _terms(0, 1, true, false, false),
            _bytesAsString(hex"42c3bc726f20e29c9320f09d849e")
        );
    }

    function test_firstInvalidUtf8_findsEveryMalformedForm() public view {
        ILicenseRenderer r = ILicenseRenderer(registry.renderer());
        uint256 ok = type(uint256).max;
        assertEq(r.firstInvalidUtf8(""), ok, "empty");
        assertEq(r.firstInvalidUtf8(hex"7f"), ok, "ascii");
        assertEq(r.firstInvalidUtf8(hex"80"), 0, "lone continuation");
        assertEq(r.firstInvalidUtf8(hex"41c1bf"), 1, "overlong 2-byte");
        assertEq(r.firstInvalidUtf8(hex"e08080"), 0, "overlong 3-byte");
        assertEq(r.firstInvalidUtf8(hex"eda080"), 0, "surrogate");
        assertEq(r.firstInvalidUtf8(hex"f08f8080"), 0, "overlong 4-byte");
        assertEq(r.firstInvalidUtf8(hex"f4908080"), 0, "above U+10FFFF");
        assertEq(r.firstInvalidUtf8(hex"f5808080"), 0, "lead byte f5");
        assertEq(r.firstInvalidUtf8(hex"4142e282"), 2, "truncated");
        assertEq(r.firstInvalidUtf8(hex"e2823f"), 0, "bad third byte");
        assertEq(r.firstInvalidUtf8(hex"efbfbd"), ok, "U+FFFD");
        assertEq(r.firstInvalidUtf8(hex"f48fbfbf"), ok, "U+10FFFF");
        assertEq(r.firstInvalidUtf8(hex"ed9fbf"), ok, "U+D7FF");
    }

    // ---------------------------------------------------------------- one error per refusal

    function test_unknownLicense_isOneErrorWithTheIdEverywhere() public {
        uint256 unknown = _id(VOLUME, 77);
        bytes memory expected = abi.encodeWithSelector(
            IERC721Errors.ERC721NonexistentToken.selector,
            unknown
        );
        vm.expectRevert(expected);
        registry.ownerOf(unknown);
        vm.expectRevert(expected);
        registry.getApproved(unknown);
        vm.expectRevert(expected);
        registry.tokenURI(unknown);
        vm.prank(holder);
        vm.expectRevert(expected);
        registry.approve(buyer, unknown);
        vm.prank(holder);
        vm.expectRevert(expected);
        registry.transferFrom(holder, buyer, unknown);
    }

    function test_transferFrom_tellsAStrangerItMayNotMoveTheLicenseBeforeAnyRule() public {
        uint256 licenseId = _issueVolume(10);
        // Not released: the first edition answered `LicenseNotReleased`.
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC721Errors.ERC721InsufficientApproval.selector,
                stranger,
                licenseId
            )
        );
        registry.transferFrom(holder, stranger, licenseId);
    }

    /// @dev Raw bytes as a `string`, as a hostile caller would send them (the compiler refuses
    /// an invalid UTF-8 literal).
    function _bytesAsString(bytes memory raw) private pure returns (string memory) {
        return string(raw);
    }
}
