import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import {
  ContractRefusalError,
  LedgerError,
  LicenseLedger,
  runBatch,
  type BatchProgress,
  type BatchResult,
  type BatchStep,
} from "@license-ledger/sdk";
import { DECLARATION, EVIDENCE, REASON_FRAUD } from "../../helpers/constants.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import {
  ledgerErrorOf,
  removeTempDirs,
  sdkFixture,
  tempDir,
  type SdkFixture,
} from "../../helpers/sdk.js";

const { loadFixture, mine, takeSnapshot } = networkHelpers;

/** A journal line, as `runBatch` writes it. */
type JournalLine =
  | { key: string; state: "sending"; nonce: number; sinceBlock: number }
  | { key: string; state: "sent"; nonce: number; hash: string }
  | { key: string; state: "confirmed"; hash: string; block: number }
  | { key: string; state: "superseded"; nonce: number };

function journalLines(path: string): JournalLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as JournalLine);
}

function writeJournal(path: string, lines: JournalLine[]): void {
  writeFileSync(path, lines.map((line) => JSON.stringify(line) + "\n").join(""));
}

function newJournal(): string {
  return join(tempDir("license-ledger-batch-"), "journal.jsonl");
}

/** A batch step that issues one license of the volume product to `holder` with `seats`. */
function issueStep(
  f: SdkFixture,
  key: string,
  holder: string,
  seats: () => bigint | number,
): BatchStep {
  return {
    key,
    description: `issuing ${key}`,
    request: () => f.registry.issue.populateTransaction(f.volume, holder, seats(), 0),
  };
}

async function licensesIssued(f: SdkFixture): Promise<bigint> {
  return (await f.registry.getProduct(f.volume)).licensesIssued;
}

/** The seats of the licenses a receipt's `LicenseIssued` events issued. */
function issuedSeats(f: SdkFixture, result: BatchResult): bigint[] {
  return result.receipts.flatMap((receipt) =>
    receipt.logs.flatMap((log) => {
      const parsed = f.registry.interface.parseLog(log);
      return parsed?.name === "LicenseIssued" ? [parsed.args.getValue("seats") as bigint] : [];
    }),
  );
}

