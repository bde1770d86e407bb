import { basename } from "node:path";
import { closeSync, existsSync, fstatSync, openSync, readSync, readdirSync } from "node:fs";

import {
  FetchRequest,
  JsonRpcProvider,
  Network,
  isAddress,
  type FetchGetUrlFunc,
  type GetUrlResponse,
} from "ethers";

import {
  DEFAULT_DEPLOYMENTS_DIR,
  deploymentPath,
  loadDeployment,
  readDeploymentFile,
  type DeploymentRecord,
} from "../deployments.js";
import { LedgerError } from "../errors.js";
import { LicenseLedger } from "../ledger.js";
import { UsageError, parseAddress } from "./args.js";

/**
 * How the bin reaches a chain: a JSON-RPC URL and a trust anchor for the registry's address (an
 * address book the package ships, a private one in a file, or the address itself). Everything
 * read from outside is bounded: each RPC request by a deadline and a response size, an address
 * book by its file size.
 */

/** The environment variable that stands in for `--rpc`. */
export const RPC_ENV = "LICENSE_LEDGER_RPC";
/** Seconds one RPC request may take, unless `--timeout` says otherwise. */
export const DEFAULT_RPC_TIMEOUT_SECONDS = 30;
/** The largest RPC response read (a page of logs of a busy registry fits many times over). */
export const MAX_RPC_RESPONSE_BYTES = 32 * 1024 * 1024;
/** The largest address book read (one is about 1 kB). */
export const MAX_ADDRESS_BOOK_BYTES = 256 * 1024;

/** The common options, as the bin parsed them. */
export interface CliConnectOptions {
  rpc?: string | undefined;
  network?: string | undefined;
  trust?: string | undefined;
  registry?: string | undefined;
  market?: string | undefined;
  /** Seconds per RPC request. */
  timeout?: string | undefined;
  /** Where `--network` books are read and the RPC's chain id is looked up (default: the package's). */
  deploymentsDir?: string | undefined;
}

/** A read-only connection to the registry (and market) the options name. */
export interface CliConnection {
  ledger: LicenseLedger;
  provider: JsonRpcProvider;
  /** The RPC URL, without credentials. */
  rpc: string;
  chainId: bigint;
  /** The address book's network name, or `chain <id>` for a bare `--registry`. */
  networkName: string;
  /** The address book used, if any (`undefined` for `--registry`). */
  deployment: DeploymentRecord | undefined;
  close(): void;
}

/** The URL as it may be shown: credentials (user:password@) removed. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

function firstLine(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    // fetch() says only "fetch failed"; what failed is in its cause (ECONNREFUSED, ENOTFOUND).
    if (error.message === "fetch failed" && cause instanceof Error) return firstLine(cause);
    const short = (error as { shortMessage?: string }).shortMessage;
    return (short ?? error.message).split("\n")[0] ?? "";
  }
  return String(error);
}

/**
 * ethers' transport with limits: the whole request (connect, send, read) within `timeoutMs`, and
 * the response body within `MAX_RPC_RESPONSE_BYTES`.
 */
