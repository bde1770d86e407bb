import { getAddress, isAddress } from "ethers";

import type {
  AnyCertificate,
  Certificate,
  CertificateCurrency,
  CertificateHolder,
  CertificatePoint,
  CertificateProvenance,
  CertificateStep,
  CertificateStepKind,
  CertificateV1,
} from "./certificate-types.js";
import { LedgerError } from "./errors.js";
import type { ChainOfTitle, HolderPeriod, ProvenanceStep, TitlePoint, TitleStep } from "./title.js";

/**
 * Certificates of title (schema v2, see `certificate-types.ts`; v1 is still read): drawn from a
 * chain of title and the official deployment's address book, written as canonical JSON, and read
 * back with every field's shape checked and the input's size and depth bounded.
 */

export const CERTIFICATE_SCHEMA = "license-ledger-certificate";
export const CERTIFICATE_VERSION = 2;

/** A certificate's JSON is at most this large (a 2,000-step history takes about 1.5 MB). */
export const MAX_CERTIFICATE_JSON_BYTES = 16 * 1024 * 1024;
/** ...and nests at most this deep (the schema needs 5). */
export const MAX_CERTIFICATE_JSON_DEPTH = 16;

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
  "first-sale-recorded",
  "evidence-drawn",
  "suspension-bounded",
  "arbiter-reinstated",
  "attestation-lapsed",
  "committed",
  "claimed",
];
const PROVENANCE_KINDS: readonly CertificateProvenance["kind"][] = [
  "product-registered",
  "terms-updated",
  "control-handover-started",
  "control-transferred",
  "control-recovery-started",
  "control-recovered",
  "issuer-set",
];

/** Chain ids of local development chains (Hardhat, anvil, Ganache). */
export const LOCAL_CHAIN_IDS: readonly number[] = [31337, 1337];

/**
 * The command a certificate prints to check it, runnable on any machine with Node: the package's
 * `verify` verb with an RPC URL of the chain. A local chain's certificate also names the address
 * book to trust (a local deployment is in no shipped book).
 */
export function verificationCommand(network: string, chainId: number): string {
  return LOCAL_CHAIN_IDS.includes(chainId)
    ? `npx -y @license-ledger/sdk verify <file> --rpc http://127.0.0.1:8545 --trust deployments/${network}.json`
    : `npx -y @license-ledger/sdk verify <file> --rpc <a JSON-RPC URL of ${network}, chain ${chainId}>`;
}

/** The URI scheme of verification links when the deployment publishes no page: the verification
 * page registers itself for it (`navigator.registerProtocolHandler`). */
export const VERIFY_LINK_SCHEME = "web+licenseledger:";

/** What a verification link names: enough for a page to find and check the certificate. */
export interface VerificationLinkParams {
  chainId: number;
  registry: string;
  licenseId: string;
  block: number;
  blockHash: string;
}

/**
 * The link a certificate's QR code carries: `<page>?chain=..&registry=..&license=..&block=..
 * &blockHash=..` on the deployment's published verification page, or the same query on
 * `web+licenseledger:verify` when it publishes none.
 */
export function verificationLink(page: string | null, p: VerificationLinkParams): string {
  const query = new URLSearchParams({
    chain: String(p.chainId),
    registry: p.registry,
    license: p.licenseId,
    block: String(p.block),
    blockHash: p.blockHash,
  }).toString();
  if (page === null) return `${VERIFY_LINK_SCHEME}verify?${query}`;
  return `${page}${page.includes("?") ? "&" : "?"}${query}`;
}

/** Reads a verification link back (undefined when it is not one). */
export function parseVerificationLink(link: string): VerificationLinkParams | undefined {
  const at = link.indexOf("?");
  if (at < 0 || link.length > 2048) return undefined;
  const q = new URLSearchParams(link.slice(at + 1));
  const chain = Number(q.get("chain"));
  const block = Number(q.get("block"));
  const registry = q.get("registry") ?? "";
  const licenseId = q.get("license") ?? "";
  const blockHash = q.get("blockHash") ?? "";
  if (
    !Number.isSafeInteger(chain) ||
    chain <= 0 ||
    !Number.isSafeInteger(block) ||
    block < 0 ||
    !isAddress(registry) ||
    !/^(0|[1-9][0-9]{0,77})$/.test(licenseId) ||
    !/^0x[0-9a-f]{64}$/.test(blockHash)
  ) {
    return undefined;
  }
  return { chainId: chain, registry: getAddress(registry), licenseId, block, blockHash };
}

// ------------------------------------------------------------------ drawing

export interface CertificateOptions {
  /** The block to draw the certificate at: a number, "latest", or "finalized" (default: the
   * finalized block on public networks, the latest on local chains). */
  atBlock?: number | "latest" | "finalized";
  /** First page size of the log scans (default: what the provider allows). */
  pageSize?: number;
}

