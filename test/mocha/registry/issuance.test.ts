import { expect } from "chai";

import {
  DAY,
  EVIDENCE,
  KEY_COMMITMENT,
  NO_HASH,
  Status,
  licenseIdOf,
} from "../../helpers/constants.js";
import { productsFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;

describe("LicenseRegistry: issuance", function () {
  describe("issue", function () {
    it("issues a perpetual license to the holder with the product's terms", async function () {
      const { registry, publisher, holder, volume } = await loadFixture(productsFixture);
      const id = licenseIdOf(volume, 1);
      await expect(registry.connect(publisher).issue(volume, holder.address, 25, 0))
        .to.emit(registry, "Transfer")
        .withArgs(ethers.ZeroAddress, holder.address, id)
        .and.to.emit(registry, "LicenseIssued")
        .withArgs(id, 25, 0)
        .and.not.to.emit(registry, "LicenseIssuedBy");
      const license = await registry.getLicense(id);
      expect(license.holder).to.equal(holder.address);
      expect(license.productId).to.equal(volume);
      expect(license.seats).to.equal(25);
      expect(license.validUntil).to.equal(0);
      expect(license.status).to.equal(Status.Active);
      expect(license.valid).to.equal(true);
      expect(license.transferable).to.equal(true);
      expect(license.splittable).to.equal(true);
      expect(license.attestationRequired).to.equal(false);
      expect(await registry.balanceOf(holder.address)).to.equal(1);
      expect((await registry.getProduct(volume)).licensesIssued).to.equal(1);
    });

    it("numbers licenses per product: product * 10^12 + serial", async function () {
      const { registry, publisher, holder, volume, attested } = await loadFixture(productsFixture);
      await registry.connect(publisher).issue(volume, holder.address, 1, 0);
      await registry.connect(publisher).issue(attested, holder.address, 1, 0);
      await registry.connect(publisher).issue(volume, holder.address, 1, 0);
      expect(await registry.ownerOf(1_000_000_000_002n)).to.equal(holder.address);
      expect(await registry.ownerOf(3_000_000_000_001n)).to.equal(holder.address);
      expect((await registry.getLicense(3_000_000_000_001n)).productId).to.equal(attested);
    });

    it("issues a limited license valid up to the product's period, and marks a non-transferable one locked", async function () {
      const { registry, publisher, holder, subscription } = await loadFixture(productsFixture);
      const now = BigInt(await time.latest());
      const until = now + 365n * DAY; // the next block is at least 1 s later, so this is within the period
      const id = licenseIdOf(subscription, 1);
      await expect(registry.connect(publisher).issue(subscription, holder.address, 3, until))
        .to.emit(registry, "Locked")
        .withArgs(id);
      expect((await registry.getLicense(id)).validUntil).to.equal(until);
      expect(await registry.locked(id)).to.equal(true);
    });

    it("refuses seats outside 1..maxSeatsPerLicense", async function () {
      const { registry, publisher, holder, volume } = await loadFixture(productsFixture);
      await expect(registry.connect(publisher).issue(volume, holder.address, 0, 0))
        .to.be.revertedWithCustomError(registry, "LicenseSeatsInvalid")
        .withArgs(0, 500);
      await expect(registry.connect(publisher).issue(volume, holder.address, 501, 0))
        .to.be.revertedWithCustomError(registry, "LicenseSeatsInvalid")
        .withArgs(501, 500);
    });

    it("refuses a validity on a perpetual product and one outside a limited product's period", async function () {
      const { registry, publisher, holder, volume, subscription } =
        await loadFixture(productsFixture);
      await expect(registry.connect(publisher).issue(volume, holder.address, 1, 12345))
        .to.be.revertedWithCustomError(registry, "LicenseValidityInvalid")
        .withArgs(12345, 0);
      const now = BigInt(await time.latest());
      await time.setNextBlockTimestamp(now + 10n);
      await expect(registry.connect(publisher).issue(subscription, holder.address, 1, now + 10n))
        .to.be.revertedWithCustomError(registry, "LicenseValidityInvalid")
        .withArgs(now + 10n, now + 10n + 365n * DAY);
      await time.setNextBlockTimestamp(now + 20n);
      const tooLate = now + 20n + 365n * DAY + 1n;
      await expect(registry.connect(publisher).issue(subscription, holder.address, 1, tooLate))
        .to.be.revertedWithCustomError(registry, "LicenseValidityInvalid")
        .withArgs(tooLate, tooLate - 1n);
      await expect(
        registry.connect(publisher).issue(subscription, holder.address, 1, 0),
      ).to.be.revertedWithCustomError(registry, "LicenseValidityInvalid");
    });

    it("refuses unknown products, strangers and the zero holder", async function () {
      const { registry, publisher, stranger, holder, volume } = await loadFixture(productsFixture);
      await expect(registry.connect(publisher).issue(42, holder.address, 1, 0))
        .to.be.revertedWithCustomError(registry, "ProductDoesNotExist")
        .withArgs(42);
      await expect(registry.connect(stranger).issue(volume, holder.address, 1, 0))
        .to.be.revertedWithCustomError(registry, "ProductNotIssuer")
        .withArgs(volume, stranger.address);
      await expect(
        registry.connect(publisher).issue(volume, ethers.ZeroAddress, 1, 0),
      ).to.be.revertedWithCustomError(registry, "TransferToZeroAddress");
    });
  });

  describe("issuers", function () {
    it("records who issued when a distributor issues", async function () {
      const { registry, distributor, holder, volume } = await loadFixture(productsFixture);
      const id = licenseIdOf(volume, 1);
      await expect(registry.connect(distributor).issue(volume, holder.address, 1, 0))
        .to.emit(registry, "LicenseIssuedBy")
        .withArgs(id, volume, distributor.address, NO_HASH);
    });

    it("requires first-sale evidence from an onboarding dealer", async function () {
      const { registry, dealer, holder, volume } = await loadFixture(productsFixture);
      await expect(registry.connect(dealer).issue(volume, holder.address, 1, 0))
        .to.be.revertedWithCustomError(registry, "LicenseOriginEvidenceMissing")
        .withArgs(volume, dealer.address);
      await expect(
        registry.connect(dealer).issueWithEvidence(volume, holder.address, 1, 0, NO_HASH),
      )
        .to.be.revertedWithCustomError(registry, "LicenseOriginEvidenceMissing")
        .withArgs(volume, dealer.address);
      const id = licenseIdOf(volume, 1);
      await expect(
        registry.connect(dealer).issueWithEvidence(volume, holder.address, 1, 0, EVIDENCE),
      )
        .to.emit(registry, "LicenseIssuedBy")
        .withArgs(id, volume, dealer.address, EVIDENCE);
    });

    it("records evidence the controller gives, too", async function () {
      const { registry, publisher, holder, volume } = await loadFixture(productsFixture);
      await expect(
        registry.connect(publisher).issueWithEvidence(volume, holder.address, 1, 0, EVIDENCE),
      )
        .to.emit(registry, "LicenseIssuedBy")
        .withArgs(licenseIdOf(volume, 1), volume, publisher.address, EVIDENCE);
    });
  });

  describe("issueWithKey", function () {
    it("binds the key commitment so an activation server finds the license", async function () {
      const { registry, publisher, holder, volume } = await loadFixture(productsFixture);
      const id = licenseIdOf(volume, 1);
      expect(await registry.licenseOfKey(volume, KEY_COMMITMENT)).to.equal(0);
      await expect(
        registry
          .connect(publisher)
          .issueWithKey(volume, holder.address, 1, 0, KEY_COMMITMENT, NO_HASH),
      )
        .to.emit(registry, "LicenseKeyCommitted")
        .withArgs(id, KEY_COMMITMENT);
      expect(await registry.licenseOfKey(volume, KEY_COMMITMENT)).to.equal(id);
    });

    it("scopes commitments per product, so another product's issuer cannot squat one", async function () {
      const { registry, publisher, holder, volume, attested } = await loadFixture(productsFixture);
      await registry
        .connect(publisher)
        .issueWithKey(attested, holder.address, 1, 0, KEY_COMMITMENT, NO_HASH);
      await registry
        .connect(publisher)
        .issueWithKey(volume, holder.address, 1, 0, KEY_COMMITMENT, NO_HASH);
      expect(await registry.licenseOfKey(attested, KEY_COMMITMENT)).to.equal(
        licenseIdOf(attested, 1),
      );
      expect(await registry.licenseOfKey(volume, KEY_COMMITMENT)).to.equal(licenseIdOf(volume, 1));
    });

    it("refuses a missing or already used commitment", async function () {
      const { registry, publisher, holder, volume } = await loadFixture(productsFixture);
      await expect(
        registry.connect(publisher).issueWithKey(volume, holder.address, 1, 0, NO_HASH, NO_HASH),
      ).to.be.revertedWithCustomError(registry, "LicenseKeyCommitmentMissing");
      await registry
        .connect(publisher)
        .issueWithKey(volume, holder.address, 1, 0, KEY_COMMITMENT, NO_HASH);
      await expect(
        registry
          .connect(publisher)
          .issueWithKey(volume, holder.address, 1, 0, KEY_COMMITMENT, NO_HASH),
      )
        .to.be.revertedWithCustomError(registry, "LicenseKeyCommitmentInUse")
        .withArgs(KEY_COMMITMENT, licenseIdOf(volume, 1));
    });
  });

  describe("issueBatch", function () {
    it("issues 150 licenses to 150 holders in one transaction with consecutive ids", async function () {
      const { registry, publisher, volume } = await loadFixture(productsFixture);
      const holders = Array.from({ length: 150 }, () => ethers.Wallet.createRandom().address);
      const requests = holders.map((holder, i) => ({
        holder,
        seats: 1 + (i % 7),
        validUntil: 0,
        keyCommitment: i % 50 === 0 ? ethers.id(`key ${i}`) : NO_HASH,
        originEvidence: NO_HASH,
      }));
      const tx = await registry.connect(publisher).issueBatch(volume, requests);
      const receipt = await tx.wait();
      expect(receipt!.gasUsed).to.be.lessThan(30_000_000n);
      for (const [i, holder] of holders.entries()) {
        const license = await registry.getLicense(licenseIdOf(volume, i + 1));
        expect(license.holder).to.equal(holder);
        expect(license.seats).to.equal(1 + (i % 7));
      }
      expect(await registry.licenseOfKey(volume, ethers.id("key 100"))).to.equal(
        licenseIdOf(volume, 101),
      );
      expect((await registry.getProduct(volume)).licensesIssued).to.equal(150);
      await expect(tx)
        .to.emit(registry, "LicenseIssued")
        .withArgs(licenseIdOf(volume, 150), 1 + (149 % 7), 0);
    });

    it("returns the first id, and a later batch continues the serials", async function () {
      const { registry, publisher, holder, volume } = await loadFixture(productsFixture);
      const one = {
        holder: holder.address,
        seats: 1,
        validUntil: 0,
        keyCommitment: NO_HASH,
        originEvidence: NO_HASH,
      };
      await registry.connect(publisher).issue(volume, holder.address, 1, 0);
      expect(await registry.connect(publisher).issueBatch.staticCall(volume, [one, one])).to.equal(
        licenseIdOf(volume, 2),
      );
    });

    it("is all or nothing: one bad request reverts the batch with its reason", async function () {
      const { registry, publisher, dealer, holder, volume } = await loadFixture(productsFixture);
      const good = {
        holder: holder.address,
        seats: 1,
        validUntil: 0,
        keyCommitment: NO_HASH,
        originEvidence: EVIDENCE,
      };
      await expect(registry.connect(publisher).issueBatch(volume, [good, { ...good, seats: 0 }]))
        .to.be.revertedWithCustomError(registry, "LicenseSeatsInvalid")
        .withArgs(0, 500);
      await expect(
        registry.connect(dealer).issueBatch(volume, [good, { ...good, originEvidence: NO_HASH }]),
      )
        .to.be.revertedWithCustomError(registry, "LicenseOriginEvidenceMissing")
        .withArgs(volume, dealer.address);
      await expect(
        registry.connect(publisher).issueBatch(volume, [
          { ...good, keyCommitment: KEY_COMMITMENT },
          { ...good, keyCommitment: KEY_COMMITMENT },
        ]),
      )
        .to.be.revertedWithCustomError(registry, "LicenseKeyCommitmentInUse")
        .withArgs(KEY_COMMITMENT, licenseIdOf(volume, 1));
      expect((await registry.getProduct(volume)).licensesIssued).to.equal(0);
    });

    it("refuses an empty batch", async function () {
      const { registry, publisher, volume } = await loadFixture(productsFixture);
      await expect(
        registry.connect(publisher).issueBatch(volume, []),
      ).to.be.revertedWithCustomError(registry, "LicenseBatchEmpty");
    });
  });
});
