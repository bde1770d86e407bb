import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import type { BenchMover, LicenseRegistry } from "../typechain-types/index.js";
import { BenchMover__factory, LicenseRegistry__factory } from "../typechain-types/index.js";
import { oneSeat } from "./gas.js";
import { holderHistory } from "./history.js";

export interface ScaleOptions {
  licenses: number;
  transfers: number;
  /** Multiplier of the total history for the second measurement. */
  growth: number;
  log: (line: string) => void;
}

export interface RebuildTiming {
  licenseId: string;
  steps: number;
  totalTransfersOnChain: number;
  milliseconds: number;
  microsecondsPerStep: number;
}

/** Least-squares line through the timings: ms = fixedMs + perStepMicroseconds/1000 * steps. */
export interface RebuildFit {
  totalTransfersOnChain: number;
  fixedMs: number;
  perStepMicroseconds: number;
}

export interface ScaleResults {
  licenses: number;
  transfers: number;
  rebuild: RebuildTiming[];
  rebuildAfterGrowth: RebuildTiming[];
  /** The part that grows with the license's own history (slope) and the part that does not. */
  fits: RebuildFit[];
  batchIssuance: { batchSize: number; gasPerLicense: number; totalGas: number }[];
}

const ISSUE_BATCH = 200;
const MOVE_BATCH = 250;
const BLOCK_GAS = 30_000_000;

