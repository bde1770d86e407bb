import { expect } from "chai";

import { DECLARATION, EVIDENCE, NO_HASH, Status } from "../../helpers/constants.js";
import { licensesFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;

describe("LicenseRegistry: release and transfer", function () {
  describe("release", function () {
    it("records the declaration; the license is no longer valid for the seller", async function () {
      const { registry, holder, volumeLicense, volume } = await loadFixture(licensesFixture);
      await expect(registry.connect(holder).release(volumeLicense, DECLARATION))
        .to.emit(registry, "LicenseReleased")
        .withArgs(volumeLicense, volume, holder.address, DECLARATION)
        .and.to.emit(registry, "MetadataUpdate")
        .withArgs(volumeLicense);
      const license = await registry.getLicense(volumeLicense);
      expect(license.status).to.equal(Status.Released);
      expect(license.valid).to.equal(false);
      expect(await registry.isValid(volumeLicense)).to.equal(false);
      expect(await registry.isValidFor(volumeLicense, holder.address)).to.equal(false);
    });

    it("may be done by an approved operator (a marketplace settling a sale)", async function () {
      const { registry, holder, stranger, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).approve(stranger.address, volumeLicense);
      await registry.connect(stranger).release(volumeLicense, DECLARATION);
      expect((await registry.getLicense(volumeLicense)).status).to.equal(Status.Released);
    });

    it("refuses strangers, missing declarations, repeats and non-transferable licenses", async function () {
      const { registry, holder, stranger, volumeLicense, subscriptionLicense } =
        await loadFixture(licensesFixture);
      await expect(registry.connect(stranger).release(volumeLicense, DECLARATION))
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(stranger.address, volumeLicense);
      await expect(registry.connect(holder).release(volumeLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "LicenseDeclarationMissing")
        .withArgs(volumeLicense);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(registry.connect(holder).release(volumeLicense, DECLARATION))
        .to.be.revertedWithCustomError(registry, "LicenseAlreadyReleased")
        .withArgs(volumeLicense);
      await expect(registry.connect(holder).release(subscriptionLicense, DECLARATION))
        .to.be.revertedWithCustomError(registry, "LicenseNotTransferable")
        .withArgs(subscriptionLicense);
      await expect(registry.connect(holder).release(123, DECLARATION))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(123);
    });

    it("refuses suspended and expired licenses", async function () {
      const { registry, publisher, holder, volumeLicense, termLicense, termValidUntil } =
        await loadFixture(licensesFixture);
      await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
      await expect(registry.connect(holder).release(volumeLicense, DECLARATION))
        .to.be.revertedWithCustomError(registry, "LicenseIsSuspended")
        .withArgs(volumeLicense);
      await time.increaseTo(termValidUntil);
      await expect(registry.connect(holder).release(termLicense, DECLARATION))
        .to.be.revertedWithCustomError(registry, "LicenseExpired")
        .withArgs(termLicense, termValidUntil);
    });
  });

  describe("withdrawRelease", function () {
    it("makes the license valid again while it has not moved", async function () {
      const { registry, holder, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(registry.connect(holder).withdrawRelease(volumeLicense))
        .to.emit(registry, "LicenseReleaseWithdrawn")
        .withArgs(volumeLicense, holder.address)
        .and.to.emit(registry, "MetadataUpdate");
      expect(await registry.isValidFor(volumeLicense, holder.address)).to.equal(true);
      await expect(registry.connect(holder).withdrawRelease(volumeLicense))
        .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
        .withArgs(volumeLicense);
    });

    it("clears an attestation, so a new release needs a new one", async function () {
      const { registry, publisher, holder, buyer, attestedLicense } =
        await loadFixture(licensesFixture);
      await registry.connect(holder).release(attestedLicense, DECLARATION);
      await registry.connect(publisher).attestDeactivation(attestedLicense, EVIDENCE);
      await registry.connect(holder).withdrawRelease(attestedLicense);
      await registry.connect(holder).release(attestedLicense, DECLARATION);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, attestedLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseDeactivationNotAttested")
        .withArgs(attestedLicense);
    });

    it("refuses strangers", async function () {
      const { registry, holder, stranger, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(registry.connect(stranger).withdrawRelease(volumeLicense))
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(stranger.address, volumeLicense);
    });
  });

  describe("transferFrom / safeTransferFrom", function () {
    it("moves a released license; it becomes active and valid for the buyer", async function () {
      const { registry, holder, buyer, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense),
      )
        .to.emit(registry, "Transfer")
        .withArgs(holder.address, buyer.address, volumeLicense);
      const license = await registry.getLicense(volumeLicense);
      expect(license.holder).to.equal(buyer.address);
      expect(license.status).to.equal(Status.Active);
      expect(await registry.isValidFor(volumeLicense, buyer.address)).to.equal(true);
      expect(await registry.isValidFor(volumeLicense, holder.address)).to.equal(false);
      expect(await registry.balanceOf(holder.address)).to.equal(3);
      expect(await registry.balanceOf(buyer.address)).to.equal(2);
    });

    it("needs a new declaration before the buyer resells: no move without one since the last", async function () {
      const { registry, holder, buyer, stranger, volumeLicense } =
        await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense);
      await expect(
        registry.connect(buyer).transferFrom(buyer.address, stranger.address, volumeLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
        .withArgs(volumeLicense);
      await expect(
        registry
          .connect(buyer)
          ["safeTransferFrom(address,address,uint256)"](
            buyer.address,
            stranger.address,
            volumeLicense,
          ),
      )
        .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
        .withArgs(volumeLicense);
    });

    it("refuses a license that was never released", async function () {
      const { registry, holder, buyer, volumeLicense } = await loadFixture(licensesFixture);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
        .withArgs(volumeLicense);
    });

    it("lets an approved operator move it, and clears the approval", async function () {
      const { registry, holder, buyer, stranger, volumeLicense } =
        await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await registry.connect(holder).setApprovalForAll(stranger.address, true);
      await registry.connect(holder).approve(buyer.address, volumeLicense);
      await registry
        .connect(stranger)
        ["safeTransferFrom(address,address,uint256,bytes)"](
          holder.address,
          buyer.address,
          volumeLicense,
          "0x",
        );
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await registry.getApproved(volumeLicense)).to.equal(ethers.ZeroAddress);
    });

    it("refuses a released license to anyone who is not the holder or approved", async function () {
      const { registry, holder, stranger, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(
        registry.connect(stranger).transferFrom(holder.address, stranger.address, volumeLicense),
      )
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(stranger.address, volumeLicense);
      await expect(
        registry.connect(holder).transferFrom(stranger.address, holder.address, volumeLicense),
      ).to.be.revertedWithCustomError(registry, "TransferFromIncorrectOwner");
      await expect(registry.connect(holder).transferFrom(holder.address, holder.address, 77))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(77);
    });

    it("refuses ether sent with a transfer or an approval", async function () {
      const { registry, holder, buyer, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(
        registry
          .connect(holder)
          .transferFrom(holder.address, buyer.address, volumeLicense, { value: 1 }),
      )
        .to.be.revertedWithCustomError(registry, "RegistryEtherNotAccepted")
        .withArgs(1);
      await expect(registry.connect(holder).approve(buyer.address, volumeLicense, { value: 2 }))
        .to.be.revertedWithCustomError(registry, "RegistryEtherNotAccepted")
        .withArgs(2);
    });

    it("refuses suspended and expired licenses even when released", async function () {
      const { registry, publisher, holder, buyer, volumeLicense, termLicense, termValidUntil } =
        await loadFixture(licensesFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseIsSuspended")
        .withArgs(volumeLicense);

      await registry.connect(holder).release(termLicense, DECLARATION);
      await time.increaseTo(termValidUntil);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, termLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseExpired")
        .withArgs(termLicense, termValidUntil);
      expect(await registry.locked(termLicense)).to.equal(true);
    });

    it("lets a transferable term license move while it runs", async function () {
      const { registry, holder, buyer, termLicense } = await loadFixture(licensesFixture);
      expect(await registry.locked(termLicense)).to.equal(false);
      await registry.connect(holder).releaseAndTransfer(buyer.address, termLicense, DECLARATION);
      expect(await registry.isValidFor(termLicense, buyer.address)).to.equal(true);
    });
  });

  describe("attestDeactivation", function () {
    it("is needed where the product demands it, and consumed by the move", async function () {
      const { registry, publisher, holder, buyer, stranger, attestedLicense } =
        await loadFixture(licensesFixture);
      await expect(registry.connect(publisher).attestDeactivation(attestedLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
        .withArgs(attestedLicense);
      await registry.connect(holder).release(attestedLicense, DECLARATION);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, attestedLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseDeactivationNotAttested")
        .withArgs(attestedLicense);
      await expect(registry.connect(stranger).attestDeactivation(attestedLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "ProductNotController")
        .withArgs(3, stranger.address);
      await expect(registry.connect(publisher).attestDeactivation(attestedLicense, NO_HASH))
        .to.be.revertedWithCustomError(registry, "LicenseEvidenceMissing")
        .withArgs(attestedLicense);
      await expect(registry.connect(publisher).attestDeactivation(attestedLicense, EVIDENCE))
        .to.emit(registry, "LicenseDeactivationAttested")
        .withArgs(attestedLicense, publisher.address, EVIDENCE);
      expect((await registry.getLicense(attestedLicense)).attested).to.equal(true);
      await expect(registry.connect(publisher).attestDeactivation(attestedLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseAlreadyAttested")
        .withArgs(attestedLicense);
      await registry.connect(holder).transferFrom(holder.address, buyer.address, attestedLicense);
      expect((await registry.getLicense(attestedLicense)).attested).to.equal(false);

      await registry.connect(buyer).release(attestedLicense, DECLARATION);
      await expect(
        registry.connect(buyer).transferFrom(buyer.address, holder.address, attestedLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseDeactivationNotAttested")
        .withArgs(attestedLicense);
    });

    it("cannot be skipped with releaseAndTransfer", async function () {
      const { registry, holder, buyer, attestedLicense } = await loadFixture(licensesFixture);
      await expect(
        registry.connect(holder).releaseAndTransfer(buyer.address, attestedLicense, DECLARATION),
      )
        .to.be.revertedWithCustomError(registry, "LicenseDeactivationNotAttested")
        .withArgs(attestedLicense);
    });
  });

  describe("releaseAndTransfer", function () {
    it("releases and moves in one call, logging the declaration it relied on", async function () {
      const { registry, holder, buyer, volumeLicense, volume } = await loadFixture(licensesFixture);
      const tx = registry
        .connect(holder)
        .releaseAndTransfer(buyer.address, volumeLicense, DECLARATION);
      await expect(tx)
        .to.emit(registry, "LicenseReleased")
        .withArgs(volumeLicense, volume, holder.address, DECLARATION)
        .and.to.emit(registry, "Transfer")
        .withArgs(holder.address, buyer.address, volumeLicense);
      const license = await registry.getLicense(volumeLicense);
      expect(license.holder).to.equal(buyer.address);
      expect(license.status).to.equal(Status.Active);
      // The transient "already checked" flag was consumed: the buyer cannot move it without a release.
      await expect(
        registry.connect(buyer).transferFrom(buyer.address, holder.address, volumeLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseNotReleased")
        .withArgs(volumeLicense);
    });

    it("works for an approved operator and refuses anyone else", async function () {
      const { registry, holder, buyer, stranger, volumeLicense } =
        await loadFixture(licensesFixture);
      await expect(
        registry.connect(stranger).releaseAndTransfer(stranger.address, volumeLicense, DECLARATION),
      ).to.be.revertedWithCustomError(registry, "NotOwnerNorApproved");
      await registry.connect(holder).setApprovalForAll(stranger.address, true);
      await registry
        .connect(stranger)
        .releaseAndTransfer(buyer.address, volumeLicense, DECLARATION);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
    });

    it("refuses a license that is already released, not transferable, or unknown", async function () {
      const { registry, holder, buyer, volumeLicense, subscriptionLicense } =
        await loadFixture(licensesFixture);
      await expect(
        registry
          .connect(holder)
          .releaseAndTransfer(buyer.address, subscriptionLicense, DECLARATION),
      )
        .to.be.revertedWithCustomError(registry, "LicenseNotTransferable")
        .withArgs(subscriptionLicense);
      await expect(
        registry.connect(holder).releaseAndTransfer(buyer.address, volumeLicense, NO_HASH),
      )
        .to.be.revertedWithCustomError(registry, "LicenseDeclarationMissing")
        .withArgs(volumeLicense);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      await expect(
        registry.connect(holder).releaseAndTransfer(buyer.address, volumeLicense, DECLARATION),
      )
        .to.be.revertedWithCustomError(registry, "LicenseAlreadyReleased")
        .withArgs(volumeLicense);
      await expect(registry.connect(holder).releaseAndTransfer(buyer.address, 5, DECLARATION))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(5);
    });

    it("refuses the zero address as buyer", async function () {
      const { registry, holder, volumeLicense } = await loadFixture(licensesFixture);
      await expect(
        registry.connect(holder).releaseAndTransfer(ethers.ZeroAddress, volumeLicense, DECLARATION),
      ).to.be.revertedWithCustomError(registry, "TransferToZeroAddress");
    });
  });
});
