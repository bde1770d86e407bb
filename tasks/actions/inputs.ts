import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

import { Contract, ZeroAddress } from "ethers";

import { LedgerError, toLedgerError } from "@license-ledger/sdk";
import { hashDocumentFile } from "@license-ledger/sdk";
import type { License, LicenseLedger } from "@license-ledger/sdk";
import {
  orderFromJson,
  orderToJson,
  type BuyOffer,
  type SellOrder,
  type Signed,
} from "@license-ledger/sdk";
import { fail } from "./common.js";
import { formatAmount, note, parseAddress, parseHash, parseWhole } from "./format.js";

// ------------------------------------------------------------------ chain reads

/** A read the SDK has no method for, failing with a sentence like the SDK's own reads. */
export async function chainRead<T>(doing: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toLedgerError(error, doing);
  }
}

// ------------------------------------------------------------------ documents

/** A document hash and where it came from, for the output. */
export interface DocumentHash {
  hash: string;
  /** The file it is the SHA-256 of, when it was given as a file. */
  file?: string;
}

/**
 * The hash of a document given as a file (its SHA-256, as `sha256sum` prints it) or as a hash,
 * never both. `undefined` when neither is given and the document is optional.
 */
export async function documentHash(
  what: string,
  given: { file: string | undefined; hash: string | undefined },
  options: { fileOption: string; hashOption: string; required: boolean },
): Promise<DocumentHash | undefined> {
  const { fileOption, hashOption } = options;
  if (given.file !== undefined && given.hash !== undefined) {
    fail(`give the ${what} as ${fileOption} <file> or as ${hashOption} <hash>, not both`);
  }
  if (given.hash !== undefined) return { hash: parseHash(given.hash, hashOption) };
  if (given.file !== undefined) return { hash: await hashFile(given.file, what), file: given.file };
  if (options.required) {
    fail(
      `the ${what} is missing: give ${fileOption} <file> (its SHA-256 is recorded; the document stays with you) or ${hashOption} <hash>`,
    );
  }
  return undefined;
}

/** The evidence document of `--evidence <file>` / `--evidence-hash <hash>`; `what` names it. */
export async function evidenceHash(
  args: { evidence: string | undefined; evidenceHash: string | undefined },
  what = "evidence",
): Promise<DocumentHash> {
  return (await optionalEvidenceHash(args, what, true))!;
}

/** As `evidenceHash`, for verbs where the document is optional. */
export async function optionalEvidenceHash(
  args: { evidence: string | undefined; evidenceHash: string | undefined },
  what: string,
  required = false,
): Promise<DocumentHash | undefined> {
  return documentHash(
    what,
    { file: args.evidence, hash: args.evidenceHash },
    { fileOption: "--evidence", hashOption: "--evidence-hash", required },
  );
}

/** The SHA-256 of a file, or a sentence naming the missing or unreadable file. */
export async function hashFile(path: string, what: string): Promise<string> {
  if (!existsSync(path)) fail(`the ${what} file ${path} does not exist`);
  if (!statSync(path).isFile()) fail(`the ${what} file ${path} is not a file`);
  try {
    return await hashDocumentFile(path);
  } catch (error) {
    fail(`the ${what} file ${path} cannot be read`, error);
  }
}

/** "0x… (sha256 of file.pdf)" */
export function describeHash(doc: DocumentHash): string {
  return doc.file === undefined ? doc.hash : `${doc.hash} (sha256 of ${doc.file})`;
}

// ------------------------------------------------------------------ currencies

/** A payment currency: ETH, or an ERC-20 token with its decimals and symbol. */
export interface Currency {
  address: string;
  symbol: string;
  decimals: number;
  isEther: boolean;
}

export const ETHER: Currency = { address: ZeroAddress, symbol: "ETH", decimals: 18, isEther: true };

const ERC20_METADATA = [
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
];

