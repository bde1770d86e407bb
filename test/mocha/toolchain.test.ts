import { expect } from "chai";
import hre from "hardhat";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * The project compiles with the solc-js build shipped in the `solc` npm package, so nothing is
 * downloaded at build time. These checks keep the config and package.json from drifting apart.
 */
describe("toolchain", function () {
  const profile = hre.config.solidity.profiles.default;
  const compiler = profile?.compilers[0];

  it("compiles with exactly the solc version pinned in package.json", function () {
    const solcPackage = require("solc/package.json") as { version: string };
    expect(profile?.compilers).to.have.length(1);
    expect(compiler?.version).to.equal(solcPackage.version);
    expect(compiler?.path).to.equal(require.resolve("solc/soljson.js"));
  });

  it("targets an EVM version every supported chain runs, with the optimizer on", function () {
    const settings = compiler?.settings as {
      evmVersion?: string;
      optimizer?: { enabled?: boolean };
    };
    expect(settings.evmVersion).to.equal("cancun");
    expect(settings.optimizer?.enabled).to.equal(true);
  });

  it("runs on the in-process network with funded accounts and time control", async function () {
    const { ethers, networkHelpers } = await hre.network.create();
    const [first] = await ethers.getSigners();
    expect(first).to.not.equal(undefined);
    expect(await ethers.provider.getBalance(first!.address)).to.be.greaterThan(0n);
    const before = await networkHelpers.time.latest();
    await networkHelpers.time.increase(3600);
    expect(await networkHelpers.time.latest()).to.be.greaterThanOrEqual(before + 3600);
  });
});
