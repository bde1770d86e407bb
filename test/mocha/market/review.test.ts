import { expect } from "chai";
import { parseEther, ZeroAddress } from "ethers";

import { DECLARATION } from "../../helpers/constants.js";
import { MARKET_FEE_BPS, marketFixture, marketWalletsFixture } from "../../helpers/fixtures.js";
import {
  EtherMode,
  expectNoCustody,
  signedBuyOffer,
  signedSellOrder,
} from "../../helpers/market.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { ETH } from "../../helpers/orders.js";

const { loadFixture } = networkHelpers;

const PRICE = parseEther("1");
const TOTAL = PRICE + (PRICE * MARKET_FEE_BPS) / 10_000n;
const USDC = (n: bigint) => n * 10n ** 6n;
const declaration = (who: string) => ethers.id(`declaration of ${who}`);

/**
 * Regression tests for the independent security review of the market: each finding, and the
 * behaviour its fix promises.
 */
describe("LicenseMarket: findings of the security review", function () {
  describe("H-1: a sell order does not come back when its license returns to the seller", function () {
    it("dies with the first move and stays dead after a resale on the market and a buy-back", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, holder, buyer, stranger, volumeLicense } = f;
      const stale = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const sold = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: parseEther("2"),
        nonce: 2n,
        declarationHash: DECLARATION,
      });
      const soldTotal = (await market.quote(sold.order.price))[0];
      await market.connect(buyer).buy(sold.order, sold.signature, soldTotal, { value: soldTotal });
      // The buyer sells it back to the first holder, signing at the license's current count.
      const back = await signedSellOrder(market, buyer, {
        licenseId: volumeLicense,
        licenseMoves: 1n,
        price: parseEther("3"),
        declarationHash: declaration("buyer"),
      });
      const backTotal = (await market.quote(back.order.price))[0];
      await market.connect(holder).buy(back.order, back.signature, backTotal, { value: backTotal });
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
      expect(await registry.holdingOf(volumeLicense)).to.deep.equal([holder.address, 2n]);

      await expect(
        market.connect(stranger).buy(stale.order, stale.signature, TOTAL, { value: TOTAL }),
      )
        .to.be.revertedWithCustomError(market, "MarketLicenseMoved")
        .withArgs(volumeLicense, 0n, 2n);
      await expectNoCustody(f);
    });

    it("stays dead after a round trip outside the market", async function () {
      const { market, registry, holder, buyer, stranger, volumeLicense } =
        await loadFixture(marketFixture);
      const stale = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      await registry
        .connect(holder)
        .releaseAndTransfer(buyer.address, volumeLicense, declaration("direct"));
      await registry
        .connect(buyer)
        .releaseAndTransfer(holder.address, volumeLicense, declaration("back"));
      await expect(
        market.connect(stranger).buy(stale.order, stale.signature, TOTAL, { value: TOTAL }),
      )
        .to.be.revertedWithCustomError(market, "MarketLicenseMoved")
        .withArgs(volumeLicense, 0n, 2n);
    });

    it("lets a holder sign again at the license's current count", async function () {
      const { market, registry, holder, buyer, stranger, volumeLicense } =
        await loadFixture(marketFixture);
      await registry
        .connect(holder)
        .releaseAndTransfer(buyer.address, volumeLicense, declaration("direct"));
      const [, moves] = await registry.holdingOf(volumeLicense);
      const fresh = await signedSellOrder(market, buyer, {
        licenseId: volumeLicense,
        licenseMoves: moves,
        price: PRICE,
        declarationHash: declaration("buyer"),
      });
      await expect(
        market.connect(stranger).buy(fresh.order, fresh.signature, TOTAL, { value: TOTAL }),
      )
        .to.emit(market, "LicenseSold")
        .withArgs(
          volumeLicense,
          buyer.address,
          stranger.address,
          ETH,
          PRICE,
          TOTAL,
          TOTAL - PRICE,
          await market.hashSellOrder(fresh.order),
        );
      expect(await registry.holdingOf(volumeLicense)).to.deep.equal([stranger.address, 2n]);
    });
  });

  describe("M-1: a buy offer dies when its license moves", function () {
    it("cannot be pressed on a buyer that bought the license elsewhere and resold it", async function () {
      const { market, registry, usdc, holder, buyer, dealer, volumeLicense } =
        await loadFixture(marketFixture);
      const bid = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: USDC(100n),
        nonce: 7n,
      });
      // The buyer buys the license through a cheaper sell order instead...
      const cheap = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: USDC(90n),
        declarationHash: DECLARATION,
      });
      await market.connect(buyer).buy(cheap.order, cheap.signature, USDC(1_000n));
      // ...and resells it to the dealer.
      await registry
        .connect(buyer)
        .releaseAndTransfer(dealer.address, volumeLicense, declaration("buyer"));
      await registry.connect(dealer).setApprovalForAll(await market.getAddress(), true);
      await expect(
        market.connect(dealer).acceptOffer(bid.order, bid.signature, declaration("dealer"), 0n),
      )
        .to.be.revertedWithCustomError(market, "MarketLicenseMoved")
        .withArgs(volumeLicense, 0n, 2n);
    });
  });

  describe("L-1: ETH owed to a contract that cannot withdraw it itself", function () {
    it("is paid out to that contract by anyone, with all the gas it needs", async function () {
      const f = await loadFixture(marketWalletsFixture);
      const { market, sellerWallet, dealer, buyer, stranger } = f;
      const walletAddress = await sellerWallet.getAddress();
      // A treasury-like wallet books every receipt: more than the sale's 50,000-gas stipend.
      await sellerWallet.connect(dealer).setEtherMode(EtherMode.Heavy, ZeroAddress, "0x");
      const listing = await signedSellOrder(market, dealer, {
        seller: walletAddress,
        licenseId: f.sellerWalletLicenses[0],
        price: PRICE,
        declarationHash: DECLARATION,
      });
      await expect(
        market.connect(buyer).buy(listing.order, listing.signature, TOTAL, { value: TOTAL }),
      )
        .to.emit(market, "PaymentDeferred")
        .withArgs(walletAddress, PRICE);
      const payout = market.connect(stranger).withdrawFor(walletAddress);
      await expect(payout).to.changeEtherBalances(ethers, [sellerWallet, market], [PRICE, -PRICE]);
      await expect(payout)
        .to.emit(market, "Withdrawn")
        .withArgs(walletAddress, walletAddress, PRICE);
      expect(await market.owed(walletAddress)).to.equal(0n);
      await expectNoCustody(f, { accounts: [walletAddress] });
    });

    it("refuses to pay out what is not owed, or to burn it at the zero address", async function () {
      const f = await loadFixture(marketFixture);
      const { market, holder, buyer, feeRecipient, stranger, volumeLicense } = f;
      await expect(market.connect(stranger).withdrawFor(stranger.address))
        .to.be.revertedWithCustomError(market, "MarketNothingOwed")
        .withArgs(stranger.address);
      const listing = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      await market.connect(buyer).buy(listing.order, listing.signature, TOTAL, { value: TOTAL });
      await expect(market.connect(feeRecipient).withdrawTo(ZeroAddress))
        .to.be.revertedWithCustomError(market, "MarketWithdrawalFailed")
        .withArgs(ZeroAddress, TOTAL - PRICE);
      expect(await market.owed(feeRecipient.address)).to.equal(TOTAL - PRICE);
      await expectNoCustody(f);
    });
  });

  describe("L-2: the fee recipient is a party that can receive fees", function () {
    it("is neither the market itself nor the registry", async function () {
      const { market, registry, admin } = await loadFixture(marketFixture);
      for (const recipient of [await market.getAddress(), await registry.getAddress()]) {
        await expect(market.connect(admin).setFee(recipient, 100))
          .to.be.revertedWithCustomError(market, "MarketFeeRecipientInvalid")
          .withArgs(recipient);
        await expect(market.connect(admin).setFee(recipient, 0))
          .to.be.revertedWithCustomError(market, "MarketFeeRecipientInvalid")
          .withArgs(recipient);
      }
    });
  });

  describe("the registry's licenses are no currency", function () {
    it("refuses a sell order or a buy offer priced in licenses", async function () {
      const { market, registry, holder, buyer, volumeLicense, buyerLicense } =
        await loadFixture(marketFixture);
      const registryAddress = await registry.getAddress();
      const order = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: registryAddress,
        price: buyerLicense,
        declarationHash: DECLARATION,
      });
      await expect(market.connect(buyer).buy(order.order, order.signature, 2n * buyerLicense))
        .to.be.revertedWithCustomError(market, "MarketCurrencyInvalid")
        .withArgs(registryAddress);
      // A phished offer "paying" with the buyer's own license as an ERC-20 amount.
      const offer = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: registryAddress,
        price: buyerLicense,
      });
      await expect(
        market.connect(holder).acceptOffer(offer.order, offer.signature, DECLARATION, 0n),
      )
        .to.be.revertedWithCustomError(market, "MarketCurrencyInvalid")
        .withArgs(registryAddress);
      expect(await registry.ownerOf(buyerLicense)).to.equal(buyer.address);
    });
  });
});
