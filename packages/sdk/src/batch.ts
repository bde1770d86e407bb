import { appendFileSync, existsSync, readFileSync } from "./node-io.js";

import {
  JsonRpcSigner,
  toQuantity,
  type Provider,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
  type TransactionResponse,
} from "ethers";

import { LedgerError, toLedgerError } from "./errors.js";

/** One transaction of a batch. `key` names it for good: the journal remembers it by its key. */
export interface BatchStep {
  key: string;
  /** What the step does, for progress lines and error sentences ("issuing rows 1-100"). */
  description: string;
  /**
   * The transaction to send (to, data, value); the batch sets nonce and gas. Called once, when
   * the step is first sent: the call it returns is journaled, and every later copy of the step
   * (a resend, a rerun after a crash) sends or recognises that journaled call, so a request that
   * reads chain state (the current holder, say) is never rebuilt from a state the step itself
   * changed.
   */
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

/** What a batch waits for, reported while it waits (see `BatchOptions.onWait`). */
export interface BatchWait {
  step: BatchStep;
  /** The nonce the step's transaction holds (every copy of the step uses it). */
  nonce: number;
  /** The step's transaction last sent, when its hash is known. */
  hash?: string;
  /**
   * `pending`: the node holds the transaction, not mined yet; `unknown`: the node knows no
   * transaction of the step (dropped from its pool?); `resent`: neither mined nor pending after
   * `resendAfterMs`, so the same transaction (same nonce) was sent again.
   */
  state: "pending" | "unknown" | "resent";
  /** How long the step has waited in this state, in milliseconds. */
  waitedMs: number;
  /** The same as one plain sentence, for a progress line. */
  message: string;
}

export interface BatchOptions {
  /** The journal file (JSON lines, appended to). Rerunning with the same file resumes. */
  journalPath: string;
  /** Transactions in flight at once (default 4). */
  concurrency?: number;
  onProgress?: (progress: BatchProgress) => void;
  /**
   * Called while a step waits: every `reportEveryMs` while its transaction is pending or
   * unknown to the node, and each time it is sent again.
   */
  onWait?: (wait: BatchWait) => void;
  /**
   * How long a sent transaction may be neither mined nor pending (unknown to the node) before
   * the batch sends it again, with the same nonce (default 30,000 ms).
   */
  resendAfterMs?: number;
  /**
   * How often a step's transaction is looked up while it waits (default 1,000 ms, or a tenth of
   * `resendAfterMs` when that is shorter).
   */
  pollMs?: number;
  /**
   * How often a waiting step reports what it waits for (default 10,000 ms, or a third of
   * `resendAfterMs` when that is shorter).
   */
  reportEveryMs?: number;
}

export interface BatchResult {
  /** Receipts of every step, in step order (from this run or found on chain). */
  receipts: TransactionReceipt[];
  /** Steps this run sent (the others were done before). */
  sent: number;
  resumed: number;
}

/**
 * A step's transaction as first sent: its call and the fields the signer filled in, so every copy
 * of the step is the same transaction (with a deterministic signer, the same hash).
 */
interface JournaledTx {
  to: string;
  data: string;
  value: string;
  gasLimit?: string;
  chainId?: string;
  type?: number;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
}

/**
 * A journal line. Written before each send (`sending`, with the transaction), after each send
 * (`sent`, its hash; a resend that changed the hash adds another) and on receipt. `superseded`:
 * another transaction took the step's nonce, so the step never ran and is sent anew.
 */
type JournalEntry =
  | { key: string; state: "sending"; nonce: number; sinceBlock: number; tx?: JournaledTx }
  | { key: string; state: "sent"; nonce: number; hash: string }
  | { key: string; state: "confirmed"; hash: string; block: number }
  | { key: string; state: "superseded"; nonce: number };

interface StepRecord {
  nonce?: number;
  sinceBlock?: number;
  tx?: JournaledTx;
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
      if (record.nonce !== entry.nonce) record.hashes = [];
      record.nonce = entry.nonce;
      record.sinceBlock = entry.sinceBlock;
      if (entry.tx === undefined) delete record.tx;
      else record.tx = entry.tx;
    } else if (entry.state === "sent") {
      record.nonce = entry.nonce;
      if (!record.hashes.includes(entry.hash)) record.hashes.push(entry.hash);
    } else if (entry.state === "confirmed") {
      record.confirmedHash = entry.hash;
    } else {
      delete record.nonce;
      delete record.tx;
      record.hashes = [];
    }
    records.set(entry.key, record);
  }
  return records;
}

