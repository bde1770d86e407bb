import { expect } from "chai";

import LicenseRegistryModule from "../../ignition/modules/LicenseRegistry.js";
import { LicenseRegistry__factory } from "../../typechain-types/index.js";
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