/** What a certificate takes from the official deployment it is drawn against. */
export interface CertificateContext {
  /** The network's name in the address book. */
  network: string;
  /** Recognised payment tokens, by checksummed address. */
  currencies: ReadonlyMap<string, { symbol: string; decimals: number }>;
  /** The deployment's published verification page, or null. */
  verifyPage: string | null;
}

const point = (p: TitlePoint): CertificatePoint => ({
  block: p.block,
  timestamp: p.timestamp,
  transaction: p.transaction,
});

/** The certificate (schema v2) of a chain of title, against the official deployment `context`. */
export function certificateFromTitle(
  title: ChainOfTitle,
  context: CertificateContext,
): Certificate {
  const lastStep = title.steps.at(-1);
  const chainId = Number(title.chainId);
  const paidIn = new Set(
    title.steps.flatMap((s) => (s.kind === "sold" ? [getAddress(s.details.currency)] : [])),
  );
  const currencies: CertificateCurrency[] = [...context.currencies]
    .filter(([token]) => paidIn.has(token))
    .map(([address, c]) => ({ address, symbol: c.symbol, decimals: c.decimals }))
    .sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
  return {
    schema: CERTIFICATE_SCHEMA,
    version: 2,
    network: { name: context.network, chainId },
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
      moves: title.license.moves.toString(),
      firstSaleRegion: title.license.firstSaleRegion,
      exhausted: title.license.exhausted,
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
    provenance: title.provenance.map((p: ProvenanceStep): CertificateProvenance => ({
      kind: p.kind,
      productId: p.productId.toString(),
      block: p.block,
      timestamp: p.timestamp,
      transaction: p.transaction,
      logIndex: p.logIndex,
      details: { ...p.details },
    })),
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
    currencies,
    verification: {
      command: verificationCommand(context.network, chainId),
      url: verificationLink(context.verifyPage, {
        chainId,
        registry: title.registry,
        licenseId: title.license.licenseId.toString(),
        block: title.at.block,
        blockHash: title.at.blockHash,
      }),
    },
  };
}

/**
 * The version 1 form of a certificate, for comparing a version 1 certificate with the chain:
 * no move count, provenance or currencies, and a sale's `price` was what the buyer paid.
 */
