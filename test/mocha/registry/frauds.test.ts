import { expect } from "chai";

import {
  DECLARATION,
  EVIDENCE,
  FirstSaleRegion,
  licenseIdOf,
  type Terms,
} from "../../helpers/constants.js";
import { licensesFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture } = networkHelpers;

/** Perpetual, splittable, and its publisher's terms forbid resale. */
const LOCKED_DOWN_TERMS: Terms = {
  validityDays: 0,
  maxSeatsPerLicense: 100,
  transferable: false,
  splittable: true,
  attestationRequired: false,
};

const request = (holder: string, seats: number, originEvidence = ethers.ZeroHash) => ({
  holder,
  seats,
  validUntil: 0,
  keyCommitment: ethers.ZeroHash,
  originEvidence,
});

describe("LicenseRegistry: exhaustion and the frauds the trade meets (issue 14)", function () {
  describe("when the publisher forbids resale in its terms (item 1)", function () {
    it("still lets a perpetual license first sold in the EU/EEA move, and records where", async function () {
      const { registry, publisher, holder, buyer } = await loadFixture(licensesFixture);
      await registry.connect(publisher).registerProduct(LOCKED_DOWN_TERMS, "ipfs://eula");
      const product = 5n;
      const licenseId = licenseIdOf(product, 1);
      await expect(
        registry
          .connect(publisher)
          .issueWithFirstSale(product, FirstSaleRegion.EEA, [request(holder.address, 10)]),
      )
        .to.emit(registry, "LicenseFirstSaleRecorded")
        .withArgs(licenseId, product, FirstSaleRegion.EEA);
      const view = await registry.getLicense(licenseId);
      expect(view.transferable).to.equal(false);
      expect(view.exhausted).to.equal(true);
      expect(view.firstSaleRegion).to.equal(FirstSaleRegion.EEA);
      await registry.connect(holder).releaseAndTransfer(buyer.address, licenseId, DECLARATION);
      expect(await registry.ownerOf(licenseId)).to.equal(buyer.address);
    });

    it("keeps a license first sold elsewhere, or with no recorded region, to the terms", async function () {
      const { registry, publisher, holder } = await loadFixture(licensesFixture);
      await registry.connect(publisher).registerProduct(LOCKED_DOWN_TERMS, "");
      await registry
        .connect(publisher)
        .issueWithFirstSale(5, FirstSaleRegion.Elsewhere, [request(holder.address, 1)]);
      await registry.connect(publisher).issue(5, holder.address, 1, 0);
      for (const licenseId of [licenseIdOf(5, 1), licenseIdOf(5, 2)]) {
        expect((await registry.getLicense(licenseId)).exhausted).to.equal(false);
        await expect(registry.connect(holder).release(licenseId, DECLARATION))
          .to.be.revertedWithCustomError(registry, "LicenseNotTransferable")
          .withArgs(licenseId);
      }
    });

    it("shows the first sale in the metadata", async function () {
      const { registry, publisher, holder } = await loadFixture(licensesFixture);
      await registry
        .connect(publisher)
        .issueWithFirstSale(1, FirstSaleRegion.Switzerland, [request(holder.address, 1)]);
      const uri = await registry.tokenURI(licenseIdOf(1, 3));
      const json = JSON.parse(
        Buffer.from(uri.slice("data:application/json;base64,".length), "base64").toString(),
      ) as { attributes: { trait_type: string; value: string }[] };
      const trait = (name: string) => json.attributes.find((a) => a.trait_type === name)?.value;
      expect(trait("First sale")).to.equal("Switzerland");
      expect(trait("Exhausted")).to.equal("yes");
    });
  });

  describe("when the same paperwork is onboarded twice (item 5)", function () {
    it("refuses seats beyond what the evidence covers, whoever onboards them", async function () {
      const { registry, publisher, dealer, distributor, holder, buyer } =
        await loadFixture(licensesFixture);
      await expect(registry.connect(dealer).declareEvidence(1, EVIDENCE, 3))
        .to.emit(registry, "EvidenceDeclared")
        .withArgs(EVIDENCE, 1n, dealer.address, 3n);
      await expect(registry.connect(dealer).issueWithEvidence(1, holder.address, 2, 0, EVIDENCE))
        .to.emit(registry, "EvidenceDrawn")
        .withArgs(EVIDENCE, licenseIdOf(1, 3), 1n, 2n, 2n, 3n);
      await registry.connect(distributor).issueWithEvidence(1, buyer.address, 1, 0, EVIDENCE);
      expect(await registry.evidenceUse(EVIDENCE)).to.deep.equal([3n, 3n]);
      await expect(registry.connect(publisher).issueWithEvidence(1, buyer.address, 1, 0, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "EvidenceCapacityExceeded")
        .withArgs(EVIDENCE, 3n, 3n, 1n);
      // Which licenses used it: its EvidenceDrawn events, by the evidence as a topic.
      const drawn = await registry.queryFilter(registry.filters.EvidenceDrawn(EVIDENCE));
      expect(drawn.map((e) => e.args.licenseId)).to.deep.equal([
        licenseIdOf(1, 3),
        licenseIdOf(1, 4),
      ]);
    });
  });
});
