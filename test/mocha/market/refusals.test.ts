import { expect } from "chai";
import { concat, dataSlice, getAddress, getBytes, parseEther, toBeHex, ZeroHash } from "ethers";

import { DECLARATION } from "../../helpers/constants.js";
import { MARKET_FEE_BPS, marketFixture } from "../../helpers/fixtures.js";
import { expectNoCustody, malleate, signedSellOrder } from "../../helpers/market.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { type SellOrder, signSellOrder } from "../../helpers/orders.js";

const { loadFixture, time } = networkHelpers;

const PRICE = parseEther("1");
const FEE = (PRICE * MARKET_FEE_BPS) / 10_000n;
const TOTAL = PRICE + FEE;
const ECRECOVER = "0x0000000000000000000000000000000000000001";

/** The holder's ETH order for its volume license, at 1 ETH, with its declaration. */
async function listedFixture() {
  const f = await marketFixture();
  const listing = await signedSellOrder(f.market, f.holder, {
    licenseId: f.volumeLicense,
    price: PRICE,
    declarationHash: DECLARATION,
  });
  return { ...f, ...listing };
}

describe("LicenseMarket: refusals", function () {
  describe("when the order expired", function () {
    it("fills at exactly its expiry", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, holder, buyer, volumeLicense } = f;
      const expiry = BigInt(await time.latest()) + 600n;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        expiry,
        declarationHash: DECLARATION,
      });
      await time.setNextBlockTimestamp(expiry);
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      await expectNoCustody(f);
    });

    it("refuses it one second later", async function () {
      const { market, registry, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const expiry = BigInt(await time.latest()) + 600n;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        expiry,
        nonce: 12n,
        declarationHash: DECLARATION,
      });
      await time.setNextBlockTimestamp(expiry + 1n);
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketOrderExpired")
        .withArgs(holder.address, 12n, expiry);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });
  });

  describe("when the order was already filled", function () {
    it("refuses a second fill, by anyone", async function () {
      const f = await loadFixture(listedFixture);
      const { market, holder, buyer, stranger, order, signature } = f;
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      for (const taker of [buyer, stranger]) {
        await expect(market.connect(taker).buy(order, signature, TOTAL, { value: TOTAL }))
          .to.be.revertedWithCustomError(market, "MarketNonceUsed")
          .withArgs(holder.address, 0n);
      }
      await expectNoCustody(f);
    });
  });

  describe("when the seller cancelled the order by nonce", function () {
    it("records the nonce, logs it and refuses the order", async function () {
      const f = await loadFixture(listedFixture);
      const { market, holder, buyer, order, signature } = f;
      await expect(market.connect(holder).cancelOrders([0n, 300n]))
        .to.emit(market, "OrderCancelled")
        .withArgs(holder.address, 0n)
        .and.to.emit(market, "OrderCancelled")
        .withArgs(holder.address, 300n);
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(true);
      expect(await market.isNonceUsed(holder.address, 300n)).to.equal(true);
      expect(await market.isNonceUsed(holder.address, 1n)).to.equal(false);
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketNonceUsed")
        .withArgs(holder.address, 0n);
      await expectNoCustody(f);
    });

    it("is idempotent: cancelling a cancelled or filled nonce again succeeds", async function () {
      const { market, holder, buyer, order, signature } = await loadFixture(listedFixture);
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      await expect(market.connect(holder).cancelOrders([0n, 0n]))
        .to.emit(market, "OrderCancelled")
        .withArgs(holder.address, 0n);
      await expect(market.connect(holder).cancelOrders([0n])).not.to.be.revert(ethers);
      await expect(market.connect(holder).cancelOrders([])).not.to.emit(market, "OrderCancelled");
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(true);
    });

    it("cancels only the caller's own nonces", async function () {
      const f = await loadFixture(listedFixture);
      const { market, registry, buyer, stranger, volumeLicense, order, signature } = f;
      await market.connect(stranger).cancelOrders([0n]);
      expect(await market.isNonceUsed(stranger.address, 0n)).to.equal(true);
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
    });
  });

  describe("when the seller cancelled all its orders", function () {
    it("bumps the counter, logs it and refuses orders of the old counter", async function () {
      const { market, holder, buyer, order, signature } = await loadFixture(listedFixture);
      expect(await market.connect(holder).cancelAllOrders.staticCall()).to.equal(1n);
      await expect(market.connect(holder).cancelAllOrders())
        .to.emit(market, "AllOrdersCancelled")
        .withArgs(holder.address, 1n);
      expect(await market.counterOf(holder.address)).to.equal(1n);
      expect(await market.counterOf(buyer.address)).to.equal(0n);
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketOrderCounterMismatch")
        .withArgs(holder.address, 0n, 1n);
      // The nonce was not consumed by the cancellation.
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(false);
    });

    it("fills new orders signed at the new counter, even with an old nonce", async function () {
      const f = await loadFixture(listedFixture);
      const { market, registry, holder, buyer, volumeLicense } = f;
      await market.connect(holder).cancelAllOrders();
      const renewed = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        counter: 1n,
        declarationHash: DECLARATION,
      });
      await market.connect(buyer).buy(renewed.order, renewed.signature, TOTAL, { value: TOTAL });
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      await expectNoCustody(f);
    });

    it("refuses an order signed for a counter not reached yet", async function () {
      const { market, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const early = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        counter: 2n,
        declarationHash: DECLARATION,
      });
      await market.connect(holder).cancelAllOrders();
      await expect(market.connect(buyer).buy(early.order, early.signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketOrderCounterMismatch")
        .withArgs(holder.address, 2n, 1n);
    });
  });

  describe("when the signature is not the seller's over this order", function () {
    it("refuses a signature by another account", async function () {
      const { market, holder, buyer, stranger, order } = await loadFixture(listedFixture);
      const forged = await signSellOrder(stranger, market, order);
      await expect(market.connect(buyer).buy(order, forged, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(holder.address);
    });

    it("refuses an order whose signed fields were tampered with", async function () {
      const f = await loadFixture(listedFixture);
      const { market, holder, buyer, stranger, usdc, order, signature } = f;
      const tampered: [string, Partial<SellOrder>][] = [
        ["licenseId", { licenseId: f.termLicense }],
        ["currency", { currency: await usdc.getAddress() }],
        ["price", { price: PRICE / 2n }],
        ["expiry", { expiry: order.expiry - 1n }],
        ["nonce", { nonce: 1n }],
        ["declarationHash", { declarationHash: ZeroHash }],
      ];
      for (const [field, change] of tampered) {
        await expect(
          market.connect(buyer).buy({ ...order, ...change }, signature, TOTAL, { value: TOTAL }),
          field,
        )
          .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
          .withArgs(holder.address);
      }
      // Naming another seller makes the signature that seller's problem.
      await expect(
        market
          .connect(buyer)
          .buy({ ...order, seller: stranger.address }, signature, TOTAL, { value: TOTAL }),
      )
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(stranger.address);
    });

    it("refuses the malleable twin of a valid signature, and malformed signatures", async function () {
      const { market, holder, buyer, order, signature } = await loadFixture(listedFixture);
      // The twin is a valid secp256k1 signature: the ecrecover precompile recovers the holder.
      const twin = getBytes(malleate(signature));
      const recovered = await ethers.provider.call({
        to: ECRECOVER,
        data: concat([
          await market.hashSellOrder(order),
          toBeHex(twin[64]!, 32),
          twin.slice(0, 32),
          twin.slice(32, 64),
        ]),
      });
      expect(getAddress(dataSlice(recovered, 12))).to.equal(holder.address);
      for (const bad of [malleate(signature), "0x", signature.slice(0, 130), signature + "00"]) {
        await expect(market.connect(buyer).buy(order, bad, TOTAL, { value: TOTAL }))
          .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
          .withArgs(holder.address);
      }
      // The genuine one still fills: the failures used nothing up.
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
    });
  });

  describe("when the license moved since the order was signed", function () {
    it("refuses the order, naming the license's current holder", async function () {
      const { market, registry, holder, buyer, stranger, volumeLicense, order, signature } =
        await loadFixture(listedFixture);
      await registry
        .connect(holder)
        .releaseAndTransfer(stranger.address, volumeLicense, DECLARATION);
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketSellerNotHolder")
        .withArgs(volumeLicense, holder.address, stranger.address);
    });
  });

  describe("when the seller withdrew the market's approval", function () {
    it("refuses an order carrying a declaration", async function () {
      const { market, registry, holder, buyer, volumeLicense, marketAddress, order, signature } =
        await loadFixture(listedFixture);
      await registry.connect(holder).setApprovalForAll(marketAddress, false);
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketNotApproved")
        .withArgs(holder.address, volumeLicense);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });

    it("refuses an order for a license the seller released itself", async function () {
      const { market, registry, holder, buyer, volumeLicense, marketAddress } =
        await loadFixture(marketFixture);
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
      });
      await registry.connect(holder).setApprovalForAll(marketAddress, false);
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketNotApproved")
        .withArgs(holder.address, volumeLicense);
    });

    it("fills with a single-license approval instead of approval for all", async function () {
      const f = await loadFixture(listedFixture);
      const { market, registry, holder, buyer, volumeLicense, marketAddress } = f;
      await registry.connect(holder).setApprovalForAll(marketAddress, false);
      await registry.connect(holder).approve(marketAddress, volumeLicense);
      await market.connect(buyer).buy(f.order, f.signature, TOTAL, { value: TOTAL });
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      await expectNoCustody(f);
    });
  });

  describe("when the buyer's bound is below price + fee", function () {
    it("refuses a maxTotal one wei short", async function () {
      const { market, buyer, order, signature } = await loadFixture(listedFixture);
      await expect(market.connect(buyer).buy(order, signature, TOTAL - 1n, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketTotalAboveMax")
        .withArgs(TOTAL, TOTAL - 1n);
      await expect(market.connect(buyer).buy(order, signature, PRICE, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketTotalAboveMax")
        .withArgs(TOTAL, PRICE);
    });

    it("refuses a purchase after the admin raised the fee between quote and buy", async function () {
      const f = await loadFixture(listedFixture);
      const { market, admin, buyer, feeRecipient, order, signature } = f;
      const [quoted] = await market.quote(order.price);
      await market.connect(admin).setFee(feeRecipient.address, 1000); // front-runs the buyer
      const raised = PRICE + PRICE / 10n;
      expect((await market.quote(order.price))[0]).to.equal(raised);
      await expect(market.connect(buyer).buy(order, signature, quoted, { value: parseEther("5") }))
        .to.be.revertedWithCustomError(market, "MarketTotalAboveMax")
        .withArgs(raised, quoted);
      await expectNoCustody(f);
    });

    it("still pays the seller exactly its price when the buyer accepts the raised fee", async function () {
      const f = await loadFixture(listedFixture);
      const { market, admin, holder, buyer, feeRecipient, order, signature } = f;
      await market.connect(admin).setFee(feeRecipient.address, 1000);
      const raised = PRICE + PRICE / 10n;
      await expect(
        market.connect(buyer).buy(order, signature, raised, { value: raised }),
      ).to.changeEtherBalances(ethers, [holder, buyer, market], [PRICE, -raised, PRICE / 10n]);
      expect(await market.owed(feeRecipient.address)).to.equal(PRICE / 10n);
      await expectNoCustody(f);
    });
  });

  describe("when the ETH sent does not cover the total", function () {
    it("refuses it, naming the total and what was sent", async function () {
      const { market, buyer, order, signature } = await loadFixture(listedFixture);
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL - 1n }))
        .to.be.revertedWithCustomError(market, "MarketEtherInsufficient")
        .withArgs(TOTAL, TOTAL - 1n);
      await expect(market.connect(buyer).buy(order, signature, TOTAL))
        .to.be.revertedWithCustomError(market, "MarketEtherInsufficient")
        .withArgs(TOTAL, 0n);
      // Exactly PRICE is not enough either: the fee comes on top.
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: PRICE }))
        .to.be.revertedWithCustomError(market, "MarketEtherInsufficient")
        .withArgs(TOTAL, PRICE);
    });
  });

  describe("when the license does not exist", function () {
    it("fails with the registry's error", async function () {
      const { market, registry, holder, buyer } = await loadFixture(marketFixture);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: 999n,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(999n);
    });
  });
});
