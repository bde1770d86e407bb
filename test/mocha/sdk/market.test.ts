import { expect } from "chai";
import { parseEther, parseUnits, ZeroHash } from "ethers";

import { ETH, LedgerError, orderFromJson, orderToJson, type SellOrder } from "@license-ledger/sdk";
import { DECLARATION, EVIDENCE } from "../../helpers/constants.js";
import { MARKET_FEE_BPS } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { ledgerErrorOf, sdkFixture } from "../../helpers/sdk.js";

const { loadFixture, time } = networkHelpers;

const feeOf = (price: bigint): bigint => (price * MARKET_FEE_BPS) / 10_000n;
const THIRTY_DAYS = 30n * 24n * 3600n;

describe("LicenseLedger: market operations", function () {
  describe("approveMarket / approveToken", function () {
    it("approves and withdraws the market as operator of the caller's licenses", async function () {
      const { ledgers, registry, stranger, marketAddress } = await loadFixture(sdkFixture);
      expect(await registry.isApprovedForAll(stranger.address, marketAddress)).to.equal(false);
      await ledgers.stranger.approveMarket();
      expect(await registry.isApprovedForAll(stranger.address, marketAddress)).to.equal(true);
      await ledgers.stranger.approveMarket(false);
      expect(await registry.isApprovedForAll(stranger.address, marketAddress)).to.equal(false);
    });

    it("approves the market to spend a token", async function () {
      const { ledgers, usdc, stranger, marketAddress } = await loadFixture(sdkFixture);
      await ledgers.stranger.approveToken(await usdc.getAddress(), 1234n);
      expect(await usdc.allowance(stranger.address, marketAddress)).to.equal(1234n);
    });
  });

  describe("quote", function () {
    it("adds the market's fee to the price", async function () {
      const { ledgers, market } = await loadFixture(sdkFixture);
      const price = parseEther("2");
      const quote = await ledgers.buyer.quote(price);
      expect(quote).to.deep.equal({ total: price + feeOf(price), fee: feeOf(price) });
      const [total, fee] = await market.quote(price);
      expect([quote.total, quote.fee]).to.deep.equal([total, fee]);
    });
  });

  describe("signSellOrder / buy", function () {
    it("signs an order the market recognises as the seller's, expiring in 30 days by default", async function () {
      const { ledgers, market, holder, volumeLicense } = await loadFixture(sdkFixture);
      const { order, signature } = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price: 1n,
        nonce: 9n,
      });
      expect(order.seller).to.equal(holder.address);
      expect(order.currency).to.equal(ETH);
      expect(order.counter).to.equal(0n);
      expect(order.declarationHash).to.equal(ZeroHash);
      expect(order.expiry).to.equal(BigInt(await time.latest()) + THIRTY_DAYS);
      const digest = await market.hashSellOrder(order);
      expect(ethers.recoverAddress(digest, signature)).to.equal(holder.address);
    });

    it("buys in ETH: the license moves, the seller gets the price, the fee is owed to the recipient", async function () {
      const f = await loadFixture(sdkFixture);
      const { ledgers, registry, holder, buyer, feeRecipient, volumeLicense } = f;
      const price = parseEther("1.5");
      const signed = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const sellerBefore = await ethers.provider.getBalance(holder.address);
      const buyerBefore = await ethers.provider.getBalance(buyer.address);

      const { total, receipt } = await ledgers.buyer.buy(signed);

      expect(total).to.equal(price + feeOf(price));
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await ledgers.buyer.isValidFor(volumeLicense, buyer.address)).to.equal(true);
      expect(await ethers.provider.getBalance(holder.address)).to.equal(sellerBefore + price);
      expect(await ethers.provider.getBalance(buyer.address)).to.equal(
        buyerBefore - total - receipt.fee,
      );
      expect(await ledgers.stranger.owed(feeRecipient.address)).to.equal(feeOf(price));
      expect(await ledgers.stranger.isNonceUsed(holder.address, 1n)).to.equal(true);
      expect(await ledgers.stranger.isNonceUsed(holder.address, 2n)).to.equal(false);
      const released = await registry.queryFilter(
        registry.filters.LicenseReleased(volumeLicense),
        receipt.blockNumber,
        receipt.blockNumber,
      );
      expect(released.map((e) => e.args.declarationHash)).to.deep.equal([DECLARATION]);
    });

    it("buys in a token: the buyer pays price and fee, the seller gets the price", async function () {
      const { ledgers, registry, usdc, holder, buyer, feeRecipient, termLicense } =
        await loadFixture(sdkFixture);
      const price = parseUnits("500", 6);
      const signed = await ledgers.holder.signSellOrder({
        licenseId: termLicense,
        price,
        currency: await usdc.getAddress(),
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const buyerBefore = await usdc.balanceOf(buyer.address);
      const { total } = await ledgers.buyer.buy(signed);
      expect(total).to.equal(price + feeOf(price));
      expect(await registry.ownerOf(termLicense)).to.equal(buyer.address);
      expect(await usdc.balanceOf(holder.address)).to.equal(price);
      expect(await usdc.balanceOf(feeRecipient.address)).to.equal(feeOf(price));
      expect(await usdc.balanceOf(buyer.address)).to.equal(buyerBefore - total);
    });

    it("sells a license its holder released (and its publisher attested) before signing", async function () {
      const { ledgers, registry, buyer, attestedLicense } = await loadFixture(sdkFixture);
      await ledgers.holder.release(attestedLicense, DECLARATION);
      await ledgers.publisher.attestDeactivation(attestedLicense, EVIDENCE);
      const signed = await ledgers.holder.signSellOrder({
        licenseId: attestedLicense,
        price: parseEther("0.1"),
        nonce: 1n,
      });
      await ledgers.buyer.buy(signed);
      expect(await registry.ownerOf(attestedLicense)).to.equal(buyer.address);
    });

    it("buys from an order shared as JSON", async function () {
      const { ledgers, registry, buyer, volumeLicense } = await loadFixture(sdkFixture);
      const signed = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price: parseEther("0.2"),
        nonce: 77n,
        declarationHash: DECLARATION,
      });
      const json = orderToJson(signed);
      expect(JSON.parse(json)).to.have.nested.property("order.price", parseEther("0.2").toString());
      const parsed = orderFromJson<SellOrder>(json);
      expect(parsed).to.deep.equal(signed);
      await ledgers.buyer.buy(parsed);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
    });
  });

  describe("buyBatch", function () {
    it("buys ETH and token orders in one transaction, all moved and all paid", async function () {
      const { ledgers, registry, usdc, holder, buyer, volumeLicense, termLicense } =
        await loadFixture(sdkFixture);
      const ethPrice = parseEther("1");
      const tokenPrice = parseUnits("250", 6);
      const ethOrder = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price: ethPrice,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const tokenOrder = await ledgers.holder.signSellOrder({
        licenseId: termLicense,
        price: tokenPrice,
        currency: await usdc.getAddress(),
        nonce: 2n,
        declarationHash: DECLARATION,
      });
      const sellerBefore = await ethers.provider.getBalance(holder.address);
      const buyerBefore = await ethers.provider.getBalance(buyer.address);
      const buyerTokens = await usdc.balanceOf(buyer.address);

      const { totalEther, receipt } = await ledgers.buyer.buyBatch([ethOrder, tokenOrder]);

      expect(totalEther).to.equal(ethPrice + feeOf(ethPrice));
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await registry.ownerOf(termLicense)).to.equal(buyer.address);
      expect(await ethers.provider.getBalance(holder.address)).to.equal(sellerBefore + ethPrice);
      expect(await ethers.provider.getBalance(buyer.address)).to.equal(
        buyerBefore - totalEther - receipt.fee,
      );
      expect(await usdc.balanceOf(holder.address)).to.equal(tokenPrice);
      expect(await usdc.balanceOf(buyer.address)).to.equal(
        buyerTokens - tokenPrice - feeOf(tokenPrice),
      );
      expect(await ledgers.buyer.isNonceUsed(holder.address, 1n)).to.equal(true);
      expect(await ledgers.buyer.isNonceUsed(holder.address, 2n)).to.equal(true);
    });

    it("buys nothing when one order fails", async function () {
      const { ledgers, registry, holder, volumeLicense, subscriptionLicense } =
        await loadFixture(sdkFixture);
      const good = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price: 10n,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const bad = await ledgers.holder.signSellOrder({
        licenseId: subscriptionLicense,
        price: 10n,
        nonce: 2n,
        declarationHash: DECLARATION,
      });
      await ledgerErrorOf(
        ledgers.buyer.buyBatch([good, bad]),
        LedgerError,
        "LicenseNotTransferable",
      );
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
      expect(await ledgers.buyer.isNonceUsed(holder.address, 1n)).to.equal(false);
    });
  });

  describe("signBuyOffer / acceptOffer", function () {
    it("sells to a buyer's offer: the buyer pays the price, the seller gets it less the fee", async function () {
      const { ledgers, registry, market, usdc, holder, buyer, feeRecipient, volumeLicense } =
        await loadFixture(sdkFixture);
      const price = parseUnits("1000", 6);
      const offer = await ledgers.buyer.signBuyOffer({
        licenseId: volumeLicense,
        price,
        currency: await usdc.getAddress(),
        nonce: 5n,
      });
      expect(offer.order.buyer).to.equal(buyer.address);
      expect(
        ethers.recoverAddress(await market.hashBuyOffer(offer.order), offer.signature),
      ).to.equal(buyer.address);
      const buyerBefore = await usdc.balanceOf(buyer.address);

      const { receipt } = await ledgers.holder.acceptOffer(offer, DECLARATION, {
        minProceeds: price - feeOf(price),
      });

      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await usdc.balanceOf(buyer.address)).to.equal(buyerBefore - price);
      expect(await usdc.balanceOf(holder.address)).to.equal(price - feeOf(price));
      expect(await usdc.balanceOf(feeRecipient.address)).to.equal(feeOf(price));
      expect(await ledgers.holder.isNonceUsed(buyer.address, 5n)).to.equal(true);
      const sold = await market.queryFilter(
        market.filters.LicenseSold(volumeLicense),
        receipt.blockNumber,
        receipt.blockNumber,
      );
      expect(
        sold.map((e) => [e.args.seller, e.args.buyer, e.args.price, e.args.fee]),
      ).to.deep.equal([[holder.address, buyer.address, price, feeOf(price)]]);
    });
  });

  describe("cancelOrders / cancelAllOrders", function () {
    it("cancels orders by nonce: they can no longer be filled", async function () {
      const { ledgers, registry, holder, volumeLicense } = await loadFixture(sdkFixture);
      const signed = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price: 10n,
        nonce: 4n,
        declarationHash: DECLARATION,
      });
      await ledgers.holder.cancelOrders([4n, 6n]);
      expect(await ledgers.buyer.isNonceUsed(holder.address, 4n)).to.equal(true);
      expect(await ledgers.buyer.isNonceUsed(holder.address, 5n)).to.equal(false);
      expect(await ledgers.buyer.isNonceUsed(holder.address, 6n)).to.equal(true);
      await ledgerErrorOf(ledgers.buyer.buy(signed), LedgerError, "MarketNonceUsed");
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });

    it("cancels every order signed so far; orders signed after it still fill", async function () {
      const { ledgers, registry, market, holder, buyer, volumeLicense } =
        await loadFixture(sdkFixture);
      const old = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price: 10n,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      await ledgers.holder.cancelAllOrders();
      expect(await market.counterOf(holder.address)).to.equal(1n);
      await ledgerErrorOf(ledgers.buyer.buy(old), LedgerError, "MarketOrderCounterMismatch");
      const fresh = await ledgers.holder.signSellOrder({
        licenseId: volumeLicense,
        price: 10n,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      expect(fresh.order.counter).to.equal(1n);
      await ledgers.buyer.buy(fresh);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
    });
  });

  describe("owed / withdraw", function () {
    async function afterAnEtherSale() {
      const f = await loadFixture(sdkFixture);
      const price = parseEther("4");
      const signed = await f.ledgers.holder.signSellOrder({
        licenseId: f.volumeLicense,
        price,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      await f.ledgers.buyer.buy(signed);
      return { ...f, fee: feeOf(price) };
    }

    it("withdraws the fees owed to the caller", async function () {
      const { ledgers, marketAddress, feeRecipient, fee } = await afterAnEtherSale();
      expect(await ledgers.feeRecipient.owed(feeRecipient.address)).to.equal(fee);
      expect(await ethers.provider.getBalance(marketAddress)).to.equal(fee);
      const before = await ethers.provider.getBalance(feeRecipient.address);
      const { receipt } = await ledgers.feeRecipient.withdraw();
      expect(await ethers.provider.getBalance(feeRecipient.address)).to.equal(
        before + fee - receipt.fee,
      );
      expect(await ledgers.feeRecipient.owed(feeRecipient.address)).to.equal(0n);
      expect(await ethers.provider.getBalance(marketAddress)).to.equal(0n);
    });

    it("withdraws them to another address", async function () {
      const { ledgers, stranger, feeRecipient, fee } = await afterAnEtherSale();
      const before = await ethers.provider.getBalance(stranger.address);
      await ledgers.feeRecipient.withdraw(stranger.address);
      expect(await ethers.provider.getBalance(stranger.address)).to.equal(before + fee);
      expect(await ledgers.feeRecipient.owed(feeRecipient.address)).to.equal(0n);
    });
  });
});
