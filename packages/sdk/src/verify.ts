import { getAddress, type Provider } from "ethers";

import {
  LOCAL_CHAIN_IDS,
  certificateAsV1,
  certificateFromTitle,
  certificateToJson,
} from "./certificate.js";
import type { AnyCertificate, Certificate } from "./certificate-types.js";
import { LedgerError, toLedgerError } from "./errors.js";
import type { LicenseLedger } from "./ledger.js";
import type { ScanStats } from "./logs.js";
import {
  blockRef,
  currencyNames,
  describeStep,
  formatTime,
  rebuildChainOfTitle,
  type ChainOfTitle,
} from "./title.js";
import { checkDeployment, type TrustedDeployment } from "./trust.js";

/**
 * Verification of a certificate of title against facts a stranger can trust: the official
 * deployment (a trust anchor the verifier chose, never the certificate's own word), the code the
 * node serves there, the chain of title rebuilt from that deployment's logs (checked against the
 * registry's own state), and the network's finality. The answer is one of five verdicts:
 *
 * - `not-official`: the certificate names another registry or market than the official License
 *   Ledger of its network, or the node does not serve the official code there;
 * - `not-genuine`: official, but the certificate differs from the chain at its block (or, for a
 *   PDF, its pages are not the drawing of the certificate it carries);
 * - `not-final`: genuine, but drawn at a block the network has not finalized;
 * - `superseded`: genuine and final, but the license has changed since its block;
 * - `current`: genuine, final, and nothing has changed since.
 */

export type VerdictName = "current" | "superseded" | "not-final" | "not-genuine" | "not-official";

/** Exit codes of the CLI and the task, one per verdict (so a script cannot mistake an old or
 * forged proof for today's). */
export const VERDICT_EXIT_CODES: Readonly<Record<VerdictName, number>> = {
  current: 0,
  "not-genuine": 1,
  "not-official": 2,
  superseded: 3,
  "not-final": 4,
};

export interface CertificateVerdict {
  verdict: VerdictName;
  /** The certificate names the official registry and market, and the node serves their code. */
  official: boolean;
  /** Official, and every field equals the chain at the certificate's block (and a PDF's pages
   * are the drawing of its certificate). */
  genuine: boolean;
  /** Nothing about the license has changed since the certificate's block. */
  current: boolean;
  /** The certificate's block is finalized (or the network does not report finality). */
  final: boolean;
  schemaVersion: 1 | 2;
  licenseId: string;
  drawnAtBlock: number;
  /** What was checked, and where its trust came from. */
  checked: {
    network: string;
    chainId: string;
    registry: string | null;
    market: string | null;
    trustSource: string;
    /** Whether the address book recorded code hashes (then the node's code was checked). */
    codeChecked: boolean;
  };
  /** Why the certificate is not official (empty when it is). */
  notOfficial: string[];
  /** Each difference from the chain, in plain words naming the field. */
  differences: string[];
  /** What changed since the certificate's block, in plain words. */
  changedSince: string[];
  latestBlock: number;
  /** The network's finalized block, or null when the node does not report one. */
  finalizedBlock: number | null;
  /** For a PDF: "checked" (its pages are the drawing of its certificate), "differs", or
   * "unchecked" (a version 1 PDF, whose drawing this release does not reproduce); null for JSON. */
  pages: "checked" | "differs" | "unchecked" | null;
}

export interface VerifyOptions {
  /** First page size of the log scans (default: what the provider allows). */
  pageSize?: number;
  /** Adds the verification's log requests to this counter. */
  stats?: ScanStats;
}

/**
 * Verifies `cert` on `provider` against the trusted deployments `candidates` (those of other
 * chains are ignored). `connect` opens a reading client on a trusted deployment.
 */
