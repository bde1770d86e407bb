import { expect } from "chai";
import { id, parseEther, TypedDataEncoder, ZeroAddress, ZeroHash } from "ethers";

import type { LicenseMarket } from "../../../typechain-types/index.js";
import { LicenseMarket__factory } from "../../../typechain-types/index.js";
import { ADMIN_DELAY, DECLARATION, ROLES } from "../../helpers/constants.js";
import { MARKET_FEE_BPS, type MarketFixture, marketFixture } from "../../helpers/fixtures.js";
import { expectNoCustody, signedSellOrder } from "../../helpers/market.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import {
  BUY_OFFER_TYPES,
  buyOffer,
  marketDomain,
  SELL_ORDER_TYPES,
  sellOrder,
} from "../../helpers/orders.js";

const { loadFixture, time } = networkHelpers;

type Signer =
  | "admin"
  | "publisher"
  | "operator"
  | "pauser"
  | "arbiter"
  | "distributor"
  | "dealer"
  | "holder"
  | "buyer"
  | "stranger"
  | "feeRecipient";
const SIGNERS: Signer[] = [
  "admin",
  "publisher",
  "operator",
  "pauser",
  "arbiter",
  "distributor",
  "dealer",
  "holder",
  "buyer",
  "stranger",
  "feeRecipient",
];
const MAX_FEE_BPS = 1000n;

interface Row {
  fn: string;
  call: (market: LicenseMarket, f: MarketFixture) => Promise<unknown>;
}

/** Every privileged function of the market; only the admin may call any of them. */
const MATRIX: Row[] = [
  { fn: "setFee", call: (m, f) => m.setFee(f.stranger.address, 100) },
  { fn: "beginDefaultAdminTransfer", call: (m, f) => m.beginDefaultAdminTransfer(f.stranger) },
  { fn: "changeDefaultAdminDelay", call: (m) => m.changeDefaultAdminDelay(3600) },
  { fn: "grantRole", call: (m, f) => m.grantRole(id("ANY_ROLE"), f.stranger.address) },
];