const DEFAULT_RESEND_AFTER_MS = 30_000;
const DEFAULT_POLL_MS = 1_000;
const DEFAULT_REPORT_EVERY_MS = 10_000;
/** Failed look-ups in a row (a node restarting, a provider's hiccup) before a batch gives up. */
const POLL_FAILURES_TOLERATED = 5;

/** A step with a nonce: sent (or journaled as being sent), waiting for its transaction. */
interface InFlight {
  step: BatchStep;
  nonce: number;
  sinceBlock: number;
  /** The transaction every copy of the step sends; undefined for a journal of an older SDK. */
  tx?: JournaledTx;
  /** Every hash a copy of the step was sent under. */
  hashes: string[];
  /** When the node last held a copy (or when it was last sent); 0 before any. */
  lastSeenAt: number;
  /** When the step started waiting in its current state, and last reported it. */
  stateSince: number;
  lastReportAt: number;
  waitState?: BatchWait["state"];
  /** This run broadcast a copy that the node accepted. */
  sentNow: boolean;
}

/**
 * Sends the steps as transactions from `signer`, with bounded concurrency and explicit nonces,
 * recording each in a journal so that a rerun after a crash never sends a step twice.
 *
 * How a step finishes: after sending it, the batch looks its transaction up every `pollMs`. Mined:
 * done. Pending: it waits, reporting through `onWait` what it waits for. Unknown to the node for
 * `resendAfterMs` (dropped from the pool, or never forwarded): it sends the same transaction
 * again, with the same nonce, so at most one copy can ever be mined. Its nonce used by a
 * transaction that is not the step's: the step never ran, and is sent anew with a new nonce.
 *
 * How a rerun stays duplicate-free: before sending a step, the journal records its nonce and the
 * transaction (call, gas, fees); after, its hash. On a rerun, a step with a confirmed receipt is
 * skipped; the others wait as above, with their journaled nonce and transaction: a step whose
 * nonce the account has since used is looked up on chain (by its hashes, or by scanning the
 * blocks since it was journaled for the account's transaction with that nonce, compared with the
 * journaled call, not with a call rebuilt from today's chain state) and counted as done if that
 * transaction is the step's; a step whose nonce is still free is sent again with that nonce. The
 * account must not send other transactions while a batch runs.
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
  const resendAfterMs = options.resendAfterMs ?? DEFAULT_RESEND_AFTER_MS;
  const pollMs = options.pollMs ?? Math.min(DEFAULT_POLL_MS, resendAfterMs / 10);
  const reportEveryMs =
    options.reportEveryMs ?? Math.min(DEFAULT_REPORT_EVERY_MS, resendAfterMs / 3);
  const write = (entry: JournalEntry) =>
    appendFileSync(options.journalPath, JSON.stringify(entry) + "\n");
  const receipts = new Map<string, TransactionReceipt>();
  let done = 0;
  let resumed = 0;
  let sent = 0;
  const report = (
    step: BatchStep,
    receipt: TransactionReceipt,
    outcome: BatchProgress["outcome"],
  ) => {
    receipts.set(step.key, receipt);
    done += 1;
    if (outcome === "resumed") resumed += 1;
    options.onProgress?.({ done, total: steps.length, step, hash: receipt.hash, outcome });
  };

  // 1. Settle what an earlier run left: done, or waiting with its own nonce and transaction.
  const recovered: InFlight[] = [];
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
      report(step, receipt, "resumed");
      continue;
    }
    if (record.nonce === undefined) continue; // superseded: sent anew below
    const now = Date.now();
    recovered.push({
      step,
      nonce: record.nonce,
      sinceBlock: record.sinceBlock ?? 0,
      ...(record.tx === undefined ? {} : { tx: record.tx }),
      hashes: [...record.hashes],
      // Known hashes get the usual grace; a step journaled without one is sent again at once
      // unless the node holds a transaction with its nonce.
      lastSeenAt: record.hashes.length > 0 ? now : 0,
      stateSince: now,
      lastReportAt: now,
      sentNow: false,
    });
  }

  // 2. Send new steps in order, with nonces after every journaled one, and see each one through.
  const pendingCount = await provider.getTransactionCount(from, "pending");
  let nextNonce = Math.max(pendingCount, ...recovered.map((r) => r.nonce + 1));
  const queue: BatchStep[] = steps.filter(
    (step) => !receipts.has(step.key) && !recovered.some((r) => r.step.key === step.key),
  );
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const waitForStep = (item: InFlight) => {
    const waiting: Promise<void> = (async () => {
      const outcome = await seeThrough(item);
      if (outcome === "superseded") {
        write({ key: item.step.key, state: "superseded", nonce: item.nonce });
        queue.push(item.step);
      }
    })()
      .catch((error: unknown) => {
        failure ??= toLedgerError(error, item.step.description);
      })
      .finally(() => inFlight.delete(waiting));
    inFlight.add(waiting);
  };

  /**
   * Sends the step's journaled transaction (building it for a journal of an older SDK). A node
   * that says the nonce is used, or that it holds the transaction already, is no failure: the
   * next look-up sees which.
   */
  const broadcast = async (item: InFlight): Promise<"sent" | "known" | "used"> => {
    const tx = item.tx ?? (await journaledTx(signer, from, item.step, item.nonce));
    item.tx ??= tx;
    let hash: string;
    try {
      hash = await sendForHash(signer, provider, { ...fromJournal(tx), from, nonce: item.nonce });
    } catch (error) {
      if (saysNonceUsed(error)) return "used"; // mined, or replaced: the nonce check decides
      if (saysKnown(error)) {
        item.lastSeenAt = Date.now(); // a copy is still in the node's pool
        return "known";
      }
      throw error;
    }
    if (!item.sentNow) sent += 1;
    item.sentNow = true;
    item.lastSeenAt = Date.now();
    if (!item.hashes.includes(hash)) {
      item.hashes.push(hash);
      write({ key: item.step.key, state: "sent", nonce: item.nonce, hash });
    }
    return "sent";
  };

  /** Reports what the step waits for: on a change of state after `reportEveryMs`, then every `reportEveryMs`. */
  const wait = (item: InFlight, state: "pending" | "unknown", now: number) => {
    if (item.waitState !== state) {
      item.waitState = state;
      item.stateSince = now;
      item.lastReportAt = now;
      return;
    }
    if (now - item.lastReportAt < reportEveryMs) return;
    item.lastReportAt = now;
    const waited = now - item.stateSince;
    tell(
      item,
      state,
      waited,
      state === "pending"
        ? `pending for ${seconds(waited)}, not mined yet`
        : `the node has not known the transaction for ${seconds(waited)} (dropped from its pool?); it is sent again with the same nonce after ${seconds(resendAfterMs)}`,
    );
  };

  const tell = (item: InFlight, state: BatchWait["state"], waitedMs: number, what: string) => {
    const hash = item.hashes.at(-1);
    const step = `${item.step.description} (nonce ${item.nonce}${hash === undefined ? "" : `, transaction ${hash}`})`;
    options.onWait?.({
      step: item.step,
      nonce: item.nonce,
      ...(hash === undefined ? {} : { hash }),
      state,
      waitedMs,
      message: state === "resent" ? `${step} ${what}` : `waiting for ${step}: ${what}`,
    });
  };

  /** Waits until the step is mined (done) or its nonce is taken by another transaction. */
  const seeThrough = async (item: InFlight): Promise<"done" | "superseded"> => {
    let failures = 0;
    for (;;) {
      if (failure !== undefined) throw failure;
      try {
        const receipt = await firstReceipt(provider, item.hashes);
        if (receipt !== null) return finish(item, receipt);
        const latest = await provider.getTransactionCount(from, "latest");
        if (latest > item.nonce) {
          const outcome = await nonceUsed(item);
          if (outcome !== "again") return outcome;
        } else {
          const now = Date.now();
          const pending = await provider.getTransactionCount(from, "pending");
          if (pending > item.nonce || (await anyKnown(provider, item.hashes))) {
            item.lastSeenAt = now;
            wait(item, "pending", now);
          } else if (now - item.lastSeenAt >= resendAfterMs) {
            const missingMs = item.lastSeenAt > 0 ? now - item.lastSeenAt : undefined;
            const outcome = await broadcast(item);
            item.waitState = undefined;
            if (missingMs !== undefined && outcome === "sent") {
              tell(
                item,
                "resent",
                missingMs,
                `was neither mined nor pending after ${seconds(missingMs)}: sent it again with the same nonce`,
              );
            }
            continue; // look it up at once: an automining node has mined it already
          } else {
            wait(item, "unknown", now);
          }
        }
        failures = 0;
      } catch (error) {
        if (error instanceof LedgerError || ++failures >= POLL_FAILURES_TOLERATED) throw error;
      }
      await sleep(pollMs);
    }
  };

  const finish = (item: InFlight, receipt: TransactionReceipt): "done" => {
    checkSucceeded(item.step, receipt);
    write({
      key: item.step.key,
      state: "confirmed",
      hash: receipt.hash,
      block: receipt.blockNumber,
    });
    report(item.step, receipt, item.sentNow ? "confirmed" : "resumed");
    return "done";
  };

  /** The step's nonce is used: by one of its copies (done), or by another transaction. */
  const nonceUsed = async (item: InFlight): Promise<"done" | "superseded" | "again"> => {
    const receipt = await firstReceipt(provider, item.hashes); // mined since the last look
    if (receipt !== null) return finish(item, receipt);
    const tx = await findByNonce(provider, from, item.nonce, item.sinceBlock);
    if (tx !== null) {
      const wanted = item.tx ?? toJournal(await item.step.request());
      if (item.hashes.includes(tx.hash) || sameCall(tx, wanted)) {
        const mined = await provider.getTransactionReceipt(tx.hash);
        return mined === null ? "again" : finish(item, mined);
      }
    }
    return "superseded"; // another transaction took the nonce: the step never ran
  };

  // A journaled step that no node holds (the killed run never sent it, or the pool dropped it)
  // is sent again now, lowest nonce first, before any new step: nodes that mine at once refuse a
  // nonce with a gap before it.
  recovered.sort((a, b) => a.nonce - b.nonce);
  try {
    const latest = await provider.getTransactionCount(from, "latest");
    const pending = await provider.getTransactionCount(from, "pending");
    for (const item of recovered) {
      if (item.nonce < latest || item.nonce < pending) continue;
      if (await anyKnown(provider, item.hashes)) continue;
      await broadcast(item);
    }
  } catch (error) {
    failure = toLedgerError(error, "sending again what the earlier run had sent");
  }
  for (const item of recovered) waitForStep(item);
  while (queue.length > 0 || inFlight.size > 0) {
    if (failure !== undefined) break;
    const step = queue.shift();
    if (step === undefined) {
      await Promise.race(inFlight); // a superseded step may come back to the queue
      continue;
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== undefined) break;
    try {
      nextNonce = Math.max(nextNonce, await provider.getTransactionCount(from, "pending"));
      const nonce = nextNonce++;
      // Estimate before journaling, so a refused step is never recorded as sent (some signers,
      // Hardhat's among them, do not estimate in populateTransaction).
      const tx = await journaledTx(signer, from, step, nonce);
      const sinceBlock = await provider.getBlockNumber();
      write({ key: step.key, state: "sending", nonce, sinceBlock, tx });
      const now = Date.now();
      const item: InFlight = {
        step,
        nonce,
        sinceBlock,
        tx,
        hashes: [],
        lastSeenAt: 0,
        stateSince: now,
        lastReportAt: now,
        sentNow: false,
      };
      await broadcast(item);
      waitForStep(item);
    } catch (error) {
      failure ??= toLedgerError(error, step.description);
      break;
    }
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** "12 s", or "0.4 s" below a second (tests wait that little). */
const seconds = (ms: number) =>
  ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;

/** The step's call with the gas and fees the signer fills in, as the journal keeps it. */
async function journaledTx(
  signer: Signer,
  from: string,
  step: BatchStep,
  nonce: number,
): Promise<JournaledTx> {
  const populated = await signer.populateTransaction({ ...(await step.request()), from, nonce });
  populated.gasLimit ??= await signer.estimateGas(populated);
  return toJournal(populated);
}

function toJournal(request: TransactionRequest): JournaledTx {
  const text = (value: unknown) =>
    value === undefined || value === null ? undefined : BigInt(value as bigint).toString();
  const tx: JournaledTx = {
    to: typeof request.to === "string" ? request.to : "",
    data: String(request.data ?? "0x"),
    value: text(request.value) ?? "0",
  };
  const optional = {
    gasLimit: text(request.gasLimit),
    chainId: text(request.chainId),
    gasPrice: text(request.gasPrice),
    maxFeePerGas: text(request.maxFeePerGas),
    maxPriorityFeePerGas: text(request.maxPriorityFeePerGas),
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) (tx as unknown as Record<string, string>)[name] = value;
  }
  if (typeof request.type === "number") tx.type = request.type;
  return tx;
}

