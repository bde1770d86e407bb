import { expect } from "chai";

import {
  DEFAULT_LOG_PAGE,
  LedgerError,
  FIRST_SALE_REGIONS,
  LICENSE_STATUSES,
  type ChainOfTitle,
  type LicenseLedger,
  type TitleStepKind,
} from "@license-ledger/sdk";
import { networkHelpers } from "../../helpers/network.js";
import { ledgerErrorOf } from "../../helpers/sdk.js";
import {
  expectedHoldings,
  expectedLineage,
  expectedTitle,
  titleScenarioFixture,
  TRADERS,
  type Moment,
  type ScenarioFixture,
} from "./scenario.js";

const { loadFixture, mine, time } = networkHelpers;

/** The parts of a chain of title the test's ledger predicts. */
const predicted = (t: ChainOfTitle) => ({
  license: t.license,
  product: t.product,
  lineage: t.lineage,
  holders: t.holders,
  steps: t.steps,
});

/** The moment in force at `block`: the last one at or before it. */
const momentAt = (moments: Moment[], block: number): Moment =>
  moments.filter((m) => m.block <= block).at(-1)!;

/** Moments to ask about: the first, some in between, the last. */
const sampled = (moments: Moment[]): Moment[] =>
  [0, 9, 24, 44, 61, 77, moments.length - 1].map((i) => moments[i]!);

