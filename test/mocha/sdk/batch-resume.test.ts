import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet, type Provider, type TransactionRequest, type TransactionResponse } from "ethers";

import { LicenseLedger, SERIALS_PER_PRODUCT, type BatchResult } from "@license-ledger/sdk";
import { DyingWallet } from "../../helpers/batches.js";
import { DECLARATION, EVIDENCE, REASON_FRAUD } from "../../helpers/constants.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { removeTempDirs, sdkFixture, tempDir, type SdkFixture } from "../../helpers/sdk.js";

const { loadFixture } = networkHelpers;

interface Scene {
  f: SdkFixture;
  key: string;
  address: string;
  journalPath: string;
}

/** A fresh funded wallet that may issue and revoke licenses of the volume product. */
async function scene(): Promise<Scene> {
  const f = await loadFixture(sdkFixture);
  const wallet = Wallet.createRandom();
  await (
    await f.admin.sendTransaction({ to: wallet.address, value: ethers.parseEther("10") })
  ).wait();
  await f.ledgers.publisher.setIssuer(f.volume, wallet.address, "distributor");
  return {
    f,
    key: wallet.privateKey,
    address: wallet.address,
    journalPath: join(tempDir("license-ledger-resume-"), "journal.jsonl"),
  };
}

/** One batch kind: what it sends, and the check that every step took effect exactly once. */
interface BatchKind {
  name: string;
  steps: number;
  prepare(s: Scene): Promise<unknown>;
  run(ledger: LicenseLedger, s: Scene, input: unknown): Promise<BatchResult>;
  checkExactlyOnce(s: Scene, input: unknown): Promise<void>;
}

const STEPS = 5;

const kinds: BatchKind[] = [
  {
    name: "issueMany",
    steps: STEPS,
    async prepare(s) {
      const before = (await s.f.registry.getProduct(s.f.volume)).licensesIssued;
      const rows = Array.from({ length: STEPS }, (_, i) => ({
        holder: s.f.buyer.address,
        seats: 11 + i,
      }));
      return { before, rows };
    },
    run: (ledger, s, input) =>
      ledger.issueMany(s.f.volume, (input as { rows: { holder: string; seats: number }[] }).rows, {
        journalPath: s.journalPath,
        chunkSize: 1,
        concurrency: 2,
      }),
    async checkExactlyOnce(s, input) {
      const { before, rows } = input as { before: bigint; rows: { seats: number }[] };
      const { registry } = s.f;
      expect((await registry.getProduct(s.f.volume)).licensesIssued).to.equal(
        before + BigInt(rows.length),
      );
      const issued = await registry.queryFilter(registry.filters.LicenseIssued());
      const mine = issued.filter(
        (e) =>
          e.args.licenseId / SERIALS_PER_PRODUCT === s.f.volume &&
          e.args.licenseId % SERIALS_PER_PRODUCT > before,
      );
      expect(mine.map((e) => Number(e.args.seats)).sort()).to.deep.equal(
        rows.map((r) => r.seats).sort(),
      );
    },
  },
  {
    name: "transferMany (steps whose calldata reads the current holder)",
    steps: STEPS,
    async prepare(s) {
      // Five licenses held by the wallet; the odd ones are released beforehand and move with a
      // plain transferFrom from their current holder, the even ones release and move at once.
      const ids: bigint[] = [];
      for (let i = 0; i < STEPS; i++) {
        const sent = await s.f.ledgers.publisher.issue({
          productId: s.f.volume,
          holder: s.address,
          seats: 1,
        });
        ids.push(sent.licenseId);
      }
      const holder = await LicenseLedger.connect(new Wallet(s.key, ethers.provider), {
        registry: s.f.registryAddress,
      });
      for (const [i, id] of ids.entries()) {
        if (i % 2 === 0) await holder.release(id, DECLARATION);
      }
      const to = [s.f.buyer.address, s.f.stranger.address];
      return ids.map((licenseId, i) => ({
        licenseId,
        to: to[i % 2]!,
        ...(i % 2 === 0 ? {} : { declarationHash: DECLARATION }),
      }));
    },
    run: (ledger, s, input) =>
      ledger.transferMany(input as { licenseId: bigint; to: string }[], {
        journalPath: s.journalPath,
        concurrency: 2,
      }),
    async checkExactlyOnce(s, input) {
      const { registry } = s.f;
      for (const item of input as { licenseId: bigint; to: string }[]) {
        expect(await registry.ownerOf(item.licenseId)).to.equal(item.to);
        const moves = await registry.queryFilter(
          registry.filters.Transfer(s.address, undefined, item.licenseId),
        );
        expect(moves, `moves of ${item.licenseId}`).to.have.length(1);
      }
    },
  },
  {
    name: "revokeMany",
    steps: STEPS,
    async prepare(s) {
      // Only a product's controller revokes: the wallet registers a product of its own.
      await s.f.ledgers.admin.grantRole("publisher", s.address);
      const own = await LicenseLedger.connect(new Wallet(s.key, ethers.provider), {
        registry: s.f.registryAddress,
      });
      const { productId } = await own.registerProduct(
        {
          validityDays: 0,
          maxSeatsPerLicense: 10,
          transferable: true,
          splittable: false,
          attestationRequired: false,
        },
        "ipfs://license-ledger-resume",
      );
      const ids: bigint[] = [];
      for (let i = 0; i < STEPS; i++) {
        const sent = await own.issue({ productId, holder: s.f.holder.address, seats: 1 });
        ids.push(sent.licenseId);
      }
      return ids.map((licenseId) => ({
        licenseId,
        reasonCode: REASON_FRAUD,
        evidenceHash: EVIDENCE,
      }));
    },
    run: (ledger, s, input) =>
      ledger.revokeMany(
        input as { licenseId: bigint; reasonCode: number; evidenceHash: string }[],
        { journalPath: s.journalPath, concurrency: 2 },
      ),
    async checkExactlyOnce(s, input) {
      const { registry } = s.f;
      for (const { licenseId } of input as { licenseId: bigint }[]) {
        expect((await s.f.ledgers.holder.getLicense(licenseId)).status).to.equal("revoked");
        const revoked = await registry.queryFilter(registry.filters.LicenseRevoked(licenseId));
        expect(revoked, `revocations of ${licenseId}`).to.have.length(1);
      }
    },
  },
];

