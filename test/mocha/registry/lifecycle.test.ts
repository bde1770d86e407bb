import { expect } from "chai";

import {
  DECLARATION,
  EVIDENCE,
  NO_HASH,
  REASON_FRAUD,
  Status,
  licenseIdOf,
} from "../../helpers/constants.js";
import { licensesFixture } from "../../helpers/fixtures.js";
import { networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;

describe("LicenseRegistry: split, invalidation and expiry", function () {
  describe("split", function () {
    it("ends the parent and gives the holder children whose seats add up to the parent's", async function () {
      const { registry, holder, volumeLicense, volume } = await loadFixture(licensesFixture);
      // Serials 1 and 2 are taken, so the children are serials 3, 4, 5.
      const [a, b, c] = [3, 4, 5].map((s) => licenseIdOf(volume, s)) as [bigint, bigint, bigint];
      expect(await registry.connect(holder).split.staticCall(volumeLicense, [50, 30, 20])).to.equal(
        a,
      );
      await expect(registry.connect(holder).split(volumeLicense, [50, 30, 20]))
        .to.emit(registry, "LicenseSplit")
        .withArgs(volumeLicense, a, 50)
        .and.to.emit(registry, "LicenseSplit")
        .withArgs(volumeLicense, c, 20)
        .and.to.emit(registry, "Locked")
        .withArgs(volumeLicense)
        .and.to.emit(registry, "MetadataUpdate")
        .withArgs(volumeLicense);
      const parent = await registry.getLicense(volumeLicense);
      expect(parent.status).to.equal(Status.Split);
      expect(parent.valid).to.equal(false);
      expect(await registry.locked(volumeLicense)).to.equal(true);
      let seats = 0n;
      for (const child of [a, b, c]) {
        const license = await registry.getLicense(child);
        expect(license.holder).to.equal(holder.address);
        expect(license.valid).to.equal(true);
        expect(license.splittable).to.equal(true);
        seats += license.seats;
      }
      expect(seats).to.equal(parent.seats);
      expect((await registry.getProduct(volume)).licensesIssued).to.equal(5);
    });

    it("lets a child be resold and split again", async function () {
      const { registry, holder, buyer, volumeLicense, volume } = await loadFixture(licensesFixture);
      await registry.connect(holder).split(volumeLicense, [60, 40]);
      const child = licenseIdOf(volume, 4);
      await registry.connect(holder).releaseAndTransfer(buyer.address, child, DECLARATION);
      await registry.connect(buyer).split(child, [39, 1]);
      expect((await registry.getLicense(licenseIdOf(volume, 6))).seats).to.equal(1);
    });

    it("refuses bad partitions", async function () {
      const { registry, holder, volumeLicense } = await loadFixture(licensesFixture);
      await expect(registry.connect(holder).split(volumeLicense, [100]))
        .to.be.revertedWithCustomError(registry, "LicenseSplitTooFewParts")
        .withArgs(volumeLicense, 1);
      await expect(registry.connect(holder).split(volumeLicense, [100, 0]))
        .to.be.revertedWithCustomError(registry, "LicenseSplitEmptyPart")
        .withArgs(volumeLicense, 1);
      await expect(registry.connect(holder).split(volumeLicense, [50, 49]))
        .to.be.revertedWithCustomError(registry, "LicenseSplitSeatsMismatch")
        .withArgs(volumeLicense, 99, 100);
      await expect(registry.connect(holder).split(volumeLicense, [50, 51]))
        .to.be.revertedWithCustomError(registry, "LicenseSplitSeatsMismatch")
        .withArgs(volumeLicense, 101, 100);
    });

    it("refuses non-splittable, released, ended licenses and strangers", async function () {
      const { registry, holder, stranger, volumeLicense, attestedLicense } =
        await loadFixture(licensesFixture);
      await expect(registry.connect(holder).split(attestedLicense, [1, 1]))
        .to.be.revertedWithCustomError(registry, "LicenseNotSplittable")
        .withArgs(attestedLicense);
      await expect(registry.connect(stranger).split(volumeLicense, [50, 50]))
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(stranger.address, volumeLicense);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(registry.connect(holder).split(volumeLicense, [50, 50]))
        .to.be.revertedWithCustomError(registry, "LicenseAlreadyReleased")
        .withArgs(volumeLicense);
      await registry.connect(holder).withdrawRelease(volumeLicense);
      await registry.connect(holder).split(volumeLicense, [50, 50]);
      await expect(registry.connect(holder).split(volumeLicense, [50, 50]))
        .to.be.revertedWithCustomError(registry, "LicenseEnded")
        .withArgs(volumeLicense, Status.Split);
    });

    it("gives children of a non-transferable product the locked state", async function () {
      const { registry, publisher, holder } = await loadFixture(licensesFixture);
      await registry.connect(publisher).registerProduct(
        {
          validityDays: 0,
          maxSeatsPerLicense: 10,
          transferable: false,
          splittable: true,
          attestationRequired: false,
        },
        "",
      );
      await registry.connect(publisher).issue(5, holder.address, 10, 0);
      await expect(registry.connect(holder).split(licenseIdOf(5, 1), [5, 5]))
        .to.emit(registry, "Locked")
        .withArgs(licenseIdOf(5, 2));
      expect(await registry.locked(licenseIdOf(5, 3))).to.equal(true);
    });
  });

  describe("revoke", function () {
    it("ends the license for good with a reason and evidence, wherever it is in its life", async function () {
      const { registry, publisher, holder, buyer, volumeLicense } =
        await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
      // Already locked by the suspension, so no second Locked event.
      await expect(registry.connect(publisher).revoke(volumeLicense, REASON_FRAUD, EVIDENCE))
        .to.emit(registry, "LicenseRevoked")
        .withArgs(volumeLicense, publisher.address, REASON_FRAUD, EVIDENCE)
        .and.not.to.emit(registry, "Locked");
      const license = await registry.getLicense(volumeLicense);
      expect(license.status).to.equal(Status.Revoked);
      expect(license.suspended).to.equal(false);
      expect(license.holder).to.equal(holder.address);
      for (const attempt of [
        registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense),
        registry.connect(holder).release(volumeLicense, DECLARATION),
        registry.connect(holder).split(volumeLicense, [50, 50]),
        registry.connect(publisher).revoke(volumeLicense, REASON_FRAUD, EVIDENCE),
        registry.connect(publisher).suspend(volumeLicense, EVIDENCE),
        registry.connect(holder).surrender(volumeLicense),
      ]) {
        await expect(attempt)
          .to.be.revertedWithCustomError(registry, "LicenseEnded")
          .withArgs(volumeLicense, Status.Revoked);
      }
      await expect(registry.connect(publisher).reinstate(volumeLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "LicenseNotSuspended")
        .withArgs(volumeLicense);
      await expect(registry.connect(holder).withdrawRelease(volumeLicense))
        .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
        .withArgs(volumeLicense);
    });

    it("is the controller's alone: not its issuers (a dealer could revoke what it sold), strangers or the holder", async function () {
      const { registry, publisher, dealer, distributor, holder, buyer, volume } =
        await loadFixture(licensesFixture);
      await registry.connect(dealer).issueWithEvidence(volume, dealer.address, 1, 0, EVIDENCE);
      const sold = licenseIdOf(volume, 3);
      await registry.connect(dealer).releaseAndTransfer(buyer.address, sold, DECLARATION);
      for (const who of [dealer, distributor, holder]) {
        await expect(registry.connect(who).revoke(sold, REASON_FRAUD, EVIDENCE))
          .to.be.revertedWithCustomError(registry, "ProductNotController")
          .withArgs(volume, who.address);
      }
      await registry.connect(publisher).revoke(sold, 1, EVIDENCE);
      expect((await registry.getLicense(sold)).status).to.equal(Status.Revoked);
    });

    it("needs a reason code and an evidence hash", async function () {
      const { registry, publisher, volumeLicense } = await loadFixture(licensesFixture);
      await expect(registry.connect(publisher).revoke(volumeLicense, 0, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseReasonMissing")
        .withArgs(volumeLicense);
      await expect(registry.connect(publisher).revoke(volumeLicense, REASON_FRAUD, NO_HASH))
        .to.be.revertedWithCustomError(registry, "LicenseEvidenceMissing")
        .withArgs(volumeLicense);
      await expect(registry.connect(publisher).revoke(999, REASON_FRAUD, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(999);
    });
  });

  describe("suspend and reinstate", function () {
    it("freezes a license during a dispute and restores its earlier state", async function () {
      const { registry, publisher, arbiter, holder, buyer, volumeLicense } =
        await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(registry.connect(publisher).suspend(volumeLicense, EVIDENCE))
        .to.emit(registry, "LicenseSuspended")
        .withArgs(volumeLicense, publisher.address, EVIDENCE)
        .and.to.emit(registry, "MetadataUpdate")
        .and.to.emit(registry, "Locked")
        .withArgs(volumeLicense);
      expect((await registry.getLicense(volumeLicense)).suspended).to.equal(true);
      expect(await registry.locked(volumeLicense)).to.equal(true);
      await expect(registry.connect(publisher).suspend(volumeLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseIsSuspended")
        .withArgs(volumeLicense);
      // The arbiter lifts a publisher's suspension: a publisher cannot freeze a resale for good.
      await expect(registry.connect(arbiter).reinstate(volumeLicense, NO_HASH))
        .to.emit(registry, "LicenseReinstated")
        .withArgs(volumeLicense, arbiter.address, NO_HASH)
        .and.to.emit(registry, "Unlocked")
        .withArgs(volumeLicense);
      expect(await registry.locked(volumeLicense)).to.equal(false);
      const license = await registry.getLicense(volumeLicense);
      expect(license.status).to.equal(Status.Released);
      expect(license.suspended).to.equal(false);
      await registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense);
    });

    it("keeps an arbiter's suspension out of the publisher's hands", async function () {
      const { registry, publisher, arbiter, distributor, volumeLicense } =
        await loadFixture(licensesFixture);
      await registry.connect(arbiter).suspend(volumeLicense, EVIDENCE);
      await expect(registry.connect(publisher).reinstate(volumeLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "LicenseArbiterHold")
        .withArgs(volumeLicense);
      await expect(registry.connect(distributor).reinstate(volumeLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "ProductNotControllerOrArbiter")
        .withArgs(1, distributor.address);
      await expect(registry.connect(publisher).revoke(volumeLicense, REASON_FRAUD, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseArbiterHold")
        .withArgs(volumeLicense);
      await registry.connect(arbiter).reinstate(volumeLicense, NO_HASH);
      // Once an arbiter decided, a later freeze is an arbiter's decision too (issue 14).
      await expect(registry.connect(publisher).suspend(volumeLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseSuspensionReservedToArbiters")
        .withArgs(volumeLicense);
      expect(await registry.isValid(volumeLicense)).to.equal(true);
    });

    it("does not emit Unlocked when a non-transferable license is reinstated", async function () {
      const { registry, publisher, subscriptionLicense } = await loadFixture(licensesFixture);
      await expect(registry.connect(publisher).suspend(subscriptionLicense, EVIDENCE)).not.to.emit(
        registry,
        "Locked",
      );
      await expect(registry.connect(publisher).reinstate(subscriptionLicense, NO_HASH)).not.to.emit(
        registry,
        "Unlocked",
      );
    });

    it("keeps a suspended license invalid for its holder", async function () {
      const { registry, arbiter, holder, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(arbiter).suspend(volumeLicense, EVIDENCE);
      expect(await registry.isValidFor(volumeLicense, holder.address)).to.equal(false);
      await registry.connect(arbiter).reinstate(volumeLicense, EVIDENCE);
      expect(await registry.isValidFor(volumeLicense, holder.address)).to.equal(true);
    });

    it("needs evidence to suspend, and refuses strangers and unsuspended licenses", async function () {
      const { registry, publisher, stranger, volumeLicense } = await loadFixture(licensesFixture);
      await expect(registry.connect(publisher).suspend(volumeLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "LicenseEvidenceMissing")
        .withArgs(volumeLicense);
      await expect(registry.connect(stranger).suspend(volumeLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "ProductNotControllerOrArbiter")
        .withArgs(1, stranger.address);
      await expect(registry.connect(publisher).reinstate(volumeLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "LicenseNotSuspended")
        .withArgs(volumeLicense);
      await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
      await expect(registry.connect(stranger).reinstate(volumeLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "ProductNotControllerOrArbiter")
        .withArgs(1, stranger.address);
    });
  });

  describe("surrender", function () {
    it("lets only the holder give the license up for good; it stays on the ledger", async function () {
      const { registry, holder, stranger, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).setApprovalForAll(stranger.address, true);
      await expect(registry.connect(stranger).surrender(volumeLicense))
        .to.be.revertedWithCustomError(registry, "ERC721IncorrectOwner")
        .withArgs(stranger.address, volumeLicense, holder.address);
      await expect(registry.connect(holder).surrender(volumeLicense))
        .to.emit(registry, "LicenseSurrendered")
        .withArgs(volumeLicense, holder.address);
      const license = await registry.getLicense(volumeLicense);
      expect(license.status).to.equal(Status.Surrendered);
      expect(license.holder).to.equal(holder.address);
      expect(await registry.isValid(volumeLicense)).to.equal(false);
      await expect(registry.connect(holder).surrender(volumeLicense))
        .to.be.revertedWithCustomError(registry, "LicenseEnded")
        .withArgs(volumeLicense, Status.Surrendered);
    });

    it("does not emit Locked again for a license that was never transferable", async function () {
      const { registry, holder, subscriptionLicense } = await loadFixture(licensesFixture);
      await expect(registry.connect(holder).surrender(subscriptionLicense)).not.to.emit(
        registry,
        "Locked",
      );
    });
  });

  describe("expiry", function () {
    it("ends a limited license by time: invalid, locked, never valid again", async function () {
      const { registry, holder, subscriptionLicense, validUntil } =
        await loadFixture(licensesFixture);
      await time.increaseTo(validUntil - 2n);
      expect(await registry.isValid(subscriptionLicense)).to.equal(true);
      await time.increaseTo(validUntil);
      const license = await registry.getLicense(subscriptionLicense);
      expect(license.expired).to.equal(true);
      expect(license.valid).to.equal(false);
      expect(await registry.isValidFor(subscriptionLicense, holder.address)).to.equal(false);
      await time.increase(10n * 365n * 24n * 3600n);
      expect(await registry.isValid(subscriptionLicense)).to.equal(false);
    });

    it("can still be revoked after it expired, so late fraud is recorded", async function () {
      const { registry, publisher, subscriptionLicense, validUntil } =
        await loadFixture(licensesFixture);
      await time.increaseTo(validUntil);
      await registry.connect(publisher).revoke(subscriptionLicense, REASON_FRAUD, EVIDENCE);
      expect((await registry.getLicense(subscriptionLicense)).status).to.equal(Status.Revoked);
    });

    it("refuses splitting an expired license", async function () {
      const { registry, publisher, holder } = await loadFixture(licensesFixture);
      await registry.connect(publisher).registerProduct(
        {
          validityDays: 1,
          maxSeatsPerLicense: 10,
          transferable: true,
          splittable: true,
          attestationRequired: false,
        },
        "",
      );
      const until = BigInt(await time.latest()) + 3600n;
      await registry.connect(publisher).issue(5, holder.address, 10, until);
      await time.increaseTo(until);
      await expect(registry.connect(holder).split(licenseIdOf(5, 1), [5, 5]))
        .to.be.revertedWithCustomError(registry, "LicenseExpired")
        .withArgs(licenseIdOf(5, 1), until);
    });
  });
});
