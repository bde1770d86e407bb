import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Wallet } from "ethers";
import { network } from "hardhat";
import type { JsonRpcServer } from "hardhat/types/network";

import {
  LicenseLedger,
  LicenseRegistry__factory,
  ROLES,
  type BatchOptions,
  type BatchResult,
  type BatchWait,
  type LicenseRegistry,
} from "@license-ledger/sdk";
import { DyingWallet } from "../../helpers/batches.js";
import { DECLARATION, EVIDENCE, REASON_FRAUD } from "../../helpers/constants.js";
import { droppingProxy, type DroppingProxy } from "../../helpers/dropping-proxy.js";
import { removeTempDirs, tempDir } from "../../helpers/sdk.js";

/** Hardhat's default accounts (the in-process chain funds them). */
const MNEMONIC = "test test test test test test test test test test test junk";
const account = (index: number) =>
  HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;

/** The chain mines a block this often (no automining: a nonce gap waits in the pool). */
const BLOCK_MS = 100;
/** A sent transaction unknown to the node for this long is sent again. */
const RESEND_AFTER_MS = 1_000;
const BATCH_OPTIONS = {
  concurrency: 4,
  resendAfterMs: RESEND_AFTER_MS,
  pollMs: 50,
  reportEveryMs: 100,
} satisfies Partial<BatchOptions>;

const TERMS = {
  validityDays: 0,
  maxSeatsPerLicense: 100,
  transferable: true,
  splittable: false,
  attestationRequired: false,
};

/**
 * Every batch kind behind a JSON-RPC proxy that drops some accepted transactions: the proxy
 * answers `eth_sendRawTransaction` with the hash and never forwards it, as a node whose pool
 * evicted the transaction would look to its client. The node is a Hardhat chain served on
 * 127.0.0.1 that mines a block every 100 ms.
 */
