/**
 * Everything the page reads from the chain, through the SDK's browser entry: the trust anchors
 * (the address books shipped in the SDK package, plus a trust file served next to the page), the
 * chain of title, the license's state now and certificate verdicts. No rebuild or verification
 * logic lives here: it is the SDK's.
 */
import { JsonRpcProvider, Network, keccak256, type Provider } from "ethers";
import {
  LedgerError,
  LicenseLedger,
  checkDeployment,
  keyCommitment,
  trustFromRecord,
  type CertificateVerdict,
  type ChainOfTitle,
  type DeploymentRecord,
  type License,
  type TrustedDeployment,
} from "@license-ledger/sdk/browser";

/** Why a look-up could not give a verdict, in a form the page puts into words. */
export class LookupError extends Error {
  constructor(
    readonly kind:
      | "rpc-down"
      | "no-official"
      | "unknown-license"
      | "unknown-key"
      | "bad-input"
      | "logs-limited"
      | "wrong-chain"
      | "failed",
    readonly detail: string,
    readonly params: Record<string, string> = {},
  ) {
    super(detail);
  }
}

// The address books this SDK package ships (public networks), bundled into the page at build time.
const shipped = import.meta.glob<DeploymentRecord>("../../packages/sdk/deployments/*.json", {
  eager: true,
  import: "default",
});

/** Where each trust anchor came from, for sentences in the visitor's language. */
const origins = new WeakMap<TrustedDeployment, { kind: "built-in" | "trust-file"; name: string }>();

export function trustOrigin(
  t: TrustedDeployment,
): { kind: "built-in" | "trust-file"; name: string } | undefined {
  return origins.get(t);
}

/** The address books built into the page. */
export function builtInTrust(): TrustedDeployment[] {
  return Object.entries(shipped).map(([path, record]) => {
    const name = path.slice(path.lastIndexOf("/") + 1);
    const trusted = trustFromRecord(
      record,
      `the address book ${name} built into this page from @license-ledger/sdk`,
    );
    origins.set(trusted, { kind: "built-in", name });
    return trusted;
  });
}

/** What the server of this page provides beside it: `local-trust.json`. */
export interface ServedConfig {
  /** JSON-RPC URL to use when the visitor names none. */
  rpcUrl?: string;
  /** Address books of private or local deployments the operator of this page trusts. */
  trust?: DeploymentRecord[];
}

let served: Promise<ServedConfig> | undefined;

/** The trust file served with the page (same origin as the page's code: trusted as much). */
export function servedConfig(): Promise<ServedConfig> {
  served ??= fetch(new URL("local-trust.json", document.baseURI), { cache: "no-store" })
    .then((r) => (r.ok ? (r.json() as Promise<ServedConfig>) : {}))
    .catch(() => ({}));
  return served;
}

export async function trustAnchors(): Promise<TrustedDeployment[]> {
  const config = await servedConfig();
  const local = (config.trust ?? []).map((record) => {
    const trusted = trustFromRecord(
      record,
      `the trust file local-trust.json served with this page (${record.network})`,
    );
    origins.set(trusted, { kind: "trust-file", name: record.network });
    return trusted;
  });
  return [...builtInTrust(), ...local];
}

const RPC_TIMEOUT_MS = 8_000;

/** The chain id an RPC URL serves, or a `LookupError("rpc-down")`. */
async function chainIdOf(rpcUrl: string): Promise<bigint> {
  let url: URL;
  try {
    url = new URL(rpcUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new LookupError("bad-input", `not an http(s) URL: ${rpcUrl}`, { what: "rpc" });
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), RPC_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: controller.signal,
    });
    const body = (await response.json()) as { result?: string };
    if (typeof body.result !== "string") throw new Error(`HTTP ${response.status}`);
    return BigInt(body.result);
  } catch (error) {
    throw new LookupError("rpc-down", error instanceof Error ? error.message : String(error), {
      url: rpcUrl,
    });
  } finally {
    clearTimeout(timer);
  }
}

export interface Connection {
  provider: Provider;
  chainId: bigint;
  trusted: TrustedDeployment;
  /** Every trusted deployment of this chain (a certificate may name any of them). */
  anchors: TrustedDeployment[];
  /** Problems with the node's code at the trusted addresses (empty: it serves them). */
  deploymentProblems: string[];
  ledger: LicenseLedger;
}

