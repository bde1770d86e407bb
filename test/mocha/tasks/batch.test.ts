import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";
import { sha256, toUtf8Bytes } from "ethers";

import { keyCommitment } from "@license-ledger/sdk";
import { marketFixture, type MarketFixture } from "../../helpers/fixtures.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { jsonOf, runTask, tempDir, writeFile } from "../../helpers/tasks.js";

const { loadFixture, mine, time } = networkHelpers;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface Setup extends MarketFixture {
  common: { registry: string; market: string; from: string };
  dir: string;
}

/** The market fixture, a temp folder, and the publisher signing. */
async function setup(): Promise<Setup> {
  const f = await loadFixture(marketFixture);
  return {
    ...f,
    common: {
      registry: await f.registry.getAddress(),
      market: f.marketAddress,
      from: f.publisher.address,
    },
    dir: tempDir(),
  };
}

/** Six rows for product 1: keys on two, an evidence file (relative to the CSV) on one. */
function sixRows(f: Setup): string {
  writeFile(f.dir, "invoice-1.pdf", "invoice 1");
  return [
    "holder,seats,validUntil,licenseKey,evidenceFile",
    `${f.buyer.address},10,,KEY-0001,invoice-1.pdf`,
    `${f.stranger.address},1,,,`,
    `${f.dealer.address},5,,"KEY-0002",`,
    `${f.buyer.address},2,,,`,
    "",
    `${f.holder.address},3,,,`,
    `${f.stranger.address},4,,,`,
  ].join("\n");
}

