import { expect } from "chai";
import { ZeroHash, type ErrorFragment } from "ethers";

import {
  CONTRACT_ERRORS,
  ETH,
  InsufficientFundsError,
  keyCommitment,
  LedgerError,
  LicenseLedger,
  ROLES,
  SENTENCES,
  toLedgerError,
} from "@license-ledger/sdk";
import {
  LicenseCommitments__factory,
  LicenseMarket__factory,
  LicenseRegistry__factory,
  MockERC20__factory,
} from "../../../typechain-types/index.js";
import { DECLARATION, EVIDENCE, licenseIdOf, Status } from "../../helpers/constants.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import {
  expectRefusal,
  ledgerErrorOf,
  sdkFixture,
  type ExpectedRefusal,
  type SdkFixture,
} from "../../helpers/sdk.js";

const { loadFixture } = networkHelpers;

/** The ERC-6093 token errors errors.ts adds for the payment tokens the market calls. */
const ERC20_ERROR_NAMES = [
  "ERC20InsufficientBalance",
  "ERC20InvalidSender",
  "ERC20InvalidReceiver",
  "ERC20InsufficientAllowance",
  "ERC20InvalidApprover",
  "ERC20InvalidSpender",
];

function errorNames(abi: readonly { type: string; name?: string }[]): Set<string> {
  return new Set(abi.filter((f) => f.type === "error").map((f) => f.name ?? ""));
}

function fragments(): ErrorFragment[] {
  const all: ErrorFragment[] = [];
  CONTRACT_ERRORS.forEachError((fragment) => all.push(fragment));
  return all;
}

/** A plausible value for an error input of `type`, distinct per position. */
function sampleValue(type: string, index: number): unknown {
  if (type === "address") return `0x${(0xa0 + index).toString(16).repeat(20)}`;
  if (type.startsWith("bytes")) return `0x${"ab".repeat(32)}`;
  if (type === "string") return "LongName";
  return BigInt(1_700_000_000 + index);
}

