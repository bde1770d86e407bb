import { getAddress, isAddress } from "ethers";

import type {
  Certificate,
  CertificateHolder,
  CertificatePoint,
  CertificateStep,
  CertificateStepKind,
} from "./certificate-types.js";
import { LedgerError, toLedgerError } from "./errors.js";
import type { LicenseLedger } from "./ledger.js";
import {
  blockRef,
  currencyNames,
  describeStep,
  formatTime,
  providerOf,
  rebuildChainOfTitle,
  type BlockRef,
  type ChainOfTitle,
  type HolderPeriod,
  type TitlePoint,
  type TitleStep,
} from "./title.js";

/**
 * Certificates of title (schema v1, see `certificate-types.ts`): drawn from a chain of title,
 * written as canonical JSON, read back with every field's shape checked, and verified field by
 * field against the chain.
 */

export const CERTIFICATE_SCHEMA = "license-ledger-certificate";
export const CERTIFICATE_VERSION = 1;

const STATUSES = ["active", "released", "revoked", "surrendered", "split"] as const;
const STEP_KINDS: readonly CertificateStepKind[] = [
  "issued",
  "issued-by",
  "key-committed",
  "released",
  "release-withdrawn",
  "attested",
  "transferred",
  "sold",
  "split",
  "suspended",
  "reinstated",
  "revoked",
  "surrendered",
];

/** The command a certificate names to check it (`<file>` stands for the certificate's file). */
export function verificationCommand(networkName: string): string {
  return `npx hardhat license:verify <file> --network ${networkName}`;
}
const COMMAND_PATTERN = /^npx hardhat license:verify <file> --network (\S+)$/;

// ------------------------------------------------------------------ drawing

export interface CertificateOptions {
  /** The block to draw the certificate at (default: the latest). */
  atBlock?: number;
  /** The network's name, as the verifier will pass it to `--network`. */
  networkName: string;
  /** Blocks per `eth_getLogs` request (default `DEFAULT_LOG_PAGE`). */
  pageSize?: number;
}

/** The certificate (schema v1) of a chain of title. */
export function certificateFromTitle(title: ChainOfTitle, networkName: string): Certificate {
  const point = (p: TitlePoint): CertificatePoint => ({
    block: p.block,
    timestamp: p.timestamp,
    transaction: p.transaction,
  });
  const lastStep = title.steps.at(-1);
  return {
    schema: CERTIFICATE_SCHEMA,
    version: CERTIFICATE_VERSION,
    network: { name: networkName, chainId: Number(title.chainId) },
    registry: title.registry,
    market: title.market,
    drawnAt: {
      block: title.at.block,
      timestamp: title.at.timestamp,
      transaction: lastStep?.transaction ?? "",
      blockHash: title.at.blockHash,
    },
    license: {
      id: title.license.licenseId.toString(),
      productId: title.license.productId.toString(),
      seats: title.license.seats.toString(),
      validUntil: title.license.validUntil.toString(),
      status: title.license.status,
      suspended: title.license.suspended,
      attested: title.license.attested,
      expired: title.license.expired,
      valid: title.license.valid,
      transferable: title.license.transferable,
      splittable: title.license.splittable,
      attestationRequired: title.license.attestationRequired,
    },
    product: {
      id: title.product.productId.toString(),
      controller: title.product.controller,
      terms: { ...title.product.terms },
      metadataURI: title.product.metadataURI,
    },
    lineage: title.lineage.map(String),
    holders: title.holders.map((h: HolderPeriod): CertificateHolder => ({
      holder: h.holder,
      licenseId: h.licenseId.toString(),
      since: point(h.since),
      until: h.until === null ? null : point(h.until),
    })),
    steps: title.steps.map((s: TitleStep): CertificateStep => ({
      kind: s.kind,
      licenseId: s.licenseId.toString(),
      block: s.block,
      timestamp: s.timestamp,
      transaction: s.transaction,
      logIndex: s.logIndex,
      basis: s.basis,
      details: Object.fromEntries(
        Object.entries(s.details).map(([k, v]) => [k, String(v)]),
      ) as Record<string, string>,
    })),
    verification: { command: verificationCommand(networkName), url: null },
  };
}

// ------------------------------------------------------------------ JSON

