import { expect } from "chai";
import { ZeroAddress, type Filter, type Provider } from "ethers";

import {
  DEFAULT_LOG_PAGE,
  getLogsPaged,
  keyCommitment,
  productOf,
  serialOf,
  type License,
} from "@license-ledger/sdk";
import {
  DECLARATION,
  EVIDENCE,
  IssuerKind,
  licenseIdOf,
  REASON_FRAUD,
  VOLUME_TERMS,
} from "../../helpers/constants.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { sdkFixture } from "../../helpers/sdk.js";

const { loadFixture, time } = networkHelpers;

const ids = (licenses: License[]): bigint[] => licenses.map((l) => l.licenseId);

describe("LicenseLedger: registry operations", function () {
  describe("connect", function () {
    it("binds the registry, the market and the chain it was given", async function () {
      const { ledgers, registryAddress, marketAddress, holder } = await loadFixture(sdkFixture);
      const ledger = ledgers.holder;
      expect(await ledger.registry.getAddress()).to.equal(registryAddress);
      expect(await ledger.market!.getAddress()).to.equal(marketAddress);
      expect(ledger.chainId).to.equal((await ethers.provider.getNetwork()).chainId);
      expect(ledger.fromBlock).to.equal(0);
      expect(await ledger.account()).to.equal(holder.address);
    });
  });

  describe("products", function () {
    it("registers a product and reads it back with its terms", async function () {
      const { ledgers, publisher, registry } = await loadFixture(sdkFixture);
      const terms = { ...VOLUME_TERMS, maxSeatsPerLicense: 25, attestationRequired: true };
      const { productId, hash } = await ledgers.publisher.registerProduct(terms, "ipfs://suite");
      expect(productId).to.equal(5n);
      expect(await registry.productCount()).to.equal(5n);
      expect((await ethers.provider.getTransactionReceipt(hash))!.status).to.equal(1);
      const product = await ledgers.stranger.getProduct(productId);
      expect(product).to.deep.equal({
        productId,
        controller: publisher.address,
        pendingController: ZeroAddress,
        terms,
        licensesIssued: 0n,
        closed: false,
        registeredByOperator: false,
        metadataURI: "ipfs://suite",
      });
    });

    it("registers a product for an absent publisher, which is invited to take control", async function () {
      const { ledgers, operator, absentPublisher } = await loadFixture(sdkFixture);
      const { productId } = await ledgers.operator.registerProductForPublisher(
        absentPublisher.address,
        VOLUME_TERMS,
        "ipfs://published-terms",
      );
      const product = await ledgers.operator.getProduct(productId);
      expect(product.controller).to.equal(operator.address);
      expect(product.pendingController).to.equal(absentPublisher.address);
      expect(product.registeredByOperator).to.equal(true);
      expect(product.terms).to.deep.equal(VOLUME_TERMS);
    });

    it("authorises an issuer, who can then issue through the SDK", async function () {
      const { ledgers, registry, stranger, buyer, volume } = await loadFixture(sdkFixture);
      await ledgers.publisher.setIssuer(volume, stranger.address, "distributor");
      expect(await registry.issuerKind(volume, stranger.address)).to.equal(IssuerKind.Distributor);
      const { licenseId } = await ledgers.stranger.issue({
        productId: volume,
        holder: buyer.address,
        seats: 2,
      });
      expect(await registry.ownerOf(licenseId)).to.equal(buyer.address);
      await ledgers.publisher.setIssuer(volume, stranger.address, "none");
      expect(await registry.issuerKind(volume, stranger.address)).to.equal(IssuerKind.None);
    });
  });

  describe("issue", function () {
    it("issues a plain license: the next serial of the product, active and valid", async function () {
      const { ledgers, registry, holder, volume } = await loadFixture(sdkFixture);
      const { licenseId, receipt } = await ledgers.publisher.issue({
        productId: volume,
        holder: holder.address,
        seats: 12,
      });
      expect(licenseId).to.equal(licenseIdOf(volume, 3));
      expect(productOf(licenseId)).to.equal(volume);
      expect(serialOf(licenseId)).to.equal(3n);
      expect(await ledgers.stranger.getLicense(licenseId)).to.deep.equal({
        licenseId,
        productId: volume,
        holder: holder.address,
        seats: 12n,
        validUntil: 0n,
        moves: 0n,
        firstSaleRegion: "unrecorded",
        exhausted: false,
        suspensionLapsesAt: 0n,
        declarationSufficesAt: 0n,
        status: "active",
        suspended: false,
        attested: false,
        expired: false,
        valid: true,
        transferable: true,
        splittable: true,
        attestationRequired: false,
      });
      // The controller's own plain issuance records no issuer, no evidence and no key.
      const names = receipt.logs.map((log) => registry.interface.parseLog(log)?.name);
      expect(names).to.include("LicenseIssued");
      expect(names).to.not.include("LicenseIssuedBy");
      expect(names).to.not.include("LicenseKeyCommitted");
      expect((await ledgers.stranger.getProduct(volume)).licensesIssued).to.equal(3n);
    });

    it("issues a limited license with its end date", async function () {
      const { ledgers, buyer, subscription } = await loadFixture(sdkFixture);
      const validUntil = BigInt(await time.latest()) + 100n * 24n * 3600n;
      const { licenseId } = await ledgers.publisher.issue({
        productId: subscription,
        holder: buyer.address,
        seats: 3,
        validUntil,
      });
      const license = await ledgers.buyer.getLicense(licenseId);
      expect(license.validUntil).to.equal(validUntil);
      expect(license.transferable).to.equal(false);
      expect(license.valid).to.equal(true);
    });

    it("issues with first-sale evidence, recorded with the onboarder that gave it", async function () {
      const { ledgers, registry, dealer, buyer, volume } = await loadFixture(sdkFixture);
      const { licenseId, blockNumber } = await ledgers.dealer.issue({
        productId: volume,
        holder: buyer.address,
        seats: 4,
        originEvidence: EVIDENCE,
      });
      const events = await registry.queryFilter(
        registry.filters.LicenseIssuedBy(licenseId),
        blockNumber,
        blockNumber,
      );
      expect(events).to.have.length(1);
      expect(events[0]!.args.productId).to.equal(volume);
      expect(events[0]!.args.issuer).to.equal(dealer.address);
      expect(events[0]!.args.originEvidence).to.equal(EVIDENCE);
      expect(await registry.ownerOf(licenseId)).to.equal(buyer.address);
    });

    it("follows a license key through splits to the live licenses it now stands for, with their seats", async function () {
      const { ledgers, holder, volume } = await loadFixture(sdkFixture);
      const key = "SPLIT-ME-0001";
      const { licenseId } = await ledgers.publisher.issue({
        productId: volume,
        holder: holder.address,
        seats: 10,
        licenseKey: key,
      });
      const server = ledgers.stranger;
      expect(
        (await server.liveLicensesOfKey(volume, { licenseKey: key })).map((l) => l.licenseId),
      ).to.deep.equal([licenseId]);
      const { childIds } = await ledgers.holder.split(licenseId, [4, 6]);
      const { childIds: grandchildren } = await ledgers.holder.split(childIds[1]!, [2, 4]);
      // licenseOfKey still names the ended parent; the live ones are its leaves.
      expect(await server.licenseOfKey(volume, { licenseKey: key })).to.equal(licenseId);
      const live = await server.liveLicensesOfKey(volume, { licenseKey: key });
      expect(live.map((l) => [l.licenseId, l.seats, l.holder, l.valid])).to.deep.equal([
        [childIds[0], 4n, holder.address, true],
        [grandchildren[0], 2n, holder.address, true],
        [grandchildren[1], 4n, holder.address, true],
      ]);
      expect(
        live.reduce((sum, l) => sum + l.seats, 0n),
        "no seat lost",
      ).to.equal(10n);
      expect(await server.liveLicensesOfKey(volume, { licenseKey: "NO-SUCH-KEY" })).to.deep.equal(
        [],
      );
    });

    it("binds a license key: licenseOfKey finds it from the key, however written, and from the commitment", async function () {
      const { ledgers, registry, holder, volume, attested } = await loadFixture(sdkFixture);
      const key = "W7KQ-92XB-PL4M-0ZZT";
      const { licenseId, blockNumber } = await ledgers.publisher.issue({
        productId: volume,
        holder: holder.address,
        seats: 1,
        licenseKey: key,
      });
      const commitment = keyCommitment(volume, key);
      const committed = await registry.queryFilter(
        registry.filters.LicenseKeyCommitted(licenseId),
        blockNumber,
        blockNumber,
      );
      expect(committed.map((e) => e.args.keyCommitment)).to.deep.equal([commitment]);
      expect(await registry.licenseOfKey(volume, commitment)).to.equal(licenseId);

      const server = ledgers.stranger; // an activation server needs no role
      expect(await server.licenseOfKey(volume, { licenseKey: key })).to.equal(licenseId);
      expect(await server.licenseOfKey(volume, { licenseKey: " w7kq 92xb-pl4m 0zzt " })).to.equal(
        licenseId,
      );
      expect(await server.licenseOfKey(volume, { keyCommitment: commitment })).to.equal(licenseId);
      expect(await server.licenseOfKey(volume, { licenseKey: "W7KQ-92XB-PL4M-0ZZU" })).to.equal(
        undefined,
      );
      // Commitments are scoped per product.
      expect(await server.licenseOfKey(attested, { licenseKey: key })).to.equal(undefined);
    });

    it("binds a commitment computed elsewhere", async function () {
      const { ledgers, holder, volume } = await loadFixture(sdkFixture);
      const commitment = keyCommitment(volume, "OFFLINE-KEY-1");
      const { licenseId } = await ledgers.publisher.issue({
        productId: volume,
        holder: holder.address,
        seats: 1,
        keyCommitment: commitment,
      });
      expect(await ledgers.holder.licenseOfKey(volume, { licenseKey: "offline key 1" })).to.equal(
        licenseId,
      );
    });

    it("issues a batch with consecutive ids in request order", async function () {
      const { ledgers, registry, holder, buyer, stranger, volume } = await loadFixture(sdkFixture);
      const { licenseIds } = await ledgers.publisher.issueBatch(volume, [
        { holder: holder.address, seats: 1 },
        { holder: buyer.address, seats: 2, licenseKey: "BATCH-KEY-2" },
        { holder: stranger.address, seats: 3, originEvidence: EVIDENCE },
      ]);
      expect(licenseIds).to.deep.equal([3n, 4n, 5n].map((s) => licenseIdOf(volume, s)));
      const licenses = await Promise.all(licenseIds.map((id) => ledgers.holder.getLicense(id)));
      expect(licenses.map((l) => l.holder)).to.deep.equal([
        holder.address,
        buyer.address,
        stranger.address,
      ]);
      expect(licenses.map((l) => l.seats)).to.deep.equal([1n, 2n, 3n]);
      expect(await ledgers.holder.licenseOfKey(volume, { licenseKey: "batch-key-2" })).to.equal(
        licenseIds[1],
      );
      expect(await registry.balanceOf(stranger.address)).to.equal(1n);
      expect((await ledgers.holder.getProduct(volume)).licensesIssued).to.equal(5n);
    });
  });

  describe("holder actions", function () {
    it("releases a license: it is no longer valid for its holder", async function () {
      const { ledgers, registry, holder, volumeLicense, volume } = await loadFixture(sdkFixture);
      const { blockNumber } = await ledgers.holder.release(volumeLicense, DECLARATION);
      const license = await ledgers.holder.getLicense(volumeLicense);
      expect(license.status).to.equal("released");
      expect(license.valid).to.equal(false);
      expect(await ledgers.holder.isValid(volumeLicense)).to.equal(false);
      expect(await ledgers.holder.isValidFor(volumeLicense, holder.address)).to.equal(false);
      const released = await registry.queryFilter(
        registry.filters.LicenseReleased(volumeLicense),
        blockNumber,
        blockNumber,
      );
      expect(
        released.map((e) => [e.args.productId, e.args.holder, e.args.declarationHash]),
      ).to.deep.equal([[volume, holder.address, DECLARATION]]);
    });

    it("withdraws a release: the license is valid again", async function () {
      const { ledgers, holder, volumeLicense } = await loadFixture(sdkFixture);
      await ledgers.holder.release(volumeLicense, DECLARATION);
      await ledgers.holder.withdrawRelease(volumeLicense);
      const license = await ledgers.holder.getLicense(volumeLicense);
      expect(license.status).to.equal("active");
      expect(await ledgers.holder.isValidFor(volumeLicense, holder.address)).to.equal(true);
    });

    it("transfers with a declaration in one call (releaseAndTransfer)", async function () {
      const { ledgers, registry, holder, buyer, volumeLicense } = await loadFixture(sdkFixture);
      const { blockNumber } = await ledgers.holder.transfer(
        volumeLicense,
        buyer.address,
        DECLARATION,
      );
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      const license = await ledgers.buyer.getLicense(volumeLicense);
      expect(license.status).to.equal("active");
      expect(await ledgers.buyer.isValidFor(volumeLicense, buyer.address)).to.equal(true);
      expect(await ledgers.buyer.isValidFor(volumeLicense, holder.address)).to.equal(false);
      const released = await registry.queryFilter(
        registry.filters.LicenseReleased(volumeLicense),
        blockNumber,
        blockNumber,
      );
      expect(released.map((e) => e.args.declarationHash)).to.deep.equal([DECLARATION]);
    });

    it("transfers a license released earlier without a new declaration", async function () {
      const { ledgers, registry, holder, buyer, volumeLicense } = await loadFixture(sdkFixture);
      await ledgers.holder.release(volumeLicense, DECLARATION);
      await ledgers.holder.transfer(volumeLicense, buyer.address);
      expect(await registry.ownerOf(volumeLicense)).to.equal(buyer.address);
      expect(await registry.balanceOf(holder.address)).to.equal(3n);
      expect((await ledgers.buyer.getLicense(volumeLicense)).valid).to.equal(true);
    });

    it("moves an attested license after the publisher's attestation", async function () {
      const { ledgers, registry, buyer, attestedLicense } = await loadFixture(sdkFixture);
      await ledgers.holder.release(attestedLicense, DECLARATION);
      await ledgers.publisher.attestDeactivation(attestedLicense, EVIDENCE);
      expect((await ledgers.holder.getLicense(attestedLicense)).attested).to.equal(true);
      await ledgers.holder.transfer(attestedLicense, buyer.address);
      expect(await registry.ownerOf(attestedLicense)).to.equal(buyer.address);
      const license = await ledgers.buyer.getLicense(attestedLicense);
      expect(license.attested).to.equal(false);
      expect(license.attestationRequired).to.equal(true);
      expect(license.valid).to.equal(true);
    });

    it("splits a volume license into children that keep every seat", async function () {
      const { ledgers, holder, volumeLicense, volume } = await loadFixture(sdkFixture);
      const { childIds } = await ledgers.holder.split(volumeLicense, [50, 30n, 20]);
      expect(childIds).to.deep.equal([3n, 4n, 5n].map((s) => licenseIdOf(volume, s)));
      const children = await Promise.all(childIds.map((id) => ledgers.holder.getLicense(id)));
      expect(children.map((c) => c.seats)).to.deep.equal([50n, 30n, 20n]);
      expect(children.every((c) => c.holder === holder.address && c.valid)).to.equal(true);
      const parent = await ledgers.holder.getLicense(volumeLicense);
      expect(parent.status).to.equal("split");
      expect(parent.valid).to.equal(false);
      expect(parent.holder).to.equal(holder.address);
    });

    it("surrenders a license for good", async function () {
      const { ledgers, registry, holder, volumeLicense } = await loadFixture(sdkFixture);
      await ledgers.holder.surrender(volumeLicense);
      const license = await ledgers.holder.getLicense(volumeLicense);
      expect(license.status).to.equal("surrendered");
      expect(license.valid).to.equal(false);
      expect(await registry.ownerOf(volumeLicense)).to.equal(holder.address);
    });
  });

  describe("controller and arbiter", function () {
    it("revokes with a reason and evidence that stay on the ledger", async function () {
      const { ledgers, registry, publisher, volumeLicense } = await loadFixture(sdkFixture);
      const { blockNumber } = await ledgers.publisher.revoke(volumeLicense, REASON_FRAUD, EVIDENCE);
      const license = await ledgers.holder.getLicense(volumeLicense);
      expect(license.status).to.equal("revoked");
      expect(license.valid).to.equal(false);
      const revoked = await registry.queryFilter(
        registry.filters.LicenseRevoked(volumeLicense),
        blockNumber,
        blockNumber,
      );
      expect(revoked.map((e) => [e.args.by, e.args.reasonCode, e.args.evidenceHash])).to.deep.equal(
        [[publisher.address, BigInt(REASON_FRAUD), EVIDENCE]],
      );
    });

    it("suspends and reinstates (publisher, then arbiter)", async function () {
      const { ledgers, holder, volumeLicense } = await loadFixture(sdkFixture);
      await ledgers.publisher.suspend(volumeLicense, EVIDENCE);
      let license = await ledgers.holder.getLicense(volumeLicense);
      expect([license.suspended, license.valid, license.status]).to.deep.equal([
        true,
        false,
        "active",
      ]);
      await ledgers.publisher.reinstate(volumeLicense);
      license = await ledgers.holder.getLicense(volumeLicense);
      expect([license.suspended, license.valid]).to.deep.equal([false, true]);

      await ledgers.arbiter.suspend(volumeLicense, EVIDENCE);
      expect(await ledgers.holder.isValidFor(volumeLicense, holder.address)).to.equal(false);
      await ledgers.arbiter.reinstate(volumeLicense, EVIDENCE);
      expect(await ledgers.holder.isValidFor(volumeLicense, holder.address)).to.equal(true);
    });
  });

  describe("queries", function () {
    it("reports each product's flags on its licenses, and expiry by time", async function () {
      const { ledgers, subscriptionLicense, attestedLicense, termLicense, termValidUntil } =
        await loadFixture(sdkFixture);
      const subscription = await ledgers.holder.getLicense(subscriptionLicense);
      expect([subscription.transferable, subscription.splittable]).to.deep.equal([false, false]);
      const attested = await ledgers.holder.getLicense(attestedLicense);
      expect([attested.transferable, attested.attestationRequired]).to.deep.equal([true, true]);
      const term = await ledgers.holder.getLicense(termLicense);
      expect([term.validUntil, term.expired, term.valid]).to.deep.equal([
        termValidUntil,
        false,
        true,
      ]);
      await time.increaseTo(termValidUntil);
      const expired = await ledgers.holder.getLicense(termLicense);
      expect([expired.expired, expired.valid, expired.status]).to.deep.equal([
        true,
        false,
        "active",
      ]);
      expect(await ledgers.holder.isValid(termLicense)).to.equal(false);
    });

    it("isValidFor names the holder only", async function () {
      const { ledgers, holder, buyer, volumeLicense, buyerLicense } = await loadFixture(sdkFixture);
      expect(await ledgers.stranger.isValidFor(volumeLicense, holder.address)).to.equal(true);
      expect(await ledgers.stranger.isValidFor(volumeLicense, buyer.address)).to.equal(false);
      expect(await ledgers.stranger.isValidFor(buyerLicense, buyer.address)).to.equal(true);
      expect(await ledgers.stranger.isValid(buyerLicense)).to.equal(true);
    });

    describe("holdingsOf", function () {
      it("lists what an account holds after licenses moved in and out", async function () {
        const f = await loadFixture(sdkFixture);
        const { ledgers, holder, buyer, stranger } = f;
        expect(ids(await ledgers.stranger.holdingsOf(holder.address))).to.deep.equal([
          f.volumeLicense,
          f.subscriptionLicense,
          f.attestedLicense,
          f.termLicense,
        ]);
        const sinceBlock = (await ethers.provider.getBlockNumber()) + 1;
        await ledgers.holder.transfer(f.volumeLicense, buyer.address, DECLARATION); // out
        await ledgers.buyer.transfer(f.buyerLicense, holder.address, DECLARATION); // in
        await ledgers.holder.transfer(f.termLicense, buyer.address, DECLARATION); // out...
        await ledgers.buyer.transfer(f.termLicense, holder.address, DECLARATION); // ...and back
        const { childIds } = await ledgers.buyer.split(f.volumeLicense, [60, 40]);
        await ledgers.buyer.transfer(childIds[0]!, stranger.address, DECLARATION);

        const held = await ledgers.stranger.holdingsOf(holder.address);
        expect(ids(held)).to.deep.equal([
          f.buyerLicense,
          f.subscriptionLicense,
          f.attestedLicense,
          f.termLicense,
        ]);
        expect(held.every((l) => l.holder === holder.address)).to.equal(true);

        // The ended parent stays recorded with its last holder, next to the child it kept.
        const buyerHoldings = await ledgers.stranger.holdingsOf(buyer.address);
        expect(ids(buyerHoldings)).to.deep.equal([f.volumeLicense, childIds[1]!]);
        expect(buyerHoldings.map((l) => l.status)).to.deep.equal(["split", "active"]);
        expect(ids(await ledgers.stranger.holdingsOf(stranger.address))).to.deep.equal([
          childIds[0]!,
        ]);

        // Only what arrived since a block, when asked.
        expect(
          ids(await ledgers.stranger.holdingsOf(holder.address, { fromBlock: sinceBlock })),
        ).to.deep.equal([f.buyerLicense, f.termLicense]);
      });

      it("finds the same holdings whatever the page size", async function () {
        const f = await loadFixture(sdkFixture);
        const { ledgers, holder, buyer } = f;
        await ledgers.holder.transfer(f.volumeLicense, buyer.address, DECLARATION);
        await ledgers.buyer.transfer(f.buyerLicense, holder.address, DECLARATION);
        const latest = await ethers.provider.getBlockNumber();
        expect(latest).to.be.greaterThan(10); // so small pages really split the range
        const reference = ids(await ledgers.stranger.holdingsOf(holder.address));
        expect(reference).to.have.length(4);
        for (const pageSize of [1, 2, 3, 7, DEFAULT_LOG_PAGE]) {
          expect(
            ids(await ledgers.stranger.holdingsOf(holder.address, { pageSize })),
            `pageSize ${pageSize}`,
          ).to.deep.equal(reference);
        }
      });
    });

    describe("getLogsPaged", function () {
      /** ethers.provider, but its getLogs refuses ranges over `maxRange` blocks and records calls. */
      function limitedProvider(maxRange: number, calls: [number, number, "ok" | "refused"][]) {
        const getLogs = async (filter: Filter) => {
          const from = Number(filter.fromBlock);
          const to = Number(filter.toBlock);
          if (to - from + 1 > maxRange) {
            calls.push([from, to, "refused"]);
            throw new Error(`block range too large (at most ${maxRange})`);
          }
          calls.push([from, to, "ok"]);
          return ethers.provider.getLogs(filter);
        };
        return new Proxy(ethers.provider, {
          get: (target, property) =>
            property === "getLogs" ? getLogs : Reflect.get(target, property, target),
        }) as unknown as Provider;
      }

      it("pages the range, halves a page the provider refuses, and misses no log", async function () {
        const f = await loadFixture(sdkFixture);
        await f.ledgers.holder.transfer(f.volumeLicense, f.buyer.address, DECLARATION);
        const toBlock = await ethers.provider.getBlockNumber();
        const filter = { address: f.registryAddress, topics: [] };
        const all = await ethers.provider.getLogs({ ...filter, fromBlock: 0, toBlock });
        expect(all.length).to.be.greaterThan(10);

        const calls: [number, number, "ok" | "refused"][] = [];
        const paged = await getLogsPaged(limitedProvider(3, calls), filter, 0, toBlock, 10);
        expect(paged.map((l) => [l.transactionHash, l.index])).to.deep.equal(
          all.map((l) => [l.transactionHash, l.index]),
        );
        expect(calls.slice(0, 3)).to.deep.equal([
          [0, 9, "refused"],
          [0, 4, "refused"],
          [0, 2, "ok"],
        ]);
        // The pages that were answered cover the range once, in order, with no gap.
        const answered = calls.filter(([, , outcome]) => outcome === "ok");
        let next = 0;
        for (const [from, to] of answered) {
          expect(from).to.equal(next);
          expect(to - from + 1).to.be.at.most(3);
          next = to + 1;
        }
        expect(next).to.equal(toBlock + 1);
      });

      it("gives up when even a single block is refused", async function () {
        const calls: [number, number, "ok" | "refused"][] = [];
        const error = await getLogsPaged(
          limitedProvider(0, calls),
          { address: ZeroAddress, topics: [] },
          5,
          8,
          4,
        ).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.equal("block range too large (at most 0)");
        expect(calls.map(([from, to]) => to - from + 1)).to.deep.equal([4, 2, 1]);
      });

      it("asks nothing for an empty range", async function () {
        const calls: [number, number, "ok" | "refused"][] = [];
        const logs = await getLogsPaged(
          limitedProvider(10, calls),
          { address: ZeroAddress, topics: [] },
          9,
          8,
          4,
        );
        expect(logs).to.deep.equal([]);
        expect(calls).to.deep.equal([]);
      });
    });
  });
});
