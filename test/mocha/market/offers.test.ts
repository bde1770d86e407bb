import { expect } from "chai";
import { parseEther, parseUnits, ZeroHash } from "ethers";

import { DECLARATION, Status } from "../../helpers/constants.js";
import { MARKET_FEE_BPS, marketFixture, marketWalletsFixture } from "../../helpers/fixtures.js";
import { expectNoCustody, signedBuyOffer, signedSellOrder } from "../../helpers/market.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { ETH, signBuyOffer } from "../../helpers/orders.js";

const { loadFixture, time } = networkHelpers;

const PRICE = parseUnits("2000", 6);
const FEE = (PRICE * MARKET_FEE_BPS) / 10_000n; // 50 USDC
const PROCEEDS = PRICE - FEE;

describe("LicenseMarket: acceptOffer", function () {
  describe("when the holder accepts a buyer's signed offer", function () {
    it("releases with the holder's declaration, moves the license and pays price - fee", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, usdc, holder, buyer, feeRecipient, volume, volumeLicense } = f;
      const currency = await usdc.getAddress();
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency,
        price: PRICE,
      });
      expect(
        await market.connect(holder).acceptOffer.staticCall(offer, signature, DECLARATION, 0n),
      ).to.equal(PROCEEDS);
      const tx = market.connect(holder).acceptOffer(offer, signature, DECLARATION, PROCEEDS);
      await expect(tx).to.changeTokenBalances(
        ethers,
        usdc,
        [buyer, holder, feeRecipient, market],
        [-PRICE, PROCEEDS, FEE, 0n],
      );
      await expect(tx)
        .to.emit(registry, "LicenseReleased")
        .withArgs(volumeLicense, volume, holder.address, DECLARATION);
      await expect(tx)
        .to.emit(registry, "Transfer")
        .withArgs(holder.address, buyer.address, volumeLicense);
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(
          volumeLicense,
          holder.address,
          buyer.address,
          currency,
          PRICE,
          PRICE,
          FEE,
          await market.hashBuyOffer(offer),
        );
      const license = await registry.getLicense(volumeLicense);
      expect(license.holder).to.equal(buyer.address);
      expect(license.status).to.equal(Status.Active);
      expect(await market.isNonceUsed(buyer.address, offer.nonce)).to.equal(true);
      expect(await market.owed(feeRecipient.address)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("moves a license the holder released itself when it names no declaration", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, usdc, holder, buyer, volumeLicense } = f;
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      const tx = market.connect(holder).acceptOffer(offer, signature, ZeroHash, 0n);
      await expect(tx).not.to.emit(registry, "LicenseReleased");
      await expect(tx)
        .to.emit(registry, "Transfer")
        .withArgs(holder.address, buyer.address, volumeLicense);
      await expectNoCustody(f);
    });

    it("costs the buyer exactly its price even after a fee increase; the seller bears it", async function () {
      const f = await loadFixture(marketFixture);
      const { market, usdc, admin, holder, buyer, feeRecipient, volumeLicense } = f;
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      await market.connect(admin).setFee(feeRecipient.address, 1000);
      const newFee = PRICE / 10n;
      await expect(
        market.connect(holder).acceptOffer(offer, signature, DECLARATION, PRICE - newFee),
      ).to.changeTokenBalances(
        ethers,
        usdc,
        [buyer, holder, feeRecipient],
        [-PRICE, PRICE - newFee, newFee],
      );
      await expectNoCustody(f);
    });
  });

  describe("when the holder's bound is not met", function () {
    it("refuses proceeds below minProceeds", async function () {
      const { market, usdc, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      await expect(market.connect(holder).acceptOffer(offer, signature, DECLARATION, PROCEEDS + 1n))
        .to.be.revertedWithCustomError(market, "MarketProceedsBelowMin")
        .withArgs(PROCEEDS, PROCEEDS + 1n);
    });

    it("protects the holder from a fee raised after it decided to accept", async function () {
      const { market, usdc, admin, holder, buyer, feeRecipient, volumeLicense } =
        await loadFixture(marketFixture);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      await market.connect(admin).setFee(feeRecipient.address, 1000);
      await expect(market.connect(holder).acceptOffer(offer, signature, DECLARATION, PROCEEDS))
        .to.be.revertedWithCustomError(market, "MarketProceedsBelowMin")
        .withArgs(PRICE - PRICE / 10n, PROCEEDS);
    });
  });

  describe("when the offer cannot be accepted", function () {
    it("refuses an offer in ETH: the market cannot pull a buyer's ETH", async function () {
      const { market, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: ETH,
        price: parseEther("1"),
      });
      await expect(
        market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n),
      ).to.be.revertedWithCustomError(market, "MarketTokenRequired");
    });

    it("refuses a caller who does not hold the license", async function () {
      const { market, registry, usdc, holder, buyer, stranger, volumeLicense } =
        await loadFixture(marketFixture);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      await expect(market.connect(stranger).acceptOffer(offer, signature, DECLARATION, 0n))
        .to.be.revertedWithCustomError(market, "MarketSellerNotHolder")
        .withArgs(volumeLicense, stranger.address, holder.address);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });

    it("refuses an offer accepted twice", async function () {
      const { market, usdc, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
        nonce: 3n,
      });
      await market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n);
      await expect(market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n))
        .to.be.revertedWithCustomError(market, "MarketNonceUsed")
        .withArgs(buyer.address, 3n);
    });

    it("refuses an offer past its expiry, and accepts it at exactly its expiry", async function () {
      const { market, usdc, holder, buyer, volumeLicense, termLicense } =
        await loadFixture(marketFixture);
      const expiry = BigInt(await time.latest()) + 3600n;
      const currency = await usdc.getAddress();
      const late = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency,
        price: PRICE,
        expiry,
      });
      const onTime = await signedBuyOffer(market, buyer, {
        licenseId: termLicense,
        currency,
        price: PRICE,
        expiry,
        nonce: 1n,
      });
      await time.setNextBlockTimestamp(expiry);
      await market.connect(holder).acceptOffer(onTime.order, onTime.signature, DECLARATION, 0n);
      await expect(market.connect(holder).acceptOffer(late.order, late.signature, DECLARATION, 0n))
        .to.be.revertedWithCustomError(market, "MarketOrderExpired")
        .withArgs(buyer.address, 0n, expiry);
    });

    it("refuses an offer not signed by its buyer", async function () {
      const { market, usdc, holder, buyer, stranger, volumeLicense } =
        await loadFixture(marketFixture);
      const { order: offer } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      const forged = await signBuyOffer(stranger, market, offer);
      await expect(market.connect(holder).acceptOffer(offer, forged, DECLARATION, 0n))
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(buyer.address);
    });

    it("refuses an offer cancelled by nonce or by counter", async function () {
      const { market, usdc, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const currency = await usdc.getAddress();
      const first = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency,
        price: PRICE,
      });
      const second = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency,
        price: PRICE,
        nonce: 1n,
      });
      await market.connect(buyer).cancelOrders([0n]);
      await expect(
        market.connect(holder).acceptOffer(first.order, first.signature, DECLARATION, 0n),
      )
        .to.be.revertedWithCustomError(market, "MarketNonceUsed")
        .withArgs(buyer.address, 0n);
      await market.connect(buyer).cancelAllOrders();
      await expect(
        market.connect(holder).acceptOffer(second.order, second.signature, DECLARATION, 0n),
      )
        .to.be.revertedWithCustomError(market, "MarketOrderCounterMismatch")
        .withArgs(buyer.address, 0n, 1n);
    });

    it("shares nonces between a maker's sell orders and its offers", async function () {
      const { market, usdc, holder, buyer, stranger, buyerLicense, volumeLicense } =
        await loadFixture(marketFixture);
      const sale = await signedSellOrder(market, buyer, {
        licenseId: buyerLicense,
        price: 0n,
        nonce: 7n,
        declarationHash: DECLARATION,
      });
      await market.connect(stranger).buy(sale.order, sale.signature, 0n);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
        nonce: 7n,
      });
      await expect(market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n))
        .to.be.revertedWithCustomError(market, "MarketNonceUsed")
        .withArgs(buyer.address, 7n);
    });

    it("fails with the token's error when the buyer's allowance was withdrawn", async function () {
      const { market, usdc, holder, buyer, volumeLicense, marketAddress } =
        await loadFixture(marketFixture);
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      await usdc.connect(buyer).approve(marketAddress, 0n);
      await expect(market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n))
        .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
        .withArgs(marketAddress, 0n, PROCEEDS);
    });
  });

  describe("when the buyer is a contract wallet (ERC-1271)", function () {
    it("accepts an offer its owner key signed for the wallet", async function () {
      const f = await loadFixture(marketWalletsFixture);
      const { market, registry, usdc, holder, dealer, sellerWallet, volumeLicense } = f;
      const walletAddress = await sellerWallet.getAddress();
      await usdc.mint(walletAddress, PRICE);
      await sellerWallet
        .connect(dealer)
        .execute(
          await usdc.getAddress(),
          usdc.interface.encodeFunctionData("approve", [f.marketAddress, PRICE]),
        );
      const { order: offer, signature } = await signedBuyOffer(market, dealer, {
        buyer: walletAddress,
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: PRICE,
      });
      await expect(
        market.connect(holder).acceptOffer(offer, signature, DECLARATION, PROCEEDS),
      ).to.changeTokenBalances(ethers, usdc, [walletAddress, holder], [-PRICE, PROCEEDS]);
      expect(await registry.ownerOf(volumeLicense)).to.equal(walletAddress);
      await expectNoCustody(f, { accounts: [walletAddress] });
    });
  });
});
