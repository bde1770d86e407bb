import { expect } from "chai";

import { DAY, DECLARATION, EVIDENCE, ROLES, VOLUME_TERMS } from "../../helpers/constants.js";
import { licensesFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;

const SUSPENSION_PERIOD = 30n * DAY;
const ATTESTATION_PERIOD = 14n * DAY;

/** Issue 14: what a hostile publisher could do with the first edition's powers, and may not. */
describe("LicenseRegistry: a publisher cannot block a lawful resale (issue 14)", function () {
  it("publishes its periods", async function () {
    const { registry } = await loadFixture(licensesFixture);
    expect(await registry.CONTROLLER_SUSPENSION_PERIOD()).to.equal(SUSPENSION_PERIOD);
    expect(await registry.ATTESTATION_PERIOD()).to.equal(ATTESTATION_PERIOD);
  });

  describe("when the controller freezes a resale (item 2)", function () {
    it("bounds its suspension, which lapses by itself, and says so in an event", async function () {
      const { registry, publisher, holder, buyer, volumeLicense } =
        await loadFixture(licensesFixture);
      const tx = await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
      const block = await ethers.provider.getBlock((await tx.wait())!.blockNumber);
      const lapsesAt = BigInt(block!.timestamp) + SUSPENSION_PERIOD;
      await expect(tx)
        .to.emit(registry, "LicenseSuspensionBounded")
        .withArgs(volumeLicense, 1n, lapsesAt);
      expect((await registry.getLicense(volumeLicense)).suspensionLapsesAt).to.equal(lapsesAt);
      await time.increaseTo(lapsesAt);
      const view = await registry.getLicense(volumeLicense);
      expect(view.suspended).to.equal(false);
      expect(view.valid).to.equal(true);
      await registry.connect(holder).releaseAndTransfer(buyer.address, volumeLicense, DECLARATION);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
    });

    it("cannot renew its suspension in the same holding", async function () {
      const { registry, publisher, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
      await time.increase(SUSPENSION_PERIOD);
      await expect(registry.connect(publisher).suspend(volumeLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseControllerSuspensionUsed")
        .withArgs(volumeLicense, 0);
    });

    it("never suspends again once an arbiter reinstated the license", async function () {
      const { registry, publisher, arbiter, volumeLicense } = await loadFixture(licensesFixture);
      await registry.connect(publisher).suspend(volumeLicense, EVIDENCE);
      await expect(registry.connect(arbiter).reinstate(volumeLicense, EVIDENCE))
        .to.emit(registry, "LicenseArbiterReinstated")
        .withArgs(volumeLicense, 1n, arbiter.address);
      await expect(registry.connect(publisher).suspend(volumeLicense, EVIDENCE))
        .to.be.revertedWithCustomError(registry, "LicenseSuspensionReservedToArbiters")
        .withArgs(volumeLicense);
      // The arbiter's own suspension does not lapse and is not bounded.
      await expect(registry.connect(arbiter).suspend(volumeLicense, EVIDENCE)).not.to.emit(
        registry,
        "LicenseSuspensionBounded",
      );
      await time.increase(10n * SUSPENSION_PERIOD);
      expect((await registry.getLicense(volumeLicense)).suspended).to.equal(true);
    });
  });

  describe("when the admin revokes a compromised operator's role (item 4)", function () {
    it("hands its products to another operator after the delay, in events, and nothing more", async function () {
      const { registry, admin, operator, stranger, absentPublisher } =
        await loadFixture(licensesFixture);
      await registry
        .connect(operator)
        .registerProductForPublisher(absentPublisher.address, VOLUME_TERMS, "");
      await registry.connect(admin).revokeRole(ROLES.OPERATOR, operator.address);
      await registry.connect(admin).grantRole(ROLES.OPERATOR, stranger.address);
      const tx = await registry.connect(admin).startProductControlRecovery(5, stranger.address);
      const block = await ethers.provider.getBlock((await tx.wait())!.blockNumber);
      const readyAt = BigInt(block!.timestamp) + 7n * DAY;
      await expect(tx)
        .to.emit(registry, "ProductControlRecoveryStarted")
        .withArgs(5n, operator.address, stranger.address, readyAt);
      await expect(registry.connect(stranger).completeProductControlRecovery(5))
        .to.be.revertedWithCustomError(registry, "ProductRecoveryNotReady")
        .withArgs(5n, readyAt);
      await time.increaseTo(readyAt);
      await expect(registry.connect(stranger).completeProductControlRecovery(5))
        .to.emit(registry, "ProductControlRecovered")
        .withArgs(5n, operator.address, stranger.address)
        .and.to.emit(registry, "ProductControlTransferred")
        .withArgs(5n, operator.address, stranger.address);
      const product = await registry.getProduct(5);
      expect(product.controller).to.equal(stranger.address);
      // The invitation the old operator made lapsed: the new one invites the publisher again.
      expect(product.pendingController).to.equal(ethers.ZeroAddress);
    });
  });

  describe("when the controller withholds its attestation (item 3)", function () {
    it("lets the license move on the holder's declaration alone after the period", async function () {
      const { registry, holder, buyer, attestedLicense } = await loadFixture(licensesFixture);
      await registry.connect(holder).release(attestedLicense, DECLARATION);
      const sufficesAt = BigInt(await time.latest()) + ATTESTATION_PERIOD;
      expect((await registry.getLicense(attestedLicense)).declarationSufficesAt).to.equal(
        sufficesAt,
      );
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, attestedLicense),
      )
        .to.be.revertedWithCustomError(registry, "LicenseDeactivationNotAttested")
        .withArgs(attestedLicense);
      await time.increaseTo(sufficesAt - 1n);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, attestedLicense),
      )
        .to.emit(registry, "LicenseAttestationLapsed")
        .withArgs(attestedLicense, 3n, sufficesAt);
      expect(await registry.ownerOf(attestedLicense)).to.equal(buyer.address);
    });

    it("emits no lapse when the controller attested in time", async function () {
      const { registry, publisher, holder, buyer, attestedLicense } =
        await loadFixture(licensesFixture);
      await registry.connect(holder).release(attestedLicense, DECLARATION);
      await registry.connect(publisher).attestDeactivation(attestedLicense, EVIDENCE);
      await expect(
        registry.connect(holder).transferFrom(holder.address, buyer.address, attestedLicense),
      ).not.to.emit(registry, "LicenseAttestationLapsed");
    });
  });
});