const POINT_KEYS = ["block", "timestamp", "transaction"] as const;
const DETAIL_KEYS: Record<string, readonly string[]> = {
  issued: ["holder", "seats", "validUntil"],
  "issued-by": ["issuer"],
  released: ["holder"],
  "release-withdrawn": ["holder"],
  attested: ["attester"],
  transferred: ["from", "to"],
  sold: ["seller", "buyer", "currency", "price", "paid", "fee"],
  split: ["childId", "seats"],
  suspended: ["by"],
  reinstated: ["by"],
  revoked: ["by", "reasonCode"],
  surrendered: ["holder"],
};

/** `value` with its keys in the order `keys`, then any others sorted (so output is stable). */
function ordered(
  value: unknown,
  keys: readonly string[],
  nested: Record<string, (v: unknown) => unknown> = {},
): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  const rest = Object.keys(source)
    .filter((k) => !keys.includes(k))
    .sort();
  const out: Record<string, unknown> = {};
  for (const key of [...keys.filter((k) => k in source), ...rest]) {
    const child = nested[key];
    out[key] = child === undefined ? source[key] : child(source[key]);
  }
  return out;
}

const each =
  (f: (v: unknown) => unknown) =>
  (v: unknown): unknown =>
    Array.isArray(v) ? v.map(f) : v;
const orderPoint = (v: unknown): unknown => ordered(v, POINT_KEYS);

/** The certificate as canonical JSON: keys in the schema's order, 2-space indent, final newline. */
export function certificateToJson(cert: Certificate): string {
  const canonical = ordered(
    cert,
    [
      "schema",
      "version",
      "network",
      "registry",
      "market",
      "drawnAt",
      "license",
      "product",
      "lineage",
      "holders",
      "steps",
      "verification",
    ],
    {
      network: (v) => ordered(v, ["name", "chainId"]),
      drawnAt: (v) => ordered(v, [...POINT_KEYS, "blockHash"]),
      license: (v) =>
        ordered(v, [
          "id",
          "productId",
          "seats",
          "validUntil",
          "status",
          "suspended",
          "attested",
          "expired",
          "valid",
          "transferable",
          "splittable",
          "attestationRequired",
        ]),
      product: (v) =>
        ordered(v, ["id", "controller", "terms", "metadataURI"], {
          terms: (t) =>
            ordered(t, [
              "validityDays",
              "maxSeatsPerLicense",
              "transferable",
              "splittable",
              "attestationRequired",
            ]),
        }),
      holders: each((h) =>
        ordered(h, ["holder", "licenseId", "since", "until"], {
          since: orderPoint,
          until: orderPoint,
        }),
      ),
      steps: each((s) =>
        ordered(s, ["kind", "licenseId", ...POINT_KEYS, "logIndex", "basis", "details"], {
          details: (d) => ordered(d, DETAIL_KEYS[(s as { kind?: string }).kind ?? ""] ?? []),
        }),
      ),
      verification: (v) => ordered(v, ["command", "url"]),
    },
  );
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

/**
 * Reads a certificate from its JSON, checking the shape of every field (types, addresses
 * checksummed, hashes, decimal integers, known statuses and step kinds). Anything malformed is
 * refused with a `LedgerError` (`CertificateMalformed`) whose sentence names each problem. Fields
 * this version does not know are kept (a later version may add optional fields); `verify` reports
 * them as unchecked.
 */
export function certificateFromJson(text: string): Certificate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LedgerError(
      "CertificateMalformed",
      `the certificate is not valid JSON (${error instanceof Error ? error.message : String(error)}): it may be truncated or not a certificate at all`,
      {},
      { cause: error },
    );
  }
  if (!isRecord(parsed)) {
    throw malformed(["the certificate must be a JSON object"]);
  }
  if (parsed.schema !== CERTIFICATE_SCHEMA) {
    throw new LedgerError(
      "CertificateMalformed",
      `this is not a License Ledger certificate: its "schema" is ${JSON.stringify(parsed.schema) ?? "missing"}, not "${CERTIFICATE_SCHEMA}"`,
      { schema: parsed.schema },
    );
  }
  if (parsed.version !== CERTIFICATE_VERSION) {
    throw new LedgerError(
      "CertificateVersionUnsupported",
      `the certificate is of schema version ${JSON.stringify(parsed.version) ?? "(missing)"}, but this software reads version ${CERTIFICATE_VERSION}: use a License Ledger release that reads it`,
      { version: parsed.version },
    );
  }
  const problems: string[] = [];
  checkShape(parsed, problems);
  if (problems.length > 0) throw malformed(problems);
  return parsed as unknown as Certificate;
}

