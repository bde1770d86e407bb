import { expect } from "chai";
import { parseEther, parseUnits, ZeroHash } from "ethers";

import { DECLARATION, EVIDENCE, Status } from "../../helpers/constants.js";
import { MARKET_FEE_BPS, marketFixture, marketWalletsFixture } from "../../helpers/fixtures.js";
import { expectNoCustody, signedSellOrder, signPermit } from "../../helpers/market.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { ETH, NO_EXPIRY } from "../../helpers/orders.js";

const { loadFixture } = networkHelpers;

const PRICE = parseEther("1");
const FEE = (PRICE * MARKET_FEE_BPS) / 10_000n; // 0.025 ETH
const TOTAL = PRICE + FEE;
const USDC_PRICE = parseUnits("1000", 6);
const USDC_FEE = (USDC_PRICE * MARKET_FEE_BPS) / 10_000n; // 25 USDC
const USDC_TOTAL = USDC_PRICE + USDC_FEE;

describe("LicenseMarket: buy", function () {
  describe("when paying in ETH", function () {
    it("quotes price plus the 2.5% fee", async function () {
      const { market } = await loadFixture(marketFixture);
      const [total, fee] = await market.quote(PRICE);
      expect(fee).to.equal(parseEther("0.025"));
      expect(total).to.equal(TOTAL);
    });

    it("releases the license with the order's declaration and moves it to the buyer", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, holder, buyer, volume, volumeLicense } = f;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      const orderHash = await market.hashSellOrder(order);
      const tx = market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      await expect(tx)
        .to.emit(registry, "LicenseReleased")
        .withArgs(volumeLicense, volume, holder.address, DECLARATION);
      await expect(tx)
        .to.emit(registry, "Transfer")
        .withArgs(holder.address, buyer.address, volumeLicense);
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(volumeLicense, holder.address, buyer.address, ETH, PRICE, TOTAL, FEE, orderHash);
      await expect(tx).not.to.emit(market, "PaymentDeferred");

      const license = await registry.getLicense(volumeLicense);
      expect(license.holder).to.equal(buyer.address);
      expect(license.status).to.equal(Status.Active);
      expect(await registry.isValidFor(volumeLicense, buyer.address)).to.equal(true);
      expect(await registry.isValidFor(volumeLicense, holder.address)).to.equal(false);
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(true);
      await expectNoCustody(f);
    });

    it("logs the release, then the transfer, then the sale, in that order", async function () {
      const { market, registry, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      const tx = await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      const receipt = await tx.wait();
      const names = receipt!.logs.map(
        (log) =>
          registry.interface.parseLog(log)?.name ?? market.interface.parseLog(log)?.name ?? "?",
      );
      expect(names).to.deep.equal(["LicenseReleased", "Transfer", "LicenseSold"]);
    });

    it("pays the seller exactly the price, charges the buyer price + fee and owes the fee to the recipient", async function () {
      const f = await loadFixture(marketFixture);
      const { market, holder, buyer, feeRecipient, volumeLicense } = f;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      const [total, fee] = await market.quote(order.price);
      await expect(
        market.connect(buyer).buy(order, signature, total, { value: total }),
      ).to.changeEtherBalances(
        ethers,
        [holder, buyer, market, feeRecipient],
        [PRICE, -TOTAL, FEE, 0n],
      );
      expect(total).to.equal(TOTAL);
      expect(fee).to.equal(FEE);
      expect(await market.owed(feeRecipient.address)).to.equal(FEE);
      expect(await market.owed(holder.address)).to.equal(0n);
      expect(await ethers.provider.getBalance(f.marketAddress)).to.equal(FEE);
      await expectNoCustody(f);
    });

    it("refunds ETH sent beyond the total, and returns the total", async function () {
      const f = await loadFixture(marketFixture);
      const { market, holder, buyer, volumeLicense } = f;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      const excess = parseEther("3.5");
      expect(
        await market.connect(buyer).buy.staticCall(order, signature, TOTAL, {
          value: TOTAL + excess,
        }),
      ).to.equal(TOTAL);
      await expect(
        market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL + excess }),
      ).to.changeEtherBalances(ethers, [buyer, holder, market], [-TOTAL, PRICE, FEE]);
      expect(await market.owed(buyer.address)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("sells at price 0: nothing paid, no fee, the license still moves", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, holder, buyer, feeRecipient, volumeLicense } = f;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: 0n,
        declarationHash: DECLARATION,
      });
      expect(await market.quote(0n)).to.deep.equal([0n, 0n]);
      const tx = market.connect(buyer).buy(order, signature, 0n, { value: parseEther("0.1") });
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(
          volumeLicense,
          holder.address,
          buyer.address,
          ETH,
          0n,
          0n,
          0n,
          await market.hashSellOrder(order),
        );
      await expect(tx).to.changeEtherBalances(ethers, [buyer, holder, market], [0n, 0n, 0n]);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await market.owed(feeRecipient.address)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("sells with a fee of 0: the buyer pays exactly the price", async function () {
      const f = await loadFixture(marketFixture);
      const { market, admin, holder, buyer, feeRecipient, volumeLicense } = f;
      await market.connect(admin).setFee(feeRecipient.address, 0);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      expect(await market.quote(PRICE)).to.deep.equal([PRICE, 0n]);
      const tx = market.connect(buyer).buy(order, signature, PRICE, { value: PRICE });
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(
          volumeLicense,
          holder.address,
          buyer.address,
          ETH,
          PRICE,
          PRICE,
          0n,
          await market.hashSellOrder(order),
        );
      await expect(tx).to.changeEtherBalances(
        ethers,
        [buyer, holder, market, feeRecipient],
        [-PRICE, PRICE, 0n, 0n],
      );
      expect(await market.owed(feeRecipient.address)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("moves a license the seller already released itself when the order carries no declaration", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, holder, buyer, volumeLicense } = f;
      await registry.connect(holder).release(volumeLicense, DECLARATION);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: ZeroHash,
      });
      const tx = market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      await expect(tx).not.to.emit(registry, "LicenseReleased");
      await expect(tx)
        .to.emit(registry, "Transfer")
        .withArgs(holder.address, buyer.address, volumeLicense);
      expect((await registry.getLicense(volumeLicense)).status).to.equal(Status.Active);
      await expectNoCustody(f);
    });
  });

  describe("when paying in an ERC-20 token", function () {
    it("pulls price to the seller and the fee to the recipient straight from the buyer", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, usdc, holder, buyer, feeRecipient, volumeLicense } = f;
      const currency = await usdc.getAddress();
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency,
        price: USDC_PRICE,
        declarationHash: DECLARATION,
      });
      const tx = market.connect(buyer).buy(order, signature, USDC_TOTAL);
      await expect(tx).to.changeTokenBalances(
        ethers,
        usdc,
        [buyer, holder, feeRecipient, market],
        [-USDC_TOTAL, USDC_PRICE, USDC_FEE, 0n],
      );
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(
          volumeLicense,
          holder.address,
          buyer.address,
          currency,
          USDC_PRICE,
          USDC_TOTAL,
          USDC_FEE,
          await market.hashSellOrder(order),
        );
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      // Token fees are paid out at once, never credited.
      expect(await market.owed(feeRecipient.address)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("returns any ETH sent along with a token order", async function () {
      const f = await loadFixture(marketFixture);
      const { market, usdc, holder, buyer, volumeLicense } = f;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: USDC_PRICE,
        declarationHash: DECLARATION,
      });
      await expect(
        market.connect(buyer).buy(order, signature, USDC_TOTAL, { value: parseEther("1") }),
      ).to.changeEtherBalances(ethers, [buyer, market], [0n, 0n]);
      await expectNoCustody(f);
    });

    it("fails with the token's own error when the buyer's allowance does not cover it", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, usdc, holder, buyer, volumeLicense, marketAddress } = f;
      await usdc.connect(buyer).approve(marketAddress, USDC_TOTAL - 1n);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: USDC_PRICE,
        declarationHash: DECLARATION,
      });
      // The price passes (to the seller); the fee then finds USDC_FEE - 1 left.
      await expect(market.connect(buyer).buy(order, signature, USDC_TOTAL))
        .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
        .withArgs(marketAddress, USDC_FEE - 1n, USDC_FEE);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });
  });

  describe("buyWithPermit", function () {
    it("buys with a real ERC-2612 permit and no prior approval", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, usdc, holder, stranger, feeRecipient, volumeLicense } = f;
      const { marketAddress } = f;
      await usdc.mint(stranger.address, USDC_TOTAL);
      expect(await usdc.allowance(stranger.address, marketAddress)).to.equal(0n);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: USDC_PRICE,
        declarationHash: DECLARATION,
      });
      const permitValue = USDC_TOTAL + 7n;
      const permit = await signPermit(usdc, stranger, marketAddress, permitValue, NO_EXPIRY);
      const tx = market.connect(stranger).buyWithPermit(order, signature, USDC_TOTAL, permit);
      await expect(tx).to.changeTokenBalances(
        ethers,
        usdc,
        [stranger, holder, feeRecipient, market],
        [-USDC_TOTAL, USDC_PRICE, USDC_FEE, 0n],
      );
      await expect(tx)
        .to.emit(usdc, "Approval")
        .withArgs(stranger.address, marketAddress, permitValue);
      expect(await usdc.nonces(stranger.address)).to.equal(1n);
      expect(await usdc.allowance(stranger.address, marketAddress)).to.equal(7n);
      expect(await registry.ownerOf(volumeLicense)).to.equal(stranger.address);
      await expectNoCustody(f);
    });

    it("still buys when someone front-ran the permit, as the allowance it granted suffices", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, usdc, holder, stranger, arbiter, volumeLicense, marketAddress } = f;
      await usdc.mint(stranger.address, USDC_TOTAL);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: USDC_PRICE,
        declarationHash: DECLARATION,
      });
      const permit = await signPermit(usdc, stranger, marketAddress, USDC_TOTAL, NO_EXPIRY);
      // Seen in the mempool and submitted first by someone else.
      await usdc
        .connect(arbiter)
        .permit(
          stranger.address,
          marketAddress,
          permit.value,
          permit.deadline,
          permit.v,
          permit.r,
          permit.s,
        );
      await expect(
        market.connect(stranger).buyWithPermit(order, signature, USDC_TOTAL, permit),
      ).to.changeTokenBalances(ethers, usdc, [stranger, holder], [-USDC_TOTAL, USDC_PRICE]);
      expect(await registry.ownerOf(volumeLicense)).to.equal(stranger.address);
      expect(await usdc.allowance(stranger.address, marketAddress)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("fails with the token's error when the permit is unusable and there is no allowance", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, usdc, holder, buyer, stranger, volumeLicense, marketAddress } = f;
      await usdc.mint(stranger.address, USDC_TOTAL);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: USDC_PRICE,
        declarationHash: DECLARATION,
      });
      // Signed by the wrong account: the permit fails inside, the allowance stays 0.
      const permit = await signPermit(usdc, buyer, marketAddress, USDC_TOTAL, NO_EXPIRY);
      await expect(market.connect(stranger).buyWithPermit(order, signature, USDC_TOTAL, permit))
        .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
        .withArgs(marketAddress, 0n, USDC_PRICE);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
      expect(await market.isNonceUsed(holder.address, order.nonce)).to.equal(false);
    });

    it("refuses an ETH order", async function () {
      const { market, usdc, holder, buyer, volumeLicense, marketAddress } =
        await loadFixture(marketFixture);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      const permit = await signPermit(usdc, buyer, marketAddress, TOTAL, NO_EXPIRY);
      await expect(
        market.connect(buyer).buyWithPermit(order, signature, TOTAL, permit),
      ).to.be.revertedWithCustomError(market, "MarketTokenRequired");
    });
  });

  describe("buyBatch", function () {
    const ETH_PRICE_B = parseEther("2");
    const ETH_FEE_B = (ETH_PRICE_B * MARKET_FEE_BPS) / 10_000n;
    const ETH_TOTAL_B = ETH_PRICE_B + ETH_FEE_B;

    /** Three orders: the holder's volume license for 1 ETH, the seller wallet's license for
     * 2 ETH, and the holder's term license for 1,000 USDC. */
    async function batchFixture() {
      const f = await marketWalletsFixture();
      const { market, usdc, holder, dealer, sellerWallet, volumeLicense, termLicense } = f;
      const a = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      const b = await signedSellOrder(market, dealer, {
        seller: await sellerWallet.getAddress(),
        licenseId: f.sellerWalletLicenses[0],
        price: ETH_PRICE_B,
        declarationHash: DECLARATION,
      });
      const c = await signedSellOrder(market, holder, {
        licenseId: termLicense,
        currency: await usdc.getAddress(),
        price: USDC_PRICE,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const purchases = [
        { ...a, maxTotal: TOTAL },
        { ...c, maxTotal: USDC_TOTAL },
        { ...b, maxTotal: ETH_TOTAL_B },
      ];
      return { ...f, a, b, c, purchases };
    }

    it("buys ETH and token orders together, refunding the excess ETH once", async function () {
      const f = await loadFixture(batchFixture);
      const { market, registry, usdc, holder, buyer, feeRecipient, sellerWallet, purchases } = f;
      const etherTotal = TOTAL + ETH_TOTAL_B;
      const excess = parseEther("0.75");
      expect(
        await market.connect(buyer).buyBatch.staticCall(purchases, { value: etherTotal + excess }),
      ).to.equal(etherTotal);
      const tx = market.connect(buyer).buyBatch(purchases, { value: etherTotal + excess });
      await expect(tx).to.changeEtherBalances(
        ethers,
        [buyer, holder, sellerWallet, market, feeRecipient],
        [-etherTotal, PRICE, ETH_PRICE_B, FEE + ETH_FEE_B, 0n],
      );
      await expect(tx).to.changeTokenBalances(
        ethers,
        usdc,
        [buyer, holder, feeRecipient, market],
        [-USDC_TOTAL, USDC_PRICE, USDC_FEE, 0n],
      );
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(
          f.termLicense,
          holder.address,
          buyer.address,
          await usdc.getAddress(),
          USDC_PRICE,
          USDC_TOTAL,
          USDC_FEE,
          await market.hashSellOrder(f.c.order),
        );
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(
          f.sellerWalletLicenses[0],
          await sellerWallet.getAddress(),
          buyer.address,
          ETH,
          ETH_PRICE_B,
          ETH_TOTAL_B,
          ETH_FEE_B,
          await market.hashSellOrder(f.b.order),
        );
      for (const id of [f.volumeLicense, f.termLicense, f.sellerWalletLicenses[0]]) {
        expect(await registry.ownerOf(id)).to.equal(buyer.address);
      }
      expect(await market.owed(feeRecipient.address)).to.equal(FEE + ETH_FEE_B);
      expect(await market.owed(buyer.address)).to.equal(0n);
      await expectNoCustody(f, { accounts: [await sellerWallet.getAddress()] });
    });

    it("is all or nothing: one bad signature reverts every purchase", async function () {
      const f = await loadFixture(batchFixture);
      const { market, registry, usdc, holder, buyer, sellerWallet, purchases } = f;
      const forged = { ...purchases[2]!, signature: f.a.signature };
      const tx = market
        .connect(buyer)
        .buyBatch([purchases[0]!, purchases[1]!, forged], { value: parseEther("10") });
      await expect(tx)
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(await sellerWallet.getAddress());
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(holder.address);
      expect(await registry.ownerOf(f.termLicense)).to.equal(holder.address);
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(false);
      expect(await market.isNonceUsed(holder.address, 1n)).to.equal(false);
      expect(await usdc.balanceOf(holder.address)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("is all or nothing: the same license twice fails on the second", async function () {
      const f = await loadFixture(batchFixture);
      const { market, registry, holder, buyer, volumeLicense } = f;
      const again = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        nonce: 5n,
        declarationHash: DECLARATION,
      });
      await expect(
        market
          .connect(buyer)
          .buyBatch([f.purchases[0]!, { ...again, maxTotal: TOTAL }], { value: 2n * TOTAL }),
      )
        .to.be.revertedWithCustomError(market, "MarketSellerNotHolder")
        .withArgs(volumeLicense, holder.address, buyer.address);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });

    it("is all or nothing: a license that died since listing reverts the batch with the registry's error", async function () {
      const f = await loadFixture(batchFixture);
      const { market, registry, publisher, holder, buyer, termLicense, purchases } = f;
      await registry.connect(publisher).suspend(termLicense, EVIDENCE);
      await expect(market.connect(buyer).buyBatch(purchases, { value: TOTAL + ETH_TOTAL_B }))
        .to.be.revertedWithCustomError(registry, "LicenseIsSuspended")
        .withArgs(termLicense);
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(holder.address);
    });

    it("needs ETH for the cumulative total of its ETH orders", async function () {
      const f = await loadFixture(batchFixture);
      const { market, buyer, purchases } = f;
      // Enough for either ETH order alone, not for both.
      await expect(market.connect(buyer).buyBatch(purchases, { value: ETH_TOTAL_B }))
        .to.be.revertedWithCustomError(market, "MarketEtherInsufficient")
        .withArgs(TOTAL + ETH_TOTAL_B, ETH_TOTAL_B);
      await expect(market.connect(buyer).buyBatch(purchases, { value: TOTAL + ETH_TOTAL_B - 1n }))
        .to.be.revertedWithCustomError(market, "MarketEtherInsufficient")
        .withArgs(TOTAL + ETH_TOTAL_B, TOTAL + ETH_TOTAL_B - 1n);
      await expect(market.connect(buyer).buyBatch(purchases, { value: 0n }))
        .to.be.revertedWithCustomError(market, "MarketEtherInsufficient")
        .withArgs(TOTAL, 0n);
    });

    it("holds each purchase to its own maxTotal", async function () {
      const f = await loadFixture(batchFixture);
      const { market, buyer, purchases } = f;
      const tight = { ...purchases[2]!, maxTotal: ETH_TOTAL_B - 1n };
      await expect(
        market
          .connect(buyer)
          .buyBatch([purchases[0]!, purchases[1]!, tight], { value: parseEther("10") }),
      )
        .to.be.revertedWithCustomError(market, "MarketTotalAboveMax")
        .withArgs(ETH_TOTAL_B, ETH_TOTAL_B - 1n);
    });

    it("refuses an empty batch", async function () {
      const { market, buyer } = await loadFixture(marketFixture);
      await expect(market.connect(buyer).buyBatch([], { value: 1n })).to.be.revertedWithCustomError(
        market,
        "MarketBatchEmpty",
      );
    });
  });
});
