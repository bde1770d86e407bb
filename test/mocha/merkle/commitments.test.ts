import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { id, makeError } from "ethers";

import {
  ContractRefusalError,
  LedgerError,
  LicenseLedger,
  ProofIndex,
  buildRunFromCsv,
  certificateFromJson,
  certificateToJson,
  describeCertificateStep,
  describeStep,
  type LeafWithProof,
} from "@license-ledger/sdk";
import { EVIDENCE, REASON_FRAUD } from "../../helpers/constants.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { ledgerErrorOf, removeTempDirs, sdkFixture, tempDir, thrown } from "../../helpers/sdk.js";

const { loadFixture } = networkHelpers;
const PRODUCT = 1n; // the fixture's volume product: perpetual, up to 500 seats

/** A run of six licenses of the volume product, committed by its publisher, nothing claimed. */
async function committedRunFixture() {
  const f = await sdkFixture();
  const publisher = f.ledgers.publisher;
  const product = await publisher.getProduct(PRODUCT);
  const firstLicenseId = PRODUCT * 10n ** 12n + product.licensesIssued + 1n;
  const dir = tempDir("license-ledger-run-");
  const csv = join(dir, "run.csv");
  const holders = [
    f.holder.address,
    f.buyer.address,
    f.stranger.address,
    f.buyer.address,
    f.holder.address,
    f.buyer.address,
  ];
  writeFileSync(
    csv,
    [
      "holder,seats,region,licenseKey",
      ...holders.map((h, i) => `${h},${i + 1},${i % 2 === 0 ? "EEA" : ""},KEY-${i}`),
    ].join("\n"),
  );
  const built = await buildRunFromCsv(csv, {
    productId: PRODUCT,
    firstLicenseId,
    outDir: dir,
    chainId: 31337n,
  });
  const committed = await publisher.commitRun(built, "ipfs://run-1-leaves");
  const index = await ProofIndex.open(built.proofIndexFile);
  const leaves: LeafWithProof[] = [];
  for (let row = 0; row < built.leafCount; row++) leaves.push(await index.byRow(row));
  await index.close();
  return { ...f, dir, csv, built, committed, leaves };
}

