import { join } from "node:path";

import { expect } from "chai";

import { marketFixture, type MarketFixture } from "../../helpers/fixtures.js";
import { networkHelpers } from "../../helpers/network.js";
import { jsonOf, runTask, tempDir, writeFile } from "../../helpers/tasks.js";

const { loadFixture } = networkHelpers;

/** Addresses every run is given, so the tasks need no deployment record. */
async function setup(): Promise<MarketFixture & { common: { registry: string; market: string } }> {
  const f = await loadFixture(marketFixture);
  return { ...f, common: { registry: await f.registry.getAddress(), market: f.marketAddress } };
}

const EVIDENCE_HASH = `0x${"ab".repeat(32)}`;

describe("tasks: committed issuance runs", function () {
  it("builds a run from a CSV, commits it, looks up, claims one and many, checks and revokes leaves", async function () {
    const { common, publisher, holder, buyer, stranger } = await setup();
    const dir = tempDir();
    const csv = writeFile(
      dir,
      "run.csv",
      [
        "holder,seats,region,licenseKey",
        `${holder.address},10,EEA,KEY-1`,
        `${buyer.address},5,,KEY-2`,
        `${buyer.address},2,Switzerland,`,
        `${stranger.address},1,,`,
      ].join("\n"),
    );
    const out = join(dir, "runs");
    const built = await runTask("license:merkle-build", {
      ...common,
      csv,
      product: "1",
      out,
      json: true,
    });
    expect(built.exitCode).to.equal(undefined);
    const run = jsonOf<{
      firstLicenseId: string;
      leafCount: number;
      root: string;
      leavesFile: string;
      proofIndexFile: string;
    }>(built);
    expect(run.leafCount).to.equal(4);
    const first = BigInt(run.firstLicenseId);

    const committed = await runTask("license:merkle-commit", {
      ...common,
      from: publisher.address,
      leaves: run.leavesFile,
      uri: "ipfs://run-leaves",
    });
    expect(committed.exitCode, committed.stderr).to.equal(undefined);
    expect(committed.stdout).to.contain("run          1\n");
    expect(committed.stdout).to.contain(
      `licenses     4: ${first}..${first + 3n} (reserved; each issued when claimed)\n`,
    );

    const proof = await runTask("license:merkle-proof", {
      index: run.proofIndexFile,
      license: String(first + 1n),
      json: true,
    });
    expect(jsonOf<{ root: string }>(proof).root).to.equal(run.root);

    const one = await runTask("license:merkle-claim", {
      ...common,
      from: stranger.address,
      run: "1",
      index: run.proofIndexFile,
      license: String(first),
    });
    expect(one.exitCode, one.stderr).to.equal(undefined);
    expect(one.stdout).to.contain(`claimed      1 license: ${first}\n`);
    const many = await runTask("license:merkle-claim", {
      ...common,
      from: stranger.address,
      run: "1",
      index: run.proofIndexFile,
      holder: buyer.address,
      perTransaction: 1,
      json: true,
    });
    expect(jsonOf<{ licenseIds: string[]; transactions: unknown[] }>(many)).to.deep.include({
      licenseIds: [String(first + 1n), String(first + 2n)],
    });

    const revoked = await runTask("license:merkle-revoke", {
      ...common,
      from: publisher.address,
      run: "1",
      license: first + 3n,
      reason: "fraud",
      evidenceHash: EVIDENCE_HASH,
    });
    expect(revoked.exitCode, revoked.stderr).to.equal(undefined);
    const checked = await runTask("license:merkle-check", {
      ...common,
      run: "1",
      index: run.proofIndexFile,
      license: `${first},${first + 3n}`,
    });
    expect(checked.stdout).to.match(
      new RegExp(`${first} +0x[0-9a-f]{40}  10 +claimed: issued to its holder`),
    );
    expect(checked.stdout).to.match(
      new RegExp(
        `${first + 3n} +0x[0-9a-f]{40}  1 +revoked: revoked by the publisher before it was claimed`,
      ),
    );

    const again = await runTask("license:merkle-claim", {
      ...common,
      run: "1",
      index: run.proofIndexFile,
      license: String(first + 3n),
    });
    expect(again.exitCode).to.equal(1);
    expect(again.stderr).to.contain(
      `Error: license ${first + 3n} of run 1 was revoked by the publisher before it was claimed: it can never be issued`,
    );
    const stale = await runTask("license:merkle-commit", {
      ...common,
      from: publisher.address,
      leaves: run.leavesFile,
      uri: "ipfs://again",
    });
    expect(stale.exitCode).to.equal(1);
    expect(stale.stderr).to.contain(
      `Error: product 1's next license id is ${first + 4n}, but the tree was built for ${first}`,
    );

    // The whole run, revoked by its controller: the claimed licenses stay, no leaf is issued.
    const strangerRevokes = await runTask("license:merkle-revoke-run", {
      ...common,
      run: "1",
      reason: "fraud",
      evidenceHash: EVIDENCE_HASH,
    });
    expect(strangerRevokes.exitCode).to.equal(1);
    const whole = await runTask("license:merkle-revoke-run", {
      ...common,
      from: publisher.address,
      run: "1",
      reason: "fraud",
      evidenceHash: EVIDENCE_HASH,
    });
    expect(whole.exitCode, whole.stderr).to.equal(undefined);
    expect(whole.stdout).to.match(
      /^run +1: revoked; none of its unclaimed licenses can be issued any more$/m,
    );
    const afterRun = await runTask("license:merkle-check", {
      ...common,
      run: "1",
      index: run.proofIndexFile,
      license: `${first},${first + 1n}`,
    });
    expect(afterRun.stdout).to.match(
      new RegExp(`${first} +0x[0-9a-f]{40}  10 +claimed: issued to its holder`),
    );
  });

  it("names the CSV's line and what is wrong with it", async function () {
    const { common } = await setup();
    const dir = tempDir();
    const csv = writeFile(dir, "bad.csv", "holder,seats\n0x1234,1\n");
    const run = await runTask("license:merkle-build", {
      ...common,
      csv,
      product: "1",
      out: join(dir, "runs"),
    });
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.contain(
      `Error: ${csv}:2: the holder "0x1234" is not an address (0x followed by 40 hex digits)`,
    );
  });
});
