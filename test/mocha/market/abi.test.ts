import { expect } from "chai";

import {
  LicenseMarket__factory,
  LicenseRegistry__factory,
} from "../../../typechain-types/index.js";

describe("LicenseMarket: its ABI decodes what a market call can bubble up", function () {
  it("carries every registry error, so a wallet with the market's ABI alone decodes them", function () {
    const market = LicenseMarket__factory.createInterface();
    const registry = LicenseRegistry__factory.createInterface();
    const missing: string[] = [];
    registry.forEachError((error) => {
      // The registry's own refusals and the ERC-6093 token errors it raises; the token base's
      // argument-less errors and the admin's access-control errors never reach a market call.
      if (!/^(Product|License|Registry|ERC721)/.test(error.name)) return;
      if (market.getError(error.selector) === null) missing.push(error.name);
    });
    expect(missing).to.deep.equal([]);
    expect(market.getError("LicenseIsSuspended")?.format("sighash")).to.equal(
      "LicenseIsSuspended(uint256)",
    );
  });
});