export async function verifyWithTrust(
  provider: Provider,
  cert: AnyCertificate,
  candidates: readonly TrustedDeployment[],
  connect: (trusted: TrustedDeployment) => Promise<LicenseLedger>,
  options: VerifyOptions = {},
): Promise<CertificateVerdict> {
  const chainId = await read(
    "reading the node's chain id",
    async () => (await provider.getNetwork()).chainId,
  );
  if (BigInt(cert.network.chainId) !== chainId) {
    throw new LedgerError(
      "CertificateWrongChain",
      `this certificate is for chain ${cert.network.chainId} (its network.chainId), but the node is chain ${chainId}: verify it with an RPC URL of chain ${cert.network.chainId}`,
      { certificateChainId: cert.network.chainId, chainId },
    );
  }
  const latestBlock = await read("reading the latest block", () => provider.getBlockNumber());
  const ofChain = candidates.filter((t) => t.chainId === chainId);
  const verdict: CertificateVerdict = {
    verdict: "not-official",
    official: false,
    genuine: false,
    current: false,
    final: false,
    schemaVersion: cert.version,
    licenseId: cert.license.id,
    drawnAtBlock: cert.drawnAt.block,
    checked: {
      network: ofChain[0]?.network ?? `chain ${chainId}`,
      chainId: chainId.toString(),
      registry: ofChain[0]?.registry ?? null,
      market: ofChain[0]?.market ?? null,
      trustSource: ofChain[0]?.source ?? "no trusted deployment",
      codeChecked: false,
    },
    notOfficial: [],
    differences: [],
    changedSince: [],
    latestBlock,
    finalizedBlock: null,
    pages: null,
  };
  if (ofChain.length === 0) {
    verdict.notOfficial.push(
      `no official License Ledger deployment is known for chain ${chainId}: none of the trusted address books is of this chain; for a private deployment, give its address book as the trust file`,
    );
    return verdict;
  }
  const named = getAddress(cert.registry);
  const trusted = ofChain.find((t) => t.registry === named);
  if (trusted === undefined) {
    const official = ofChain.map((t) => `${t.registry} (${t.source})`).join(" or ");
    verdict.notOfficial.push(
      `not the official License Ledger of ${ofChain[0]!.network}: the certificate names the registry ${named}, but the official registry is ${official}`,
    );
    return verdict;
  }
  Object.assign(verdict.checked, {
    network: trusted.network,
    registry: trusted.registry,
    market: trusted.market,
    trustSource: trusted.source,
    codeChecked: trusted.registryCodeHash !== null,
  });
  const market = cert.market === null ? null : getAddress(cert.market);
  if (market !== trusted.market) {
    verdict.notOfficial.push(
      `not the official License Ledger of ${trusted.network}: the certificate counts sales on the market ${market ?? "(none)"}, but the official market is ${trusted.market ?? "(none)"} (${trusted.source})`,
    );
  }
  verdict.notOfficial.push(...(await checkDeployment(provider, trusted)));
  if (verdict.notOfficial.length > 0) return verdict;
  verdict.official = true;

  const ledger = await connect(trusted);
  const drawnBlock = cert.drawnAt.block;
  let title: ChainOfTitle | undefined;
  if (drawnBlock > latestBlock) {
    verdict.differences.push(
      `the certificate's block: the certificate says it was drawn at block ${drawnBlock}, but the chain has only reached block ${latestBlock} (drawnAt.block)`,
    );
  } else {
    const at = await blockRef(provider, drawnBlock);
    if (cert.drawnAt.blockHash !== at.blockHash) {
      const named = await provider.getBlock(cert.drawnAt.blockHash).catch(() => null);
      if (named !== null && named.number !== drawnBlock) {
        verdict.differences.push(
          `the certificate's block: the certificate says it was drawn at block ${drawnBlock}, but the block hash it names is that of block ${named.number} (drawnAt.block)`,
        );
      }
    }
    try {
      title = await rebuildChainOfTitle(
        ledger,
        BigInt(cert.license.id),
        at,
        options.pageSize,
        options.stats,
      );
    } catch (error) {
      if (!(error instanceof LedgerError && error.code === "LicenseNotIssued")) throw error;
      verdict.differences.push(
        `the license: the certificate says it is license ${cert.license.id}, but no license ${cert.license.id} existed at block ${drawnBlock} on the official registry (license.id)`,
      );
    }
  }
  // The license the certificate names must be the one its last holder period is of.
  const heldId = cert.holders.at(-1)?.licenseId;
  if (heldId !== undefined && heldId !== cert.license.id) {
    verdict.differences.push(
      `the license: the certificate says it is license ${cert.license.id}, but its last holder period is of license ${heldId} (license.id, holders[${cert.holders.length - 1}].licenseId)`,
    );
  }
  if (title !== undefined) {
    const drawn = certificateFromTitle(title, trusted);
    const expected: AnyCertificate = cert.version === 1 ? certificateAsV1(drawn) : drawn;
    verdict.differences.push(...compareCertificates(cert, expected));
  }
  verdict.genuine = verdict.differences.length === 0;

  // Since then: the chain of title now (checked against the registry's state now).
  if (title !== undefined) {
    const now =
      latestBlock === drawnBlock
        ? title
        : await rebuildChainOfTitle(
            ledger,
            BigInt(cert.license.id),
            await blockRef(provider, latestBlock),
            options.pageSize,
            options.stats,
          );
    // The history must have been checked against the registry's own state at least now: a node
    // that will not answer the registry's state cannot vouch for its logs.
    if (now.consistency !== "checked") {
      throw new LedgerError(
        "HistoryIncomplete",
        `the node would not let the history of license ${cert.license.id} be checked against the registry's own state (${now.consistency}): no verdict is given on logs that cannot be checked; use another RPC provider`,
        { licenseId: cert.license.id },
      );
    }
    verdict.changedSince = changesSince(title, now, trusted);
    verdict.current = verdict.changedSince.length === 0;
  }
  try {
    verdict.finalizedBlock = await finalizedBlock(provider);
    verdict.final = verdict.finalizedBlock === null || drawnBlock <= verdict.finalizedBlock;
  } catch {
    // The node did not say which block is final: never taken as final.
    verdict.finalizedBlock = null;
    verdict.final = false;
  }
  verdict.verdict = !verdict.genuine
    ? "not-genuine"
    : !verdict.final
      ? "not-final"
      : !verdict.current
        ? "superseded"
        : "current";
  return verdict;
}

