import { expect } from "chai";
import { parseEther, parseUnits, ZeroHash } from "ethers";

import { DECLARATION, EVIDENCE, REASON_FRAUD, Status } from "../../helpers/constants.js";
import { type MarketFixture, marketFixture } from "../../helpers/fixtures.js";
import { expectNoCustody, signedBuyOffer, signedSellOrder } from "../../helpers/market.js";
import { networkHelpers } from "../../helpers/network.js";

const { loadFixture, time } = networkHelpers;

const PRICE = parseEther("1");
const TOTAL = parseEther("1.025");
const USDC_PRICE = parseUnits("500", 6);

interface DeadCase {
  when: string;
  /** The license listed (by `holder`). */
  license: (f: MarketFixture) => bigint;
  /** The declaration the order carries (or the holder names when accepting). */
  declaration: string;
  /** What happens to the license after the order was signed. */
  after?: (f: MarketFixture) => Promise<unknown>;
  /** The registry's error and its arguments. */
  error: string;
  args: (f: MarketFixture) => Promise<unknown[]>;
}

/** Every way a license stops being sellable; an order for it dies with the registry's error. */
const CASES: DeadCase[] = [
  {
    when: "the publisher revoked it",
    license: (f) => f.volumeLicense,
    declaration: DECLARATION,
    after: (f) => f.registry.connect(f.publisher).revoke(f.volumeLicense, REASON_FRAUD, EVIDENCE),
    error: "LicenseEnded",
    args: async (f) => [f.volumeLicense, Status.Revoked],
  },
  {
    when: "a dispute suspended it",
    license: (f) => f.volumeLicense,
    declaration: DECLARATION,
    after: (f) => f.registry.connect(f.arbiter).suspend(f.volumeLicense, EVIDENCE),
    error: "LicenseIsSuspended",
    args: async (f) => [f.volumeLicense],
  },
  {
    when: "its term ran out",
    license: (f) => f.termLicense,
    declaration: DECLARATION,
    after: (f) => time.increaseTo(f.termValidUntil),
    error: "LicenseExpired",
    args: async (f) => [f.termLicense, f.termValidUntil],
  },
  {
    when: "the holder split it",
    license: (f) => f.volumeLicense,
    declaration: DECLARATION,
    after: (f) => f.registry.connect(f.holder).split(f.volumeLicense, [40, 60]),
    error: "LicenseEnded",
    args: async (f) => [f.volumeLicense, Status.Split],
  },
  {
    when: "the holder surrendered it",
    license: (f) => f.volumeLicense,
    declaration: DECLARATION,
    after: (f) => f.registry.connect(f.holder).surrender(f.volumeLicense),
    error: "LicenseEnded",
    args: async (f) => [f.volumeLicense, Status.Surrendered],
  },
  {
    when: "its product forbids resale (a subscription)",
    license: (f) => f.subscriptionLicense,
    declaration: DECLARATION,
    error: "LicenseNotTransferable",
    args: async (f) => [f.subscriptionLicense],
  },
  {
    when: "its product needs the publisher's attestation and the order carries a declaration",
    license: (f) => f.attestedLicense,
    declaration: DECLARATION,
    error: "LicenseDeactivationNotAttested",
    args: async (f) => [f.attestedLicense],
  },
  {
    when: "the registry is paused",
    license: (f) => f.volumeLicense,
    declaration: DECLARATION,
    after: (f) => f.registry.connect(f.pauser).pause(3600),
    error: "RegistryPaused",
    args: async (f) => [await f.registry.pausedUntil()],
  },
  {
    when: "the order carries no declaration and the holder never released it",
    license: (f) => f.volumeLicense,
    declaration: ZeroHash,
    error: "LicenseNotReleased",
    args: async (f) => [f.volumeLicense],
  },
  {
    when: "the holder withdrew its own release",
    license: (f) => f.volumeLicense,
    declaration: ZeroHash,
    after: async (f) => {
      await f.registry.connect(f.holder).release(f.volumeLicense, DECLARATION);
      await f.registry.connect(f.holder).withdrawRelease(f.volumeLicense);
    },
    error: "LicenseNotReleased",
    args: async (f) => [f.volumeLicense],
  },
  {
    when: "the holder released it itself although the order carries a declaration",
    license: (f) => f.volumeLicense,
    declaration: DECLARATION,
    after: (f) => f.registry.connect(f.holder).release(f.volumeLicense, DECLARATION),
    error: "LicenseAlreadyReleased",
    args: async (f) => [f.volumeLicense],
  },
];

