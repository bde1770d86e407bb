import { expect } from "chai";

import LicenseMarketModule from "../../ignition/modules/LicenseMarket.js";
import LicenseRegistryModule from "../../ignition/modules/LicenseRegistry.js";
import { LicenseMarket__factory, LicenseRegistry__factory } from "../../typechain-types/index.js";
import { connection, ethers } from "../helpers/network.js";

describe("Ignition module: LicenseRegistry", function () {
  it("deploys the registry with the deployer as admin and a two-day admin delay", async function () {
    const [deployer] = await ethers.getSigners();
    const deployed = await connection.ignition.deploy(LicenseRegistryModule);
    const registry = LicenseRegistry__factory.connect(
      await deployed.registry.getAddress(),
      deployer,
    );
    expect(await registry.name()).to.equal("License Ledger");
    expect(await registry.symbol()).to.equal("LICENSE");
    expect(await registry.defaultAdmin()).to.equal(deployer!.address);
    expect(await registry.defaultAdminDelay()).to.equal(2n * 24n * 60n * 60n);
  });
});

describe("Ignition module: LicenseMarket", function () {
  it("deploys the market on the registry it deploys, with the fee it is given", async function () {
    const [deployer, feeRecipient] = await ethers.getSigners();
    const deployed = await connection.ignition.deploy(LicenseMarketModule, {
      parameters: {
        LicenseMarketModule: { feeRecipient: feeRecipient!.address, feeBps: 250n },
      },
    });
    const market = LicenseMarket__factory.connect(await deployed.market.getAddress(), deployer);
    expect(await market.registry()).to.equal(await deployed.registry.getAddress());
    const [recipient, bps] = await market.fee();
    expect(recipient).to.equal(feeRecipient!.address);
    expect(bps).to.equal(250n);
    expect(await market.defaultAdmin()).to.equal(deployer!.address);
    expect(await market.defaultAdminDelay()).to.equal(2n * 24n * 60n * 60n);
  });
});