describe("chain of title: rebuilt from the logs alone", function () {
  let f: ScenarioFixture;
  let ledger: LicenseLedger;
  let last: Moment;

  beforeEach(async function () {
    f = await loadFixture(titleScenarioFixture);
    // An account with no part in any license reads the chain: nothing is private to a party.
    ledger = f.ledgers.stranger;
    last = f.moments.at(-1)!;
  });

  it("runs a seeded scenario of every kind of operation, with splits of splits", function () {
    expect(f.moments.length).to.be.at.least(60);
    expect(Object.keys(f.ran)).to.have.members([
      "issue",
      "split",
      "direct-resale",
      "release",
      "release-attested",
      "transfer-released",
      "withdraw-release",
      "attest",
      "sell-eth",
      "sell-token",
      "accept-offer",
      "suspend",
      "reinstate",
      "revoke",
      "surrender",
      "time",
    ]);
    const kinds = new Set<TitleStepKind>();
    for (const l of last.licenses.values()) for (const s of l.steps) kinds.add(s.kind);
    expect([...kinds]).to.have.members([
      "issued",
      "issued-by",
      "key-committed",
      "released",
      "release-withdrawn",
      "attested",
      "transferred",
      "sold",
      "split",
      "suspended",
      "reinstated",
      "revoked",
      "surrendered",
      "evidence-drawn",
      "suspension-bounded",
      "arbiter-reinstated",
    ]);
    const depth = Math.max(
      ...[...last.licenses.keys()].map((id) => expectedLineage(last.licenses, id).length),
    );
    expect(depth, "a split of a split child").to.be.at.least(2);
    const expired = [...last.licenses.values()].filter(
      (l) => l.validUntil !== 0n && BigInt(last.timestamp) >= l.validUntil,
    );
    expect(expired, "a term license that ran out").to.not.be.empty;
  });

  it("equals the test's own ledger for every license, split children included", async function () {
    for (const licenseId of last.licenses.keys()) {
      const title = await ledger.chainOfTitle(licenseId);
      expect(predicted(title), `license ${licenseId}`).to.deep.equal(
        expectedTitle(last, licenseId, f.publisher.address),
      );
      expect(title.at.block).to.equal(last.block);
      expect(title.chainId).to.equal(ledger.chainId);
      expect(title.registry).to.equal(f.registryAddress);
      expect(title.market).to.equal(f.marketAddress);
    }
  });

  it("lists a split child's parents' steps first, up to the split that created it", async function () {
    const child = [...last.licenses.keys()].find(
      (id) => expectedLineage(last.licenses, id).length >= 2,
    )!;
    const title = await ledger.chainOfTitle(child);
    const [grandparent, parent] = title.lineage;
    const owners = title.steps.map((s) => s.licenseId);
    const firstOwn = owners.indexOf(child);
    expect(owners[0]).to.equal(grandparent);
    expect(owners.slice(0, owners.indexOf(parent!)).every((o) => o === grandparent)).to.equal(true);
    // The step that hands over to the next license in the line is its parent's split.
    const birth = title.steps[firstOwn === -1 ? title.steps.length - 1 : firstOwn - 1]!;
    expect(birth.kind).to.equal("split");
    expect(birth.licenseId).to.equal(parent);
    expect(title.holders[0]!.licenseId).to.equal(grandparent);
    expect(title.holders.at(-1)!.licenseId).to.equal(child);
    // No gap: each holding ends where the next begins.
    title.holders
      .slice(1)
      .forEach((h, i) => expect(title.holders[i]!.until).to.deep.equal(h.since));
  });

  it("keeps log order within a transaction: a market sale's LicenseSold follows its Transfer", async function () {
    for (const licenseId of last.licenses.keys()) {
      const { steps } = await ledger.chainOfTitle(licenseId);
      steps.forEach((s, i) => {
        if (s.kind !== "sold") return;
        const before = steps[i - 1]!;
        expect(before.kind).to.equal("transferred");
        expect(before.transaction).to.equal(s.transaction);
        expect(before.logIndex).to.be.below(s.logIndex);
      });
    }
  });

  it("agrees with the registry's own getLicense, read at the same blocks", async function () {
    for (const m of sampled(f.moments).slice(2)) {
      for (const licenseId of m.licenses.keys()) {
        const { license } = await ledger.chainOfTitle(licenseId, { atBlock: m.block });
        const view = await f.registry.getLicense(licenseId, { blockTag: m.block });
        expect(license, `license ${licenseId} at block ${m.block}`).to.deep.equal({
          licenseId,
          productId: view.productId,
          holder: view.holder,
          seats: view.seats,
          validUntil: view.validUntil,
          moves: view.moves,
          firstSaleRegion: FIRST_SALE_REGIONS[Number(view.firstSaleRegion)],
          exhausted: view.exhausted,
          status: LICENSE_STATUSES[Number(view.status)],
          suspended: view.suspended,
          attested: view.attested,
          expired: view.expired,
          valid: view.valid,
          transferable: view.transferable,
          splittable: view.splittable,
          attestationRequired: view.attestationRequired,
        });
      }
    }
  });

  it("counts a license expired from the very second its validity ends", async function () {
    const start = BigInt(await time.latest());
    const validUntil = start + 1_000n;
    const { licenseId } = await f.ledgers.publisher.issue({
      productId: f.term,
      holder: f.buyer.address,
      seats: 1,
      validUntil,
    });
    await time.setNextBlockTimestamp(validUntil - 1n);
    await mine();
    const before = await time.latestBlock();
    await time.setNextBlockTimestamp(validUntil);
    await mine();
    const at = await time.latestBlock();
    const then = await ledger.chainOfTitle(licenseId, { atBlock: before });
    const now = await ledger.chainOfTitle(licenseId, { atBlock: at });
    expect([then.license.expired, then.license.valid]).to.deep.equal([false, true]);
    expect([now.license.expired, now.license.valid]).to.deep.equal([true, false]);
    expect((await f.registry.getLicense(licenseId, { blockTag: at })).expired).to.equal(true);
  });

  describe("at a point in time", function () {
    it("equals the test's ledger as it was at an intermediate block, and at that block's time", async function () {
      const then = f.moments[44]!;
      for (const licenseId of then.licenses.keys()) {
        const expected = expectedTitle(then, licenseId, f.publisher.address);
        const atBlock = await ledger.chainOfTitle(licenseId, { atBlock: then.block });
        expect(predicted(atBlock), `license ${licenseId} at block ${then.block}`).to.deep.equal(
          expected,
        );
        const atTime = await ledger.chainOfTitle(licenseId, { atTime: then.timestamp });
        expect(atTime).to.deep.equal(atBlock);
      }
    });

    it("refuses a license that did not exist yet at that block", async function () {
      const then = f.moments[44]!;
      const later = [...last.licenses.keys()].find((id) => !then.licenses.has(id))!;
      const error = await ledgerErrorOf(
        ledger.chainOfTitle(later, { atBlock: then.block }),
        LedgerError,
        "LicenseNotIssued",
      );
      expect(error.message).to.equal(
        `license ${later} had not been issued by block ${then.block}: the ledger records no issuance or split that created it`,
      );
    });

    it("refuses a block not mined yet, and a block and a time together", async function () {
      const error = await ledgerErrorOf(
        ledger.chainOfTitle(1n, { atBlock: last.block + 5 }),
        LedgerError,
        "BlockNotMined",
      );
      expect(error.message).to.equal(
        `block ${last.block + 5} has not been mined yet: the chain is at block ${last.block}`,
      );
      await ledgerErrorOf(
        ledger.chainOfTitle(1n, { atBlock: 1, atTime: 1 }),
        LedgerError,
        "PointInTimeAmbiguous",
      );
    });

    it("says who held each license at several blocks and times", async function () {
      const ids = [...last.held.keys()];
      for (const m of sampled(f.moments)) {
        for (const licenseId of ids) {
          expect(
            await ledger.holderAt(licenseId, { block: m.block }),
            `license ${licenseId} at block ${m.block}`,
          ).to.equal(m.held.get(licenseId));
        }
      }
      // By time: a block's own time, and any time before the next block, name that block.
      for (const i of [10, 45, 80]) {
        const m = f.moments[i]!;
        const next = f.moments[i + 1]!;
        for (const time of [m.timestamp, next.timestamp - 1]) {
          for (const licenseId of ids.slice(0, 12)) {
            expect(await ledger.holderAt(licenseId, { time })).to.equal(m.held.get(licenseId));
          }
        }
      }
      const first = [...last.licenses.keys()][0]!;
      expect(await ledger.holderAt(first, { block: f.moments[0]!.block - 1 })).to.equal(undefined);
      expect(await ledger.holderAt(first, { time: 0 })).to.equal(undefined);
    });

    it("lists all licenses each account held at several blocks and times", async function () {
      for (const m of sampled(f.moments)) {
        const at = momentAt(f.moments, m.block);
        for (const trader of TRADERS) {
          const account = f[trader].address;
          expect(
            await ledger.licensesHeldAt(account, { block: m.block }),
            `${trader} at block ${m.block}`,
          ).to.deep.equal(expectedHoldings(at, account));
          expect(await ledger.licensesHeldAt(account, { time: m.timestamp })).to.deep.equal(
            expectedHoldings(at, account),
          );
        }
      }
      expect(await ledger.licensesHeldAt(f.holder.address, { time: 0 })).to.deep.equal([]);
      expect(await ledger.licensesHeldAt(f.publisher.address, { block: last.block })).to.deep.equal(
        [],
      );
    });
  });

  describe("paging", function () {
    it("gives identical results with pages of 1, 3 and the default number of blocks", async function () {
      const ids = [...last.licenses.keys()];
      const deepest = ids.reduce((a, b) =>
        expectedLineage(last.licenses, b).length > expectedLineage(last.licenses, a).length ? b : a,
      );
      const busiest = ids.reduce((a, b) =>
        last.licenses.get(b)!.steps.length > last.licenses.get(a)!.steps.length ? b : a,
      );
      const middle = f.moments[50]!;
      for (const licenseId of [deepest, busiest]) {
        const titles = [];
        for (const pageSize of [1, 3, DEFAULT_LOG_PAGE]) {
          titles.push(await ledger.chainOfTitle(licenseId, { pageSize }));
        }
        expect(predicted(titles[0]!)).to.deep.equal(
          expectedTitle(last, licenseId, f.publisher.address),
        );
        expect(titles[1]).to.deep.equal(titles[0]);
        expect(titles[2]).to.deep.equal(titles[0]);
        for (const pageSize of [1, 3]) {
          expect(await ledger.holderAt(licenseId, { block: middle.block, pageSize })).to.equal(
            middle.held.get(licenseId),
          );
        }
      }
      for (const trader of TRADERS) {
        const account = f[trader].address;
        for (const pageSize of [1, 3]) {
          expect(
            await ledger.licensesHeldAt(account, { block: middle.block, pageSize }),
          ).to.deep.equal(expectedHoldings(middle, account));
        }
      }
    });
  });
});