describe("SDK errors", function () {
  describe("the sentence table", function () {
    it("has a sentence for every error of the registry, the market and the ERC-20 tokens", function () {
      const missing = fragments()
        .map((f) => f.name)
        .filter((name) => SENTENCES[name] === undefined);
      expect(missing).to.deep.equal([]);
    });

    it("decodes every error the registry and the market can raise", function () {
      const decodable = new Set(fragments().map((f) => f.name));
      for (const name of [
        ...errorNames(LicenseRegistry__factory.abi),
        ...errorNames(LicenseMarket__factory.abi),
        ...errorNames(LicenseCommitments__factory.abi),
        ...ERC20_ERROR_NAMES,
      ]) {
        expect(decodable.has(name), `${name} is not in CONTRACT_ERRORS`).to.equal(true);
      }
      // The transfer errors of the token the fixtures pay with are all decodable (its permit
      // errors are not: the SDK never calls permit, and the market ignores a failed one).
      const tokenErrors = [...errorNames(MockERC20__factory.abi)].filter((n) =>
        n.startsWith("ERC20"),
      );
      expect(tokenErrors).to.have.members(ERC20_ERROR_NAMES);
    });

    it("names no error that exists nowhere (only the contracts' and the listed ERC-20 ones)", function () {
      const known = new Set([
        ...errorNames(LicenseRegistry__factory.abi),
        ...errorNames(LicenseMarket__factory.abi),
        ...errorNames(LicenseCommitments__factory.abi),
        ...ERC20_ERROR_NAMES,
      ]);
      const stray = Object.keys(SENTENCES).filter((name) => !known.has(name));
      expect(stray).to.deep.equal([]);
    });

    it("fills every sentence from the error's own argument names", function () {
      for (const fragment of fragments()) {
        const args: Record<string, unknown> = {};
        fragment.inputs.forEach((input, i) => {
          args[input.name] = sampleValue(input.baseType, i);
        });
        const sentence = SENTENCES[fragment.name]!(args);
        expect(sentence, fragment.format()).to.be.a("string").that.is.not.empty;
        expect(sentence, `${fragment.format()}: ${sentence}`).to.not.match(/undefined|NaN/);
        expect(sentence, `${fragment.format()}: ${sentence}`).to.not.match(/\[object/);
      }
    });
  });

  describe("refusals produced through the SDK", function () {
    interface RefusalCase {
      title: string;
      /** The custom error the contract (or the token) refuses with. */
      code: string;
      /** Sets the scene and returns the refused attempt and what it must say. */
      run: (
        f: SdkFixture,
      ) => Promise<Omit<ExpectedRefusal, "code"> & { attempt: Promise<unknown> }>;
    }

    const ORDER_PRICE = 1_000n;
    /** 2.5% fee of the market fixture on `ORDER_PRICE`. */
    const ORDER_TOTAL = 1_025n;

    const cases: RefusalCase[] = [
      // ------------------------------------------------------------ registry
      {
        title: "a transfer of a license its holder never released",
        code: "LicenseNotReleased",
        run: async (f) => ({
          attempt: f.ledgers.holder.transfer(f.volumeLicense, f.buyer.address),
          args: { licenseId: f.volumeLicense },
          message: `license ${f.volumeLicense} cannot move: its holder has not declared its copy unusable`,
        }),
      },
      {
        title: "a resale of a non-transferable subscription",
        code: "LicenseNotTransferable",
        run: async (f) => ({
          attempt: f.ledgers.holder.transfer(f.subscriptionLicense, f.buyer.address, DECLARATION),
          args: { licenseId: f.subscriptionLicense },
          message: `license ${f.subscriptionLicense} cannot be transferred or resold: its product's terms do not allow it`,
        }),
      },
      {
        title: "a resale the publisher has not attested",
        code: "LicenseDeactivationNotAttested",
        run: async (f) => ({
          attempt: f.ledgers.holder.transfer(f.attestedLicense, f.buyer.address, DECLARATION),
          args: { licenseId: f.attestedLicense },
          message: `license ${f.attestedLicense} cannot move yet: its publisher must first attest that the seller's copy was deactivated`,
        }),
      },
      {
        title: "a second release",
        code: "LicenseAlreadyReleased",
        run: async (f) => {
          await f.ledgers.holder.release(f.volumeLicense, DECLARATION);
          return {
            attempt: f.ledgers.holder.release(f.volumeLicense, DECLARATION),
            args: { licenseId: f.volumeLicense },
            message: `license ${f.volumeLicense} is already released for resale (its holder declared its copy unusable)`,
          };
        },
      },
      {
        title: "a release without a declaration",
        code: "LicenseDeclarationMissing",
        run: async (f) => ({
          attempt: f.ledgers.holder.release(f.volumeLicense, ZeroHash),
          args: { licenseId: f.volumeLicense },
          message: `releasing license ${f.volumeLicense} needs the hash of the holder's declaration that its copy is unusable`,
        }),
      },
      {
        title: "an issuance with more seats than the product allows",
        code: "LicenseSeatsInvalid",
        run: async (f) => ({
          attempt: f.ledgers.publisher.issue({
            productId: f.volume,
            holder: f.holder.address,
            seats: 501,
          }),
          args: { seats: 501n, maxSeats: 500n },
          message: "501 seats is not allowed: a license of this product carries 1 to 500 seats",
        }),
      },
      {
        title: "an end date on a perpetual license",
        code: "LicenseValidityInvalid",
        run: async (f) => ({
          attempt: f.ledgers.publisher.issue({
            productId: f.volume,
            holder: f.holder.address,
            seats: 1,
            validUntil: 5,
          }),
          args: { validUntil: 5n, latest: 0n },
          message:
            "the product is perpetual: its licenses take no end date (validUntil must be 0, not 5)",
        }),
      },
      {
        title: "a license key bound twice",
        code: "LicenseKeyCommitmentInUse",
        run: async (f) => {
          const { licenseId } = await f.ledgers.publisher.issue({
            productId: f.volume,
            holder: f.holder.address,
            seats: 1,
            licenseKey: "AAAA-BBBB-CCCC",
          });
          return {
            attempt: f.ledgers.publisher.issue({
              productId: f.volume,
              holder: f.buyer.address,
              seats: 1,
              licenseKey: "aaaa bbbb cccc",
            }),
            args: {
              keyCommitment: keyCommitment(f.volume, "AAAABBBBCCCC"),
              licenseId,
            },
            message: `that license key is already bound to license ${licenseId} of the same product`,
          };
        },
      },
      {
        title: "an onboarder's issuance without first-sale evidence",
        code: "LicenseOriginEvidenceMissing",
        run: async (f) => ({
          attempt: f.ledgers.dealer.issue({
            productId: f.volume,
            holder: f.holder.address,
            seats: 1,
          }),
          args: { productId: f.volume, issuer: f.dealer.address },
          message: `${f.dealer.address} onboards licenses of product ${f.volume} and must give the hash of the first-sale evidence (invoice or certificate) for each`,
        }),
      },
      {
        title: "an issuance by a stranger",
        code: "ProductNotIssuer",
        run: async (f) => ({
          attempt: f.ledgers.stranger.issue({
            productId: f.volume,
            holder: f.stranger.address,
            seats: 1,
          }),
          args: { productId: f.volume, account: f.stranger.address },
          message: `${f.stranger.address} may not issue licenses of product ${f.volume}: it is neither the product's controller nor an issuer it authorised`,
        }),
      },
      {
        title: "a revocation by someone who does not control the product",
        code: "ProductNotController",
        run: async (f) => ({
          attempt: f.ledgers.stranger.revoke(f.volumeLicense, 2, EVIDENCE),
          args: { productId: f.volume, account: f.stranger.address },
          message: `${f.stranger.address} does not control product ${f.volume}: only its publisher (or the operator acting for it) may do this`,
        }),
      },
      {
        title: "reading a product that does not exist",
        code: "ProductDoesNotExist",
        run: async (f) => ({
          attempt: f.ledgers.stranger.getProduct(99n),
          args: { productId: 99n },
          message: "product 99 does not exist",
        }),
      },
      {
        title: "reading a license that does not exist",
        code: "ERC721NonexistentToken",
        run: async (f) => ({
          attempt: f.ledgers.stranger.getLicense(licenseIdOf(f.volume, 77)),
          args: { tokenId: licenseIdOf(f.volume, 77) },
          message: `license ${licenseIdOf(f.volume, 77)} does not exist`,
        }),
      },
      {
        title: "a surrender by someone who does not hold the license",
        code: "ERC721IncorrectOwner",
        run: async (f) => ({
          attempt: f.ledgers.stranger.surrender(f.volumeLicense),
          args: { sender: f.stranger.address, tokenId: f.volumeLicense, owner: f.holder.address },
          message: `${f.stranger.address} does not hold license ${f.volumeLicense} (its holder is ${f.holder.address})`,
        }),
      },
      {
        title: "a release of a surrendered license",
        code: "LicenseEnded",
        run: async (f) => {
          await f.ledgers.holder.surrender(f.volumeLicense);
          return {
            attempt: f.ledgers.holder.release(f.volumeLicense, DECLARATION),
            args: { licenseId: f.volumeLicense, status: Status.Surrendered },
            message: `license ${f.volumeLicense} has ended (surrendered): it can never move or change again`,
          };
        },
      },
      {
        title: "a resale of a suspended license",
        code: "LicenseIsSuspended",
        run: async (f) => {
          await f.ledgers.publisher.suspend(f.volumeLicense, EVIDENCE);
          return {
            attempt: f.ledgers.holder.transfer(f.volumeLicense, f.buyer.address, DECLARATION),
            args: { licenseId: f.volumeLicense },
            message: `license ${f.volumeLicense} is suspended by a dispute: it cannot be used or moved until reinstated`,
          };
        },
      },
      {
        title: "reinstating a license that is not suspended",
        code: "LicenseNotSuspended",
        run: async (f) => ({
          attempt: f.ledgers.publisher.reinstate(f.volumeLicense),
          args: { licenseId: f.volumeLicense },
          message: `license ${f.volumeLicense} is not suspended`,
        }),
      },
      {
        title: "a split that loses seats",
        code: "LicenseSplitSeatsMismatch",
        run: async (f) => ({
          attempt: f.ledgers.holder.split(f.volumeLicense, [60, 30]),
          args: { licenseId: f.volumeLicense, partsTotal: 90n, parentSeats: 100n },
          message: `the parts of license ${f.volumeLicense} add up to 90 seats, but it has 100: a split must keep every seat`,
        }),
      },
      {
        title: "a revocation without a reason",
        code: "LicenseReasonMissing",
        run: async (f) => ({
          attempt: f.ledgers.publisher.revoke(f.volumeLicense, 0, EVIDENCE),
          args: { licenseId: f.volumeLicense },
          message: `revoking license ${f.volumeLicense} needs a reason code`,
        }),
      },
      {
        title: "a revocation while an arbiter holds the license",
        code: "LicenseArbiterHold",
        run: async (f) => {
          await f.ledgers.arbiter.suspend(f.volumeLicense, EVIDENCE);
          return {
            attempt: f.ledgers.publisher.revoke(f.volumeLicense, 2, EVIDENCE),
            args: { licenseId: f.volumeLicense },
            message: `license ${f.volumeLicense} is held by an arbiter's suspension: only an arbiter can lift it, and it cannot be revoked until then`,
          };
        },
      },
      {
        title: "a product registered by an account without the publisher role",
        code: "AccessControlUnauthorizedAccount",
        run: async (f) => ({
          attempt: f.ledgers.stranger.registerProduct(
            {
              validityDays: 0,
              maxSeatsPerLicense: 1,
              transferable: true,
              splittable: false,
              attestationRequired: false,
            },
            "ipfs://nothing",
          ),
          args: { account: f.stranger.address, neededRole: ROLES.PUBLISHER },
          message: `${f.stranger.address} lacks the publisher role needed for this`,
        }),
      },
      // ------------------------------------------------------------ market
      {
        title: "an order filled twice",
        code: "MarketNonceUsed",
        run: async (f) => {
          const order = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            nonce: 7n,
            declarationHash: DECLARATION,
          });
          await f.ledgers.buyer.buy(order);
          return {
            attempt: f.ledgers.stranger.buy(order),
            args: { maker: f.holder.address, nonce: 7n },
            message: `the order 7 of ${f.holder.address} was already filled or cancelled`,
          };
        },
      },
      {
        title: "an expired order",
        code: "MarketOrderExpired",
        run: async (f) => {
          const order = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            nonce: 3n,
            expiry: 1_000_000_000n,
            declarationHash: DECLARATION,
          });
          return {
            attempt: f.ledgers.buyer.buy(order),
            args: { maker: f.holder.address, nonce: 3n, expiry: 1_000_000_000n },
            message: `the order 3 of ${f.holder.address} expired on 2001-09-09T01:46:40.000Z (unix 1000000000)`,
          };
        },
      },
      {
        title: "an order signed before its seller cancelled all its orders",
        code: "MarketOrderCounterMismatch",
        run: async (f) => {
          const order = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            nonce: 1n,
            declarationHash: DECLARATION,
          });
          await f.ledgers.holder.cancelAllOrders();
          return {
            attempt: f.ledgers.buyer.buy(order),
            args: { maker: f.holder.address, orderCounter: 0n, currentCounter: 1n },
            message: `the order of ${f.holder.address} is void: it was signed at counter 0, but the maker's counter is 1 (it cancelled all its orders since)`,
          };
        },
      },
      {
        title: "an order whose price was changed after signing",
        code: "MarketSignatureInvalid",
        run: async (f) => {
          const signed = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            nonce: 1n,
            declarationHash: DECLARATION,
          });
          const tampered = { ...signed, order: { ...signed.order, price: 1n } };
          return {
            attempt: f.ledgers.buyer.buy(tampered),
            args: { maker: f.holder.address },
            message: `the signature is not ${f.holder.address}'s for this order on this market and chain`,
          };
        },
      },
      {
        title: "an order for a license its signer does not hold",
        code: "MarketSellerNotHolder",
        run: async (f) => {
          const order = await f.ledgers.stranger.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            nonce: 1n,
            declarationHash: DECLARATION,
          });
          return {
            attempt: f.ledgers.buyer.buy(order),
            args: {
              licenseId: f.volumeLicense,
              seller: f.stranger.address,
              holder: f.holder.address,
            },
            message: `license ${f.volumeLicense} is held by ${f.holder.address}, not by the seller ${f.stranger.address}: the order is void`,
          };
        },
      },
      {
        title: "an order of a holder that withdrew the market's approval",
        code: "MarketNotApproved",
        run: async (f) => {
          const order = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            nonce: 1n,
            declarationHash: DECLARATION,
          });
          await f.ledgers.holder.approveMarket(false);
          return {
            attempt: f.ledgers.buyer.buy(order),
            args: { holder: f.holder.address, licenseId: f.volumeLicense },
            message: `license ${f.volumeLicense} cannot be sold on the market: its holder ${f.holder.address} has not approved the market (setApprovalForAll)`,
          };
        },
      },
      {
        title: "a purchase above the buyer's bound",
        code: "MarketTotalAboveMax",
        run: async (f) => {
          const order = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            nonce: 1n,
            declarationHash: DECLARATION,
          });
          return {
            attempt: f.ledgers.buyer.buy(order, { maxTotal: ORDER_PRICE }),
            args: { total: ORDER_TOTAL, maxTotal: ORDER_PRICE },
            message: `the purchase costs ${ORDER_TOTAL} (price and fee), more than the most you agreed to pay (${ORDER_PRICE})`,
          };
        },
      },
      {
        title: "a withdrawal of nothing",
        code: "MarketNothingOwed",
        run: async (f) => ({
          attempt: f.ledgers.stranger.withdraw(),
          args: { account: f.stranger.address },
          message: `the market owes ${f.stranger.address} nothing`,
        }),
      },
      {
        title: "a buy offer in ETH",
        code: "MarketTokenRequired",
        run: async (f) => {
          const offer = await f.ledgers.buyer.signBuyOffer({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            currency: ETH,
            nonce: 1n,
          });
          return {
            attempt: f.ledgers.holder.acceptOffer(offer, DECLARATION),
            args: {},
            message: "this needs an ERC-20 token as currency, not ETH",
          };
        },
      },
      {
        title: "an offer that pays less than the seller accepts",
        code: "MarketProceedsBelowMin",
        run: async (f) => {
          const offer = await f.ledgers.buyer.signBuyOffer({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            currency: await f.usdc.getAddress(),
            nonce: 1n,
          });
          return {
            attempt: f.ledgers.holder.acceptOffer(offer, DECLARATION, {
              minProceeds: ORDER_PRICE,
            }),
            args: { proceeds: 975n, minProceeds: ORDER_PRICE },
            message: `the sale would pay 975 after the fee, less than the least you accept (${ORDER_PRICE})`,
          };
        },
      },
      {
        title: "an empty batch purchase",
        code: "MarketBatchEmpty",
        run: async (f) => ({
          attempt: f.ledgers.buyer.buyBatch([]),
          args: {},
          message: "a batch purchase needs at least one order",
        }),
      },
      // ------------------------------------------------------------ ERC-20
      {
        title: "a token purchase by a buyer that did not approve the market",
        code: "ERC20InsufficientAllowance",
        run: async (f) => {
          await f.usdc.mint(f.stranger.address, 10_000n);
          const order = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            currency: await f.usdc.getAddress(),
            nonce: 1n,
            declarationHash: DECLARATION,
          });
          // The market pulls the seller's price first (the fee after it): the token refuses that.
          return {
            attempt: f.ledgers.stranger.buy(order),
            args: { spender: f.marketAddress, allowance: 0n, needed: ORDER_PRICE },
            message: `the market may spend 0 of the token, but ${ORDER_PRICE} are needed: approve the market (or use a permit)`,
          };
        },
      },
      {
        title: "a token purchase by a buyer without the tokens",
        code: "ERC20InsufficientBalance",
        run: async (f) => {
          await f.ledgers.stranger.approveToken(await f.usdc.getAddress(), 10n ** 12n);
          expect(await f.usdc.allowance(f.stranger.address, f.marketAddress)).to.equal(10n ** 12n);
          const order = await f.ledgers.holder.signSellOrder({
            licenseId: f.volumeLicense,
            price: ORDER_PRICE,
            currency: await f.usdc.getAddress(),
            nonce: 1n,
            declarationHash: DECLARATION,
          });
          return {
            attempt: f.ledgers.stranger.buy(order),
            args: { sender: f.stranger.address, balance: 0n, needed: ORDER_PRICE },
            message: `${f.stranger.address} has 0 of the token, but ${ORDER_PRICE} are needed`,
          };
        },
      },
    ];

    for (const refusal of cases) {
      it(`explains ${refusal.title}`, async function () {
        const f = await loadFixture(sdkFixture);
        const { attempt, ...expected } = await refusal.run(f);
        await expectRefusal(attempt, { code: refusal.code, ...expected });
      });
    }

    it("covers at least 15 refusals, from the registry, the market and the ERC-20 token", function () {
      const codes = new Set(cases.map((c) => c.code));
      expect(codes.size).to.be.at.least(15);
      const registry = errorNames(LicenseRegistry__factory.abi);
      const market = errorNames(LicenseMarket__factory.abi);
      // The market's ABI carries the registry's errors too (they bubble up through it), so the
      // registry's own are told apart by name.
      expect(
        [...codes].filter((c) => registry.has(c) && !c.startsWith("Market")),
      ).to.have.length.at.least(10);
      expect([...codes].filter((c) => market.has(c) && !registry.has(c))).to.have.length.at.least(
        10,
      );
      expect([...codes].filter((c) => ERC20_ERROR_NAMES.includes(c))).to.have.length(2);
    });

    it("leaves the chain as it was: a refused call sends nothing", async function () {
      const f = await loadFixture(sdkFixture);
      const before = await ethers.provider.getTransactionCount(f.holder.address);
      await expectRefusal(f.ledgers.holder.transfer(f.volumeLicense, f.buyer.address), {
        code: "LicenseNotReleased",
        args: { licenseId: f.volumeLicense },
        message: `license ${f.volumeLicense} cannot move: its holder has not declared its copy unusable`,
      });
      expect(await ethers.provider.getTransactionCount(f.holder.address)).to.equal(before);
      expect(await f.registry.ownerOf(f.volumeLicense)).to.equal(f.holder.address);
    });
  });

  describe("toLedgerError", function () {
    it("keeps a LedgerError as it is and wraps anything else with what was being done", function () {
      const original = new LedgerError("Custom", "a sentence");
      expect(toLedgerError(original, "doing something")).to.equal(original);
      const wrapped = toLedgerError(new Error("socket hang up"), "reading license 5");
      expect(wrapped.code).to.equal("Failed");
      expect(wrapped.message).to.equal("reading license 5 failed: socket hang up");
      expect(wrapped.cause).to.be.instanceOf(Error);
    });
  });

  describe("InsufficientFundsError", function () {
    it("explains that an account without ETH cannot pay for its transaction", async function () {
      const f = await loadFixture(sdkFixture);
      const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
      expect(await ethers.provider.getBalance(wallet.address)).to.equal(0n);
      const ledger = await LicenseLedger.connect(wallet, {
        registry: f.registryAddress,
        market: f.marketAddress,
      });
      const error = await ledgerErrorOf(
        ledger.approveMarket(),
        InsufficientFundsError,
        "InsufficientFunds",
      );
      expect(error.message).to.equal(
        `${wallet.address} does not have enough ETH to pay for this transaction and its gas`,
      );
      expect(error.args).to.deep.equal({ account: wallet.address });
      expect(error.cause).to.be.instanceOf(Error);
      expect(await f.registry.isApprovedForAll(wallet.address, f.marketAddress)).to.equal(false);
    });

    it("explains that a buyer cannot pay a purchase beyond its ETH", async function () {
      const f = await loadFixture(sdkFixture);
      const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
      await f.admin.sendTransaction({ to: wallet.address, value: ethers.parseEther("0.01") });
      const ledger = await LicenseLedger.connect(wallet, {
        registry: f.registryAddress,
        market: f.marketAddress,
      });
      const order = await f.ledgers.holder.signSellOrder({
        licenseId: f.volumeLicense,
        price: ethers.parseEther("1"),
        nonce: 1n,
        declarationHash: DECLARATION,
      });
      const error = await ledgerErrorOf(
        ledger.buy(order),
        InsufficientFundsError,
        "InsufficientFunds",
      );
      expect(error.message).to.equal(
        `${wallet.address} does not have enough ETH to pay for this transaction and its gas`,
      );
      expect(await f.registry.ownerOf(f.volumeLicense)).to.equal(f.holder.address);
    });
  });
});
