// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {ILicenseRegistry} from "./interfaces/ILicenseRegistry.sol";
import {ILicenseRenderer} from "./interfaces/ILicenseRenderer.sol";
import {FirstSaleRegion, LicenseStatus} from "./types/LicenseData.sol";

/// @title LicenseRenderer
/// @notice The registry's metadata renderer (see `ILicenseRenderer`). The registry creates it in
/// its own constructor, so the pair is deployed as one and the renderer serves only that
/// registry. It holds no state but its registry's address and reads everything it shows from
/// the registry at the moment of the call: what a wallet shows is what the ledger says now.
///
/// Guarantees: every string taken from outside (the collection name, the product's URI) is
/// escaped for JSON, and the registry refuses at registration a product URI that is not
/// well-formed UTF-8 (`firstInvalidUtf8`), so the JSON is always valid for a strict parser.
contract LicenseRenderer is ILicenseRenderer {
    using Strings for uint256;

    // ------------------------------------------------------------------ storage

    address private immutable _registry;

    // ------------------------------------------------------------------ constructor

    constructor() {
        _registry = msg.sender;
    }

    // ------------------------------------------------------------------ external (views)

    /// @inheritdoc ILicenseRenderer
    function registry() external view returns (address) {
        return _registry;
    }

    /// @inheritdoc ILicenseRenderer
    function tokenURI(uint256 licenseId) external view returns (string memory) {
        ILicenseRegistry registry_ = ILicenseRegistry(_registry);
        ILicenseRegistry.LicenseView memory license = registry_.getLicense(licenseId);
        string memory status = _statusName(license);
        string memory json = string.concat(
            '{"name":"',
            Strings.escapeJSON(_collectionName()),
            " #",
            licenseId.toString(),
            '","description":"Used-software license ',
            licenseId.toString(),
            " of product ",
            license.productId.toString(),
            " on the License Ledger: ",
            status,
            '.","attributes":',
            _attributes(license, status),
            ',"product_uri":"',
            Strings.escapeJSON(registry_.getProduct(license.productId).metadataURI),
            '"}'
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    /// @inheritdoc ILicenseRenderer
    function firstInvalidUtf8(bytes calldata text) external pure returns (uint256 index) {
        uint256 length = text.length;
        uint256 i;
        while (i < length) {
            uint8 lead = uint8(text[i]);
            if (lead < 0x80) {
                ++i;
                continue;
            }
            uint256 extra;
            uint8 min = 0x80; // the lowest allowed second byte
            uint8 max = 0xbf; // the highest allowed second byte
            if (lead >= 0xc2 && lead <= 0xdf) {
                extra = 1;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                extra = 2;
                if (lead == 0xe0) min = 0xa0; // no overlong 3-byte forms
                if (lead == 0xed) max = 0x9f; // no UTF-16 surrogates
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                extra = 3;
                if (lead == 0xf0) min = 0x90; // no overlong 4-byte forms
                if (lead == 0xf4) max = 0x8f; // nothing above U+10FFFF
            } else {
                return i;
            }
            if (i + extra >= length) return i;
            for (uint256 k = 1; k <= extra; ++k) {
                uint8 next = uint8(text[i + k]);
                if (k == 1 ? (next < min || next > max) : (next < 0x80 || next > 0xbf)) {
                    return i;
                }
            }
            i += extra + 1;
        }
        return type(uint256).max;
    }

    // ------------------------------------------------------------------ private

    function _collectionName() private view returns (string memory) {
        (bool ok, bytes memory data) = _registry.staticcall(abi.encodeWithSignature("name()"));
        return ok ? abi.decode(data, (string)) : "";
    }

    function _statusName(
        ILicenseRegistry.LicenseView memory license
    ) private pure returns (string memory) {
        if (license.status == LicenseStatus.Revoked) return "revoked";
        if (license.status == LicenseStatus.Surrendered) return "surrendered";
        if (license.status == LicenseStatus.Split) return "split";
        if (license.suspended) return "suspended";
        if (license.expired) return "expired";
        if (license.status == LicenseStatus.Released) return "released for resale";
        return "active";
    }

    function _attributes(
        ILicenseRegistry.LicenseView memory license,
        string memory status
    ) private pure returns (string memory) {
        return
            string.concat(
                '[{"trait_type":"Product","value":"',
                license.productId.toString(),
                '"},{"trait_type":"Status","value":"',
                status,
                '"},{"trait_type":"Seats","display_type":"number","value":',
                license.seats.toString(),
                license.validUntil == 0
                    ? '},{"trait_type":"Valid until","value":"perpetual"'
                    : string.concat(
                        '},{"trait_type":"Valid until","display_type":"date","value":',
                        uint256(license.validUntil).toString()
                    ),
                '},{"trait_type":"Transferable","value":"',
                license.transferable ? "yes" : "no",
                '"},{"trait_type":"First sale","value":"',
                _regionName(license.firstSaleRegion),
                '"},{"trait_type":"Exhausted","value":"',
                license.exhausted ? "yes" : "no",
                '"}]'
            );
    }

    function _regionName(FirstSaleRegion region) private pure returns (string memory) {
        if (region == FirstSaleRegion.EEA) return "EU/EEA";
        if (region == FirstSaleRegion.Switzerland) return "Switzerland";
        if (region == FirstSaleRegion.Elsewhere) return "outside the EU/EEA and Switzerland";
        return "not recorded";
    }
}