function boundedGetUrl(timeoutMs: number): FetchGetUrlFunc {
  return async (req, signal): Promise<GetUrlResponse> => {
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    signal?.addListener(() => abort.abort(new Error("request cancelled")));
    try {
      const response = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: abort.signal,
        redirect: "error",
      });
      const chunks: Uint8Array[] = [];
      let size = 0;
      if (response.body !== null) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          if (size > MAX_RPC_RESPONSE_BYTES) {
            abort.abort();
            throw new Error(
              `the RPC's answer is larger than ${MAX_RPC_RESPONSE_BYTES / 1024 / 1024} MB`,
            );
          }
          chunks.push(chunk);
        }
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return {
        statusCode: response.status,
        statusMessage: response.statusText,
        headers,
        body: size === 0 ? null : new Uint8Array(Buffer.concat(chunks)),
      };
    } catch (error) {
      if (abort.signal.aborted && abort.signal.reason instanceof Error) {
        throw abort.signal.reason;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Reads a small file whole, refusing one above `max` bytes before reading it. */
export function readBoundedFile(path: string, max: number, what: string): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}`, { path }, error);
  }
  try {
    const { size } = fstatSync(fd);
    if (size > max) {
      throw new UsageError(
        `${what} ${path} is ${size} bytes, more than the ${max} an address book can be: is it the right file?`,
        { path, size, max },
      );
    }
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/**
 * A private deployment's address book (`--trust <file.json>`): the format of the package's
 * `deployments/<network>.json` (see `DeploymentRecord`), checked and bounded by
 * `readDeploymentFile`.
 */
export function readTrustBook(path: string): DeploymentRecord {
  return readDeploymentFile(path);
}

/** The address books this package ships: deployments/<network>.json, by network name. */
export function shippedNetworks(dir: string = DEFAULT_DEPLOYMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();
}

function shippedList(dir: string): string {
  const names = shippedNetworks(dir);
  return names.length === 0 ? "none" : names.join(", ");
}

/** `--network <name>`: the address book the package ships for that network. */
function shippedBook(network: string, dir: string): DeploymentRecord {
  if (
    !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(network) ||
    !existsSync(deploymentPath(network, dir))
  ) {
    throw new UsageError(
      `this package knows no network "${network}" (it ships address books for: ${shippedList(dir)}): for a private deployment give --trust <address book.json>, or --registry <address>`,
      { network },
    );
  }
  const text = readBoundedFile(
    deploymentPath(network, dir),
    MAX_ADDRESS_BOOK_BYTES,
    "the address book",
  );
  if (text.length === 0) throw new UsageError(`the address book of "${network}" is empty`);
  return loadDeployment(network, dir);
}

/** The shipped address book whose chain id is the RPC's, if any. */
function bookOfChain(chainId: bigint, dir: string): DeploymentRecord | undefined {
  for (const network of shippedNetworks(dir)) {
    try {
      const record = shippedBook(network, dir);
      if (BigInt(record.chainId) === chainId) return record;
    } catch {
      // A book that cannot be read is no candidate; naming it with --network says why.
    }
  }
  return undefined;
}

/** Asks the RPC for its chain id, naming the URL when it cannot be reached. */
async function chainIdOf(request: FetchRequest, shown: string): Promise<bigint> {
  const ask = request.clone();
  ask.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
  ask.setThrottleParams({ maxAttempts: 1 });
  let payload: { result?: unknown; error?: { message?: string } };
  try {
    const response = await ask.send();
    response.assertOk();
    payload = response.bodyJson as typeof payload;
  } catch (error) {
    const line = firstLine(error);
    if (line.startsWith("no answer within")) {
      throw new LedgerError(
        "RpcTimeout",
        `the node at ${shown} did not answer within ${request.timeout / 1000} s: check the URL, or allow longer with --timeout <seconds>`,
        { rpc: shown, timeoutSeconds: request.timeout / 1000 },
        { cause: new Error(line) },
      );
    }
    throw new LedgerError(
      "RpcUnreachable",
      `cannot reach the node at ${shown}: check the URL (--rpc or ${RPC_ENV}) and that the node is running`,
      { rpc: shown },
      { cause: new Error(line) },
    );
  }
  if (typeof payload?.result !== "string" || !/^0x[0-9a-fA-F]+$/.test(payload.result)) {
    throw new LedgerError(
      "RpcNotEthereum",
      `the server at ${shown} did not answer eth_chainId: is it an Ethereum JSON-RPC endpoint?`,
      { rpc: shown },
      { cause: new Error(payload?.error?.message ?? JSON.stringify(payload).slice(0, 200)) },
    );
  }
  return BigInt(payload.result);
}

/**
 * Connects read-only to the registry the options name: checks the options, reads the address
 * book, asks the RPC its chain id, then `LicenseLedger.connect` (which checks the book's chain
 * and that the contracts exist there).
 */
export async function connectCli(
  options: CliConnectOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<CliConnection> {
  const dir = options.deploymentsDir ?? DEFAULT_DEPLOYMENTS_DIR;
  const anchors = (["network", "trust", "registry"] as const).filter(
    (o) => options[o] !== undefined,
  );
  if (anchors.length > 1) {
    throw new UsageError(
      `give one of --network, --trust or --registry, not ${anchors.map((a) => `--${a}`).join(" and ")}`,
    );
  }
  const rpcText = (options.rpc ?? env[RPC_ENV] ?? "").trim();
  if (rpcText === "") {
    throw new UsageError(
      `which node? Give --rpc <url> (the JSON-RPC URL of an Ethereum node or provider, such as https://sepolia.infura.io/v3/<key>), or set ${RPC_ENV}`,
    );
  }
  let url: URL;
  try {
    url = new URL(rpcText);
  } catch (error) {
    throw new UsageError(
      `--rpc must be a URL such as https://rpc.example.org, got '${rpcText}'`,
      { rpc: rpcText },
      error,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(
      `--rpc must be an http:// or https:// URL, got '${rpcText}' (WebSocket and IPC endpoints are not supported)`,
      { rpc: rpcText },
    );
  }
  const timeoutText = options.timeout ?? String(DEFAULT_RPC_TIMEOUT_SECONDS);
  if (!/^\d+$/.test(timeoutText.trim()) || Number(timeoutText) < 1 || Number(timeoutText) > 600) {
    throw new UsageError(
      `--timeout must be a number of seconds from 1 to 600, got '${timeoutText}'`,
    );
  }
  const timeoutMs = Number(timeoutText) * 1000;
  const registry =
    options.registry === undefined ? undefined : parseAddress(options.registry, "--registry");
  const market =
    options.market === undefined ? undefined : parseAddress(options.market, "--market");
  if (market !== undefined && registry === undefined) {
    throw new UsageError(
      "--market goes with --registry: an address book (--network, --trust, or the one of the RPC's chain) names its own market",
    );
  }

  // The trust anchor is read before the network is asked anything.
  let book: DeploymentRecord | undefined;
  if (options.network !== undefined) book = shippedBook(options.network, dir);
  if (options.trust !== undefined) book = readTrustBook(options.trust);

  const shown = displayUrl(rpcText);
  // Credentials in the URL (https://user:key@host/) go into an Authorization header: fetch()
  // refuses URLs that carry them, and no message should repeat them.
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = "";
  url.password = "";
  const request = new FetchRequest(url.toString());
  if (user !== "" || password !== "") request.setCredentials(user, password);
  request.timeout = timeoutMs;
  request.getUrlFunc = boundedGetUrl(timeoutMs);
  const chainId = await chainIdOf(request, shown);
  if (book === undefined && registry === undefined) {
    book = bookOfChain(chainId, dir);
    if (book === undefined) {
      throw new UsageError(
        `this package ships no address book for chain ${chainId}, the chain of ${shown} (it has: ${shippedList(dir)}): name the registry with --registry <address>, or give its address book with --trust <file.json>`,
        { chainId },
      );
    }
  }
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(request, network, { staticNetwork: network });
  try {
    const ledger = await LicenseLedger.connect(
      provider,
      registry !== undefined
        ? {
            registry,
            ...(market === undefined ? {} : { market }),
            trustSource: "the --registry and --market options",
          }
        : {
            deployment: book!,
            trustSource:
              options.trust !== undefined
                ? `the trust file ${options.trust}`
                : `the address book ${book!.network}.json shipped with @license-ledger/sdk`,
          },
    );
    return {
      ledger,
      provider,
      rpc: shown,
      chainId,
      networkName: book?.network ?? `chain ${chainId}`,
      deployment: book,
      close: () => provider.destroy(),
    };
  } catch (error) {
    provider.destroy();
    if (error instanceof LedgerError) throw error;
    throw new LedgerError(
      "RpcUnreachable",
      `the node at ${shown} stopped answering while connecting`,
      { rpc: shown },
      { cause: error },
    );
  }
}