/** Opens the RPC, picks the official deployment of its chain and checks the node serves it. */
export async function openConnection(rpcUrl: string): Promise<Connection> {
  const chainId = await chainIdOf(rpcUrl);
  const provider = new JsonRpcProvider(rpcUrl, Network.from(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  const anchors = (await trustAnchors()).filter((t) => t.chainId === chainId);
  const trusted = anchors[0];
  if (trusted === undefined) {
    throw new LookupError(
      "no-official",
      `no official License Ledger deployment is known for chain ${chainId}`,
      { chainId: chainId.toString() },
    );
  }
  const deploymentProblems = await guard(() => checkDeployment(provider, trusted));
  const ledger = await guard(() => LicenseLedger.reader(provider, trusted));
  return { provider, chainId, trusted, anchors, deploymentProblems, ledger };
}

/**
 * The connection to the trusted deployment of this chain whose registry is `registry`, or
 * undefined when none is: a certificate or link naming a second trusted deployment is read from
 * that one, never from the first (whose license of the same number is another license).
 */
export async function connectionFor(
  c: Connection,
  registry: string | null,
): Promise<Connection | undefined> {
  if (registry === null) return undefined;
  const trusted = c.anchors.find((a) => a.registry.toLowerCase() === registry.toLowerCase());
  if (trusted === undefined) return undefined;
  if (trusted === c.trusted) return c;
  const deploymentProblems = await guard(() => checkDeployment(c.provider, trusted));
  const ledger = await guard(() => LicenseLedger.reader(c.provider, trusted));
  return { ...c, trusted, deploymentProblems, ledger };
}

export interface LicenseReport {
  title: ChainOfTitle;
  now: License;
  /** When the report was read (ms). */
  readMs: number;
}

export async function readLicense(c: Connection, licenseId: bigint): Promise<LicenseReport> {
  const started = performance.now();
  const title = await guard(() => c.ledger.chainOfTitle(licenseId));
  const now = await guard(() => c.ledger.getLicense(licenseId));
  return { title, now, readMs: performance.now() - started };
}

/** The live licenses a key stands for (hashed here: the key never leaves the browser). */
export async function licensesOfKey(
  c: Connection,
  productId: bigint,
  licenseKey: string,
): Promise<License[]> {
  const commitment = keyCommitment(productId, licenseKey);
  return guard(() => c.ledger.liveLicensesOfKey(productId, { keyCommitment: commitment }));
}

export async function verifyFile(c: Connection, bytes: Uint8Array): Promise<CertificateVerdict> {
  return guard(() => LicenseLedger.verify(c.provider, bytes, { trusted: c.anchors }));
}

/** The hash of block `block` on the node, or null when it has none. */
export async function blockHashAt(c: Connection, block: number): Promise<string | null> {
  const b = await guard(() => c.provider.getBlock(block));
  return b?.hash ?? null;
}

/** Maps SDK and node failures to what the page says. */
async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw lookupErrorOf(error);
  }
}

export function lookupErrorOf(error: unknown): LookupError {
  if (error instanceof LookupError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof LedgerError) {
    if (error.code === "LicenseNotIssued") return new LookupError("unknown-license", message);
    if (error.code === "CertificateWrongChain") return new LookupError("wrong-chain", message);
    if (
      /log|range|results/i.test(error.code) ||
      /eth_getLogs|block range|10000 results/i.test(message)
    ) {
      return new LookupError("logs-limited", message);
    }
    if (/Certificate|Pdf|PDF/.test(error.code))
      return new LookupError("bad-input", message, { what: "file" });
  }
  if (/failed to fetch|network error|ECONNREFUSED|NetworkError|load failed/i.test(message)) {
    return new LookupError("rpc-down", message);
  }
  return new LookupError("failed", message);
}

/** A fingerprint of the trust anchor for the footer (which book the page decided against). */
export function describeTrust(t: TrustedDeployment): string {
  return `${t.network} (chain ${t.chainId}): registry ${t.registry}${t.market === null ? "" : `, market ${t.market}`}`;
}

export { keccak256 };