export function certificateAsV1(cert: Certificate): CertificateV1 {
  const {
    moves: _moves,
    firstSaleRegion: _region,
    exhausted: _exhausted,
    ...license
  } = cert.license;
  return {
    schema: CERTIFICATE_SCHEMA,
    version: 1,
    network: cert.network,
    registry: cert.registry,
    market: cert.market,
    drawnAt: cert.drawnAt,
    license,
    product: cert.product,
    lineage: cert.lineage,
    holders: cert.holders,
    steps: cert.steps.map((s) => {
      if (s.kind !== "sold") return s;
      const { paid, price: _price, ...rest } = s.details;
      return { ...s, details: { ...rest, price: paid ?? "0" } };
    }),
    verification: {
      command: `npx hardhat license:verify <file> --network ${cert.network.name}`,
      url: null,
    },
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
  "product-registered": ["controller", "publisher", "registeredBy"],
  "control-handover-started": ["controller", "pendingController"],
  "control-transferred": ["previousController", "newController"],
  "issuer-set": ["issuer", "kind", "by"],
  "first-sale-recorded": ["region"],
  "evidence-drawn": ["seats", "used", "capacity"],
  "suspension-bounded": ["lapsesAt"],
  "arbiter-reinstated": ["arbiter"],
  "attestation-lapsed": ["sufficedAt"],
  committed: ["runId", "committer", "firstLicenseId", "leafCount", "leavesURI", "leavesHash"],
  claimed: ["runId", "holder", "claimer"],
  "control-recovery-started": ["controller", "newController", "readyAt"],
  "control-recovered": ["previousController", "newController"],
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
  // No prototype: a key such as "__proto__" or "valueOf" in the input stays a plain field.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of [...keys.filter((k) => Object.hasOwn(source, k)), ...rest]) {
    const child = Object.hasOwn(nested, key) ? nested[key] : undefined;
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
export function certificateToJson(cert: AnyCertificate): string {
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
      "provenance",
      "lineage",
      "holders",
      "steps",
      "currencies",
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
          "moves",
          "firstSaleRegion",
          "exhausted",
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
      provenance: each((p) =>
        ordered(p, ["kind", "productId", ...POINT_KEYS, "logIndex", "details"], {
          details: (d) => ordered(d, DETAIL_KEYS[(p as { kind?: string }).kind ?? ""] ?? []),
        }),
      ),
      currencies: each((c) => ordered(c, ["address", "symbol", "decimals"])),
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

/**
 * Reads a certificate (version 2, or version 1) from its JSON, checking the shape of every field
 * (types, addresses checksummed, hashes, decimal integers, known statuses and step kinds). The
 * text is bounded (`MAX_CERTIFICATE_JSON_BYTES`, `MAX_CERTIFICATE_JSON_DEPTH`). Anything malformed
 * is refused with a `LedgerError` (`CertificateMalformed`) whose sentence names each problem.
 * Fields the schema does not know are kept: verification reports them as differences.
 */
export function certificateFromJson(text: string): AnyCertificate {
  if (text.length > MAX_CERTIFICATE_JSON_BYTES) {
    throw new LedgerError(
      "CertificateTooLarge",
      `the certificate is ${text.length} characters long, more than the ${MAX_CERTIFICATE_JSON_BYTES / 1024 / 1024} MiB a License Ledger certificate can take: it is not one`,
      { length: text.length },
    );
  }
  const depth = jsonDepth(text);
  if (depth > MAX_CERTIFICATE_JSON_DEPTH) {
    throw new LedgerError(
      "CertificateMalformed",
      `the certificate nests ${depth} levels deep, more than the ${MAX_CERTIFICATE_JSON_DEPTH} its schema could ever need: it is not a License Ledger certificate`,
      { depth },
    );
  }
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
      `this is not a License Ledger certificate: its "schema" is ${JSON.stringify(parsed.schema)?.slice(0, 80) ?? "missing"}, not "${CERTIFICATE_SCHEMA}"`,
      { schema: parsed.schema },
    );
  }
  if (parsed.version !== 1 && parsed.version !== 2) {
    throw new LedgerError(
      "CertificateVersionUnsupported",
      `the certificate is of schema version ${JSON.stringify(parsed.version)?.slice(0, 20) ?? "(missing)"}, but this software reads versions 1 and 2: use a License Ledger release that reads it`,
      { version: parsed.version },
    );
  }
  const problems: string[] = [];
  checkShape(parsed, parsed.version, problems);
  if (problems.length > 0) throw malformed(problems);
  return parsed as unknown as AnyCertificate;
}

/** How deep brackets nest in a JSON text (strings skipped), without parsing it. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
      if (max > MAX_CERTIFICATE_JSON_DEPTH) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
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
/** Unix seconds a date can show (up to the year 275760). */
const seconds = rule(
  (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= 8_640_000_000_000,
  "a time in unix seconds",
);
/** A uint256 in decimal: at most 78 digits. */
const decimal = rule(
  (v) => typeof v === "string" && /^(0|[1-9][0-9]{0,77})$/.test(v),
  "a whole number written as a decimal string (at most 78 digits)",
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
const pointShape = object({ block: whole, timestamp: seconds, transaction: hash });
const details: Check = (v, path, problems) => {
  if (!isRecord(v)) {
    problems.push(`${path} must be an object (it is ${shown(v)})`);
    return;
  }
  for (const [key, value] of Object.entries(v)) text(value, `${path}.${key}`, problems);
};

const checkShape = (v: unknown, version: 1 | 2, problems: string[]): void =>
  object({
    network: object({
      name: rule((n) => typeof n === "string" && n.length > 0, "a network name"),
      chainId: rule((n) => typeof n === "number" && Number.isSafeInteger(n) && n > 0, "a chain id"),
    }),
    registry: address,
    market: orNull(address),
    drawnAt: object({ block: whole, timestamp: seconds, transaction: hash, blockHash: hash }),
    license: object({
      id: decimal,
      productId: decimal,
      seats: decimal,
      validUntil: decimal,
      ...(version === 2
        ? {
            moves: decimal,
            firstSaleRegion: oneOf(["unrecorded", "EEA", "Switzerland", "elsewhere"]),
            exhausted: flag,
          }
        : {}),
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
    ...(version === 2
      ? {
          provenance: list(
            object({
              kind: oneOf(PROVENANCE_KINDS),
              productId: decimal,
              block: whole,
              timestamp: seconds,
              transaction: hash,
              logIndex: whole,
              details,
            }),
          ),
          currencies: list(
            object({
              address,
              symbol: rule(
                (s) => typeof s === "string" && /^[A-Za-z0-9.$-]{1,16}$/.test(s),
                "a token symbol",
              ),
              decimals: whole,
            }),
          ),
        }
      : {}),
    lineage: list(decimal),
    holders: list(
      object({ holder: address, licenseId: decimal, since: pointShape, until: orNull(pointShape) }),
    ),
    steps: list(
      object({
        kind: oneOf(STEP_KINDS),
        licenseId: decimal,
        block: whole,
        timestamp: seconds,
        transaction: hash,
        logIndex: whole,
        basis: orNull(hash),
        details,
      }),
    ),
    verification: object({ command: text, url: orNull(text) }),
  })(v, "", problems);