describe("SDK batches: a crash after broadcast, for every batch kind", function () {
  after(removeTempDirs);

  for (const kind of kinds) {
    describe(kind.name, function () {
      for (const death of ["after broadcast", "before broadcast"] as const) {
        it(`killed ${death} of its third transaction: the rerun finishes every step exactly once, with no nonce used twice`, async function () {
          const s = await scene();
          const input = await kind.prepare(s);
          const firstNonce = await ethers.provider.getTransactionCount(s.address);
          const dying = new DyingWallet(s.key, ethers.provider, 3, death, s.journalPath);
          const ledger = await LicenseLedger.connect(dying, { registry: s.f.registryAddress });

          let crashed: unknown;
          await kind.run(ledger, s, input).catch((error: unknown) => (crashed = error));
          expect((crashed as Error | undefined)?.message).to.contain("killed (simulated crash)");
          writeFileSync(s.journalPath, dying.journalAtDeath!); // what the killed process left
          const journaled = dying.journalAtDeath!.trim().split("\n");
          expect(JSON.parse(journaled.at(-1)!)).to.include({ state: "sending" });
          const atDeath = await ethers.provider.getTransactionCount(s.address);
          expect(atDeath - firstNonce).to.equal(death === "after broadcast" ? 3 : 2);

          const rerun = await kind.run(
            await LicenseLedger.connect(new Wallet(s.key, ethers.provider), {
              registry: s.f.registryAddress,
            }),
            s,
            input,
          );

          expect(rerun.receipts).to.have.length(kind.steps);
          expect(rerun.receipts.every((r) => r.status === 1)).to.equal(true);
          expect(rerun.sent + rerun.resumed).to.equal(kind.steps);
          expect(rerun.sent).to.equal(kind.steps - (death === "after broadcast" ? 3 : 2));
          await kind.checkExactlyOnce(s, input);
          // Every step's transaction took one nonce, and nothing else was sent.
          expect(await ethers.provider.getTransactionCount(s.address)).to.equal(
            firstNonce + kind.steps,
          );
          const again = await kind.run(
            await LicenseLedger.connect(new Wallet(s.key, ethers.provider), {
              registry: s.f.registryAddress,
            }),
            s,
            input,
          );
          expect([again.sent, again.resumed]).to.deep.equal([0, kind.steps]);
        });
      }
    });
  }
});