function fromJournal(tx: JournaledTx): TransactionRequest {
  const request: TransactionRequest = { to: tx.to, data: tx.data, value: BigInt(tx.value) };
  if (tx.gasLimit !== undefined) request.gasLimit = BigInt(tx.gasLimit);
  if (tx.chainId !== undefined) request.chainId = BigInt(tx.chainId);
  if (tx.type !== undefined) request.type = tx.type;
  if (tx.gasPrice !== undefined) request.gasPrice = BigInt(tx.gasPrice);
  if (tx.maxFeePerGas !== undefined) request.maxFeePerGas = BigInt(tx.maxFeePerGas);
  if (tx.maxPriorityFeePerGas !== undefined)
    request.maxPriorityFeePerGas = BigInt(tx.maxPriorityFeePerGas);
  return request;
}

/**
 * Sends a transaction and returns its hash as soon as the node accepted it. Signers that let the
 * node sign (ethers' JsonRpcSigner, Hardhat's signer) poll the node in `sendTransaction` until it
 * returns the transaction, which never happens when the node drops it at once: for them the
 * batch asks the node directly (`eth_sendTransaction`) and waits for the transaction itself.
 */
async function sendForHash(
  signer: Signer,
  provider: Provider,
  request: TransactionRequest,
): Promise<string> {
  if (signer instanceof JsonRpcSigner) return signer.sendUncheckedTransaction(request);
  const send = (provider as { send?: (method: string, params: unknown[]) => Promise<unknown> })
    .send;
  // Hardhat's signer (the SDK never imports Hardhat, so it is known by name).
  if (signer.constructor.name === "HardhatEthersSigner" && typeof send === "function") {
    return String(await send.call(provider, "eth_sendTransaction", [rpcRequest(request)]));
  }
  return (await signer.sendTransaction(request)).hash;
}