describe("merkle: a committed run on chain, through the SDK", function () {
  after(removeTempDirs);

  it("commits in one transaction, reserving the run's ids from the product's next serial", async function () {
    const { ledgers, built, committed } = await loadFixture(committedRunFixture);
    expect(committed.firstLicenseId).to.equal(built.firstLicenseId);
    const run = await ledgers.stranger.getRun(committed.runId);
    expect(run).to.deep.include({
      productId: PRODUCT,
      firstLicenseId: built.firstLicenseId,
      leafCount: 6n,
      claimed: 0n,
      root: built.root,
      kind: "none",
    });
    const product = await ledgers.stranger.getProduct(PRODUCT);
    expect(PRODUCT * 10n ** 12n + product.licensesIssued).to.equal(built.firstLicenseId + 5n);
    expect(await ledgers.stranger.runOfLicense(built.firstLicenseId + 3n)).to.deep.include({
      runId: committed.runId,
    });
  });

  it("refuses, before sending, a tree built for a first id the product has moved past", async function () {
    const { ledgers, csv, dir, built } = await loadFixture(committedRunFixture);
    const stale = await buildRunFromCsv(csv, {
      productId: PRODUCT,
      firstLicenseId: built.firstLicenseId,
      outDir: dir,
      name: "stale",
    });
    const error = await ledgerErrorOf(
      ledgers.publisher.commitRun(stale, "ipfs://stale"),
      LedgerError,
      "RunFirstIdMoved",
    );
    expect(error.message).to.equal(
      `product 1's next license id is ${built.firstLicenseId + 6n}, but the tree was built for ${built.firstLicenseId}: licenses were issued or another run committed since the build, so this tree's ids are not the ones the commit would reserve. Build the tree again from the CSV with the first id ${built.firstLicenseId + 6n} and commit that`,
    );
    expect(await ledgers.stranger.runCount()).to.equal(1n);
  });

  it("claims one leaf for its holder, whoever sends the claim, and many in batches", async function () {
    const { ledgers, committed, leaves } = await loadFixture(committedRunFixture);
    const one = await ledgers.stranger.claim(committed.runId, leaves[1]!);
    const license = await ledgers.stranger.getLicense(one.licenseId);
    expect(license.holder).to.equal(
      leaves[1]!.leaf.holder.toLowerCase() === license.holder.toLowerCase() ? license.holder : "?",
    );
    expect(license.seats).to.equal(2n);
    const many = await ledgers.dealer.claimMany(
      committed.runId,
      [leaves[0]!, leaves[2]!, leaves[3]!],
      { perTransaction: 2 },
    );
    expect(many.sent).to.have.length(2);
    expect(many.licenseIds).to.deep.equal([
      leaves[0]!.leaf.licenseId,
      leaves[2]!.leaf.licenseId,
      leaves[3]!.leaf.licenseId,
    ]);
    expect((await ledgers.stranger.getLicense(leaves[0]!.leaf.licenseId)).firstSaleRegion).to.equal(
      "EEA",
    );
    expect((await ledgers.stranger.getRun(committed.runId)).claimed).to.equal(4n);
  });

  it("checks leaves without a transaction, and names what is wrong with a bad claim", async function () {
    const { ledgers, committed, leaves } = await loadFixture(committedRunFixture);
    await ledgers.stranger.claim(committed.runId, leaves[0]!);
    expect(await ledgers.stranger.checkLeaf(committed.runId, leaves[0]!)).to.equal("claimed");
    expect(await ledgers.stranger.checkLeaf(committed.runId, leaves[1]!)).to.equal("claimable");
    const tampered = { ...leaves[1]!, leaf: { ...leaves[1]!.leaf, seats: 400n } };
    expect(await ledgers.stranger.checkLeaf(committed.runId, tampered)).to.equal("invalid");
    expect(await ledgers.stranger.checkLeaf(committed.runId + 1n, leaves[1]!)).to.equal("invalid");
    const bad = await ledgerErrorOf(
      ledgers.stranger.claim(committed.runId, tampered),
      LedgerError,
      "CommitmentProofInvalid",
    );
    expect(bad.message).to.match(/do not lead to run 1's root/);
    const again = await ledgerErrorOf(
      ledgers.stranger.claim(committed.runId, leaves[0]!),
      ContractRefusalError,
      "CommitmentLeafAlreadyClaimed",
    );
    expect(again.message).to.not.match(/refused the call with/);
  });

  it("revokes an unclaimed leaf for good (the controller only)", async function () {
    const { ledgers, committed, leaves } = await loadFixture(committedRunFixture);
    const id = leaves[5]!.leaf.licenseId;
    const stranger = await ledgerErrorOf(
      ledgers.stranger.revokeLeaf(committed.runId, id, REASON_FRAUD, EVIDENCE),
      ContractRefusalError,
      "ProductNotController",
    );
    expect(stranger.message).to.not.match(/refused the call with/);
    await ledgers.publisher.revokeLeaf(committed.runId, id, REASON_FRAUD, EVIDENCE);
    expect(await ledgers.stranger.checkLeaf(committed.runId, leaves[5]!)).to.equal("revoked");
    const refused = await ledgerErrorOf(
      ledgers.stranger.claim(committed.runId, leaves[5]!),
      ContractRefusalError,
      "CommitmentLeafRevoked",
    );
    expect(refused.message).to.not.match(/refused the call with/);
  });

  it("revokes a whole run (the controller only): claimed licenses stay, no other leaf is ever issued", async function () {
    const { ledgers, committed, leaves } = await loadFixture(committedRunFixture);
    const kept = await ledgers.stranger.claim(committed.runId, leaves[0]!);
    const notController = await ledgerErrorOf(
      ledgers.holder.revokeRun(committed.runId, REASON_FRAUD, EVIDENCE),
      ContractRefusalError,
      "ProductNotController",
    );
    expect(notController.message).to.not.match(/refused the call with/);
    await ledgers.publisher.revokeRun(committed.runId, REASON_FRAUD, EVIDENCE);
    expect(await ledgers.stranger.checkLeaf(committed.runId, leaves[0]!)).to.equal("claimed");
    expect(await ledgers.stranger.checkLeaf(committed.runId, leaves[1]!)).to.equal("revoked");
    const refused = await ledgerErrorOf(
      ledgers.stranger.claim(committed.runId, leaves[1]!),
      ContractRefusalError,
      "CommitmentLeafRevoked",
    );
    expect(refused.message).to.match(/revoked by the publisher before it was claimed/);
    const twice = await ledgerErrorOf(
      ledgers.publisher.revokeRun(committed.runId, REASON_FRAUD, EVIDENCE),
      ContractRefusalError,
      "CommitmentRunRevoked",
    );
    expect(twice.message).to.include(
      `run ${committed.runId} was revoked as a whole by the publisher`,
    );
    expect((await ledgers.stranger.getLicense(kept.licenseId)).valid).to.equal(true);
  });

  it("draws no title of a claimed license without its commit when the node fails or denies the module", async function () {
    const { ledgers, committed, leaves } = await loadFixture(committedRunFixture);
    const claim = await ledgers.stranger.claim(committed.runId, leaves[3]!);
    const selector = id("commitments()").slice(0, 10);
    /** The in-process node, except that the registry's `commitments()` call gets `answer`. */
    const withCommitmentsCall = (answer: () => Promise<string>) =>
      new Proxy(ethers.provider, {
        get(target, property) {
          if (property === "call") {
            return (tx: { data?: string }) =>
              tx.data?.startsWith(selector) === true ? answer() : target.call(tx);
          }
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === "function" ? (value as () => unknown).bind(target) : value;
        },
      });
    // A node that times out on the call says nothing about the registry: the error stands.
    const timingOut = await LicenseLedger.reader(
      withCommitmentsCall(() => Promise.reject(new Error("request timeout (code=TIMEOUT)"))),
      ledgers.buyer.trust,
    );
    expect(String(await thrown(timingOut.chainOfTitle(claim.licenseId)))).to.match(
      /request timeout/,
    );
    // A node that says the registry refuses the call (as one predating committed runs would),
    // while the license's issuance receipt holds its claim: refused, not drawn without the commit.
    const denying = await LicenseLedger.reader(
      withCommitmentsCall(() =>
        Promise.reject(
          makeError("execution reverted", "CALL_EXCEPTION", {
            action: "call",
            data: "0x",
            reason: null,
            transaction: { to: null, data: selector },
            invocation: null,
            revert: null,
          }),
        ),
      ),
      ledgers.buyer.trust,
    );
    const refused = await ledgerErrorOf(
      denying.chainOfTitle(claim.licenseId),
      LedgerError,
      "HistoryIncomplete",
    );
    expect(refused.message).to.include(
      `license ${claim.licenseId} was claimed from a committed run (transaction ${claim.hash.toLowerCase()})`,
    );
  });

  it("starts a claimed license's chain of title at the commit, in its certificate too", async function () {
    const { ledgers, committed, leaves, built, publisher } = await loadFixture(committedRunFixture);
    const claim = await ledgers.stranger.claim(committed.runId, leaves[2]!);
    const title = await ledgers.buyer.chainOfTitle(claim.licenseId);
    expect(title.consistency).to.equal("checked");
    const [first, ...rest] = title.steps;
    expect(first).to.deep.include({
      kind: "committed",
      block: committed.blockNumber,
      transaction: committed.hash.toLowerCase(),
      basis: built.root,
    });
    expect(first!.details).to.deep.equal({
      runId: committed.runId,
      committer: publisher.address,
      firstLicenseId: built.firstLicenseId,
      leafCount: 6n,
      leavesURI: "ipfs://run-1-leaves",
      leavesHash: built.leavesHash,
    });
    expect(describeStep(first!)).to.match(
      new RegExp(
        `^license ${claim.licenseId} was committed in run 1 by ${publisher.address} \\(root ${built.root}, leaves file ipfs://run-1-leaves ${built.leavesHash}; licenses ${built.firstLicenseId} to ${built.firstLicenseId + 5n}\\) at block ${committed.blockNumber} `,
      ),
    );
    const kinds = rest.map((s) => s.kind);
    expect(kinds).to.include.members(["issued", "claimed", "key-committed"]);
    expect(kinds.indexOf("issued")).to.be.lessThan(kinds.indexOf("claimed"));
    expect(rest.every((s) => s.block === claim.blockNumber)).to.equal(true);
    expect(title.holders.map((h) => h.holder)).to.deep.equal([
      leaves[2]!.leaf.holder.toLowerCase() === title.holders[0]!.holder.toLowerCase()
        ? title.holders[0]!.holder
        : "?",
    ]);

    const cert = await ledgers.buyer.certificate(claim.licenseId);
    const step = cert.steps[0]!;
    expect(step.kind).to.equal("committed");
    expect(describeCertificateStep(step)).to.equal(
      `committed in run 1 by ${publisher.address} (root ${built.root}; leaves file ipfs://run-1-leaves, SHA-256 ${built.leavesHash}; licenses ${built.firstLicenseId} to ${built.firstLicenseId + 5n})`,
    );
    expect((await ledgers.stranger.verifyCertificate(cert)).verdict).to.equal("current");
    const fromJson = certificateFromJson(certificateToJson(cert));
    expect((await ledgers.stranger.verifyCertificate(fromJson)).verdict).to.equal("current");
    const forged = certificateFromJson(
      certificateToJson(cert).replace("ipfs://run-1-leaves", "ipfs://forged"),
    );
    expect((await ledgers.stranger.verifyCertificate(forged)).verdict).to.equal("not-genuine");
  });
});
