import { expect } from "chai";

import { DAY, DECLARATION, EVIDENCE, REASON_FRAUD } from "../../helpers/constants.js";
import { licensesFixture } from "../../helpers/fixtures.js";
import { networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;
const MAX_PAUSE = 3n * DAY;
const COOLDOWN = 7n * DAY;

describe("LicenseRegistry: emergency pause", function () {
  it("halts issuance, transfers and splits, but not invalidation or the holder's own declarations", async function () {
    const { registry, pauser, publisher, holder, buyer, volumeLicense, attestedLicense } =
      await loadFixture(licensesFixture);
    await registry.connect(holder).release(volumeLicense, DECLARATION);
    const tx = registry.connect(pauser).pause(MAX_PAUSE);
    await expect(tx).to.emit(registry, "Paused");
    const until = await registry.pausedUntil();
    expect(until).to.equal(BigInt(await time.latest()) + MAX_PAUSE);

    await expect(registry.connect(publisher).issue(1, holder.address, 1, 0))
      .to.be.revertedWithCustomError(registry, "RegistryPaused")
      .withArgs(until);
    await expect(
      registry.connect(publisher).issueBatch(1, [
        {
          holder: holder.address,
          seats: 1,
          validUntil: 0,
          keyCommitment: EVIDENCE,
          originEvidence: EVIDENCE,
        },
      ]),
    )
      .to.be.revertedWithCustomError(registry, "RegistryPaused")
      .withArgs(until);
    await expect(
      registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense),
    )
      .to.be.revertedWithCustomError(registry, "RegistryPaused")
      .withArgs(until);
    await expect(
      registry.connect(holder).releaseAndTransfer(buyer.address, attestedLicense, DECLARATION),
    )
      .to.be.revertedWithCustomError(registry, "RegistryPaused")
      .withArgs(until);
    await registry.connect(holder).withdrawRelease(volumeLicense);
    await expect(registry.connect(holder).split(volumeLicense, [50, 50]))
      .to.be.revertedWithCustomError(registry, "RegistryPaused")
      .withArgs(until);
    await registry.connect(holder).release(volumeLicense, DECLARATION);
    await registry.connect(publisher).revoke(attestedLicense, REASON_FRAUD, EVIDENCE);

    // The pause lapses by itself.
    await time.increaseTo(until);
    await registry.connect(holder).transferFrom(holder.address, buyer.address, volumeLicense);
    expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
  });

  it("is bounded: at most MAX_PAUSE_DURATION, never renewed before the cool-down", async function () {
    const { registry, pauser } = await loadFixture(licensesFixture);
    expect(await registry.MAX_PAUSE_DURATION()).to.equal(MAX_PAUSE);
    expect(await registry.PAUSE_COOLDOWN()).to.equal(COOLDOWN);
    await expect(registry.connect(pauser).pause(0))
      .to.be.revertedWithCustomError(registry, "RegistryPauseDurationInvalid")
      .withArgs(0, MAX_PAUSE);
    await expect(registry.connect(pauser).pause(MAX_PAUSE + 1n))
      .to.be.revertedWithCustomError(registry, "RegistryPauseDurationInvalid")
      .withArgs(MAX_PAUSE + 1n, MAX_PAUSE);
    await registry.connect(pauser).pause(DAY);
    const until = await registry.pausedUntil();
    await expect(registry.connect(pauser).pause(DAY))
      .to.be.revertedWithCustomError(registry, "RegistryPaused")
      .withArgs(until);
    await time.increaseTo(until);
    await expect(registry.connect(pauser).pause(DAY))
      .to.be.revertedWithCustomError(registry, "RegistryPauseCoolingDown")
      .withArgs(until + COOLDOWN);
    await time.increaseTo(until + COOLDOWN);
    await registry.connect(pauser).pause(DAY);
  });

  it("can be lifted early; the cool-down then counts from the lifting", async function () {
    const { registry, pauser, publisher, holder } = await loadFixture(licensesFixture);
    await expect(registry.connect(pauser).unpause()).to.be.revertedWithCustomError(
      registry,
      "RegistryNotPaused",
    );
    await registry.connect(pauser).pause(MAX_PAUSE);
    await expect(registry.connect(pauser).unpause())
      .to.emit(registry, "Unpaused")
      .withArgs(pauser.address);
    const liftedAt = BigInt(await time.latest());
    expect(await registry.pausedUntil()).to.equal(liftedAt);
    await registry.connect(publisher).issue(1, holder.address, 1, 0);
    await expect(registry.connect(pauser).pause(DAY))
      .to.be.revertedWithCustomError(registry, "RegistryPauseCoolingDown")
      .withArgs(liftedAt + COOLDOWN);
    await expect(registry.connect(pauser).unpause()).to.be.revertedWithCustomError(
      registry,
      "RegistryNotPaused",
    );
  });
});
