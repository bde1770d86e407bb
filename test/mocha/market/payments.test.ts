import { expect } from "chai";
import { parseEther, ZeroAddress } from "ethers";

import { DECLARATION } from "../../helpers/constants.js";
import { MARKET_FEE_BPS, marketWalletsFixture } from "../../helpers/fixtures.js";
import { EtherMode, expectNoCustody, signedSellOrder } from "../../helpers/market.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { ETH } from "../../helpers/orders.js";

const { loadFixture, setBalance } = networkHelpers;

const PRICE = parseEther("1");
const FEE = (PRICE * MARKET_FEE_BPS) / 10_000n;
const TOTAL = PRICE + FEE;

/** The seller wallet's first license listed for 1 ETH (signed by its owner key, `dealer`). */
async function walletListingFixture() {
  const f = await marketWalletsFixture();
  const walletAddress = await f.sellerWallet.getAddress();
  const listing = await signedSellOrder(f.market, f.dealer, {
    seller: walletAddress,
    licenseId: f.sellerWalletLicenses[0],
    price: PRICE,
    declarationHash: DECLARATION,
  });
  return { ...f, walletAddress, ...listing };
}

describe("LicenseMarket: payments", function () {
  describe("when the seller's account accepts ETH", function () {
    it("pushes the price to it at once", async function () {
      const f = await loadFixture(walletListingFixture);
      const { market, buyer, sellerWallet, walletAddress, order, signature } = f;
      const tx = market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      await expect(tx).to.changeEtherBalances(
        ethers,
        [buyer, sellerWallet, market],
        [-TOTAL, PRICE, FEE],
      );
      await expect(tx).not.to.emit(market, "PaymentDeferred");
      expect(await market.owed(walletAddress)).to.equal(0n);
      await expectNoCustody(f, { accounts: [walletAddress] });
    });
  });

  for (const [name, mode] of [
    ["refuses ETH", EtherMode.Reject],
    ["burns all the gas it is given", EtherMode.BurnGas],
  ] as const) {
    describe(`when the seller's account ${name}`, function () {
      it("completes the sale and owes the price to the seller", async function () {
        const f = await loadFixture(walletListingFixture);
        const { market, registry, buyer, dealer, feeRecipient, sellerWallet } = f;
        const { walletAddress, order, signature } = f;
        await sellerWallet.connect(dealer).setEtherMode(mode, ZeroAddress, "0x");
        const tx = market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
        await expect(tx).to.emit(market, "PaymentDeferred").withArgs(walletAddress, PRICE);
        await expect(tx)
          .to.emit(market, "LicenseSold")
          .withArgs(
            order.licenseId,
            walletAddress,
            buyer.address,
            ETH,
            PRICE,
            TOTAL,
            FEE,
            await market.hashSellOrder(order),
          );
        await expect(tx).to.changeEtherBalances(
          ethers,
          [buyer, sellerWallet, market],
          [-TOTAL, 0n, TOTAL],
        );
        expect(await registry.ownerOf(order.licenseId)).to.equal(buyer.address);
        expect(await market.owed(walletAddress)).to.equal(PRICE);
        expect(await market.owed(feeRecipient.address)).to.equal(FEE);
        await expectNoCustody(f, { accounts: [walletAddress] });
      });

      it("lets the seller withdraw what it is owed to another address", async function () {
        const f = await loadFixture(walletListingFixture);
        const { market, buyer, dealer, sellerWallet, walletAddress, order, signature } = f;
        await sellerWallet.connect(dealer).setEtherMode(mode, ZeroAddress, "0x");
        await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
        const withdrawTo = market.interface.encodeFunctionData("withdrawTo", [dealer.address]);
        const tx = sellerWallet.connect(dealer).execute(f.marketAddress, withdrawTo);
        await expect(tx)
          .to.emit(market, "Withdrawn")
          .withArgs(walletAddress, dealer.address, PRICE);
        await expect(tx).to.changeEtherBalances(
          ethers,
          [dealer, sellerWallet, market],
          [PRICE, 0n, -PRICE],
        );
        expect(await market.owed(walletAddress)).to.equal(0n);
        await expectNoCustody(f, { accounts: [walletAddress] });
      });
    });
  }

  describe("when the seller's account burns all the gas it is given, the buyer's cost", function () {
    it("stays bounded by the ETH transfer stipend", async function () {
      const f = await loadFixture(walletListingFixture);
      const { market, buyer, dealer, sellerWallet } = f;
      const second = await signedSellOrder(market, dealer, {
        seller: f.walletAddress,
        licenseId: f.sellerWalletLicenses[1],
        price: PRICE,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const accepted = await (
        await market.connect(buyer).buy(f.order, f.signature, TOTAL, { value: TOTAL })
      ).wait();
      await sellerWallet.connect(dealer).setEtherMode(EtherMode.BurnGas, ZeroAddress, "0x");
      const burnt = await (
        await market.connect(buyer).buy(second.order, second.signature, TOTAL, { value: TOTAL })
      ).wait();
      const stipend = await market.ETH_TRANSFER_GAS();
      // The burner gets at most the stipend; the deferral costs a few storage writes more.
      expect(burnt!.gasUsed).to.be.lessThan(accepted!.gasUsed + stipend + 30_000n);
    });
  });

  describe("withdraw and withdrawTo", function () {
    it("refuse an account owed nothing", async function () {
      const { market, stranger } = await loadFixture(marketWalletsFixture);
      await expect(market.connect(stranger).withdraw())
        .to.be.revertedWithCustomError(market, "MarketNothingOwed")
        .withArgs(stranger.address);
      await expect(market.connect(stranger).withdrawTo(stranger.address))
        .to.be.revertedWithCustomError(market, "MarketNothingOwed")
        .withArgs(stranger.address);
    });

    it("pay the fee recipient the ETH fees of every sale, once", async function () {
      const f = await loadFixture(walletListingFixture);
      const { market, holder, buyer, feeRecipient, volumeLicense, order, signature } = f;
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      const second = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: 2n * PRICE,
        declarationHash: DECLARATION,
      });
      await market
        .connect(buyer)
        .buy(second.order, second.signature, 2n * TOTAL, { value: 2n * TOTAL });
      expect(await market.owed(feeRecipient.address)).to.equal(3n * FEE);
      const tx = market.connect(feeRecipient).withdraw();
      await expect(tx)
        .to.emit(market, "Withdrawn")
        .withArgs(feeRecipient.address, feeRecipient.address, 3n * FEE);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [feeRecipient, market],
        [3n * FEE, -3n * FEE],
      );
      expect(await market.owed(feeRecipient.address)).to.equal(0n);
      expect(await ethers.provider.getBalance(f.marketAddress)).to.equal(0n);
      await expect(market.connect(feeRecipient).withdraw())
        .to.be.revertedWithCustomError(market, "MarketNothingOwed")
        .withArgs(feeRecipient.address);
      await expectNoCustody(f, { accounts: [f.walletAddress] });
    });

    it("send to another address with withdrawTo", async function () {
      const f = await loadFixture(walletListingFixture);
      const { market, buyer, stranger, feeRecipient, order, signature } = f;
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      const tx = market.connect(feeRecipient).withdrawTo(stranger.address);
      await expect(tx)
        .to.emit(market, "Withdrawn")
        .withArgs(feeRecipient.address, stranger.address, FEE);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [feeRecipient, stranger, market],
        [0n, FEE, -FEE],
      );
      await expectNoCustody(f, { accounts: [f.walletAddress] });
    });

    it("fail whole when the destination refuses ETH; the amount stays owed", async function () {
      const f = await loadFixture(walletListingFixture);
      const { market, buyer, feeRecipient, multisig, order, signature } = f;
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      const refusing = await multisig.getAddress(); // no receive()
      await expect(market.connect(feeRecipient).withdrawTo(refusing))
        .to.be.revertedWithCustomError(market, "MarketWithdrawalFailed")
        .withArgs(refusing, FEE);
      expect(await market.owed(feeRecipient.address)).to.equal(FEE);
      await expect(market.connect(feeRecipient).withdraw()).to.changeEtherBalance(
        ethers,
        feeRecipient,
        FEE,
      );
      await expectNoCustody(f, { accounts: [f.walletAddress] });
    });

    it("fail for a refusing wallet withdrawing to itself, which then withdraws elsewhere", async function () {
      const f = await loadFixture(walletListingFixture);
      const { market, buyer, dealer, sellerWallet, walletAddress, order, signature } = f;
      await sellerWallet.connect(dealer).setEtherMode(EtherMode.Reject, ZeroAddress, "0x");
      await market.connect(buyer).buy(order, signature, TOTAL, { value: TOTAL });
      const withdraw = market.interface.encodeFunctionData("withdraw");
      await expect(sellerWallet.connect(dealer).execute(f.marketAddress, withdraw))
        .to.be.revertedWithCustomError(sellerWallet, "CallFailed")
        .withArgs(
          market.interface.encodeErrorResult("MarketWithdrawalFailed", [walletAddress, PRICE]),
        );
      expect(await market.owed(walletAddress)).to.equal(PRICE);
      await sellerWallet
        .connect(dealer)
        .execute(
          f.marketAddress,
          market.interface.encodeFunctionData("withdrawTo", [dealer.address]),
        );
      expect(await market.owed(walletAddress)).to.equal(0n);
      await expectNoCustody(f, { accounts: [walletAddress] });
    });
  });

  describe("when the buyer's account refuses the refund of excess ETH", function () {
    it("completes the purchase and owes the excess to the buyer", async function () {
      const f = await loadFixture(walletListingFixture);
      const { market, registry, holder, dealer, sellerWallet, walletAddress, volumeLicense } = f;
      await sellerWallet.connect(dealer).setEtherMode(EtherMode.Reject, ZeroAddress, "0x");
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: volumeLicense,
        price: PRICE,
        declarationHash: DECLARATION,
      });
      // The wallet cannot attach ETH to its own calls, so it sends the purchase as itself.
      await setBalance(walletAddress, parseEther("10"));
      const walletAsSender = await ethers.getImpersonatedSigner(walletAddress);
      const excess = parseEther("0.5");
      const tx = market
        .connect(walletAsSender)
        .buy(order, signature, TOTAL, { value: TOTAL + excess });
      await expect(tx).to.emit(market, "PaymentDeferred").withArgs(walletAddress, excess);
      await expect(tx).to.changeEtherBalances(
        ethers,
        [walletAddress, holder, market],
        [-(TOTAL + excess), PRICE, FEE + excess],
      );
      expect(await registry.ownerOf(volumeLicense)).to.equal(walletAddress);
      expect(await market.owed(walletAddress)).to.equal(excess);
      await expectNoCustody(f, { accounts: [walletAddress] });

      await expect(
        sellerWallet
          .connect(dealer)
          .execute(
            f.marketAddress,
            market.interface.encodeFunctionData("withdrawTo", [dealer.address]),
          ),
      ).to.changeEtherBalance(ethers, dealer, excess);
      await expectNoCustody(f, { accounts: [walletAddress] });
    });
  });
});