describe("SDK batches: transactions the node dropped", function () {
  let server: JsonRpcServer;
  let proxy: DroppingProxy;
  let provider: JsonRpcProvider;
  let publisher: Wallet;
  let registry: LicenseRegistry;
  let ledger: LicenseLedger;
  let productId: bigint;
  /** The nonces whose first send the proxy drops (each nonce once). */
  let dropNonces = new Set<number>();
  const droppedOnce = new Set<number>();

  before(async function () {
    server = await network.createServer(
      {
        network: "default",
        override: {
          mining: { auto: false, interval: BLOCK_MS },
          allowBlocksWithSameTimestamp: true,
        },
      },
      "127.0.0.1",
      0,
    );
    const { address, port } = await server.listen();
    proxy = await droppingProxy(`http://${address}:${port}`, (tx) => {
      if (!dropNonces.has(tx.nonce) || droppedOnce.has(tx.nonce)) return false;
      droppedOnce.add(tx.nonce);
      return true;
    });
    provider = new JsonRpcProvider(proxy.url, undefined, {
      cacheTimeout: -1,
      pollingInterval: 50,
    });
    publisher = new Wallet(account(0), provider);
    const deployed = await new LicenseRegistry__factory(publisher).deploy(
      "License Ledger",
      "LICENSE",
      publisher.address,
      2 * 24 * 3600,
    );
    await deployed.waitForDeployment();
    registry = deployed as unknown as LicenseRegistry;
    await (await registry.grantRole(ROLES.PUBLISHER, publisher.address)).wait();
    ledger = await LicenseLedger.connect(publisher, { registry: await registry.getAddress() });
    ({ productId } = await ledger.registerProduct(TERMS, "ipfs://license-ledger-drops"));
  });

  after(async function () {
    provider?.destroy();
    await proxy?.close();
    await server?.close();
    removeTempDirs();
  });

  const journal = () => join(tempDir("license-ledger-drops-"), "journal.jsonl");

  /** Runs `batch` with the proxy dropping the first send of the batch's `drop`-th transactions. */
  async function withDrops<R extends BatchResult>(
    drop: number[],
    batch: (options: BatchOptions) => Promise<R>,
  ): Promise<{ result: R; waits: BatchWait[]; firstNonce: number }> {
    const firstNonce = await provider.getTransactionCount(publisher.address, "pending");
    dropNonces = new Set(drop.map((n) => firstNonce + n));
    const waits: BatchWait[] = [];
    try {
      const result = await batch({
        ...BATCH_OPTIONS,
        journalPath: journal(),
        onWait: (w) => waits.push(w),
      });
      return { result, waits, firstNonce };
    } finally {
      dropNonces = new Set();
    }
  }

  /** Each dropped nonce was sent again once, as the same transaction, and nothing else was. */
  async function expectResentOnce(firstNonce: number, steps: number, waits: BatchWait[]) {
    const sends = proxy.sends.filter((s) => s.nonce >= firstNonce);
    const dropped = sends.filter((s) => s.dropped);
    expect(dropped.length, "dropped transactions").to.be.greaterThan(0);
    for (const lost of dropped) {
      const copies = sends.filter((s) => s.nonce === lost.nonce);
      expect(copies.map((s) => [s.hash, s.dropped])).to.deep.equal([
        [lost.hash, true],
        [lost.hash, false],
      ]);
      const noticed = copies[1]!.at - lost.at;
      expect(noticed, "ms from the drop to the resend").to.be.within(
        RESEND_AFTER_MS,
        RESEND_AFTER_MS + 3000, // the bound plus look-ups, on a loaded machine
      );
      const resent = waits.filter((w) => w.state === "resent" && w.nonce === lost.nonce);
      expect(resent, `resent reports of nonce ${lost.nonce}`).to.have.length(1);
      expect(resent[0]!.message).to.match(
        new RegExp(
          `^${resent[0]!.step.description} \\(nonce ${lost.nonce}, transaction ${lost.hash}\\) was neither mined nor pending after \\d+\\.?\\d* s: sent it again with the same nonce$`,
        ),
      );
      // What it said while the node did not know the transaction (a loaded machine may look
      // only twice in the bound, so not every dropped transaction gets such a line).
      for (const unknown of waits.filter((w) => w.state === "unknown" && w.nonce === lost.nonce)) {
        expect(unknown.message).to.match(
          new RegExp(
            `^waiting for ${resent[0]!.step.description} \\(nonce ${lost.nonce}, transaction ${lost.hash}\\): the node has not known the transaction for \\d+(\\.\\d)? s \\(dropped from its pool\\?\\); it is sent again with the same nonce after 1 s$`,
          ),
        );
      }
    }
    expect(
      waits.some((w) => w.state === "unknown"),
      "a line while the node did not know a transaction",
    ).to.equal(true);
    // One nonce per step: no step took a second one.
    expect(new Set(sends.map((s) => s.nonce)).size).to.equal(steps);
    expect(await provider.getTransactionCount(publisher.address, "latest")).to.equal(
      firstNonce + steps,
    );
  }

  it("issueMany: notices each dropped transaction, sends it again with its nonce, and issues every row once", async function () {
    const before = (await ledger.getProduct(productId)).licensesIssued;
    const rows = Array.from({ length: 8 }, (_, i) => ({ holder: publisher.address, seats: i + 1 }));
    const { result, waits, firstNonce } = await withDrops([1, 4], (options) =>
      ledger.issueMany(productId, rows, { ...options, chunkSize: 1 }),
    );
    expect([result.sent, result.resumed]).to.deep.equal([8, 0]);
    expect((await ledger.getProduct(productId)).licensesIssued).to.equal(before + 8n);
    const seats = await Promise.all(
      result.licenseIds.map(async (id) => (await ledger.getLicense(id)).seats),
    );
    expect(seats).to.deep.equal(rows.map((r) => BigInt(r.seats)));
    await expectResentOnce(firstNonce, 8, waits);
    // The transactions queued behind the gap said they were pending.
    expect(waits.some((w) => w.state === "pending")).to.equal(true);
    expect(waits.find((w) => w.state === "pending")!.message).to.match(
      /^waiting for issuing rows \d-\d as licenses of product \d+ \(nonce \d+, transaction 0x[0-9a-f]{64}\): pending for \d+(\.\d)? s, not mined yet$/,
    );
  });

  it("transferMany: a dropped transfer is sent again as the same call, and every license moves once", async function () {
    const recipient = new Wallet(account(1)).address;
    const ids: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await ledger.issue({ productId, holder: publisher.address, seats: 1 })).licenseId);
    }
    for (const id of ids.slice(0, 3)) await ledger.release(id, DECLARATION); // moved by transferFrom
    const items = ids.map((licenseId, i) => ({
      licenseId,
      to: recipient,
      ...(i < 3 ? {} : { declarationHash: DECLARATION }),
    }));
    const { result, waits, firstNonce } = await withDrops([0, 3], (options) =>
      ledger.transferMany(items, options),
    );
    expect([result.sent, result.resumed]).to.deep.equal([6, 0]);
    for (const id of ids) {
      expect(await registry.ownerOf(id)).to.equal(recipient);
      const moves = await registry.queryFilter(registry.filters.Transfer(undefined, undefined, id));
      expect(moves, `transfers of ${id} (issuance included)`).to.have.length(2);
    }
    await expectResentOnce(firstNonce, 6, waits);
  });

  it("revokeMany: a dropped revocation is sent again with its nonce, and every license is revoked once", async function () {
    const ids: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await ledger.issue({ productId, holder: publisher.address, seats: 1 })).licenseId);
    }
    const items = ids.map((licenseId) => ({
      licenseId,
      reasonCode: REASON_FRAUD,
      evidenceHash: EVIDENCE,
    }));
    const { result, waits, firstNonce } = await withDrops([2], (options) =>
      ledger.revokeMany(items, options),
    );
    expect([result.sent, result.resumed]).to.deep.equal([5, 0]);
    for (const id of ids) {
      expect((await ledger.getLicense(id)).status).to.equal("revoked");
      const revoked = await registry.queryFilter(registry.filters.LicenseRevoked(id));
      expect(revoked, `revocations of ${id}`).to.have.length(1);
    }
    await expectResentOnce(firstNonce, 5, waits);
  });

  it("a crash right after a broadcast the node dropped: the rerun sends it again at once, with its nonce", async function () {
    const before = (await ledger.getProduct(productId)).licensesIssued;
    const rows = Array.from({ length: 4 }, (_, i) => ({ holder: publisher.address, seats: i + 1 }));
    const journalPath = journal();
    const firstNonce = await provider.getTransactionCount(publisher.address, "pending");
    dropNonces = new Set([firstNonce + 2]);
    const dying = new DyingWallet(account(0), provider, 3, "after broadcast", journalPath);
    const dyingLedger = await LicenseLedger.connect(dying, {
      registry: await registry.getAddress(),
    });
    await dyingLedger
      .issueMany(productId, rows, { ...BATCH_OPTIONS, journalPath, chunkSize: 1 })
      .then(
        () => expect.fail("the batch should have died"),
        (error: Error) => expect(error.message).to.contain("killed (simulated crash)"),
      );
    writeFileSync(journalPath, dying.journalAtDeath!);
    dropNonces = new Set();

    const started = Date.now();
    const waits: BatchWait[] = [];
    const result = await ledger.issueMany(productId, rows, {
      ...BATCH_OPTIONS,
      journalPath,
      chunkSize: 1,
      onWait: (w) => waits.push(w),
    });
    expect([result.sent, result.resumed]).to.deep.equal([2, 2]);
    expect((await ledger.getProduct(productId)).licensesIssued).to.equal(before + 4n);
    const copies = proxy.sends.filter((s) => s.nonce === firstNonce + 2);
    expect(copies.map((s) => s.dropped)).to.deep.equal([true, false]);
    expect(copies[0]!.hash).to.equal(copies[1]!.hash);
    // Sent again as the rerun starts, without waiting out the resend bound first.
    expect(copies[1]!.at - started, "ms from the rerun's start to the resend").to.be.below(
      RESEND_AFTER_MS,
    );
    expect(await provider.getTransactionCount(publisher.address, "latest")).to.equal(
      firstNonce + 4,
    );
  });
});
