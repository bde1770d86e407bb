import { expect } from "chai";
import hre from "hardhat";

import { measureGas, type GasResults } from "../../../bench/gas.js";
import { ethers } from "../../helpers/network.js";

/**
 * The registry's and the market's gas targets, asserted on the benchmark's own measurements (bench/gas.ts):
 * real transactions against a plain OpenZeppelin ERC-721 in the same run, holders that already
 * hold a token.
 */
describe("gas targets against a plain OpenZeppelin ERC-721", function () {
  let gas: GasResults;

  before(async function () {
    // Coverage instrumentation adds gas to every line it counts, so figures are meaningless then.
    if (hre.globalOptions.coverage) this.skip();
    gas = await measureGas(ethers);
  });

  const op = (name: string) => {
    const result = gas.operations[name];
    if (result === undefined) throw new Error(`the benchmark did not measure ${name}`);
    return result;
  };

  it("issues one license for at most 1.20x a plain mint", function () {
    const issue = op("issue");
    expect(issue.referenceName).to.contain("OpenZeppelin");
    expect(issue.gas * 100).to.be.at.most(issue.reference! * 120);
  });

  it("issues a batch of 100 for at most 60% of a single issuance per license", function () {
    expect(op("issueBatch100PerLicense").gas * 100).to.be.at.most(op("issue").gas * 60);
  });

  it("releases and transfers in one call for at most 1.15x a plain transferFrom", function () {
    const rat = op("releaseAndTransfer");
    expect(rat.referenceName).to.contain("OpenZeppelin ERC-721 transferFrom");
    expect(rat.gas * 100).to.be.at.most(rat.reference! * 115);
  });

  it("sells a license for ETH on the market for at most 95,000 gas", function () {
    expect(op("marketBuyEth").gas).to.be.at.most(95_000);
  });

  it("sells a license for an ERC-20 on the market for at most 110,000 gas", function () {
    expect(op("marketBuyErc20").gas).to.be.at.most(110_000);
    expect(op("marketAcceptOffer").gas).to.be.at.most(110_000);
  });

  it("stays above the EVM floor it reports, so the floor is a true lower bound", function () {
    for (const [name, result] of Object.entries(gas.operations)) {
      expect(result.gas, name).to.be.greaterThan(result.floor);
    }
  });
});
