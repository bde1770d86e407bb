import { appendFileSync, existsSync, readFileSync } from "node:fs";

import type {
  Provider,
  Signer,
  TransactionReceipt,
  TransactionRequest,
  TransactionResponse,
} from "ethers";

import { LedgerError, toLedgerError } from "./errors.js";

/** One transaction of a batch. `key` names it for good: the journal remembers it by its key. */
export interface BatchStep {
  key: string;
  /** What the step does, for progress lines and error sentences ("issuing rows 1-100"). */
  description: string;
  /** The transaction to send (to, data, value); the batch sets nonce and gas. */
  request: () => Promise<TransactionRequest>;
}

export interface BatchProgress {
  /** Steps finished (confirmed now or in an earlier run). */
  done: number;
  total: number;
  step: BatchStep;
  hash: string;
  /** `confirmed`: mined now; `resumed`: found done in the journal or on chain. */
  outcome: "confirmed" | "resumed";
}

export interface BatchOptions {
  /** The journal file (JSON lines, appended to). Rerunning with the same file resumes. */
  journalPath: string;
  /** Transactions in flight at once (default 4). */
  concurrency?: number;
  onProgress?: (progress: BatchProgress) => void;
}

export interface BatchResult {
  /** Receipts of every step, in step order (from this run or found on chain). */
  receipts: TransactionReceipt[];
  /** Steps this run sent (the others were done before). */
  sent: number;
  resumed: number;
}

/** A journal line. Written before each send (`sending`), after it (`sent`) and on receipt. */
type JournalEntry =
  | { key: string; state: "sending"; nonce: number; sinceBlock: number }
  | { key: string; state: "sent"; nonce: number; hash: string }
  | { key: string; state: "confirmed"; hash: string; block: number }
  | { key: string; state: "superseded"; nonce: number };

interface StepRecord {
  nonce?: number;
  sinceBlock?: number;
  hashes: string[];
  confirmedHash?: string;
}

function readJournal(path: string): Map<string, StepRecord> {
  const records = new Map<string, StepRecord>();
  if (!existsSync(path)) return records;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      continue; // a line cut short when the process was killed: its step is checked on chain
    }
    const record = records.get(entry.key) ?? { hashes: [] };
    if (entry.state === "sending") {
      record.nonce = entry.nonce;
      record.sinceBlock = entry.sinceBlock;
    } else if (entry.state === "sent") {
      record.nonce = entry.nonce;
      record.hashes.push(entry.hash);
    } else if (entry.state === "confirmed") {
      record.confirmedHash = entry.hash;
    } else {
      delete record.nonce;
      record.hashes = [];
    }
    records.set(entry.key, record);
  }
  return records;
}

/**
 * Sends the steps as transactions from `signer`, with bounded concurrency and explicit nonces,
 * recording each in a journal so that a rerun after a crash never sends a step twice.
 *
 * How a rerun stays duplicate-free: every step keeps the nonce it was first given. Before sending
 * it, the journal records that nonce; after, the transaction hash. On a rerun, a step with a
 * confirmed receipt is skipped; a step whose nonce the account has since used is looked up on
 * chain (by its hash, or by scanning the blocks since it was journaled for the account's
 * transaction with that nonce) and counted as done if that transaction is the step's; a step
 * whose nonce is still free is sent again with the same nonce, so at most one of its copies can
 * ever be mined. The account must not send other transactions while a batch runs.
 */