/** `eth` (or the zero address) or a token address, with the token's decimals read from it. */
export async function resolveCurrency(
  ledger: LicenseLedger,
  value: string,
  option: string,
): Promise<Currency> {
  const text = value.trim();
  if (text.toLowerCase() === "eth") return ETHER;
  const address = parseAddress(text, option);
  if (address === ZeroAddress) return ETHER;
  const provider = ledger.runner.provider;
  if (provider === null || provider === undefined) fail("the client is not connected to a network");
  if ((await chainRead("reading the currency", () => provider.getCode(address))) === "0x") {
    fail(`there is no token contract at ${address} on chain ${ledger.chainId}`);
  }
  const token = new Contract(address, ERC20_METADATA, provider) as Contract & {
    decimals: () => Promise<bigint>;
    symbol: () => Promise<string>;
  };
  let decimals: number;
  try {
    decimals = Number(await token.decimals());
  } catch (error) {
    fail(`${address} does not answer decimals(): it is not an ERC-20 token`, error);
  }
  let symbol: string;
  try {
    symbol = await token.symbol();
  } catch {
    symbol = `token ${address}`;
  }
  return { address, symbol, decimals, isEther: false };
}

/** "1.5 ETH", "250 mUSDC" */
export function formatMoney(amount: bigint, currency: Currency): string {
  return `${formatAmount(amount, currency.decimals)} ${currency.symbol}`;
}

/** An amount as JSON-ready data: base units and the decimal the reader types. */
export function moneyJson(amount: bigint, currency: Currency) {
  return { amount, formatted: formatAmount(amount, currency.decimals), symbol: currency.symbol };
}

export function currencyJson(currency: Currency) {
  return { address: currency.address, symbol: currency.symbol, decimals: currency.decimals };
}

// ------------------------------------------------------------------ order files

export type OrderKind = "sell-order" | "buy-offer";

/** A signed order or offer as a file: the SDK's `orderToJson` plus where it is valid. */
export type OrderFile =
  | {
      path: string;
      kind: "sell-order";
      chainId?: bigint;
      market?: string;
      signed: Signed<SellOrder>;
    }
  | {
      path: string;
      kind: "buy-offer";
      chainId?: bigint;
      market?: string;
      signed: Signed<BuyOffer>;
    };

/** The file's text: kind, chain and market first, then the SDK's `{order, signature}`. */
export function orderFileText(
  kind: OrderKind,
  chainId: bigint,
  market: string,
  signed: Signed<SellOrder> | Signed<BuyOffer>,
): string {
  const body = JSON.parse(orderToJson<SellOrder | BuyOffer>(signed)) as Record<string, unknown>;
  return JSON.stringify({ kind, chainId: chainId.toString(), market, ...body }, null, 2) + "\n";
}

/** Reads a file `license:sell` or `license:offer` wrote (or any `orderToJson` output). */
export function readOrderFile(path: string): OrderFile {
  if (!existsSync(path)) fail(`the order file ${path} does not exist`);
  let text: string;
  let parsed: { kind?: unknown; chainId?: unknown; market?: unknown; order?: unknown };
  try {
    text = readFileSync(path, "utf8");
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    fail(`the order file ${path} is not valid JSON`, error);
  }
  const order = parsed.order as Record<string, unknown> | undefined;
  if (typeof order !== "object" || order === null) {
    fail(`${path} is not a signed order: it has no "order"`);
  }
  const kind: OrderKind | undefined =
    parsed.kind === "sell-order" || parsed.kind === "buy-offer"
      ? parsed.kind
      : "seller" in order
        ? "sell-order"
        : "buyer" in order
          ? "buy-offer"
          : undefined;
  if (kind === undefined) fail(`${path} is neither a sell order nor a buy offer`);
  const where = {
    path,
    ...(typeof parsed.chainId === "string" && /^\d+$/.test(parsed.chainId)
      ? { chainId: BigInt(parsed.chainId) }
      : {}),
    ...(typeof parsed.market === "string" ? { market: parsed.market } : {}),
  };
  try {
    if (kind === "sell-order") {
      const signed = orderFromJson<SellOrder>(text);
      checkSigned(signed, path);
      return { ...where, kind, signed };
    }
    const signed = orderFromJson<BuyOffer>(text);
    checkSigned(signed, path);
    return { ...where, kind, signed };
  } catch (error) {
    if (error instanceof LedgerError) throw error;
    fail(`${path} is not a complete signed order: ${String(error)}`, error);
  }
}

