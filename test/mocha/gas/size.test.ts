import { expect } from "chai";
import hre from "hardhat";

/** EIP-170 and EIP-3860: the most runtime code and initcode a deployment may carry. */
const MAX_RUNTIME = 24_576;
const MAX_INITCODE = 49_152;

const bytes = (hex: string) => (hex.length - 2) / 2;

/**
 * The registry sits close to the code size limit (it creates its renderer and its commitments
 * module in its constructor, so its initcode carries both): a change that crosses either limit
 * fails here, with the sizes, before any deployment does.
 */
describe("code size limits", function () {
  before(function () {
    // Coverage instrumentation adds code to every line it counts.
    if (hre.globalOptions.coverage) this.skip();
  });

  for (const name of [
    "LicenseRegistry",
    "LicenseMarket",
    "LicenseCommitments",
    "LicenseRenderer",
  ]) {
    it(`${name} fits EIP-170's runtime and EIP-3860's initcode limits`, async function () {
      const artifact = await hre.artifacts.readArtifact(name);
      expect(bytes(artifact.deployedBytecode), "runtime bytes").to.be.at.most(MAX_RUNTIME);
      expect(bytes(artifact.bytecode), "initcode bytes").to.be.at.most(MAX_INITCODE);
    });
  }
});
