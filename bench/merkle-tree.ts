/**
 * A committed issuance run at publisher scale: a 1,000,000-row CSV (generated in a temporary
 * folder) built into its Merkle tree, leaves file and proof index with bounded memory, then
 * proofs looked up by license id and by holder and verified, then the published leaves file
 * verified against the root as a holder would after downloading it. Prints the time and peak
 * memory of each part; writes bench/results/merkle-tree.json. `npm run bench:merkle`.
 *
 * Fails (exit 1) unless the build takes under 2 minutes with a peak resident set under 1 GiB
 * (the target, on the project's 2-core machines), or if any proof fails to verify.
 * `LL_MERKLE_ROWS` sets another row count (the targets then still apply).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  ProofIndex,
  buildProgressReporter,
  buildRunFromCsv,
  leafHash,
  verifyLeavesFile,
  verifyProof,
} from "@license-ledger/sdk";

const ROWS = Number(process.env.LL_MERKLE_ROWS ?? 1_000_000);
const TARGET_SECONDS = 120;
const TARGET_RSS = 1024 * 1024 * 1024;
const LOOKUPS = 1_000;
const PRODUCT = 7n;
const FIRST_ID = PRODUCT * 10n ** 12n + 1n;
const RESULTS_DIR = "bench/results";

const peakRss = () => process.resourceUsage().maxRSS * 1024;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** A fast deterministic generator (xorshift32): the same CSV on every run. */
let state = 2026;
const next = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state >>> 0;
};
const hex = (bytes: number) => {
  let out = "0x";
  for (let i = 0; i < bytes; i += 4) out += next().toString(16).padStart(8, "0");
  return out.slice(0, 2 + bytes * 2);
};

const dir = mkdtempSync(join(tmpdir(), "ll-merkle-bench-"));
try {
  // 1. The CSV: a publisher's million licenses, a tenth of them to 2,000 repeat holders (dealers).
  const csv = join(dir, "run.csv");
  let started = performance.now();
  const dealers = Array.from({ length: 2_000 }, () => hex(20));
  {
    const { openSync, writeSync, closeSync } = await import("node:fs");
    const fd = openSync(csv, "w");
    writeSync(fd, "holder,seats,validUntil,region,keyCommitment,originEvidence\n");
    let chunk = "";
    for (let i = 0; i < ROWS; i++) {
      const holder = i % 10 === 0 ? dealers[next() % dealers.length]! : hex(20);
      const region = ["EEA", "Switzerland", "elsewhere", ""][next() % 4];
      const validUntil = i % 3 === 0 ? "2030-12-31" : "0";
      chunk += `${holder},${1 + (next() % 50)},${validUntil},${region},${hex(32)},${i % 2 === 0 ? hex(32) : ""}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = "";
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
  }
  const csvBytes = statSync(csv).size;
  console.log(
    `CSV: ${ROWS.toLocaleString("en")} rows, ${mib(csvBytes)}, generated in ${((performance.now() - started) / 1000).toFixed(1)}s`,
  );

  // 2. The build, measured alone.
  const rssBefore = peakRss();
  started = performance.now();
  const run = await buildRunFromCsv(csv, {
    productId: PRODUCT,
    firstLicenseId: FIRST_ID,
    outDir: dir,
    onProgress: buildProgressReporter(process.stderr, 10_000),
  });
  const buildSeconds = (performance.now() - started) / 1000;
  const buildRss = peakRss();
  console.log(
    `build: ${buildSeconds.toFixed(1)}s, peak RSS ${mib(buildRss)} (before the build ${mib(rssBefore)})`,
  );
  console.log(
    `  root ${run.root}, leaves file ${mib(run.leavesBytes)} (sha256 ${run.leavesHash}), proof index ${mib(run.proofIndexBytes)}`,
  );

  // 3. Lookups by license id and by holder, each proof verified.
  const index = await ProofIndex.open(run.proofIndexFile);
  started = performance.now();
  let verified = 0;
  for (let i = 0; i < LOOKUPS; i++) {
    const found = await index.byLicenseId(FIRST_ID + BigInt(next() % ROWS));
    if (!found || !verifyProof(run.root, leafHash(found.leaf), found.proof))
      throw new Error(`a proof failed to verify`);
    verified++;
  }
  const byIdMs = (performance.now() - started) / LOOKUPS;
  started = performance.now();
  let holderLeaves = 0;
  for (const dealer of dealers.slice(0, 20)) {
    const found = await index.byHolder(dealer);
    for (const f of found) {
      if (!verifyProof(run.root, f.leafHash, f.proof)) throw new Error(`a proof failed to verify`);
      verified++;
    }
    holderLeaves += found.length;
  }
  const byHolderMs = (performance.now() - started) / 20;
  await index.close();
  console.log(
    `lookups: ${byIdMs.toFixed(2)} ms by license id (${LOOKUPS}), ${byHolderMs.toFixed(1)} ms by holder (20 dealers, ${holderLeaves} leaves); ${verified} proofs verified`,
  );

  // 4. A holder's check of the published leaves file against the committed root and hash.
  started = performance.now();
  const checked = await verifyLeavesFile(run.leavesFile, {
    root: run.root,
    leavesHash: run.leavesHash,
  });
  const verifySeconds = (performance.now() - started) / 1000;
  console.log(
    `leaves file verified against the root: ${verifySeconds.toFixed(1)}s (${checked.leafCount.toLocaleString("en")} leaves), peak RSS so far ${mib(peakRss())}`,
  );

  const results = {
    rows: ROWS,
    csvBytes,
    buildSeconds,
    buildPeakRssBytes: buildRss,
    leavesFileBytes: run.leavesBytes,
    proofIndexBytes: run.proofIndexBytes,
    lookupByIdMs: byIdMs,
    lookupByHolderMs: byHolderMs,
    proofsVerified: verified,
    verifyLeavesFileSeconds: verifySeconds,
    peakRssBytes: peakRss(),
    cpus: (await import("node:os")).cpus().length,
    node: process.version,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "merkle-tree.json"), `${JSON.stringify(results, null, 2)}\n`);
  const failures = [
    ...(buildSeconds > TARGET_SECONDS
      ? [`the build took ${buildSeconds.toFixed(1)}s, over ${TARGET_SECONDS}s`]
      : []),
    ...(buildRss > TARGET_RSS ? [`the build peaked at ${mib(buildRss)}, over 1 GiB`] : []),
  ];
  if (failures.length > 0) {
    console.error(`FAILED: ${failures.join("; ")}`);
    process.exitCode = 1;
  } else console.log(`target met: under ${TARGET_SECONDS}s and 1 GiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