function malformed(problems: string[]): LedgerError {
  const shown = problems.slice(0, 8).join("; ");
  const rest = problems.length - 8;
  const more = rest > 0 ? `; and ${rest} more problem${rest === 1 ? "" : "s"}` : "";
  return new LedgerError("CertificateMalformed", `the certificate is malformed: ${shown}${more}`, {
    problems,
  });
}

type Check = (value: unknown, path: string, problems: string[]) => void;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const shown = (v: unknown): string => (v === undefined ? "missing" : JSON.stringify(v));

const rule =
  (test: (v: unknown) => boolean, what: string): Check =>
  (v, path, problems) => {
    if (!test(v)) problems.push(`${path} must be ${what} (it is ${shown(v)})`);
  };
const text = rule((v) => typeof v === "string", "a string");
const flag = rule((v) => typeof v === "boolean", "true or false");
const whole = rule(
  (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0,
  "a whole number, 0 or more",
);
const decimal = rule(
  (v) => typeof v === "string" && /^(0|[1-9][0-9]*)$/.test(v),
  "a whole number written as a decimal string",
);
const address = rule(
  (v) => typeof v === "string" && isAddress(v) && getAddress(v) === v,
  "a checksummed address (0x and 40 hex digits, mixed case as EIP-55 has it)",
);
const hash = rule(
  (v) => typeof v === "string" && /^0x[0-9a-f]{64}$/.test(v),
  "a hash: 0x and 64 lower-case hex digits",
);
const orNull =
  (check: Check): Check =>
  (v, path, problems) => {
    if (v !== null) check(v, path, problems);
  };
const oneOf = (values: readonly string[]): Check =>
  rule((v) => typeof v === "string" && values.includes(v), `one of ${values.join(", ")}`);
const object =
  (fields: Record<string, Check>): Check =>
  (v, path, problems) => {
    if (!isRecord(v)) {
      problems.push(`${path} must be an object (it is ${shown(v)})`);
      return;
    }
    for (const [key, check] of Object.entries(fields)) {
      check(v[key], path === "" ? key : `${path}.${key}`, problems);
    }
  };
const list =
  (check: Check): Check =>
  (v, path, problems) => {
    if (!Array.isArray(v)) {
      problems.push(`${path} must be a list (it is ${shown(v)})`);
      return;
    }
    v.forEach((item, i) => check(item, `${path}[${i}]`, problems));
  };
const point = object({ block: whole, timestamp: whole, transaction: hash });
const details: Check = (v, path, problems) => {
  if (!isRecord(v)) {
    problems.push(`${path} must be an object (it is ${shown(v)})`);
    return;
  }
  for (const [key, value] of Object.entries(v)) text(value, `${path}.${key}`, problems);
};

const checkShape: (v: unknown, problems: string[]) => void = (v, problems) =>
  object({
    network: object({
      name: rule((n) => typeof n === "string" && n.length > 0, "a network name"),
      chainId: rule((n) => typeof n === "number" && Number.isSafeInteger(n) && n > 0, "a chain id"),
    }),
    registry: address,
    market: orNull(address),
    drawnAt: object({ block: whole, timestamp: whole, transaction: hash, blockHash: hash }),
    license: object({
      id: decimal,
      productId: decimal,
      seats: decimal,
      validUntil: decimal,
      status: oneOf(STATUSES),
      suspended: flag,
      attested: flag,
      expired: flag,
      valid: flag,
      transferable: flag,
      splittable: flag,
      attestationRequired: flag,
    }),
    product: object({
      id: decimal,
      controller: address,
      terms: object({
        validityDays: whole,
        maxSeatsPerLicense: whole,
        transferable: flag,
        splittable: flag,
        attestationRequired: flag,
      }),
      metadataURI: text,
    }),
    lineage: list(decimal),
    holders: list(
      object({ holder: address, licenseId: decimal, since: point, until: orNull(point) }),
    ),
    steps: list(
      object({
        kind: oneOf(STEP_KINDS),
        licenseId: decimal,
        block: whole,
        timestamp: whole,
        transaction: hash,
        logIndex: whole,
        basis: orNull(hash),
        details,
      }),
    ),
    verification: object({ command: text, url: orNull(text) }),
  })(v, "", problems);

// ------------------------------------------------------------------ verification

export interface VerifyOptions {
  /** The network's name as the verifier knows it (the `--network` of the command): when given,
   * the certificate's `network.name` and command must name it; when not, they must agree. */
  networkName?: string;
  /** Blocks per `eth_getLogs` request (default `DEFAULT_LOG_PAGE`). */
  pageSize?: number;
}

export interface CertificateVerification {
  /** True when every field matches the chain as of the certificate's block. */
  valid: boolean;
  /** Each field that does not match, in plain words, naming the field's path in parentheses. */
  differences: string[];
  /** What happened to the license after the certificate's block, in plain words (this does not
   * make the certificate invalid: it was true at its block). */
  changedSince: string[];
}

/** Rebuilds are cached per ledger by license and block hash: a block hash pins the whole history
 * before it, so a cached rebuild stays true (and a reorganised chain has other hashes). */
const rebuilds = new WeakMap<LicenseLedger, Map<string, Promise<ChainOfTitle>>>();
const REBUILD_CACHE_SIZE = 32;

function cachedRebuild(
  ledger: LicenseLedger,
  licenseId: bigint,
  at: BlockRef,
  pageSize: number,
): Promise<ChainOfTitle> {
  let cache = rebuilds.get(ledger);
  if (cache === undefined) {
    cache = new Map();
    rebuilds.set(ledger, cache);
  }
  const key = `${licenseId}@${at.blockHash}`;
  let rebuild = cache.get(key);
  if (rebuild === undefined) {
    rebuild = rebuildChainOfTitle(ledger, licenseId, at, pageSize);
    rebuild.catch(() => cache.delete(key));
    cache.set(key, rebuild);
    if (cache.size > REBUILD_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return rebuild;
}

/**
 * Verifies a certificate against the chain the ledger is connected to. Refuses (throws a
 * `LedgerError`) a certificate of another chain or another registry. Otherwise rebuilds the chain
 * of title at the certificate's block, compares every field, and reports each difference in plain
 * words; then lists what happened to the license since that block.
 */
export async function verifyCertificate(
  ledger: LicenseLedger,
  cert: Certificate,
  options: VerifyOptions & { pageSize: number },
): Promise<CertificateVerification> {
  const c = cert as unknown as Record<string, unknown>;
  const network = isRecord(c.network) ? c.network : {};
  const drawnAt = isRecord(c.drawnAt) ? c.drawnAt : {};
  const license = isRecord(c.license) ? c.license : {};
  const problems: string[] = [];
  object({ chainId: whole })(network, "network", problems);
  rule((v) => typeof v === "string" && isAddress(v), "an address")(
    c.registry,
    "registry",
    problems,
  );
  whole(drawnAt.block, "drawnAt.block", problems);
  decimal(license.id, "license.id", problems);
  if (problems.length > 0) throw malformed(problems);
  const chainId = network.chainId as number;
  const registry = c.registry as string;
  const drawnBlock = drawnAt.block as number;
  const licenseId = BigInt(license.id as string);

  if (BigInt(chainId) !== ledger.chainId) {
    throw new LedgerError(
      "CertificateWrongChain",
      `this certificate is for chain ${chainId} (its network.chainId), but the ledger is connected to chain ${ledger.chainId}: verify it on a connection to chain ${chainId}`,
      { certificateChainId: chainId, chainId: ledger.chainId },
    );
  }
  const ledgerRegistry = getAddress(await ledger.registry.getAddress());
  if (registry.toLowerCase() !== ledgerRegistry.toLowerCase()) {
    throw new LedgerError(
      "CertificateWrongRegistry",
      `this certificate is for the registry at ${registry} (its registry), but the ledger is connected to the registry at ${ledgerRegistry}: verify it against the registry it names`,
      { certificateRegistry: registry, registry: ledgerRegistry },
    );
  }

  const differences: string[] = [];
  const provider = providerOf(ledger);
  const latestNumber = await provider.getBlockNumber().catch((error: unknown) => {
    throw toLedgerError(error, "reading the latest block");
  });
  const latest = await blockRef(provider, latestNumber);
  if (drawnBlock > latest.block) {
    differences.push(
      `the certificate's block: the certificate says it was drawn at block ${drawnBlock}, but the chain has only reached block ${latest.block} (drawnAt.block)`,
    );
    return { valid: false, differences, changedSince: [] };
  }
  const at = await blockRef(provider, drawnBlock);
  if (typeof drawnAt.blockHash === "string" && drawnAt.blockHash !== at.blockHash) {
    const named = await provider.getBlock(drawnAt.blockHash).catch(() => null);
    if (named !== null && named.number !== drawnBlock) {
      differences.push(
        `the certificate's block: the certificate says it was drawn at block ${drawnBlock}, but the block hash it names is that of block ${named.number} (drawnAt.block)`,
      );
    }
  }

  let title: ChainOfTitle;
  try {
    title = await cachedRebuild(ledger, licenseId, at, options.pageSize);
  } catch (error) {
    if (error instanceof LedgerError && error.code === "LicenseNotIssued") {
      differences.push(
        `the license: the certificate says it is license ${licenseId}, but no license ${licenseId} existed at block ${drawnBlock} (license.id)`,
      );
      return { valid: false, differences, changedSince: [] };
    }
    throw error;
  }

  // The network's name is informational: checked against the verifier's name when it gives one,
  // else against the command the certificate itself names.
  const certName = typeof network.name === "string" ? network.name : "";
  const expected = certificateFromTitle(title, options.networkName ?? certName);
  const skip = new Set<string>();
  const verification = isRecord(c.verification) ? c.verification : {};
  const command =
    typeof verification.command === "string" ? COMMAND_PATTERN.exec(verification.command) : null;
  if (options.networkName === undefined && command !== null) {
    skip.add("verification.command");
    if (command[1] !== certName) {
      differences.push(
        `the network: the certificate's network.name says "${certName}", but its verification command names the network "${command[1]}" (network.name, verification.command)`,
      );
    }
  }

  // The license the certificate names must be the one its last holder holds.
  const holders = Array.isArray(c.holders) ? (c.holders as unknown[]) : [];
  const lastHolding = holders.at(-1);
  const heldId = isRecord(lastHolding) ? lastHolding.licenseId : undefined;
  if (heldId !== undefined && heldId !== license.id) {
    differences.push(
      `the license: the certificate says it is license ${String(license.id)}, but its last holder period is of license ${String(heldId)} (license.id, holders[${holders.length - 1}].licenseId)`,
    );
  }

  const diffs: Diff[] = [];
  diff(cert, expected, "", diffs);
  for (const d of diffs) {
    if (!skip.has(d.path)) differences.push(sentence(d, cert, expected));
  }

  // What happened since: the chain of title now, past the certificate's block.
  const now = await cachedRebuild(ledger, licenseId, latest, options.pageSize);
  const later = now.steps.filter((s) => s.block > drawnBlock);
  const currencies = await currencyNames(provider, later);
  const changedSince = later
    .filter(
      (s, i) =>
        !(
          s.kind === "transferred" &&
          later[i + 1]?.kind === "sold" &&
          later[i + 1]?.transaction === s.transaction
        ),
    )
    .map((s) => `since block ${drawnBlock}: ${describeStep(s, currencies)}`);

  return { valid: differences.length === 0, differences, changedSince };
}

// ------------------------------------------------------------------ field-by-field comparison

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
      if (!(key in cert)) out.push({ path: join(key), cert: undefined, chain: chain[key] });
      else diff(cert[key], chain[key], join(key), out);
    }
    for (const key of Object.keys(cert)) {
      if (!(key in chain)) out.push({ path: join(key), cert: cert[key], chain: undefined });
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
      // Match items by identity, so one left out or added is reported as such.
      const chainKeys = chain.map(keyOf);
      const certKeys = cert.map(keyOf);
      cert.forEach((item, i) => {
        const j = chainKeys.indexOf(certKeys[i] ?? "");
        if (j < 0) out.push({ path: `${path}[${i}]`, cert: item, chain: undefined, item: "extra" });
        else diff(item, chain[j], `${path}[${i}]`, out);
      });
      chain.forEach((item, j) => {
        if (!certKeys.includes(chainKeys[j] ?? "")) {
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
function whereOf(path: string, cert: unknown, chain: Certificate): string {
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

function sentence(d: Diff, cert: unknown, chain: Certificate): string {
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
