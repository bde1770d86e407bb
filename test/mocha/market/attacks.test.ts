import { expect } from "chai";
import { parseEther, parseUnits, ZeroAddress } from "ethers";

import type { LicenseMarket } from "../../../typechain-types/index.js";
import { LicenseMarket__factory } from "../../../typechain-types/index.js";
import { ADMIN_DELAY, DECLARATION } from "../../helpers/constants.js";
import {
  hostileTokensFixture,
  MARKET_FEE_BPS,
  marketFixture,
  marketWalletsFixture,
} from "../../helpers/fixtures.js";
import {
  EtherMode,
  expectNoCustody,
  multisigExecute,
  signedBuyOffer,
  signedSellOrder,
} from "../../helpers/market.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { ETH, marketDomain, signSellOrder } from "../../helpers/orders.js";

const { loadFixture } = networkHelpers;

const PRICE = parseEther("1");
const FEE = (PRICE * MARKET_FEE_BPS) / 10_000n;
const TOTAL = PRICE + FEE;
const TOKEN_PRICE = parseUnits("100", 18);
const TOKEN_TOTAL = TOKEN_PRICE + (TOKEN_PRICE * MARKET_FEE_BPS) / 10_000n;

/** What OpenZeppelin's guard reverts with when a `nonReentrant` function is entered twice. */
const guardError = (market: LicenseMarket): string =>
  market.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);