/**
 * The network's finalized block; null on a local development chain (chain ids 31337 and 1337)
 * whose node calls only its genesis block finalized (Hardhat, anvil: nothing finalizes there).
 * A node that does not answer, or answers with no block, gets a `FinalityUnknown` refusal: an
 * unknown finality is never taken as final.
 */
export async function finalizedBlock(provider: Provider): Promise<number | null> {
  let block: Awaited<ReturnType<Provider["getBlock"]>>;
  let local: boolean;
  try {
    const { chainId } = await provider.getNetwork();
    local = LOCAL_CHAIN_IDS.includes(Number(chainId));
    block = await provider.getBlock("finalized");
  } catch (error) {
    throw new LedgerError(
      "FinalityUnknown",
      `the node did not say which block is finalized (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
      {},
      { cause: error },
    );
  }
  if (block === null) {
    throw new LedgerError("FinalityUnknown", "the node knows no finalized block", {});
  }
  return local && block.number === 0 ? null : block.number;
}

/**
 * What changed between the chain of title at the certificate's block and now: every later step,
 * in plain words, and a change of validity that no step records (expiry by time).
 */
function changesSince(then: ChainOfTitle, now: ChainOfTitle, trusted: TrustedDeployment): string[] {
  const since = `since block ${then.at.block}`;
  const later = now.steps.filter((s) => s.block > then.at.block);
  const names = currencyNames(later, trusted.currencies);
  const changes = later
    .filter(
      (s, i) =>
        !(
          s.kind === "transferred" &&
          later[i + 1]?.kind === "sold" &&
          later[i + 1]?.transaction === s.transaction
        ),
    )
    .map((s) => `${since}: ${describeStep(s, names)}`);
  if (then.license.expired !== now.license.expired) {
    changes.push(
      `${since}: the license expired at ${formatTime(now.license.validUntil)}, so it is no longer valid`,
    );
  }
  return changes;
}

/** Differences listed in words at most; a forged certificate can differ everywhere. */
const MAX_DIFFERENCES = 200;

/**
 * The differences between a certificate and the one the chain gives, as a whole and in canonical
 * form: every field, list order, repeated and missing items, and fields the schema does not know.
 */
export function compareCertificates(cert: AnyCertificate, expected: AnyCertificate): string[] {
  const diffs: Diff[] = [];
  diff(cert, expected, "", diffs);
  const sentences = diffs.slice(0, MAX_DIFFERENCES).map((d) => sentence(d, cert, expected));
  if (diffs.length > MAX_DIFFERENCES) {
    sentences.push(
      `the certificate: and ${diffs.length - MAX_DIFFERENCES} more differences, not listed (the certificate)`,
    );
  }
  if (sentences.length === 0 && certificateToJson(cert) !== certificateToJson(expected)) {
    sentences.push(
      "the certificate: its canonical form differs from the one the chain gives, though no single field does (the certificate)",
    );
  }
  return sentences;
}

/** A verdict in lines a person reads (the CLI and the task print these). */
export function describeVerdict(v: CertificateVerdict, source?: string): string[] {
  const lines: [string, string][] = [];
  if (source !== undefined) lines.push(["certificate", source]);
  lines.push([
    "license",
    `${v.licenseId}, drawn at block ${v.drawnAtBlock} on chain ${v.checked.chainId}, schema version ${v.schemaVersion}`,
  ]);
  lines.push([
    "checked",
    v.checked.registry === null
      ? `nothing: ${v.checked.trustSource}`
      : `registry ${v.checked.registry}, market ${v.checked.market ?? "(none)"} of ${v.checked.network}, trusted from ${v.checked.trustSource}${v.checked.codeChecked ? "; their code is the code recorded at deployment" : "; no code hash recorded, so their code was not checked"}`,
  ]);
  const head: Record<VerdictName, string> = {
    "not-official": `NOT OFFICIAL: not the official License Ledger of ${v.checked.network}`,
    "not-genuine": `NOT GENUINE: ${v.differences.length} difference${v.differences.length === 1 ? "" : "s"} from the chain at block ${v.drawnAtBlock}`,
    "not-final":
      v.finalizedBlock === null
        ? `NOT FINAL: genuine, but the node did not say which block is finalized, so block ${v.drawnAtBlock} is not taken as final`
        : `NOT FINAL: genuine, but block ${v.drawnAtBlock} is not finalized yet (the network has finalized block ${v.finalizedBlock}): a reorganisation could still undo it`,
    superseded: `SUPERSEDED: genuine as of block ${v.drawnAtBlock}, but the license has changed since (${v.changedSince.length} change${v.changedSince.length === 1 ? "" : "s"}): do not rely on it for today`,
    current: `CURRENT: genuine, and nothing has changed since block ${v.drawnAtBlock} (the chain is at block ${v.latestBlock})`,
  };
  lines.push(["verdict", head[v.verdict]]);
  if (v.pages === "checked")
    lines.push(["pages", "the PDF's pages are the drawing of the certificate it carries"]);
  if (v.pages === "unchecked") {
    lines.push([
      "pages",
      "not checked: a version 1 PDF; only the certificate it carries was verified",
    ]);
  }
  const width = Math.max(...lines.map(([k]) => k.length));
  const out = lines.map(([k, value]) => `${k.padEnd(width)}  ${value}`);
  for (const reason of v.notOfficial) out.push(`  - ${reason}`);
  for (const difference of v.differences) out.push(`  - ${difference}`);
  if (v.verdict !== "not-official" && v.verdict !== "not-genuine" && v.changedSince.length > 0) {
    if (v.verdict !== "superseded")
      out.push(`${"since".padEnd(width)}  ${v.changedSince.length} change(s):`);
    for (const change of v.changedSince) out.push(`  - ${change}`);
  }
  return out;
}

async function read<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toLedgerError(error, doing);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

// ------------------------------------------------------------------ comparison, in words

interface Diff {
  path: string;
  /** The certificate's value (undefined: the certificate lacks the field). */
  cert: unknown;
  /** The chain's value (undefined: the chain has no such field). */
  chain: unknown;
  /** For lists of different lengths: a whole item the other side lacks. */
  item?: "missing" | "extra";
}

/** Lists whose items are matched by identity when their lengths differ. */
const KEYED_LISTS: Record<string, (item: unknown) => string> = {
  provenance: (p) =>
    isRecord(p) ? `${String(p.transaction)}#${String(p.logIndex)}` : JSON.stringify(p),
  steps: (s) =>
    isRecord(s) ? `${String(s.transaction)}#${String(s.logIndex)}` : JSON.stringify(s),
  holders: (h) =>
    isRecord(h) && isRecord(h.since)
      ? `${String(h.licenseId)}#${String(h.holder)}#${String(h.since.transaction)}`
      : JSON.stringify(h),
};

function diff(cert: unknown, chain: unknown, path: string, out: Diff[]): void {
  const join = (key: string): string => (path === "" ? key : `${path}.${key}`);
  if (isRecord(cert) && isRecord(chain)) {
    for (const key of Object.keys(chain)) {
      if (!Object.hasOwn(cert, key))
        out.push({ path: join(key), cert: undefined, chain: chain[key] });
      else diff(cert[key], chain[key], join(key), out);
    }
    for (const key of Object.keys(cert)) {
      if (!Object.hasOwn(chain, key))
        out.push({ path: join(key), cert: cert[key], chain: undefined });
    }
    return;
  }
  if (Array.isArray(cert) && Array.isArray(chain)) {
    const keyOf = KEYED_LISTS[path];
    if (cert.length === chain.length) {
      cert.forEach((item, i) => diff(item, chain[i], `${path}[${i}]`, out));
    } else if (keyOf === undefined) {
      out.push({ path, cert, chain });
    } else {
      // Match items by identity, each chain item at most once, so one left out, added or
      // repeated is reported as such.
      // Chain items by key, in order, taken as matched (a map keeps this linear in the lists'
      // lengths, whatever a hostile certificate lists).
      const unmatched = new Map<string, number[]>();
      chain.forEach((item, j) => {
        const key = keyOf(item);
        const list = unmatched.get(key);
        if (list === undefined) unmatched.set(key, [j]);
        else list.push(j);
      });
      const matched = new Set<number>();
      cert.forEach((item, i) => {
        const j = unmatched.get(keyOf(item))?.shift();
        if (j === undefined) {
          out.push({ path: `${path}[${i}]`, cert: item, chain: undefined, item: "extra" });
        } else {
          matched.add(j);
          diff(item, chain[j], `${path}[${i}]`, out);
        }
      });
      chain.forEach((item, j) => {
        if (!matched.has(j)) {
          out.push({ path: `${path}[${j}]`, cert: undefined, chain: item, item: "missing" });
        }
      });
    }
    return;
  }
  if (JSON.stringify(cert) !== JSON.stringify(chain)) out.push({ path, cert, chain });
}

/** How a field reads in a sentence, by its path with list indices removed. */
const LABELS: Record<string, string> = {
  schema: "its schema is",
  version: "its schema version is",
  "network.name": "the network's name is",
  "network.chainId": "the chain id is",
  registry: "the registry is",
  market: "the market whose sales it includes is",
  "drawnAt.block": "it was drawn at block",
  "drawnAt.timestamp": "that block's time is",
  "drawnAt.transaction": "the latest transaction it includes is",
  "drawnAt.blockHash": "that block's hash is",
  "license.id": "it is license",
  "license.productId": "the license is of product",
  "license.seats": "the license carries this many seats:",
  "license.validUntil": "the license is valid until",
  "license.moves": "the license changed hands this many times:",
  "license.firstSaleRegion": "the license was first sold in",
  "license.exhausted": "the license is exhausted (resells whatever its terms say):",
  "license.status": "the license's status is",
  "license.suspended": "the license is suspended:",
  "license.attested": "the release is attested:",
  "license.expired": "the license has expired:",
  "license.valid": "the license is valid:",
  "license.transferable": "the license may be resold:",
  "license.splittable": "the license may be split:",
  "license.attestationRequired": "a resale needs the publisher's attestation:",
  "product.id": "it is product",
  "product.controller": "the product's controller is",
  "product.terms": "the product's terms are",
  "product.terms.validityDays": "the longest validity the terms allow is",
  "product.terms.maxSeatsPerLicense": "the most seats per license are",
  "product.terms.transferable": "the terms allow resale:",
  "product.terms.splittable": "the terms allow splitting:",
  "product.terms.attestationRequired": "the terms require an attestation before a resale:",
  "product.metadataURI": "the product's metadata URI is",
  lineage: "the license descends from",
  provenance: "the product's provenance is",
  "provenance.kind": "the provenance step is",
  "provenance.details": "its details are",
  currencies: "the recognised currencies are",
  "holders.holder": "the holder was",
  "holders.licenseId": "the license held was",
  "holders.since": "the holding began at",
  "holders.since.block": "the holding began at block",
  "holders.since.timestamp": "the holding began at",
  "holders.since.transaction": "the holding began in transaction",
  "holders.until": "the holding ended at",
  "holders.until.block": "the holding ended at block",
  "holders.until.timestamp": "the holding ended at",
  "holders.until.transaction": "the holding ended in transaction",
  "steps.kind": "the step is",
  "steps.licenseId": "the step is about license",
  "steps.block": "it happened at block",
  "steps.timestamp": "it happened at",
  "steps.transaction": "it was recorded in transaction",
  "steps.logIndex": "it is log number",
  "steps.basis": "it relied on the hash",
  "steps.details": "its details are",
  "steps.details.holder": "the holder was",
  "steps.details.seats": "the seats were",
  "steps.details.validUntil": "it was valid until",
  "steps.details.issuer": "the issuer was",
  "steps.details.attester": "the attester was",
  "steps.details.from": "the license came from",
  "steps.details.to": "the license went to",
  "steps.details.seller": "the seller was",
  "steps.details.buyer": "the buyer was",
  "steps.details.currency": "the currency was",
  "steps.details.price": "the agreed price was",
  "steps.details.paid": "the buyer paid",
  "steps.details.fee": "the market fee was",
  "steps.details.childId": "the new license was",
  "steps.details.by": "it was done by",
  "steps.details.reasonCode": "the reason code was",
  "verification.command": "the command to verify it is",
  "verification.url": "the page to verify it on is",
};

function show(value: unknown, path: string): string {
  if (value === null) return "none";
  if (value === undefined) return "nothing";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number" && /timestamp$/.test(path)) {
    return `${formatTime(value)} (unix ${value})`;
  }
  if (/validUntil$/.test(path) && typeof value === "string" && /^[0-9]+$/.test(value)) {
    return value === "0" ? "forever (perpetual)" : `${formatTime(BigInt(value))} (unix ${value})`;
  }
  if (/validityDays$/.test(path) && typeof value === "number") {
    return value === 0 ? "forever (perpetual)" : `${value} day${value === 1 ? "" : "s"}`;
  }
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value) && path === "lineage") {
    return value.length === 0 ? "no parent" : value.map(String).join(", then ");
  }
  if (isRecord(value) && "block" in value && "transaction" in value) {
    return `block ${String(value.block)} (transaction ${String(value.transaction)})`;
  }
  return JSON.stringify(value);
}