describe("LicenseMarket: administration", function () {
  describe("role matrix (privileged function x signer)", function () {
    for (const row of MATRIX) {
      describe(row.fn, function () {
        for (const who of SIGNERS) {
          const allowed = who === "admin";
          it(`${allowed ? "allows" : "refuses"} ${who}`, async function () {
            const f = await loadFixture(marketFixture);
            const signer = f[who];
            const call = row.call(f.market.connect(signer), f);
            if (allowed) await expect(call).not.to.be.revert(ethers);
            else {
              await expect(call)
                .to.be.revertedWithCustomError(f.market, "AccessControlUnauthorizedAccount")
                .withArgs(signer.address, ROLES.ADMIN);
              expect(await f.market.fee()).to.deep.equal([f.feeRecipient.address, MARKET_FEE_BPS]);
            }
          });
        }
      });
    }
  });

  describe("when the admin acts", function () {
    it("sets the fee, logged by FeeUpdated", async function () {
      const { market, admin, stranger } = await loadFixture(marketFixture);
      await expect(market.connect(admin).setFee(stranger.address, 100))
        .to.emit(market, "FeeUpdated")
        .withArgs(stranger.address, 100);
      expect(await market.fee()).to.deep.equal([stranger.address, 100n]);
    });

    it("has no claim on ETH owed to others", async function () {
      const f = await loadFixture(marketFixture);
      const { market, admin, holder, buyer, feeRecipient } = f;
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: f.volumeLicense,
        price: parseEther("1"),
        declarationHash: DECLARATION,
      });
      const [total, fee] = await market.quote(order.price);
      await market.connect(buyer).buy(order, signature, total, { value: total });
      await expect(market.connect(admin).withdraw())
        .to.be.revertedWithCustomError(market, "MarketNothingOwed")
        .withArgs(admin.address);
      await expect(market.connect(admin).withdrawTo(admin.address))
        .to.be.revertedWithCustomError(market, "MarketNothingOwed")
        .withArgs(admin.address);
      expect(await market.owed(feeRecipient.address)).to.equal(fee);
      await expectNoCustody(f);
    });
  });

  describe("setFee", function () {
    it("accepts the cap and refuses a fee above it", async function () {
      const { market, admin, feeRecipient } = await loadFixture(marketFixture);
      expect(await market.MAX_FEE_BPS()).to.equal(MAX_FEE_BPS);
      await expect(market.connect(admin).setFee(feeRecipient.address, MAX_FEE_BPS))
        .to.emit(market, "FeeUpdated")
        .withArgs(feeRecipient.address, MAX_FEE_BPS);
      await expect(market.connect(admin).setFee(feeRecipient.address, MAX_FEE_BPS + 1n))
        .to.be.revertedWithCustomError(market, "MarketFeeTooHigh")
        .withArgs(MAX_FEE_BPS + 1n, MAX_FEE_BPS);
      await expect(market.connect(admin).setFee(feeRecipient.address, 65535))
        .to.be.revertedWithCustomError(market, "MarketFeeTooHigh")
        .withArgs(65535, MAX_FEE_BPS);
    });

    it("needs a recipient for a non-zero fee, not for a zero one", async function () {
      const { market, admin } = await loadFixture(marketFixture);
      await expect(market.connect(admin).setFee(ZeroAddress, 1))
        .to.be.revertedWithCustomError(market, "MarketFeeRecipientInvalid")
        .withArgs(ZeroAddress);
      await expect(market.connect(admin).setFee(ZeroAddress, 0))
        .to.emit(market, "FeeUpdated")
        .withArgs(ZeroAddress, 0);
      expect(await market.fee()).to.deep.equal([ZeroAddress, 0n]);
    });

    it("sends ETH fees of later sales to the new recipient; earlier fees stay owed to the old", async function () {
      const f = await loadFixture(marketFixture);
      const { market, admin, holder, buyer, stranger, feeRecipient } = f;
      const price = parseEther("1");
      const first = await signedSellOrder(market, holder, {
        licenseId: f.volumeLicense,
        price,
        declarationHash: DECLARATION,
      });
      const second = await signedSellOrder(market, holder, {
        licenseId: f.termLicense,
        price,
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const [total, fee] = await market.quote(price);
      await market.connect(buyer).buy(first.order, first.signature, total, { value: total });
      await market.connect(admin).setFee(stranger.address, 500);
      const [newTotal, newFee] = await market.quote(price);
      await market
        .connect(buyer)
        .buy(second.order, second.signature, newTotal, { value: newTotal });
      expect(await market.owed(feeRecipient.address)).to.equal(fee);
      expect(await market.owed(stranger.address)).to.equal(newFee);
      expect(newFee).to.equal(price / 20n);
      await expectNoCustody(f);
    });

    it("sells with no fee and no recipient: nothing is owed to the zero address", async function () {
      const f = await loadFixture(marketFixture);
      const { market, admin, holder, buyer } = f;
      await market.connect(admin).setFee(ZeroAddress, 0);
      const price = parseEther("1");
      const { order, signature } = await signedSellOrder(market, holder, {
        licenseId: f.volumeLicense,
        price,
        declarationHash: DECLARATION,
      });
      await expect(
        market.connect(buyer).buy(order, signature, price, { value: price }),
      ).to.changeEtherBalances(ethers, [buyer, holder, market], [-price, price, 0n]);
      expect(await market.owed(ZeroAddress)).to.equal(0n);
      await expectNoCustody(f);
    });

    it("passes to a new admin only through the delayed two-step handover", async function () {
      const { market, admin, stranger, feeRecipient } = await loadFixture(marketFixture);
      await market.connect(admin).beginDefaultAdminTransfer(stranger.address);
      await expect(
        market.connect(stranger).acceptDefaultAdminTransfer(),
      ).to.be.revertedWithCustomError(market, "AccessControlEnforcedDefaultAdminDelay");
      await time.increase(ADMIN_DELAY + 1n);
      await market.connect(stranger).acceptDefaultAdminTransfer();
      await market.connect(stranger).setFee(feeRecipient.address, 10);
      await expect(market.connect(admin).setFee(feeRecipient.address, 20))
        .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, ROLES.ADMIN);
    });
  });

  describe("constructor", function () {
    it("sets the registry and the fee, and logs the fee", async function () {
      const { registry, admin, feeRecipient } = await loadFixture(marketFixture);
      const factory = new LicenseMarket__factory(admin);
      const market = await factory.deploy(
        await registry.getAddress(),
        admin.address,
        ADMIN_DELAY,
        feeRecipient.address,
        123,
      );
      await expect(market.deploymentTransaction())
        .to.emit(market, "FeeUpdated")
        .withArgs(feeRecipient.address, 123);
      expect(await market.registry()).to.equal(await registry.getAddress());
      expect(await market.fee()).to.deep.equal([feeRecipient.address, 123n]);
      expect(await market.defaultAdmin()).to.equal(admin.address);
    });

    it("refuses a registry that is not a contract", async function () {
      const { admin, stranger, feeRecipient } = await loadFixture(marketFixture);
      const factory = new LicenseMarket__factory(admin);
      for (const registry of [stranger.address, ZeroAddress]) {
        await expect(
          factory.deploy(registry, admin.address, ADMIN_DELAY, feeRecipient.address, 250),
        )
          .to.be.revertedWithCustomError(factory, "MarketRegistryInvalid")
          .withArgs(registry);
      }
    });

    it("refuses a fee above the cap, or without a recipient", async function () {
      const { registry, admin, feeRecipient } = await loadFixture(marketFixture);
      const factory = new LicenseMarket__factory(admin);
      const registryAddress = await registry.getAddress();
      await expect(
        factory.deploy(registryAddress, admin.address, ADMIN_DELAY, feeRecipient.address, 1001),
      )
        .to.be.revertedWithCustomError(factory, "MarketFeeTooHigh")
        .withArgs(1001, MAX_FEE_BPS);
      await expect(factory.deploy(registryAddress, admin.address, ADMIN_DELAY, ZeroAddress, 250))
        .to.be.revertedWithCustomError(factory, "MarketFeeRecipientInvalid")
        .withArgs(ZeroAddress);
    });
  });

  describe("views", function () {
    it("report the registry, the fee and its quote (rounded down)", async function () {
      const { market, registry, feeRecipient } = await loadFixture(marketFixture);
      expect(await market.registry()).to.equal(await registry.getAddress());
      expect(await market.fee()).to.deep.equal([feeRecipient.address, MARKET_FEE_BPS]);
      expect(await market.quote(parseEther("1"))).to.deep.equal([
        parseEther("1.025"),
        parseEther("0.025"),
      ]);
      // 2.5% of 399 wei is 9.975 wei: the fee rounds down, never against the buyer.
      expect(await market.quote(399n)).to.deep.equal([408n, 9n]);
      expect(await market.quote(39n)).to.deep.equal([39n, 0n]);
    });

    it("track used nonces per maker in independent bits", async function () {
      const { market, holder, buyer } = await loadFixture(marketFixture);
      const nonces = [0n, 255n, 256n, 2n ** 256n - 1n];
      for (const nonce of nonces) {
        expect(await market.isNonceUsed(holder.address, nonce)).to.equal(false);
      }
      await market.connect(holder).cancelOrders([255n, 2n ** 256n - 1n]);
      expect(await market.isNonceUsed(holder.address, 255n)).to.equal(true);
      expect(await market.isNonceUsed(holder.address, 2n ** 256n - 1n)).to.equal(true);
      expect(await market.isNonceUsed(holder.address, 0n)).to.equal(false);
      expect(await market.isNonceUsed(holder.address, 256n)).to.equal(false);
      expect(await market.isNonceUsed(holder.address, 254n)).to.equal(false);
      expect(await market.isNonceUsed(buyer.address, 255n)).to.equal(false);
    });

    it("count each maker's cancel-all counter", async function () {
      const { market, holder, buyer } = await loadFixture(marketFixture);
      expect(await market.counterOf(holder.address)).to.equal(0n);
      await market.connect(holder).cancelAllOrders();
      await market.connect(holder).cancelAllOrders();
      expect(await market.counterOf(holder.address)).to.equal(2n);
      expect(await market.counterOf(buyer.address)).to.equal(0n);
    });

    it("hash orders and offers exactly as EIP-712 signers do", async function () {
      const { market, usdc, holder, buyer, volumeLicense } = await loadFixture(marketFixture);
      const domain = await marketDomain(market);
      const order = sellOrder({
        seller: holder.address,
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: 123_456n,
        expiry: 1_900_000_000n,
        nonce: 77n,
        counter: 3n,
        declarationHash: DECLARATION,
      });
      expect(await market.hashSellOrder(order)).to.equal(
        TypedDataEncoder.hash(domain, SELL_ORDER_TYPES, order),
      );
      const offer = buyOffer({
        buyer: buyer.address,
        licenseId: volumeLicense,
        currency: await usdc.getAddress(),
        price: 99n,
        nonce: 5n,
      });
      expect(await market.hashBuyOffer(offer)).to.equal(
        TypedDataEncoder.hash(domain, BUY_OFFER_TYPES, offer),
      );
      expect(await market.SELL_ORDER_TYPEHASH()).to.equal(
        id(TypedDataEncoder.from(SELL_ORDER_TYPES).encodeType("SellOrder")),
      );
      expect(await market.BUY_OFFER_TYPEHASH()).to.equal(
        id(TypedDataEncoder.from(BUY_OFFER_TYPES).encodeType("BuyOffer")),
      );
    });

    it("publish the EIP-712 domain (ERC-5267)", async function () {
      const { market, marketAddress } = await loadFixture(marketFixture);
      const { chainId } = await ethers.provider.getNetwork();
      const domain = await market.eip712Domain();
      expect(domain.fields).to.equal("0x0f");
      expect(domain.name).to.equal("License Ledger Market");
      expect(domain.version).to.equal("1");
      expect(domain.chainId).to.equal(chainId);
      expect(domain.verifyingContract).to.equal(marketAddress);
      expect(domain.salt).to.equal(ZeroHash);
      expect(domain.extensions).to.deep.equal([]);
    });
  });
});