describe("LicenseMarket: attacks", function () {
  describe("when a malicious ERC-20 re-enters the market from transferFrom", function () {
    /** The holder's volume license listed in the reentrant token, and its term license listed
     * for free in ETH (the order the attacker tries to fill from inside the first). */
    async function reentrancyFixture() {
      const f = await hostileTokensFixture();
      const { market, holder, reentrantToken, volumeLicense, termLicense } = f;
      const tokenSale = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: await reentrantToken.getAddress(),
        price: TOKEN_PRICE,
        declarationHash: DECLARATION,
      });
      const freeSale = await signedSellOrder(market, holder, {
        licenseId: termLicense,
        price: 0n,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      return { ...f, tokenSale, freeSale };
    }

    it("refuses a nested buy with the market's ReentrancyGuardReentrantCall", async function () {
      const f = await loadFixture(reentrancyFixture);
      const { market, registry, reentrantToken, holder, buyer, tokenSale, freeSale } = f;
      await reentrantToken.arm(
        f.marketAddress,
        market.interface.encodeFunctionData("buy", [freeSale.order, freeSale.signature, 0n]),
      );
      await expect(
        market.connect(buyer).buy(tokenSale.order, tokenSale.signature, TOKEN_TOTAL),
      ).to.be.revertedWithCustomError(market, "ReentrancyGuardReentrantCall");
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(holder.address);
      expect(await registry.ownerOf(f.termLicense)).to.equal(holder.address);
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(false);
      expect(await market.isNonceUsed(holder.address, 1n)).to.equal(false);

      // Disarmed, the same token sale goes through: the refusal above was the reentry's.
      await reentrantToken.arm(ZeroAddress, "0x");
      await market.connect(buyer).buy(tokenSale.order, tokenSale.signature, TOKEN_TOTAL);
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(buyer.address);
      await expectNoCustody(f, { tokens: [reentrantToken] });
    });

    it("refuses a nested withdraw with the market's ReentrancyGuardReentrantCall", async function () {
      const f = await loadFixture(reentrancyFixture);
      const { market, registry, reentrantToken, holder, buyer, tokenSale } = f;
      await reentrantToken.arm(f.marketAddress, market.interface.encodeFunctionData("withdraw"));
      await expect(
        market.connect(buyer).buy(tokenSale.order, tokenSale.signature, TOKEN_TOTAL),
      ).to.be.revertedWithCustomError(market, "ReentrancyGuardReentrantCall");
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(holder.address);
      await expectNoCustody(f, { tokens: [reentrantToken] });
    });

    it("refuses a reentry while a holder accepts an offer in that token", async function () {
      const f = await loadFixture(reentrancyFixture);
      const { market, registry, reentrantToken, holder, buyer, freeSale } = f;
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: f.volumeLicense,
        currency: await reentrantToken.getAddress(),
        price: TOKEN_PRICE,
      });
      await reentrantToken.arm(
        f.marketAddress,
        market.interface.encodeFunctionData("buy", [freeSale.order, freeSale.signature, 0n]),
      );
      await expect(
        market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n),
      ).to.be.revertedWithCustomError(market, "ReentrancyGuardReentrantCall");
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(holder.address);
    });
  });

  describe("when a seller's wallet re-enters the market while being paid", function () {
    /** The seller wallet's two licenses listed for 1 ETH each. */
    async function reenteringSellerFixture() {
      const f = await marketWalletsFixture();
      const walletAddress = await f.sellerWallet.getAddress();
      const sales = [];
      for (const [nonce, licenseId] of f.sellerWalletLicenses.entries()) {
        sales.push(
          await signedSellOrder(f.market, f.dealer, {
            seller: walletAddress,
            licenseId,
            price: PRICE,
            nonce: BigInt(nonce),
            declarationHash: DECLARATION,
          }),
        );
      }
      return { ...f, walletAddress, first: sales[0]!, second: sales[1]! };
    }

    it("cannot withdraw what it is owed from inside the payment; the sale stays correct", async function () {
      const f = await loadFixture(reenteringSellerFixture);
      const { market, buyer, dealer, sellerWallet, walletAddress, first, second } = f;
      // A first sale it refused leaves it owed 1 ETH: something worth stealing twice.
      await sellerWallet.connect(dealer).setEtherMode(EtherMode.Reject, ZeroAddress, "0x");
      await market.connect(buyer).buy(first.order, first.signature, TOTAL, { value: TOTAL });
      expect(await market.owed(walletAddress)).to.equal(PRICE);

      await sellerWallet
        .connect(dealer)
        .setEtherMode(
          EtherMode.Reenter,
          f.marketAddress,
          market.interface.encodeFunctionData("withdraw"),
        );
      const tx = market.connect(buyer).buy(second.order, second.signature, TOTAL, {
        value: TOTAL,
      });
      await expect(tx)
        .to.emit(sellerWallet, "ReentryAttempted")
        .withArgs(false, guardError(market));
      await expect(tx).not.to.emit(market, "PaymentDeferred");
      await expect(tx).to.changeEtherBalances(
        ethers,
        [buyer, sellerWallet, market],
        [-TOTAL, PRICE, FEE],
      );
      expect(await market.owed(walletAddress)).to.equal(PRICE);
      await expectNoCustody(f, { accounts: [walletAddress] });
    });

    it("cannot buy from inside the payment; the other order stays fillable", async function () {
      const f = await loadFixture(reenteringSellerFixture);
      const { market, registry, holder, buyer, dealer, sellerWallet, first } = f;
      const free = await signedSellOrder(market, holder, {
        licenseId: f.volumeLicense,
        price: 0n,
        declarationHash: DECLARATION,
      });
      await sellerWallet
        .connect(dealer)
        .setEtherMode(
          EtherMode.Reenter,
          f.marketAddress,
          market.interface.encodeFunctionData("buy", [free.order, free.signature, 0n]),
        );
      const tx = market.connect(buyer).buy(first.order, first.signature, TOTAL, { value: TOTAL });
      await expect(tx)
        .to.emit(sellerWallet, "ReentryAttempted")
        .withArgs(false, guardError(market));
      await expect(tx).to.changeEtherBalance(ethers, sellerWallet, PRICE);
      expect(await registry.ownerOf(f.sellerWalletLicenses[0])).to.equal(buyer.address);
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(holder.address);
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(false);
      await market.connect(buyer).buy(free.order, free.signature, 0n);
      expect(await registry.ownerOf(f.volumeLicense)).to.equal(buyer.address);
      await expectNoCustody(f, { accounts: [f.walletAddress] });
    });
  });

  describe("when the token takes a fee on transfer", function () {
    it("refuses the purchase: the seller would receive less than its price", async function () {
      const f = await loadFixture(hostileTokensFixture);
      const { market, registry, feeOnTransferToken, holder, buyer, volumeLicense } = f;
      const token = await feeOnTransferToken.getAddress();
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        currency: token,
        price: TOKEN_PRICE,
        declarationHash: DECLARATION,
      });
      await expect(market.connect(buyer).buy(order, signature, TOKEN_TOTAL))
        .to.be.revertedWithCustomError(market, "MarketTokenAmountMismatch")
        .withArgs(token, holder.address, TOKEN_PRICE, TOKEN_PRICE - TOKEN_PRICE / 100n);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
      await expectNoCustody(f, { tokens: [feeOnTransferToken] });
    });

    it("refuses an offer in it: the holder would receive less than its proceeds", async function () {
      const f = await loadFixture(hostileTokensFixture);
      const { market, feeOnTransferToken, holder, buyer, volumeLicense } = f;
      const token = await feeOnTransferToken.getAddress();
      const { order: offer, signature } = await signedBuyOffer(market, buyer, {
        licenseId: volumeLicense,
        currency: token,
        price: TOKEN_PRICE,
      });
      const proceeds = TOKEN_PRICE - (TOKEN_PRICE * MARKET_FEE_BPS) / 10_000n;
      await expect(market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n))
        .to.be.revertedWithCustomError(market, "MarketTokenAmountMismatch")
        .withArgs(token, holder.address, proceeds, proceeds - proceeds / 100n);
    });
  });

  describe("when a signature is replayed elsewhere", function () {
    it("refuses an order signed for another chain id", async function () {
      const { market, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const domain = { ...(await marketDomain(market)), chainId: 1n };
      const { order, signature } = await signedSellOrder(
        market,
        holder,
        { licenseId: volumeLicense, price: PRICE, declarationHash: DECLARATION },
        domain,
      );
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(holder.address);
    });

    it("refuses an offer signed for another chain id", async function () {
      const { market, usdc, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const domain = { ...(await marketDomain(market)), chainId: 11155111n };
      const { order: offer, signature } = await signedBuyOffer(
        market,
        buyer,
        { licenseId: volumeLicense, currency: await usdc.getAddress(), price: 1000n },
        domain,
      );
      await expect(market.connect(holder).acceptOffer(offer, signature, DECLARATION, 0n))
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(buyer.address);
    });

    it("refuses on market B an order signed for market A, on the same registry", async function () {
      const f = await loadFixture(marketFixture);
      const { market, registry, admin, holder, buyer, feeRecipient, volumeLicense } = f;
      const marketB = await new LicenseMarket__factory(admin).deploy(
        await registry.getAddress(),
        admin.address,
        ADMIN_DELAY,
        feeRecipient.address,
        MARKET_FEE_BPS,
      );
      await registry.connect(holder).setApprovalForAll(await marketB.getAddress(), true);
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      expect(await marketB.hashSellOrder(order)).to.not.equal(await market.hashSellOrder(order));
      await expect(marketB.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(marketB, "MarketSignatureInvalid")
        .withArgs(holder.address);

      // Signed for B, the same order fills on B.
      const forB = await signSellOrder(holder, marketB, order);
      await marketB.connect(buyer).buy(order, forB, TOTAL, { value: TOTAL });
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await registry.balanceOf(await marketB.getAddress())).to.equal(0n);
    });
  });

  describe("when the seller is a company multisig (ERC-1271)", function () {
    /** The multisig's license listed for ETH; the owners signed the order hash on-chain. */
    async function multisigListingFixture() {
      const f = await marketWalletsFixture();
      const multisigAddress = await f.multisig.getAddress();
      const { order } = await signedSellOrder(f.market, f.holder, {
        seller: multisigAddress,
        licenseId: f.multisigLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      const orderHash = await f.market.hashSellOrder(order);
      await multisigExecute(
        f.multisig,
        [f.holder, f.stranger],
        multisigAddress,
        f.multisig.interface.encodeFunctionData("signHash", [orderHash]),
      );
      return { ...f, multisigAddress, order, orderHash };
    }

    it("sells for ETH it cannot receive: credited, then withdrawn through the multisig", async function () {
      const f = await loadFixture(multisigListingFixture);
      const { market, registry, multisig, multisigAddress, holder, stranger, buyer, order } = f;
      const tx = market.connect(buyer).buy(order, "0x", TOTAL, { value: TOTAL });
      await expect(tx).to.emit(market, "PaymentDeferred").withArgs(multisigAddress, PRICE);
      await expect(tx)
        .to.emit(registry, "LicenseReleased")
        .withArgs(f.multisigLicense, f.volume, multisigAddress, DECLARATION);
      await expect(tx)
        .to.emit(market, "LicenseSold")
        .withArgs(
          f.multisigLicense,
          multisigAddress,
          buyer.address,
          ETH,
          PRICE,
          TOTAL,
          FEE,
          f.orderHash,
        );
      expect(await registry.ownerOf(f.multisigLicense)).to.equal(buyer.address);
      expect(await market.owed(multisigAddress)).to.equal(PRICE);
      await expectNoCustody(f, { accounts: [multisigAddress] });

      const withdrawTo = market.interface.encodeFunctionData("withdrawTo", [holder.address]);
      await multisig.connect(holder).approveCall(f.marketAddress, withdrawTo);
      await multisig.connect(stranger).approveCall(f.marketAddress, withdrawTo);
      const withdrawal = multisig.connect(stranger).execute(f.marketAddress, withdrawTo);
      await expect(withdrawal)
        .to.emit(market, "Withdrawn")
        .withArgs(multisigAddress, holder.address, PRICE);
      await expect(withdrawal).to.changeEtherBalances(ethers, [holder, market], [PRICE, -PRICE]);
      expect(await market.owed(multisigAddress)).to.equal(0n);
      await expectNoCustody(f, { accounts: [multisigAddress] });
    });

    it("sells for tokens, paid straight to the multisig", async function () {
      const f = await loadFixture(marketWalletsFixture);
      const { market, registry, usdc, multisig, holder, stranger, buyer, feeRecipient } = f;
      const multisigAddress = await multisig.getAddress();
      const price = parseUnits("750", 6);
      const fee = (price * MARKET_FEE_BPS) / 10_000n;
      const { order } = await signedSellOrder(market, holder, {
        seller: multisigAddress,
        licenseId: f.multisigLicense,
        currency: await usdc.getAddress(),
        price,
        declarationHash: DECLARATION,
      });
      await multisigExecute(
        multisig,
        [holder, stranger],
        multisigAddress,
        multisig.interface.encodeFunctionData("signHash", [await market.hashSellOrder(order)]),
      );
      await expect(market.connect(buyer).buy(order, "0x", price + fee)).to.changeTokenBalances(
        ethers,
        usdc,
        [buyer, multisig, feeRecipient, market],
        [-(price + fee), price, fee, 0n],
      );
      expect(await registry.ownerOf(f.multisigLicense)).to.equal(buyer.address);
      await expectNoCustody(f, { accounts: [multisigAddress] });
    });

    it("refuses an order whose hash the owners did not sign, or an owner's own key", async function () {
      const f = await loadFixture(multisigListingFixture);
      const { market, holder, buyer, multisigAddress, order } = f;
      const otherPrice = { ...order, price: PRICE / 2n };
      await expect(market.connect(buyer).buy(otherPrice, "0x", TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(multisigAddress);
      // One owner's ECDSA signature is not the 2-of-2 wallet's.
      const unsigned = { ...order, nonce: 1n };
      const ownerSig = await signSellOrder(holder, market, unsigned);
      await expect(market.connect(buyer).buy(unsigned, ownerSig, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(multisigAddress);
    });
  });

  describe("when the seller is a one-key contract wallet (ERC-1271 over ECDSA)", function () {
    it("refuses an order signed by a key that is not the wallet's owner", async function () {
      const { market, buyer, stranger, sellerWallet, sellerWalletLicenses } =
        await loadFixture(marketWalletsFixture);
      const walletAddress = await sellerWallet.getAddress();
      const { order, signature } = await signedSellOrder(market, stranger, {
        seller: walletAddress,
        licenseId: sellerWalletLicenses[0],
        price: PRICE,
        declarationHash: DECLARATION,
      });
      await expect(market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL }))
        .to.be.revertedWithCustomError(market, "MarketSignatureInvalid")
        .withArgs(walletAddress);
    });
  });
});
