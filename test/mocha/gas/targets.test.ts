import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import hre from "hardhat";

import { PlainERC721__factory } from "../../../typechain-types/index.js";
import { DECLARATION, KEY_COMMITMENT, NO_HASH, licenseIdOf } from "../../helpers/constants.js";
import { productsFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture } = networkHelpers;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  return receipt!.gasUsed;
}

/**
 * The registry issue's gas targets, measured as real transactions (receipt gasUsed, so the 21,000
 * base and calldata are included) against a plain OpenZeppelin ERC-721 in the same run, in the
 * shape the benchmark uses: holders that already hold a token.
 */
describe("gas targets against a plain OpenZeppelin ERC-721", function () {
  before(function () {
    // Coverage instrumentation adds gas to every line it counts, so figures are meaningless then.
    if (hre.globalOptions.coverage) this.skip();
  });

  async function measure() {
    const f = await loadFixture(productsFixture);
    const { registry, publisher, holder, buyer } = f;
    const plain = await new PlainERC721__factory(f.admin).deploy();
    // Both holders already hold a token in both contracts.
    await plain.mint(holder.address, 1);
    await plain.mint(buyer.address, 2);
    await registry.connect(publisher).issue(1, holder.address, 1, 0);
    await registry.connect(publisher).issue(1, buyer.address, 1, 0);

    const plainMint = await gasOf(plain.mint(holder.address, 3));
    const plainTransfer = await gasOf(
      plain.connect(holder).transferFrom(holder.address, buyer.address, 1),
    );
    const issue = await gasOf(registry.connect(publisher).issue(1, holder.address, 5, 0));
    const issueWithKey = await gasOf(
      registry.connect(publisher).issueWithKey(1, holder.address, 5, 0, KEY_COMMITMENT, NO_HASH),
    );
    const releaseAndTransfer = await gasOf(
      registry.connect(holder).releaseAndTransfer(buyer.address, licenseIdOf(1, 3), DECLARATION),
    );
    const release = await gasOf(registry.connect(holder).release(licenseIdOf(1, 1), DECLARATION));
    const transferReleased = await gasOf(
      registry.connect(holder).transferFrom(holder.address, buyer.address, licenseIdOf(1, 1)),
    );
    const holders = Array.from({ length: 100 }, () => ethers.Wallet.createRandom().address);
    for (const h of holders) await registry.connect(publisher).issue(1, h, 1, 0);
    const batch = await gasOf(
      registry.connect(publisher).issueBatch(
        1,
        holders.map((h) => ({
          holder: h,
          seats: 1,
          validUntil: 0,
          keyCommitment: NO_HASH,
          originEvidence: NO_HASH,
        })),
      ),
    );
    return {
      plainMint,
      plainTransfer,
      issue,
      issueWithKey,
      releaseAndTransfer,
      release,
      transferReleased,
      batch,
    };
  }

  it("issues one license for at most 1.20x a plain mint", async function () {
    const g = await measure();
    console.log(
      `      issue ${g.issue} gas vs plain mint ${g.plainMint}: ${(Number(g.issue) / Number(g.plainMint)).toFixed(4)}x`,
    );
    expect(g.issue * 100n).to.be.at.most(g.plainMint * 120n);
  });

  it("issues a batch of 100 for at most 60% of a single issuance per license", async function () {
    const g = await measure();
    console.log(
      `      issueBatch100 ${g.batch / 100n} gas per license: ${(Number(g.batch) / 100 / Number(g.issue)).toFixed(4)} of issue`,
    );
    expect(g.batch).to.be.at.most(g.issue * 60n);
  });

  it("releases and transfers in one call for at most 1.15x a plain transferFrom", async function () {
    const g = await measure();
    console.log(
      `      releaseAndTransfer ${g.releaseAndTransfer} gas vs plain transferFrom ${g.plainTransfer}: ${(Number(g.releaseAndTransfer) / Number(g.plainTransfer)).toFixed(4)}x (release ${g.release} + transferFrom ${g.transferReleased} separately; issueWithKey ${g.issueWithKey})`,
    );
    expect(g.releaseAndTransfer * 100n).to.be.at.most(g.plainTransfer * 115n);
  });
});