function progress(log: (line: string) => void, label: string, done: number, total: number): void {
  // Redraw about 20 times per phase, not once per batch.
  const step = Math.max(1, Math.floor(total / 20));
  if (done !== total && Math.floor(done / step) === Math.floor((done - MOVE_BATCH) / step)) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  log(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`);
  if (done === total) log("\n");
}

class Chain {
  owners = new Map<bigint, number>();
  transfers = 0;
  constructor(
    readonly registry: LicenseRegistry,
    readonly mover: BenchMover,
    readonly accounts: HardhatEthersSigner[],
  ) {}

  /** Sends `moves` (license ids, in order) as resales to the next account in turn. */
  async resell(moves: bigint[], log: (line: string) => void, label: string): Promise<void> {
    for (let i = 0; i < moves.length; i += MOVE_BATCH) {
      const batch = moves.slice(i, i + MOVE_BATCH);
      const to = batch.map((id) => {
        const next = ((this.owners.get(id) ?? 0) + 1) % this.accounts.length;
        this.owners.set(id, next);
        return this.accounts[next]!.address;
      });
      await (await this.mover.resell(batch, to)).wait();
      this.transfers += batch.length;
      progress(log, label, Math.min(i + MOVE_BATCH, moves.length), moves.length);
    }
  }
}

async function timeRebuild(
  ethers: HardhatEthers,
  chain: Chain,
  licenseId: bigint,
): Promise<RebuildTiming> {
  const runs: number[] = [];
  let steps = 0;
  for (let r = 0; r < 5; r++) {
    const start = performance.now();
    const history = await holderHistory(ethers.provider, chain.registry, licenseId);
    runs.push(performance.now() - start);
    steps = history.steps.length;
  }
  runs.sort((a, b) => a - b);
  const ms = runs[2]!;
  return {
    licenseId: licenseId.toString(),
    steps,
    totalTransfersOnChain: chain.transfers,
    milliseconds: Number(ms.toFixed(3)),
    microsecondsPerStep: Number(((ms * 1000) / steps).toFixed(1)),
  };
}

/**
 * Populates the chain with `licenses` licenses and `transfers` resales, then times the rebuild of
 * the holder history of licenses with 1, 10, 100 and 1,000 steps; grows the total history by
 * `growth` and times the small ones again. Also measures batch issuance per license.
 */
export async function measureScale(
  ethers: HardhatEthers,
  options: ScaleOptions,
): Promise<ScaleResults> {
  const { log } = options;
  // Licenses 1..4 alone take 1,107 resales, and the rest need at least one license to spread over.
  if (options.licenses < 5 || options.transfers < 1110 || options.growth < 2) {
    throw new Error("the scale run needs --licenses >= 5, --transfers >= 1110 and --growth >= 2");
  }
  const accounts = await ethers.getSigners();
  const admin = accounts[0]!;
  const registry = await new LicenseRegistry__factory(admin).deploy(
    "License Ledger",
    "LICENSE",
    admin.address,
    0,
  );
  const mover = await new BenchMover__factory(admin).deploy(await registry.getAddress());
  await registry.grantRole(await registry.PUBLISHER_ROLE(), admin.address);
  await registry.registerProduct(
    {
      validityDays: 0,
      maxSeatsPerLicense: 1,
      transferable: true,
      splittable: false,
      attestationRequired: false,
    },
    "",
  );
  for (const account of accounts) {
    await (
      await registry.connect(account).setApprovalForAll(await mover.getAddress(), true)
    ).wait();
  }
  const chain = new Chain(registry, mover, accounts);
  const id = (serial: number) => 10n ** 12n + BigInt(serial);

  for (let i = 0; i < options.licenses; i += ISSUE_BATCH) {
    const count = Math.min(ISSUE_BATCH, options.licenses - i);
    const requests = Array.from({ length: count }, (_, k) => {
      const owner = (i + k) % accounts.length;
      chain.owners.set(id(i + k + 1), owner);
      return oneSeat(accounts[owner]!.address);
    });
    await (await registry.issueBatch(1, requests)).wait();
    progress(log, "issuing  ", i + count, options.licenses);
  }

  // Licenses 1..4 get exactly 1, 10, 100 and 1,000 steps (issuance + resales); the rest of the
  // resales go round-robin over licenses 5.. so every license has a little history.
  const tracked = [
    { licenseId: id(1), steps: 1 },
    { licenseId: id(2), steps: 10 },
    { licenseId: id(3), steps: 100 },
    { licenseId: id(4), steps: 1000 },
  ];
  const moves: bigint[] = [];
  for (const t of tracked) for (let s = 1; s < t.steps; s++) moves.push(t.licenseId);
  const others = options.licenses - tracked.length;
  for (let k = 0; moves.length < options.transfers; k++)
    moves.push(id(tracked.length + 1 + (k % others)));
  await chain.resell(moves, log, "reselling");

  const rebuild: RebuildTiming[] = [];
  for (const t of tracked) rebuild.push(await timeRebuild(ethers, chain, t.licenseId));

  const more: bigint[] = [];
  for (let k = 0; more.length < options.transfers * (options.growth - 1); k++) {
    more.push(id(tracked.length + 1 + (k % others)));
  }
  await chain.resell(more, log, `growing x${options.growth}`);
  const rebuildAfterGrowth: RebuildTiming[] = [];
  for (const t of tracked) rebuildAfterGrowth.push(await timeRebuild(ethers, chain, t.licenseId));

  const batchIssuance: ScaleResults["batchIssuance"] = [];
  /** `size` one-seat requests to the bench accounts in turn. */
  const batchOf = (size: number) =>
    Array.from({ length: size }, (_, k) => oneSeat(accounts[k % accounts.length]!.address));
  const measureBatch = async (size: number) => {
    const receipt = await (
      await registry.issueBatch(1, batchOf(size), { gasLimit: BLOCK_GAS })
    ).wait();
    const totalGas = Number(receipt!.gasUsed);
    return { batchSize: size, gasPerLicense: Math.round(totalGas / size), totalGas };
  };
  for (const size of [1, 10, 100]) batchIssuance.push(await measureBatch(size));
  // The largest batch that fits a 30M-gas block: estimate from the 100 batch, then step down.
  const per = batchIssuance[2]!.gasPerLicense;
  let size = Math.floor(BLOCK_GAS / per);
  while ((await registry.issueBatch.estimateGas(1, batchOf(size))) > BigInt(BLOCK_GAS)) size -= 1;
  batchIssuance.push(await measureBatch(size));

  return {
    licenses: options.licenses,
    transfers: options.transfers,
    rebuild,
    rebuildAfterGrowth,
    fits: [fit(rebuild), fit(rebuildAfterGrowth)],
    batchIssuance,
  };
}

/** Least-squares line through the timings of one chain size. */
export function fit(rows: RebuildTiming[]): RebuildFit {
  const n = rows.length;
  const mx = rows.reduce((a, r) => a + r.steps, 0) / n;
  const my = rows.reduce((a, r) => a + r.milliseconds, 0) / n;
  const sxy = rows.reduce((a, r) => a + (r.steps - mx) * (r.milliseconds - my), 0);
  const sxx = rows.reduce((a, r) => a + (r.steps - mx) ** 2, 0);
  const slope = sxy / sxx;
  return {
    totalTransfersOnChain: rows[0]?.totalTransfersOnChain ?? 0,
    fixedMs: Number((my - slope * mx).toFixed(2)),
    perStepMicroseconds: Number((slope * 1000).toFixed(1)),
  };
}