describe("LicenseMarket: orders die with their license", function () {
  describe("buy", function () {
    for (const c of CASES) {
      it(`fails with the registry's ${c.error} when ${c.when}`, async function () {
        const f = await loadFixture(marketFixture);
        const { market, registry, holder, buyer } = f;
        const licenseId = c.license(f);
        const { order, signature } = await signedSellOrder(market, holder, {
          licenseId,
          price: PRICE,
          declarationHash: c.declaration,
        });
        if (c.after !== undefined) await c.after(f);
        await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
          .to.be.revertedWithCustomError(registry, c.error)
          .withArgs(...(await c.args(f)));
        expect(await registry.ownerOf(licenseId)).to.equal(holder.address);
        expect(await market.isNonceUsed(holder.address, order.nonce)).to.equal(false);
        await expectNoCustody(f);
      });
    }
  });

  describe("acceptOffer", function () {
    for (const c of CASES) {
      it(`fails with the registry's ${c.error} when ${c.when}`, async function () {
        const f = await loadFixture(marketFixture);
        const { market, registry, usdc, holder, buyer } = f;
        const licenseId = c.license(f);
        const { order: offer, signature } = await signedBuyOffer(market, buyer, {
          licenseId,
          currency: await usdc.getAddress(),
          price: USDC_PRICE,
        });
        if (c.after !== undefined) await c.after(f);
        await expect(market.connect(holder).acceptOffer(offer, signature, c.declaration, 0n))
          .to.be.revertedWithCustomError(registry, c.error)
          .withArgs(...(await c.args(f)));
        expect(await registry.ownerOf(licenseId)).to.equal(holder.address);
        expect(await market.isNonceUsed(buyer.address, offer.nonce)).to.equal(false);
      });
    }
  });

  describe("when the registry's pause lapses", function () {
    it("fills the order again: a pause only delays it", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, pauser, holder, buyer, volumeLicense } = f;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      await registry.connect(pauser).pause(3600);
      await time.increaseTo(await registry.pausedUntil());
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      await expectNoCustody(f);
    });
  });

  describe("when the same license is listed twice", function () {
    it("fills one order; the other then fails as the seller no longer holds it", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, holder, buyer, stranger, volumeLicense } = f;
      const cheap = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        nonce: 0n,
        declarationHash: DECLARATION,
      });
      const dear = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: 2n * PRICE,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      await market.connect(buyer).buy(cheap.order, cheap.signature, TOTAL, { value: TOTAL });
      await expect(
        market.connect(stranger).buy(dear.order, dear.signature, 2n * TOTAL, { value: 2n * TOTAL }),
      )
        .to.be.revertedWithCustomError(market, "MarketSellerNotHolder")
        .withArgs(volumeLicense, holder.address, buyer.address);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await market.isNonceUsed(holder.address, 1n)).to.equal(false);
      await expectNoCustody(f);
    });
  });

  describe("when the product needs the publisher's attestation and it is done right", function () {
    it("fills an order without declaration after the holder released and the publisher attested", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, publisher, holder, buyer, attestedLicense } = f;
      await registry.connect(holder).release(attestedLicense, DECLARATION);
      await registry.connect(publisher).attestDeactivation(attestedLicense, EVIDENCE);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: attestedLicense,
        price: PRICE,
        declarationHash: ZeroHash,
      });
      const tx = market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      await expect(tx).not.to.emit(registry, "LicenseReleased");
      await expect(tx)
        .to.emit(registry, "Transfer")
        .withArgs(holder.address, buyer.address, attestedLicense);
      const license = await registry.getLicense(attestedLicense);
      expect(license.holder).to.equal(buyer.address);
      expect(license.status).to.equal(Status.Active);
      // The attestation was consumed by the move.
      expect(license.attested).to.equal(false);
      await expectNoCustody(f);
    });

    it("refuses the same order while the attestation is missing", async function () {
      const { market, registry, holder, buyer, attestedLicense } = await loadFixture(marketFixture);
      await registry.connect(holder).release(attestedLicense, DECLARATION);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: attestedLicense,
        price: PRICE,
      });
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(registry, "LicenseDeactivationNotAttested")
        .withArgs(attestedLicense);
    });
  });
});