/** A transaction request as JSON-RPC's `eth_sendTransaction` takes it (hex quantities). */
function rpcRequest(request: TransactionRequest): Record<string, string> {
  const rpc: Record<string, string> = {};
  const quantities = {
    value: request.value,
    gas: request.gasLimit,
    nonce: request.nonce,
    chainId: request.chainId,
    type: request.type,
    gasPrice: request.gasPrice,
    maxFeePerGas: request.maxFeePerGas,
    maxPriorityFeePerGas: request.maxPriorityFeePerGas,
  };
  for (const [name, value] of Object.entries(quantities)) {
    if (value !== undefined && value !== null) rpc[name] = toQuantity(value);
  }
  if (typeof request.from === "string") rpc.from = request.from;
  if (typeof request.to === "string") rpc.to = request.to;
  if (request.data !== undefined && request.data !== null) rpc.data = String(request.data);
  return rpc;
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof Error) parts.push(e.message);
    else parts.push(String(e));
    e = (e as { cause?: unknown; error?: unknown }).cause ?? (e as { error?: unknown }).error;
  }
  return parts.join(" | ");
}

/** The node says the nonce is already used (geth, Hardhat, anvil, ethers' NONCE_EXPIRED). */
function saysNonceUsed(error: unknown): boolean {
  return (
    (error as { code?: unknown }).code === "NONCE_EXPIRED" ||
    /nonce too low|nonce has already been used|nonce.{0,20}(expired|is too low)|OldNonce/i.test(
      errorText(error),
    )
  );
}

/** The node already holds a transaction with this nonce (the same one, or one paying more). */
function saysKnown(error: unknown): boolean {
  return (
    (error as { code?: unknown }).code === "REPLACEMENT_UNDERPRICED" ||
    /already known|known transaction|already imported|alreadyknown|already exists|replacement transaction underpriced|replacement fee too low/i.test(
      errorText(error),
    )
  );
}

async function anyKnown(provider: Provider, hashes: string[]): Promise<boolean> {
  for (const hash of hashes) {
    if ((await provider.getTransaction(hash)) !== null) return true;
  }
  return false;
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

function sameCall(tx: TransactionResponse, wanted: JournaledTx): boolean {
  return (
    wanted.to !== "" &&
    tx.to?.toLowerCase() === wanted.to.toLowerCase() &&
    tx.data.toLowerCase() === wanted.data.toLowerCase() &&
    tx.value === BigInt(wanted.value)
  );
}
