import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { GasResults } from "./gas.js";

export interface BenchArgs {
  check: boolean;
  writeBaseline: boolean;
  licenses: bigint;
  transfers: bigint;
  growth: bigint;
}

const RESULTS_DIR = "bench/results";
const BASELINE = "bench/baseline.json";
/** An operation may cost at most this much more than its baseline before `--check` fails. */
export const TOLERANCE = 0.01;

function table(results: GasResults): string {
  const rows = [["operation", "gas", "reference", "vs ref", "floor", "vs floor"]];
  for (const [name, op] of Object.entries(results.operations)) {
    rows.push([
      name,
      op.gas.toLocaleString("en-US"),
      op.reference === null ? "-" : op.reference.toLocaleString("en-US"),
      op.reference === null ? "-" : `${(op.gas / op.reference).toFixed(3)}x`,
      op.floor.toLocaleString("en-US"),
      `${(op.gas / op.floor).toFixed(3)}x`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join("  "),
    )
    .join("\n");
}

/** Compares against the committed baseline; returns one sentence per regression. */
export function regressions(results: GasResults, baseline: GasResults): string[] {
  const problems: string[] = [];
  for (const [name, base] of Object.entries(baseline.operations)) {
    const now = results.operations[name];
    if (now === undefined) {
      problems.push(`${name}: in the baseline but no longer measured`);
    } else if (now.gas > base.gas * (1 + TOLERANCE)) {
      const pct = ((now.gas / base.gas - 1) * 100).toFixed(2);
      problems.push(
        `${name}: ${now.gas} gas, ${pct}% over the baseline's ${base.gas} (tolerance ${TOLERANCE * 100}%)`,
      );
    }
  }
  return problems;
}

export default async function bench(
  args: BenchArgs,
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  // Tasks do not compile by themselves, and a coverage run leaves instrumented artifacts behind
  // (the registry then exceeds the 24 KB code limit): build the real contracts first.
  // The measuring modules are imported only after the build, because the generated contract
  // factories they import carry the bytecode of whatever was built last.
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const { measureGas } = await import("./gas.js");
  const { measureScale } = await import("./scale.js");
  const { ethers } = await hre.network.create("bench");
  mkdirSync(RESULTS_DIR, { recursive: true });

  const gas = await measureGas(ethers);
  writeFileSync(`${RESULTS_DIR}/gas.json`, JSON.stringify(gas, null, 2) + "\n");
  console.log(table(gas));
  console.log(
    `\nreferences: ${Object.entries(gas.references)
      .map(([k, v]) => `${k} ${Math.round(v)}`)
      .join(", ")}`,
  );
  console.log(`wrote ${RESULTS_DIR}/gas.json`);

  if (args.writeBaseline) {
    writeFileSync(BASELINE, JSON.stringify(gas, null, 2) + "\n");
    console.log(`wrote ${BASELINE}`);
  }
  if (args.check) {
    if (!existsSync(BASELINE))
      throw new Error(`${BASELINE} is missing: run npm run bench -- --check --write-baseline`);
    const problems = regressions(gas, JSON.parse(readFileSync(BASELINE, "utf8")) as GasResults);
    if (problems.length > 0) {
      console.error(`\nbench check FAILED against ${BASELINE}:\n  ${problems.join("\n  ")}`);
      process.exitCode = 1;
    } else {
      console.log(
        `bench check passed: no operation costs more than ${TOLERANCE * 100}% over ${BASELINE}`,
      );
    }
    return;
  }

  const scale = await measureScale(ethers, {
    licenses: Number(args.licenses),
    transfers: Number(args.transfers),
    growth: Number(args.growth),
    log: (line) => process.stderr.write(line),
  });
  writeFileSync(`${RESULTS_DIR}/scale.json`, JSON.stringify(scale, null, 2) + "\n");
  console.log("\nrebuild of a license's holder history from logs (median of 5):");
  for (const [label, rows] of [
    [`${scale.transfers} transfers on chain`, scale.rebuild],
    [`after growth`, scale.rebuildAfterGrowth],
  ] as const) {
    for (const r of rows) {
      console.log(
        `  ${label.padEnd(24)} steps ${String(r.steps).padStart(5)}  ${r.milliseconds.toFixed(2).padStart(9)} ms  ${r.microsecondsPerStep.toFixed(1).padStart(9)} µs/step  (${r.totalTransfersOnChain} transfers on chain)`,
      );
    }
  }
  for (const f of scale.fits) {
    console.log(
      `  fit at ${f.totalTransfersOnChain} transfers: ${f.fixedMs} ms fixed + ${f.perStepMicroseconds} µs per step of the license's own history`,
    );
  }
  console.log("\nbatch issuance:");
  for (const b of scale.batchIssuance) {
    console.log(
      `  batch ${String(b.batchSize).padStart(4)}: ${b.gasPerLicense} gas per license (${b.totalGas} total)`,
    );
  }
  console.log(`wrote ${RESULTS_DIR}/scale.json`);
}