const PROGRESS =
  /^\[[#.]{10}\] \d\/\d transactions {2}issuing rows \d-\d as licenses of product 1: (confirmed|done in an earlier run) 0x[0-9a-f]{64}$/;

describe("tasks: license:issue --csv (batch issuance)", function () {
  it("issues every row in transactions of --chunk rows, with a progress line per transaction", async function () {
    const f = await setup();
    const csv = writeFile(f.dir, "licenses.csv", sixRows(f));
    const run = await runTask("license:issue", { ...f.common, product: "1", csv, chunk: 2 });
    expect(run.exitCode).to.equal(undefined);

    const lines = run.stderr.trimEnd().split("\n");
    expect(lines[0]).to.equal(
      `issuing 6 licenses of product 1 in 3 transactions of up to 2 rows (journal ${csv}.journal.jsonl)`,
    );
    expect(lines.slice(1).map((l) => l.slice(0, 31))).to.deep.equal([
      "[###.......] 1/3 transactions  ",
      "[#######...] 2/3 transactions  ",
      "[##########] 3/3 transactions  ",
    ]);
    for (const line of lines.slice(1)) expect(line).to.match(PROGRESS);
    expect(run.stderr).not.to.contain("\r");

    expect(run.stdout).to.equal(
      [
        "product       1",
        "issued        6 licenses",
        "ids           1000000000003..1000000000008",
        "transactions  3 sent now, 0 done in an earlier run",
        `journal       ${csv}.journal.jsonl`,
        "",
      ].join("\n"),
    );

    const { registry } = f;
    expect(await registry.ownerOf(1000000000003n)).to.equal(f.buyer.address);
    expect(await registry.ownerOf(1000000000008n)).to.equal(f.stranger.address);
    expect((await registry.getLicense(1000000000005n)).seats).to.equal(5n);
    expect(await registry.licenseOfKey(1, keyCommitment(1n, "KEY-0001"))).to.equal(1000000000003n);
    expect(await registry.licenseOfKey(1, keyCommitment(1n, "KEY-0002"))).to.equal(1000000000005n);
    const [issuedBy] = await registry.queryFilter(registry.filters.LicenseIssuedBy(1000000000003n));
    expect(issuedBy?.args.originEvidence).to.equal(sha256(toUtf8Bytes("invoice 1")));
  });

  it("sends nothing when rerun with the same journal, and reports the same ids", async function () {
    const f = await setup();
    const csv = writeFile(f.dir, "licenses.csv", sixRows(f));
    await runTask("license:issue", { ...f.common, product: "1", csv, chunk: 2 });
    const issued = (await f.registry.getProduct(1)).licensesIssued;
    const nonce = await f.publisher.getNonce();

    const rerun = await runTask("license:issue", {
      ...f.common,
      product: "1",
      csv,
      chunk: 2,
      json: true,
    });
    expect(await f.publisher.getNonce()).to.equal(nonce);
    expect((await f.registry.getProduct(1)).licensesIssued).to.equal(issued);
    const doc = jsonOf<{
      count: number;
      licenseIds: string[];
      firstLicenseId: string;
      lastLicenseId: string;
      sent: number;
      resumed: number;
      journal: string;
      transactions: string[];
    }>(rerun);
    expect(doc).to.include({
      count: 6,
      firstLicenseId: "1000000000003",
      lastLicenseId: "1000000000008",
      sent: 0,
      resumed: 3,
      journal: `${csv}.journal.jsonl`,
    });
    expect(doc.licenseIds).to.have.length(6);
    expect(doc.transactions).to.have.length(3);
    const progress = rerun.stderr.trimEnd().split("\n").slice(1);
    expect(progress).to.have.length(3);
    for (const line of progress) expect(line).to.match(/: done in an earlier run 0x/);
  });

  it("takes --journal, and refuses a journal of a different batch", async function () {
    const f = await setup();
    const journal = join(f.dir, "my-journal.jsonl");
    const csv = writeFile(f.dir, "a.csv", `holder,seats\n${f.buyer.address},1\n`);
    await runTask("license:issue", { ...f.common, product: "1", csv, journal });
    expect(readFileSync(journal, "utf8")).to.contain('"state":"confirmed"');
    const changed = writeFile(f.dir, "b.csv", `holder,seats\n${f.buyer.address},2\n`);
    const run = await runTask("license:issue", {
      ...f.common,
      product: "1",
      csv: changed,
      journal,
    });
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.contain(
      `Error: the journal ${journal} records steps this batch does not have`,
    );
    expect(run.stderr).to.contain("Use a new journal for a new batch");
  });

  it("redraws one progress line in place when stderr is a terminal", async function () {
    const f = await setup();
    const csv = writeFile(f.dir, "licenses.csv", sixRows(f));
    const run = await runTask(
      "license:issue",
      { ...f.common, product: "1", csv, chunk: 3, concurrency: 1 },
      { tty: true },
    );
    const [first, bar] = run.stderr.split("\n");
    expect(first).to.match(/^issuing 6 licenses of product 1 in 2 transactions/);
    const frames = (bar ?? "").split("\r").filter((s) => s !== "");
    expect(frames.map((s) => s.slice(0, 29))).to.deep.equal([
      "[#####.....] 1/2 transactions",
      "[##########] 2/2 transactions",
    ]);
    expect(run.stderr.endsWith("\u001b[K\n")).to.equal(true);
  });

  it("gives a limited product's rows their own validUntil, else --valid-until; both must be fixed times", async function () {
    const f = await setup();
    const now = BigInt(await time.latest());
    const day = (n: bigint) =>
      new Date(Number(now + n * 86_400n) * 1000).toISOString().slice(0, 10);
    const midnight = (n: bigint) => BigInt(Date.parse(`${day(n)}T00:00:00Z`) / 1000);
    const csv = writeFile(
      f.dir,
      "subscriptions.csv",
      `holder,seats,validUntil\n${f.buyer.address},1,${day(30n)}\n${f.stranger.address},2,\n`,
    );
    const run = await runTask("license:issue", {
      ...f.common,
      product: "2",
      csv,
      validUntil: day(200n),
    });
    expect(run.exitCode).to.equal(undefined);
    expect((await f.registry.getLicense(2000000000002n)).validUntil).to.equal(midnight(30n));
    expect((await f.registry.getLicense(2000000000003n)).validUntil).to.equal(midnight(200n));

    const missing = await runTask("license:issue", { ...f.common, product: "2", csv });
    expect(missing.stderr).to.equal(
      `Error: row 2: validUntil is missing: licenses of this product are valid for at most 365 days, so give each row a validUntil or give --valid-until (a date: a rerun must issue the same rows) (${csv} line 3)\n`,
    );
    const relative = await runTask("license:issue", {
      ...f.common,
      product: "2",
      csv,
      validUntil: "90d",
    });
    expect(relative.stderr).to.equal(
      "Error: --valid-until '90d' is relative to now: a batch needs a date or unix seconds, so that a rerun with the same journal issues the same rows\n",
    );
  });

  it("passes on a refusal as the batch's sentence, with how to resume", async function () {
    const f = await setup();
    const csv = writeFile(f.dir, "onboard.csv", `holder,seats\n${f.buyer.address},1\n`);
    const run = await runTask("license:issue", {
      ...f.common,
      from: f.dealer.address,
      product: "1",
      csv,
    });
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.contain(
      `Error: the batch stopped after 0 of 1 steps: ${f.dealer.address} onboards licenses of product 1 and must give the hash of the first-sale evidence (invoice or certificate) for each. Rerun it with the same journal to resume\n`,
    );
  });

  it("says what it waits for, and sends a transaction the node dropped again with its nonce", async function () {
    const f = await setup();
    const csv = writeFile(
      f.dir,
      "dropped.csv",
      `holder,seats\n${f.buyer.address},1\n${f.stranger.address},2\n`,
    );
    const journal = `${csv}.journal.jsonl`;
    const issued = (await f.registry.getProduct(1)).licensesIssued;
    const nonce = await f.publisher.getNonce();
    const sentHash = () =>
      (existsSync(journal) ? readFileSync(journal, "utf8") : "").match(
        /"state":"sent","nonce":\d+,"hash":"(0x[0-9a-f]{64})"/,
      )?.[1];
    const pendingCount = () => ethers.provider.getTransactionCount(f.publisher.address, "pending");
    await ethers.provider.send("evm_setAutomine", [false]);
    let run: Awaited<ReturnType<typeof runTask>>;
    try {
      const running = runTask("license:issue", {
        ...f.common,
        product: "1",
        csv,
        resendAfter: 1,
      });
      // The node accepts the transaction, holds it a moment, then drops it from its pool.
      while (sentHash() === undefined) await sleep(50);
      await sleep(500);
      await ethers.provider.send("hardhat_dropTransaction", [sentHash()]);
      expect(await pendingCount()).to.equal(nonce);
      while ((await pendingCount()) === nonce) await sleep(100); // sent again
      await mine();
      run = await running;
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
    expect(run.exitCode).to.equal(undefined);
    const hash = sentHash()!;
    const what = `issuing rows 1-2 as licenses of product 1 (nonce ${nonce}, transaction ${hash})`;
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines[0]).to.match(/^issuing 2 licenses of product 1 in 1 transaction/);
    const printed = (pattern: string) =>
      expect(
        lines.some((line) => new RegExp(pattern).test(line)),
        `a line matching ${pattern} in\n${run.stderr}`,
      ).to.equal(true);
    printed(`^waiting for ${escape(what)}: pending for \\d+(\\.\\d)? s, not mined yet$`);
    printed(
      `^waiting for ${escape(what)}: the node has not known the transaction for \\d+(\\.\\d)? s \\(dropped from its pool\\?\\); it is sent again with the same nonce after 1 s$`,
    );
    printed(
      `^${escape(what)} was neither mined nor pending after \\d+ s: sent it again with the same nonce$`,
    );
    expect(lines.at(-1)).to.match(
      /^\[##########\] 1\/1 transactions {2}issuing rows 1-2 as licenses of product 1: confirmed 0x/,
    );
    expect(run.stdout).to.contain("transactions  1 sent now, 0 done in an earlier run");
    expect((await f.registry.getProduct(1)).licensesIssued).to.equal(issued + 2n);
    expect(await f.publisher.getNonce()).to.equal(nonce + 1); // one nonce, one transaction
  });

  it("refuses a --resend-after under one second", async function () {
    const f = await setup();
    const csv = writeFile(f.dir, "rows.csv", `holder,seats\n${f.buyer.address},1\n`);
    const run = await runTask("license:issue", { ...f.common, product: "1", csv, resendAfter: 0 });
    expect(run.stderr).to.equal(
      "Error: --resend-after must be a whole number of seconds, at least 1, got 0\n",
    );
  });

  describe("when the CSV is wrong", function () {
    const cases: [string, (f: Setup) => string, (csv: string) => string][] = [
      [
        "a seats value that is not a whole number",
        (f) =>
          `holder,seats\n${f.buyer.address},1\n${f.buyer.address},2\n${f.buyer.address},3\n${f.buyer.address},x\n`,
        (csv) => `Error: row 4: seats must be a whole number, got 'x' (${csv} line 5)\n`,
      ],
      [
        "a holder that is not an address",
        () => "holder,seats\nbob,1\n",
        (csv) =>
          `Error: row 1: holder must be an address (0x and 40 hex digits), got 'bob' (${csv} line 2)\n`,
      ],
      [
        "a row with too few values",
        (f) => `holder,seats,licenseKey\n${f.buyer.address},1\n`,
        (csv) =>
          `Error: row 1: expected 3 values (holder, seats, licenseKey), got 2 (${csv} line 2)\n`,
      ],
      [
        "an unknown column",
        (f) => `holder,seats,colour\n${f.buyer.address},1,red\n`,
        (csv) =>
          `Error: ${csv}: unknown column 'colour' in the header: the columns are holder, seats and optionally validUntil, licenseKey, evidenceFile\n`,
      ],
      [
        "no seats column",
        (f) => `holder\n${f.buyer.address}\n`,
        (csv) =>
          `Error: ${csv}: the header has no 'seats' column (it needs holder,seats[,validUntil][,licenseKey][,evidenceFile])\n`,
      ],
      [
        "a missing evidence file",
        (f) => `holder,seats,evidenceFile\n${f.buyer.address},1,gone.pdf\n`,
        (csv) =>
          `Error: row 1: the evidence file gone.pdf does not exist (looked for ${join(csv, "..", "gone.pdf")}) (${csv} line 2)\n`,
      ],
      [
        "the same license key twice",
        (f) => `holder,seats,licenseKey\n${f.buyer.address},1,AB-12\n${f.buyer.address},1,ab12\n`,
        (csv) =>
          `Error: row 2: licenseKey is the same as row 1's: a key binds one license (${csv} line 3)\n`,
      ],
      [
        "a validUntil relative to now (a rerun would issue other rows)",
        (f) => `holder,seats,validUntil\n${f.buyer.address},1,30d\n`,
        (csv) =>
          `Error: row 1: validUntil '30d' is relative to now: a batch needs a date or unix seconds, so that a rerun with the same journal issues the same rows (${csv} line 2)\n`,
      ],
      [
        "a bad validUntil",
        (f) => `holder,seats,validUntil\n${f.buyer.address},1,soon\n`,
        (csv) =>
          `Error: row 1: validUntil must be unix seconds, a date such as 2027-01-01, or a duration such as 90d, got 'soon' (${csv} line 2)\n`,
      ],
      [
        "a header and no rows",
        () => "holder,seats\n",
        (csv) => `Error: the CSV file ${csv} has no rows under its header\n`,
      ],
    ];
    for (const [when, content, expected] of cases) {
      it(`refuses ${when}, naming the row, before anything is sent`, async function () {
        const f = await setup();
        const csv = writeFile(f.dir, "rows.csv", content(f));
        const issued = (await f.registry.getProduct(1)).licensesIssued;
        const run = await runTask("license:issue", { ...f.common, product: "1", csv });
        expect(run.exitCode).to.equal(1);
        expect(run.stdout).to.equal("");
        expect(run.stderr).to.equal(expected(csv));
        expect((await f.registry.getProduct(1)).licensesIssued).to.equal(issued);
      });
    }

    it("refuses a missing CSV file, single-issuance options and a zero --chunk", async function () {
      const f = await setup();
      const missing = await runTask("license:issue", {
        ...f.common,
        product: "1",
        csv: "/no/rows.csv",
      });
      expect(missing.stderr).to.equal("Error: the CSV file /no/rows.csv does not exist\n");
      const csv = writeFile(f.dir, "rows.csv", `holder,seats\n${f.buyer.address},1\n`);
      const holder = await runTask("license:issue", {
        ...f.common,
        product: "1",
        csv,
        holder: f.buyer.address,
      });
      expect(holder.stderr).to.equal(
        "Error: --holder applies to a single issuance: with --csv, each row gives its own\n",
      );
      const chunk = await runTask("license:issue", { ...f.common, product: "1", csv, chunk: 0 });
      expect(chunk.stderr).to.equal(
        "Error: --chunk must be a whole number of rows per transaction, at least 1, got 0\n",
      );
    });
  });
});