function checkSigned(signed: Signed<SellOrder | BuyOffer>, path: string): void {
  if (typeof signed.signature !== "string" || !/^0x[0-9a-fA-F]+$/.test(signed.signature)) {
    fail(`${path} has no signature`);
  }
}

/** Refuses an order file signed for another chain or market (its signature cannot hold there). */
export async function checkOrderTarget(file: OrderFile, ledger: LicenseLedger): Promise<void> {
  if (file.chainId !== undefined && file.chainId !== ledger.chainId) {
    fail(
      `${file.path} was signed for chain ${file.chainId}, but this network is chain ${ledger.chainId}`,
    );
  }
  const market = await ledger.market?.getAddress();
  if (file.market !== undefined && market !== undefined) {
    if (file.market.toLowerCase() !== market.toLowerCase()) {
      fail(`${file.path} was signed for the market ${file.market}, not this market ${market}`);
    }
  }
}

/** The nonces `maker`'s orders and offers in `dir` use (files that are not orders are skipped). */
export function noncesInDir(dir: string, maker: string): Set<bigint> {
  const nonces = new Set<bigint>();
  if (!existsSync(dir)) return nonces;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".json")) continue;
    try {
      const parsed = JSON.parse(readFileSync(join(dir, name), "utf8")) as {
        order?: { seller?: string; buyer?: string; nonce?: string };
      };
      const who = parsed.order?.seller ?? parsed.order?.buyer;
      if (who?.toLowerCase() === maker.toLowerCase() && parsed.order?.nonce !== undefined) {
        nonces.add(BigInt(parsed.order.nonce));
      }
    } catch {
      continue; // not an order file
    }
  }
  return nonces;
}

/**
 * A nonce for `maker`'s next order: one above the highest its order files in `dir` use (1 when
 * there are none), skipping any the market says were filled or cancelled.
 */
export async function chooseNonce(
  ledger: LicenseLedger,
  maker: string,
  dir: string,
): Promise<bigint> {
  const inFiles = noncesInDir(dir, maker);
  let nonce = 1n;
  for (const n of inFiles) if (n >= nonce) nonce = n + 1n;
  while (await ledger.isNonceUsed(maker, nonce)) nonce += 1n;
  return nonce;
}

// ------------------------------------------------------------------ chain time

/** The latest block's timestamp: "now" for durations such as `--expiry 7d`. */
export async function chainNow(ledger: LicenseLedger): Promise<bigint> {
  const provider = ledger.runner.provider;
  const block =
    provider === null || provider === undefined
      ? null
      : await chainRead("reading the latest block", () => provider.getBlock("latest"));
  return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
}

// ------------------------------------------------------------------ selling

/**
 * Checks, before anything is signed or sent, that `account` can sell license `licenseId` with
 * (or without) a declaration: it holds it, the license can move, and the declaration fits its
 * state (an active license needs one; a released one already has one; a product that needs the
 * publisher's attestation must be released and attested first). Returns the license.
 */