/** Where in the certificate a path points, in words ("step 3 (transferred, block 12)"). */
function whereOf(path: string, cert: unknown, chain: AnyCertificate): string {
  const list = /^(steps|holders)\[(\d+)\]/.exec(path);
  if (list !== null) {
    const index = Number(list[2]);
    const certItems = isRecord(cert) ? cert[list[1] as "steps" | "holders"] : undefined;
    const certItem = Array.isArray(certItems) ? (certItems[index] as unknown) : undefined;
    const chainItem = (list[1] === "steps" ? chain.steps : chain.holders)[index];
    const item = isRecord(certItem) ? certItem : (chainItem as unknown as Record<string, unknown>);
    if (list[1] === "steps") {
      return `step ${index + 1} (${String(item?.kind)}, block ${String(item?.block)})`;
    }
    return `holder period ${index + 1} (${String(item?.holder)}, license ${String(item?.licenseId)})`;
  }
  const top = path.split(/[.[]/)[0] ?? "";
  const places: Record<string, string> = {
    network: "the network",
    drawnAt: "the certificate's block",
    license: "the license",
    product: "the product",
    lineage: "the lineage",
    verification: "how to verify it",
  };
  return places[top] ?? "the certificate";
}

function sentence(d: Diff, cert: unknown, chain: AnyCertificate): string {
  const where = whereOf(d.path, cert, chain);
  if (d.item === "extra") {
    return `${where}: the certificate lists a step or holding that the chain does not record: ${show(d.cert, d.path)} (${d.path})`;
  }
  if (d.item === "missing") {
    const words = /^steps/.test(d.path)
      ? `the step "${describeCertStep(d.chain)}"`
      : show(d.chain, d.path);
    return `the certificate leaves out what the chain records at ${d.path}: ${words} (${d.path})`;
  }
  const generic = d.path.replace(/\[\d+\]/g, "");
  const label = LABELS[generic] ?? `${generic.split(".").at(-1) ?? generic} is`;
  if (d.cert === undefined) {
    return `${where}: the certificate leaves out that ${label} ${show(d.chain, d.path)} (${d.path})`;
  }
  if (d.chain === undefined) {
    return `${where}: the certificate adds a field the chain does not record, so it cannot be checked: ${d.path} = ${show(d.cert, d.path)} (${d.path})`;
  }
  return `${where}: the certificate says ${label} ${show(d.cert, d.path)}, the chain says ${show(d.chain, d.path)} (${d.path})`;
}

function describeCertStep(step: unknown): string {
  if (!isRecord(step)) return JSON.stringify(step);
  const details = isRecord(step.details)
    ? Object.entries(step.details)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(", ")
    : "";
  return `${String(step.kind)} of license ${String(step.licenseId)} at block ${String(step.block)}${details === "" ? "" : `: ${details}`}`;
}