async function nonceOf(hash: string): Promise<number> {
  const tx = await ethers.provider.getTransaction(hash);
  if (tx === null) throw new Error(`no transaction ${hash}`);
  return tx.nonce;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SDK batches", function () {
  after(removeTempDirs);

  describe("runBatch", function () {
    it("sends every step, journals each one and reports progress", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      const steps = [1, 2, 3, 4, 5].map((n) => issueStep(f, `row ${n}`, f.holder.address, () => n));
      const firstNonce = await ethers.provider.getTransactionCount(f.publisher.address);
      const progress: BatchProgress[] = [];
      const before = await licensesIssued(f);

      const result = await runBatch(f.publisher, steps, {
        journalPath,
        concurrency: 2,
        onProgress: (p) => progress.push(p),
      });

      expect(result.sent).to.equal(5);
      expect(result.resumed).to.equal(0);
      expect(result.receipts).to.have.length(5);
      expect(issuedSeats(f, result)).to.deep.equal([1n, 2n, 3n, 4n, 5n]); // step order
      expect(await licensesIssued(f)).to.equal(before + 5n);

      expect(progress.map((p) => p.done)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(progress.every((p) => p.total === 5 && p.outcome === "confirmed")).to.equal(true);
      expect(progress.map((p) => p.step.key).sort()).to.deep.equal(steps.map((s) => s.key).sort());
      for (const p of progress) {
        expect(p.hash).to.equal(result.receipts[steps.indexOf(p.step)]!.hash);
      }

      const lines = journalLines(journalPath);
      expect(lines).to.have.length(15);
      steps.forEach((step, i) => {
        const own = lines.filter((line) => line.key === step.key);
        expect(own.map((line) => line.state)).to.deep.equal(["sending", "sent", "confirmed"]);
        const [sending, sent, confirmed] = own as [
          Extract<JournalLine, { state: "sending" }>,
          Extract<JournalLine, { state: "sent" }>,
          Extract<JournalLine, { state: "confirmed" }>,
        ];
        expect(sending.nonce).to.equal(firstNonce + i);
        expect(sent.nonce).to.equal(firstNonce + i);
        expect(sent.hash).to.equal(result.receipts[i]!.hash);
        expect(confirmed.hash).to.equal(result.receipts[i]!.hash);
        expect(confirmed.block).to.equal(result.receipts[i]!.blockNumber);
      });
    });

    it("sends nothing when rerun with the same journal, and returns the same receipts", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      const steps = [1, 2, 3].map((n) => issueStep(f, `row ${n}`, f.holder.address, () => n));
      const first = await runBatch(f.publisher, steps, { journalPath });
      const issued = await licensesIssued(f);
      const nonce = await ethers.provider.getTransactionCount(f.publisher.address);
      const progress: BatchProgress[] = [];

      const again = await runBatch(f.publisher, steps, {
        journalPath,
        onProgress: (p) => progress.push(p),
      });

      expect(again.sent).to.equal(0);
      expect(again.resumed).to.equal(3);
      expect(again.receipts.map((r) => r.hash)).to.deep.equal(first.receipts.map((r) => r.hash));
      expect(await licensesIssued(f)).to.equal(issued);
      expect(await ethers.provider.getTransactionCount(f.publisher.address)).to.equal(nonce);
      expect(progress.map((p) => [p.done, p.total, p.outcome])).to.deep.equal([
        [1, 3, "resumed"],
        [2, 3, "resumed"],
        [3, 3, "resumed"],
      ]);
    });

    it("refuses a journal written for other steps, sending nothing", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      await runBatch(
        f.publisher,
        [1, 2, 3, 4].map((n) => issueStep(f, `old ${n}`, f.holder.address, () => n)),
        { journalPath },
      );
      const issued = await licensesIssued(f);
      const error = await ledgerErrorOf(
        runBatch(f.publisher, [issueStep(f, "new 1", f.holder.address, () => 1)], {
          journalPath,
        }),
        LedgerError,
        "JournalMismatch",
      );
      expect(error.message).to.equal(
        `the journal ${journalPath} records steps this batch does not have (old 1, old 2, old 3, ...): was its input changed? Use a new journal for a new batch`,
      );
      expect(error.args.foreign).to.deep.equal(["old 1", "old 2", "old 3", "old 4"]);
      expect(await licensesIssued(f)).to.equal(issued);
    });

    it("refuses two steps with the same key", async function () {
      const f = await loadFixture(sdkFixture);
      const error = await ledgerErrorOf(
        runBatch(
          f.publisher,
          [
            issueStep(f, "same", f.holder.address, () => 1),
            issueStep(f, "same", f.buyer.address, () => 2),
          ],
          { journalPath: newJournal() },
        ),
        LedgerError,
        "DuplicateStep",
      );
      expect(error.message).to.equal("two batch steps share the key same");
    });

    it("stops at a refusal saying how far it got; a rerun after the fix completes without duplicates", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      let thirdSeats = 999; // above the product's 500: the contract refuses it
      const steps = [
        issueStep(f, "row 1", f.holder.address, () => 1),
        issueStep(f, "row 2", f.holder.address, () => 2),
        issueStep(f, "row 3", f.holder.address, () => thirdSeats),
        issueStep(f, "row 4", f.holder.address, () => 4),
      ];
      const before = await licensesIssued(f);

      const error = await ledgerErrorOf(
        runBatch(f.publisher, steps, { journalPath }),
        LedgerError,
        "LicenseSeatsInvalid",
      );
      expect(error.message).to.equal(
        "the batch stopped after 2 of 4 steps: 999 seats is not allowed: a license of this product carries 1 to 500 seats. Rerun it with the same journal to resume",
      );
      expect(error.args).to.deep.equal({ seats: 999n, maxSeats: 500n, done: 2, total: 4 });
      expect(error.cause).to.be.instanceOf(ContractRefusalError);
      expect(await licensesIssued(f)).to.equal(before + 2n);
      expect(new Set(journalLines(journalPath).map((line) => line.key))).to.deep.equal(
        new Set(["row 1", "row 2"]),
      );

      thirdSeats = 3;
      const progress: BatchProgress[] = [];
      const result = await runBatch(f.publisher, steps, {
        journalPath,
        onProgress: (p) => progress.push(p),
      });
      expect([result.sent, result.resumed]).to.deep.equal([2, 2]);
      expect(issuedSeats(f, result)).to.deep.equal([1n, 2n, 3n, 4n]);
      expect(await licensesIssued(f)).to.equal(before + 4n);
      expect(progress.map((p) => p.outcome)).to.deep.equal([
        "resumed",
        "resumed",
        "confirmed",
        "confirmed",
      ]);
    });

    describe("after a crash", function () {
      /** Three issuance steps, and the account's next nonce and block when the "crash" happened. */
      async function crashScene() {
        const f = await loadFixture(sdkFixture);
        const journalPath = newJournal();
        const steps = [1, 2, 3].map((n) => issueStep(f, `row ${n}`, f.buyer.address, () => n));
        const nonce = await ethers.provider.getTransactionCount(f.publisher.address, "latest");
        const sinceBlock = await ethers.provider.getBlockNumber();
        const before = await licensesIssued(f);
        /** Sends step 1's transaction by hand, as the killed process did. */
        const sendFirstByHand = () =>
          f.registry.connect(f.publisher).issue(f.volume, f.buyer.address, 1, 0, { nonce });
        return { f, journalPath, steps, nonce, sinceBlock, before, sendFirstByHand };
      }

      it("killed after `sending`, its transaction mined: finds it by nonce and does not send it again", async function () {
        const { f, journalPath, steps, nonce, sinceBlock, before, sendFirstByHand } =
          await crashScene();
        writeJournal(journalPath, [{ key: "row 1", state: "sending", nonce, sinceBlock }]);
        const byHand = await sendFirstByHand();
        await byHand.wait();

        const result = await runBatch(f.publisher, steps, { journalPath });

        expect([result.sent, result.resumed]).to.deep.equal([2, 1]);
        expect(result.receipts[0]!.hash).to.equal(byHand.hash);
        expect(issuedSeats(f, result)).to.deep.equal([1n, 2n, 3n]);
        expect(await licensesIssued(f)).to.equal(before + 3n);
        expect(journalLines(journalPath)).to.deep.include({
          key: "row 1",
          state: "confirmed",
          hash: byHand.hash,
          block: result.receipts[0]!.blockNumber,
        });
      });

      it("killed after `sending`, the nonce still free: sends the step with the journaled nonce", async function () {
        const { f, journalPath, steps, nonce, sinceBlock, before } = await crashScene();
        writeJournal(journalPath, [{ key: "row 2", state: "sending", nonce, sinceBlock }]);

        const result = await runBatch(f.publisher, steps, { journalPath });

        expect([result.sent, result.resumed]).to.deep.equal([3, 0]);
        expect(await nonceOf(result.receipts[1]!.hash)).to.equal(nonce);
        expect(issuedSeats(f, result)).to.deep.equal([1n, 2n, 3n]);
        expect(await licensesIssued(f)).to.equal(before + 3n);
      });

      it("killed after `sending`, the nonce taken by another transaction: sends the step anew", async function () {
        const { f, journalPath, steps, nonce, sinceBlock, before } = await crashScene();
        writeJournal(journalPath, [{ key: "row 1", state: "sending", nonce, sinceBlock }]);
        // Another script of the same account used the nonce for something else.
        await f.registry.connect(f.publisher).issue(f.volume, f.stranger.address, 7, 0, { nonce });

        const result = await runBatch(f.publisher, steps, { journalPath });

        expect([result.sent, result.resumed]).to.deep.equal([3, 0]);
        expect(issuedSeats(f, result)).to.deep.equal([1n, 2n, 3n]);
        expect(await licensesIssued(f)).to.equal(before + 4n);
        expect(journalLines(journalPath)).to.deep.include({
          key: "row 1",
          state: "superseded",
          nonce,
        });
      });

      it("killed after `sent`, before `confirmed`: finds the receipt by hash", async function () {
        const { f, journalPath, steps, nonce, sinceBlock, before, sendFirstByHand } =
          await crashScene();
        const byHand = await sendFirstByHand();
        await byHand.wait();
        writeJournal(journalPath, [
          { key: "row 1", state: "sending", nonce, sinceBlock },
          { key: "row 1", state: "sent", nonce, hash: byHand.hash },
        ]);

        const result = await runBatch(f.publisher, steps, { journalPath });

        expect([result.sent, result.resumed]).to.deep.equal([2, 1]);
        expect(result.receipts[0]!.hash).to.equal(byHand.hash);
        expect(await licensesIssued(f)).to.equal(before + 3n);
      });

      it("ignores a journal line cut short by the kill", async function () {
        const { f, journalPath, steps, nonce, sinceBlock, before, sendFirstByHand } =
          await crashScene();
        const byHand = await sendFirstByHand();
        await byHand.wait();
        writeJournal(journalPath, [{ key: "row 1", state: "sending", nonce, sinceBlock }]);
        appendFileSync(journalPath, `{"key":"row 1","state":"sent","nonce":${nonce},"ha`);

        const result = await runBatch(f.publisher, steps, { journalPath });

        expect([result.sent, result.resumed]).to.deep.equal([2, 1]);
        expect(await licensesIssued(f)).to.equal(before + 3n);
      });

      describe("while its transaction is still pending", function () {
        /**
         * Runs `rerun` while automining is off and the killed run's transaction waits in the
         * mempool; mines it after a moment, as the network would.
         */
        async function whilePending(
          start: () => Promise<BatchResult>,
          sendByHand: () => Promise<{ hash: string }>,
          journal: (hash: string) => void,
        ): Promise<{ result: BatchResult; hash: string }> {
          await ethers.provider.send("evm_setAutomine", [false]);
          let rerun: Promise<BatchResult> | undefined;
          let hash = "";
          try {
            hash = (await sendByHand()).hash;
            journal(hash);
            rerun = start();
            rerun.catch(() => undefined); // awaited below, once the block is mined
            await sleep(300);
            await mine();
          } finally {
            await ethers.provider.send("evm_setAutomine", [true]);
          }
          return { result: await rerun, hash };
        }

        it("after `sent`: waits for it instead of sending the step again", async function () {
          const { f, journalPath, steps, nonce, sinceBlock, before, sendFirstByHand } =
            await crashScene();
          const { result, hash } = await whilePending(
            () => runBatch(f.publisher, steps, { journalPath }),
            sendFirstByHand,
            (sent) =>
              writeJournal(journalPath, [
                { key: "row 1", state: "sending", nonce, sinceBlock },
                { key: "row 1", state: "sent", nonce, hash: sent },
              ]),
          );
          expect(result.receipts[0]!.hash).to.equal(hash);
          expect([result.sent, result.resumed]).to.deep.equal([2, 1]);
          expect(await licensesIssued(f)).to.equal(before + 3n);
        });

        it("after `sending`: waits for the nonce to be mined, then finds it", async function () {
          const { f, journalPath, steps, nonce, sinceBlock, before, sendFirstByHand } =
            await crashScene();
          const { result, hash } = await whilePending(
            () => runBatch(f.publisher, steps, { journalPath }),
            sendFirstByHand,
            () =>
              writeJournal(journalPath, [{ key: "row 1", state: "sending", nonce, sinceBlock }]),
          );
          expect(result.receipts[0]!.hash).to.equal(hash);
          expect([result.sent, result.resumed]).to.deep.equal([2, 1]);
          expect(await licensesIssued(f)).to.equal(before + 3n);
        });
      });
    });
  });

  describe("issueMany", function () {
    const rows = (f: SdkFixture, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        holder: [f.holder.address, f.buyer.address, f.stranger.address][i % 3]!,
        seats: i + 1,
      }));

    it("issues rows in chunks, journaled, with ids in row order; a rerun returns the same ids", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      const input = [
        ...rows(f, 6),
        { holder: f.buyer.address, seats: 7, licenseKey: "ROW-7-KEY", originEvidence: EVIDENCE },
      ];
      const before = await licensesIssued(f);
      const progress: BatchProgress[] = [];

      const first = await f.ledgers.publisher.issueMany(f.volume, input, {
        journalPath,
        chunkSize: 3,
        onProgress: (p) => progress.push(p),
      });

      expect(first.sent).to.equal(3);
      expect(first.licenseIds).to.have.length(7);
      expect(await licensesIssued(f)).to.equal(before + 7n);
      const licenses = await Promise.all(
        first.licenseIds.map((id) => f.ledgers.holder.getLicense(id)),
      );
      expect(licenses.map((l) => [l.holder, l.seats])).to.deep.equal(
        input.map((row) => [row.holder, BigInt(row.seats)]),
      );
      expect(await f.ledgers.holder.licenseOfKey(f.volume, { licenseKey: "row-7-key" })).to.equal(
        first.licenseIds[6],
      );
      expect(progress.map((p) => p.total)).to.deep.equal([3, 3, 3]);
      expect(progress.map((p) => p.step.description).sort()).to.deep.equal([
        `issuing rows 1-3 as licenses of product ${f.volume}`,
        `issuing rows 4-6 as licenses of product ${f.volume}`,
        `issuing rows 7-7 as licenses of product ${f.volume}`,
      ]);
      expect(journalLines(journalPath).filter((l) => l.state === "confirmed")).to.have.length(3);

      const again = await f.ledgers.publisher.issueMany(f.volume, input, {
        journalPath,
        chunkSize: 3,
      });
      expect([again.sent, again.resumed]).to.deep.equal([0, 3]);
      expect(again.licenseIds).to.deep.equal(first.licenseIds);
      expect(await licensesIssued(f)).to.equal(before + 7n);
    });

    it("refuses an old journal once the rows changed", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      const input = rows(f, 4);
      await f.ledgers.publisher.issueMany(f.volume, input, { journalPath, chunkSize: 2 });
      const issued = await licensesIssued(f);
      const changed = input.map((row, i) => (i === 1 ? { ...row, seats: 40 } : row));
      const error = await ledgerErrorOf(
        f.ledgers.publisher.issueMany(f.volume, changed, { journalPath, chunkSize: 2 }),
        LedgerError,
        "JournalMismatch",
      );
      expect(error.message).to.match(
        new RegExp(
          `^the journal ${journalPath} records steps this batch does not have \\(issue:${f.volume}:rows 1-2:[0-9a-f]{16}\\): was its input changed\\? Use a new journal for a new batch$`,
        ),
      );
      expect(await licensesIssued(f)).to.equal(issued);
    });

    /** Who sends the batch: Hardhat's signer (as the tasks use it) or a plain ethers Wallet. */
    const senders = [
      {
        name: "Hardhat's signer, which sends without estimating first",
        ledger: async (f: SdkFixture) => f.ledgers.publisher,
      },
      {
        name: "an ethers Wallet, which estimates before sending",
        ledger: async (f: SdkFixture) => {
          const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
          await f.admin.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") });
          await f.ledgers.publisher.setIssuer(f.volume, wallet.address, "distributor");
          return LicenseLedger.connect(wallet, { registry: f.registryAddress });
        },
      },
    ];

    for (const sender of senders) {
      it(`stops at a bad row; after fixing the row a rerun issues the rest, never a row twice (${sender.name})`, async function () {
        const f = await loadFixture(sdkFixture);
        const ledger = await sender.ledger(f);
        const journalPath = newJournal();
        const input = rows(f, 6);
        input[4] = { ...input[4]!, seats: 501 };
        const before = await licensesIssued(f);

        const error = await ledgerErrorOf(
          ledger.issueMany(f.volume, input, { journalPath, chunkSize: 2 }),
          LedgerError,
          "LicenseSeatsInvalid",
        );
        expect(error.message).to.equal(
          "the batch stopped after 2 of 3 steps: 501 seats is not allowed: a license of this product carries 1 to 500 seats. Rerun it with the same journal to resume",
        );
        expect(await licensesIssued(f)).to.equal(before + 4n);

        input[4] = { ...input[4]!, seats: 5 };
        const result = await ledger.issueMany(f.volume, input, { journalPath, chunkSize: 2 });
        expect([result.sent, result.resumed]).to.deep.equal([1, 2]);
        expect(await licensesIssued(f)).to.equal(before + 6n);
        const seats = await Promise.all(
          result.licenseIds.map(async (id) => (await f.ledgers.holder.getLicense(id)).seats),
        );
        expect(seats).to.deep.equal([1n, 2n, 3n, 4n, 5n, 6n]);
      });
    }

    describe("after a crash (journal cut back to what a killed process had written)", function () {
      async function fullRun() {
        const f = await loadFixture(sdkFixture);
        const journalPath = newJournal();
        const input = rows(f, 5);
        const first = await f.ledgers.publisher.issueMany(f.volume, input, {
          journalPath,
          chunkSize: 2,
        });
        const lines = journalLines(journalPath);
        const lastKey = lines.filter((l) => l.state === "sending").at(-1)!.key;
        return { f, journalPath, input, first, lines, lastKey };
      }

      it("killed after `sending` of the last chunk: found by nonce, nothing sent again", async function () {
        const { f, journalPath, input, first, lines, lastKey } = await fullRun();
        const issued = await licensesIssued(f);
        writeJournal(
          journalPath,
          lines.filter((l) => l.key !== lastKey || l.state === "sending"),
        );
        const again = await f.ledgers.publisher.issueMany(f.volume, input, {
          journalPath,
          chunkSize: 2,
        });
        expect([again.sent, again.resumed]).to.deep.equal([0, 3]);
        expect(again.licenseIds).to.deep.equal(first.licenseIds);
        expect(await licensesIssued(f)).to.equal(issued);
      });

      it("killed after `sent` of the last chunk: found by hash, nothing sent again", async function () {
        const { f, journalPath, input, first, lines, lastKey } = await fullRun();
        const issued = await licensesIssued(f);
        writeJournal(
          journalPath,
          lines.filter((l) => l.key !== lastKey || l.state !== "confirmed"),
        );
        const again = await f.ledgers.publisher.issueMany(f.volume, input, {
          journalPath,
          chunkSize: 2,
        });
        expect([again.sent, again.resumed]).to.deep.equal([0, 3]);
        expect(again.licenseIds).to.deep.equal(first.licenseIds);
        expect(await licensesIssued(f)).to.equal(issued);
      });

      it("killed before any transaction reached the chain: resends with the journaled nonces", async function () {
        const f = await loadFixture(sdkFixture);
        const journalPath = newJournal();
        const input = rows(f, 5);
        const before = await licensesIssued(f);
        const beforeRun = await takeSnapshot();
        const first = await f.ledgers.publisher.issueMany(f.volume, input, {
          journalPath,
          chunkSize: 2,
        });
        const sending = journalLines(journalPath).filter((l) => l.state === "sending");
        await beforeRun.restore(); // the transactions never reached the chain
        expect(await licensesIssued(f)).to.equal(before);
        writeJournal(journalPath, sending);

        const again = await f.ledgers.publisher.issueMany(f.volume, input, {
          journalPath,
          chunkSize: 2,
        });
        expect([again.sent, again.resumed]).to.deep.equal([3, 0]);
        expect(again.licenseIds).to.deep.equal(first.licenseIds);
        expect(await licensesIssued(f)).to.equal(before + 5n);
        const nonces = await Promise.all(again.receipts.map((r) => nonceOf(r.hash)));
        expect(nonces).to.deep.equal(
          sending.map((l) => (l as Extract<JournalLine, { state: "sending" }>).nonce),
        );
      });
    });
  });

  describe("transferMany", function () {
    it("transfers, stops at a license that cannot move, and completes after the fix", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      const items = [
        { licenseId: f.volumeLicense, to: f.buyer.address, declarationHash: DECLARATION },
        { licenseId: f.attestedLicense, to: f.stranger.address }, // not released, not attested
        { licenseId: f.termLicense, to: f.buyer.address, declarationHash: DECLARATION },
      ];
      const heldBefore = await f.registry.balanceOf(f.holder.address);

      const error = await ledgerErrorOf(
        f.ledgers.holder.transferMany(items, { journalPath }),
        LedgerError,
        "LicenseNotReleased",
      );
      expect(error.message).to.equal(
        `the batch stopped after 1 of 3 steps: license ${f.attestedLicense} cannot move: its holder has not declared its copy unusable. Rerun it with the same journal to resume`,
      );
      expect(await f.registry.ownerOf(f.volumeLicense)).to.equal(f.buyer.address);
      expect(await f.registry.ownerOf(f.termLicense)).to.equal(f.holder.address);

      // A changed recipient is a different batch.
      await ledgerErrorOf(
        f.ledgers.holder.transferMany(
          [{ ...items[0]!, to: f.stranger.address }, items[1]!, items[2]!],
          { journalPath },
        ),
        LedgerError,
        "JournalMismatch",
      );

      await f.ledgers.holder.release(f.attestedLicense, DECLARATION);
      await f.ledgers.publisher.attestDeactivation(f.attestedLicense, EVIDENCE);
      const progress: BatchProgress[] = [];
      const result = await f.ledgers.holder.transferMany(items, {
        journalPath,
        onProgress: (p) => progress.push(p),
      });
      expect([result.sent, result.resumed]).to.deep.equal([2, 1]);
      expect(progress.map((p) => [p.done, p.outcome])).to.deep.equal([
        [1, "resumed"],
        [2, "confirmed"],
        [3, "confirmed"],
      ]);
      expect(await f.registry.ownerOf(f.volumeLicense)).to.equal(f.buyer.address);
      expect(await f.registry.ownerOf(f.attestedLicense)).to.equal(f.stranger.address);
      expect(await f.registry.ownerOf(f.termLicense)).to.equal(f.buyer.address);
      expect(await f.registry.balanceOf(f.holder.address)).to.equal(heldBefore - 3n);

      const again = await f.ledgers.holder.transferMany(items, { journalPath });
      expect([again.sent, again.resumed]).to.deep.equal([0, 3]);
    });
    it("refuses a license of a non-transferable product as not transferable, not as unreleased", async function () {
      const f = await loadFixture(sdkFixture);
      const error = await ledgerErrorOf(
        f.ledgers.holder.transferMany(
          [
            { licenseId: f.volumeLicense, to: f.buyer.address, declarationHash: DECLARATION },
            { licenseId: f.subscriptionLicense, to: f.buyer.address },
          ],
          { journalPath: newJournal() },
        ),
        LedgerError,
        "LicenseNotTransferable",
      );
      expect(error.message).to.equal(
        `the batch stopped after 1 of 2 steps: license ${f.subscriptionLicense} cannot be transferred or resold: its product's terms do not allow it. Rerun it with the same journal to resume`,
      );
      expect(error.cause).to.be.instanceOf(ContractRefusalError);
      expect(await f.registry.ownerOf(f.subscriptionLicense)).to.equal(f.holder.address);
    });
  });

  describe("revokeMany", function () {
    it("revokes, stops at an arbiter's hold, and completes once the arbiter lifts it", async function () {
      const f = await loadFixture(sdkFixture);
      const journalPath = newJournal();
      const licenseIds = [f.volumeLicense, f.buyerLicense, f.attestedLicense];
      const items = licenseIds.map((licenseId) => ({
        licenseId,
        reasonCode: REASON_FRAUD,
        evidenceHash: EVIDENCE,
      }));
      await f.ledgers.arbiter.suspend(f.buyerLicense, EVIDENCE);

      const error = await ledgerErrorOf(
        f.ledgers.publisher.revokeMany(items, { journalPath }),
        LedgerError,
        "LicenseArbiterHold",
      );
      expect(error.message).to.equal(
        `the batch stopped after 1 of 3 steps: license ${f.buyerLicense} is held by an arbiter's suspension: only an arbiter can lift it, and it cannot be revoked until then. Rerun it with the same journal to resume`,
      );

      await f.ledgers.arbiter.reinstate(f.buyerLicense);
      const result = await f.ledgers.publisher.revokeMany(items, { journalPath });
      expect([result.sent, result.resumed]).to.deep.equal([2, 1]);
      for (const licenseId of licenseIds) {
        expect((await f.ledgers.holder.getLicense(licenseId)).status).to.equal("revoked");
        const revoked = await f.registry.queryFilter(f.registry.filters.LicenseRevoked(licenseId));
        expect(revoked, `revocations of ${licenseId}`).to.have.length(1);
      }
    });
  });
});