export async function checkSellable(
  ledger: LicenseLedger,
  licenseId: bigint,
  account: string,
  declaration: DocumentHash | undefined,
): Promise<License> {
  const license = await ledger.getLicense(licenseId);
  if (license.holder.toLowerCase() !== account.toLowerCase()) {
    fail(
      `${account} does not hold license ${licenseId} (its holder is ${license.holder}): sign with --from ${license.holder}`,
    );
  }
  if (
    license.status === "revoked" ||
    license.status === "surrendered" ||
    license.status === "split"
  ) {
    fail(`license ${licenseId} has ended (${license.status}): it can never be sold`);
  }
  if (!license.transferable) {
    fail(`license ${licenseId} cannot be resold: its product's terms do not allow it`);
  }
  if (license.expired) fail(`license ${licenseId} has expired: it can never be sold`);
  if (license.status === "released" && declaration !== undefined) {
    fail(
      `license ${licenseId} is already released (its declaration is on the ledger): sell it without --declaration`,
    );
  }
  if (license.status === "active" && license.attestationRequired) {
    fail(
      `license ${licenseId} needs its publisher's attestation before it moves: release it first (license:release), have the publisher attest the deactivation (license:attest), then sell it without --declaration`,
    );
  }
  if (license.status === "active" && declaration === undefined) {
    fail(
      `license ${licenseId} is not released: give --declaration <file> (your signed declaration that your copy is unusable, recorded at the sale) or release it first with license:release`,
    );
  }
  if (license.status === "released" && license.attestationRequired && !license.attested) {
    note(
      `Note: license ${licenseId} cannot move until its publisher attests the deactivation (license:attest).`,
    );
  }
  if (license.suspended) {
    note(`Note: license ${licenseId} is suspended: it cannot move until reinstated.`);
  }
  return license;
}

const ERC20_SPENDING = [
  "function allowance(address owner, address spender) view returns (uint256)",
  "function balanceOf(address account) view returns (uint256)",
];

/** What `owner` holds of a token and lets the market spend. */
export async function tokenFunds(
  ledger: LicenseLedger,
  token: string,
  owner: string,
): Promise<{ balance: bigint; allowance: bigint }> {
  const market = await ledger.market?.getAddress();
  const contract = new Contract(token, ERC20_SPENDING, ledger.runner.provider) as Contract & {
    allowance: (owner: string, spender: string) => Promise<bigint>;
    balanceOf: (account: string) => Promise<bigint>;
  };
  try {
    return {
      balance: await contract.balanceOf(owner),
      allowance: market === undefined ? 0n : await contract.allowance(owner, market),
    };
  } catch (error) {
    fail(`${token} does not answer balanceOf/allowance: it is not an ERC-20 token`, error);
  }
}

// ------------------------------------------------------------------ writing orders

/** Where orders go unless `--out` says otherwise (git-ignored: signed orders are not code). */
export function ordersDir(root: string): string {
  return join(root, "orders");
}

/**
 * The nonce of a new order (the one given, checked unused, or `chooseNonce`'s) and its file
 * (`--out`, or `orders/<order|offer>-<license>-<nonce>.json`), refusing to overwrite a file.
 */
export async function nonceAndFile(
  ledger: LicenseLedger,
  maker: string,
  given: { nonce: string | undefined; out: string | undefined },
  root: string,
  prefix: "order" | "offer",
  licenseId: bigint,
): Promise<{ nonce: bigint; path: string }> {
  const dir = given.out === undefined ? ordersDir(root) : dirname(resolve(given.out));
  let nonce: bigint;
  if (given.nonce !== undefined) {
    nonce = parseWhole(given.nonce, "--nonce");
    if (await ledger.isNonceUsed(maker, nonce)) {
      fail(`nonce ${nonce} of ${maker} was already filled or cancelled: choose another --nonce`);
    }
  } else {
    nonce = await chooseNonce(ledger, maker, dir);
  }
  const path = given.out ?? join(dir, `${prefix}-${licenseId}-${nonce}.json`);
  if (existsSync(path)) fail(`${path} already exists: choose another --out or --nonce`);
  return { nonce, path };
}

/** Writes an order file, creating its folder. */
export function writeOrderFile(path: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text, { flag: "wx" });
  } catch (error) {
    fail(`cannot write the order file ${path}`, error);
  }
}

/** A path as the reader typed it: relative to the working directory when inside it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith("..") || isAbsolute(rel) ? resolve(path) : rel;
}