export async function runBatch(
  signer: Signer,
  steps: BatchStep[],
  options: BatchOptions,
): Promise<BatchResult> {
  const provider = signer.provider;
  if (provider === null) throw new LedgerError("NoProvider", "the signer is not connected");
  const keys = new Set<string>();
  for (const step of steps) {
    if (keys.has(step.key))
      throw new LedgerError("DuplicateStep", `two batch steps share the key ${step.key}`);
    keys.add(step.key);
  }
  const from = await signer.getAddress();
  const journal = readJournal(options.journalPath);
  const foreign = [...journal.keys()].filter((key) => !keys.has(key));
  if (foreign.length > 0) {
    throw new LedgerError(
      "JournalMismatch",
      `the journal ${options.journalPath} records steps this batch does not have (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}): was its input changed? Use a new journal for a new batch`,
      { journalPath: options.journalPath, foreign },
    );
  }
  const write = (entry: JournalEntry) =>
    appendFileSync(options.journalPath, JSON.stringify(entry) + "\n");
  const receipts = new Map<string, TransactionReceipt>();
  let done = 0;
  let resumed = 0;
  const report = (
    step: BatchStep,
    receipt: TransactionReceipt,
    outcome: BatchProgress["outcome"],
  ) => {
    receipts.set(step.key, receipt);
    done += 1;
    options.onProgress?.({ done, total: steps.length, step, hash: receipt.hash, outcome });
  };

  // 1. Settle what an earlier run left: done, done on chain, or to send again (same nonce).
  const resend: { step: BatchStep; nonce: number }[] = [];
  const latestNonce = await settledNonce(provider, from, journal);
  for (const step of steps) {
    const record = journal.get(step.key);
    if (record === undefined) continue;
    const receipt = await firstReceipt(
      provider,
      record.confirmedHash ? [record.confirmedHash] : record.hashes,
    );
    if (receipt !== null) {
      checkSucceeded(step, receipt);
      if (record.confirmedHash === undefined)
        write({
          key: step.key,
          state: "confirmed",
          hash: receipt.hash,
          block: receipt.blockNumber,
        });
      resumed += 1;
      report(step, receipt, "resumed");
      continue;
    }
    if (record.nonce === undefined) continue; // superseded: sent anew below
    if (record.nonce < latestNonce) {
      // The nonce is used, but by none of the hashes we know: find the account's transaction.
      const tx = await findByNonce(provider, from, record.nonce, record.sinceBlock ?? 0);
      const wanted = await step.request();
      if (tx !== null && sameCall(tx, wanted)) {
        const mined = await provider.getTransactionReceipt(tx.hash);
        if (mined !== null) {
          checkSucceeded(step, mined);
          write({ key: step.key, state: "confirmed", hash: mined.hash, block: mined.blockNumber });
          resumed += 1;
          report(step, mined, "resumed");
          continue;
        }
      }
      write({ key: step.key, state: "superseded", nonce: record.nonce });
      continue; // another transaction took the nonce: the step never ran, send it anew
    }
    resend.push({ step, nonce: record.nonce });
  }

  // 2. Send: first the journaled steps again with their own nonces, then new ones in order.
  const pendingCount = await provider.getTransactionCount(from, "pending");
  let nextNonce = Math.max(pendingCount, ...resend.map((r) => r.nonce + 1));
  const queue: { step: BatchStep; nonce: number; again: boolean }[] = resend.map((r) => ({
    ...r,
    again: true,
  }));
  for (const step of steps) {
    if (receipts.has(step.key) || resend.some((r) => r.step.key === step.key)) continue;
    queue.push({ step, nonce: nextNonce++, again: false });
  }
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let sent = 0;
  for (const item of queue) {
    if (failure !== undefined) break;
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== undefined) break;
    let response: TransactionResponse;
    try {
      const request = { ...(await item.step.request()), from, nonce: item.nonce };
      const populated = await signer.populateTransaction(request);
      // Estimate before journaling, so a refused step is never recorded as sent (some signers,
      // Hardhat's among them, do not estimate in populateTransaction).
      populated.gasLimit ??= await signer.estimateGas(populated);
      const sinceBlock = await provider.getBlockNumber();
      write({ key: item.step.key, state: "sending", nonce: item.nonce, sinceBlock });
      response = await signer.sendTransaction(populated);
      write({ key: item.step.key, state: "sent", nonce: item.nonce, hash: response.hash });
      sent += 1;
    } catch (error) {
      failure = toLedgerError(error, item.step.description);
      break;
    }
    const waiting: Promise<void> = response
      .wait()
      .then((receipt) => {
        if (receipt === null) throw new LedgerError("NoReceipt", `no receipt for ${response.hash}`);
        checkSucceeded(item.step, receipt);
        write({
          key: item.step.key,
          state: "confirmed",
          hash: receipt.hash,
          block: receipt.blockNumber,
        });
        report(item.step, receipt, "confirmed");
      })
      .catch((error: unknown) => {
        failure ??= toLedgerError(error, item.step.description);
      })
      .finally(() => inFlight.delete(waiting));
    inFlight.add(waiting);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) {
    const error = failure instanceof LedgerError ? failure : toLedgerError(failure, "the batch");
    throw new LedgerError(
      error.code,
      `the batch stopped after ${done} of ${steps.length} steps: ${error.message}. Rerun it with the same journal to resume`,
      { ...error.args, done, total: steps.length },
      { cause: error },
    );
  }
  return {
    receipts: steps.map((s) => receipts.get(s.key)!),
    sent,
    resumed,
  };
}

/** How long a rerun waits for a journaled transaction that is still pending to be mined. */
const PENDING_WAIT_MS = 120_000;

/**
 * The account's mined nonce once no journaled, unconfirmed transaction is still pending: a rerun
 * must not send a step again while its first transaction can still be mined (nodes refuse the
 * copy as "already known"), so it waits for the pending ones to settle.
 */
async function settledNonce(
  provider: Provider,
  from: string,
  journal: Map<string, StepRecord>,
): Promise<number> {
  const open = [...journal.values()].flatMap((r) =>
    r.nonce === undefined || r.confirmedHash !== undefined ? [] : [r.nonce],
  );
  const deadline = Date.now() + PENDING_WAIT_MS;
  for (;;) {
    const latest = await provider.getTransactionCount(from, "latest");
    const pending = await provider.getTransactionCount(from, "pending");
    if (!open.some((n) => n >= latest && n < pending)) return latest;
    if (Date.now() > deadline) {
      throw new LedgerError(
        "StepPending",
        `a transaction of this batch from ${from} is still pending after ${PENDING_WAIT_MS / 1000} s: wait until it is mined or dropped, then rerun`,
        { from },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function firstReceipt(
  provider: Provider,
  hashes: string[],
): Promise<TransactionReceipt | null> {
  for (const hash of hashes) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt !== null) return receipt;
  }
  return null;
}

function checkSucceeded(step: BatchStep, receipt: TransactionReceipt): void {
  if (receipt.status !== 1) {
    throw new LedgerError(
      "StepReverted",
      `${step.description} was mined but reverted (transaction ${receipt.hash})`,
      { key: step.key, hash: receipt.hash },
    );
  }
}

/** The transaction `from` sent with `nonce`, searched in the blocks since `sinceBlock`. */
async function findByNonce(
  provider: Provider,
  from: string,
  nonce: number,
  sinceBlock: number,
): Promise<TransactionResponse | null> {
  const latest = await provider.getBlockNumber();
  for (let number = sinceBlock; number <= latest; number++) {
    const block = await provider.getBlock(number, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() === from.toLowerCase() && tx.nonce === nonce) return tx;
    }
  }
  return null;
}

function sameCall(tx: TransactionResponse, wanted: TransactionRequest): boolean {
  const to = typeof wanted.to === "string" ? wanted.to : undefined;
  return (
    to !== undefined &&
    tx.to?.toLowerCase() === to.toLowerCase() &&
    tx.data.toLowerCase() === String(wanted.data ?? "0x").toLowerCase()
  );
}
