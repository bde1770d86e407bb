import { LedgerError } from "../errors.js";
import type { LicenseLedger } from "../ledger.js";
import { UsageError, parseWhole } from "./args.js";
import {
  formatFlags,
  formatStatus,
  formatValidity,
  keyValues,
  licenseJson,
  yesNo,
  type LicenseJson,
} from "./format.js";
import { stringOption, type Report, type Verb } from "./verb.js";

/** Which license to show: by id, or the one a license key of a product is bound to. */
export type ShowQuery = { licenseId: bigint } | { key: string; productId: bigint };

/** What `show --json` prints: the license, and `foundByKey` for a lookup by key. */
export type ShowDoc = LicenseJson & { foundByKey?: true };

/**
 * `<license>` or `--key <key> --product <id>`, as typed, into a `ShowQuery` (refusing both, neither,
 * a key without its product and a product without a key).
 */
export function parseShowQuery(args: {
  license: string | undefined;
  key: string | undefined;
  product: string | undefined;
}): ShowQuery {
  if (args.license !== undefined && args.key !== undefined) {
    throw new UsageError("give a license id or --key, not both");
  }
  if (args.license === undefined && args.key === undefined) {
    throw new UsageError("which license? Give its id, or --key <license key> --product <id>");
  }
  if (args.key !== undefined && args.product === undefined) {
    throw new UsageError("--key needs --product: license keys are bound per product");
  }
  if (args.key === undefined && args.product !== undefined) {
    throw new UsageError("--product applies to a lookup by --key");
  }
  if (args.license !== undefined) return { licenseId: parseWhole(args.license, "the license id") };
  return { key: args.key!, productId: parseWhole(args.product!, "--product", { min: 1n }) };
}

/**
 * Reads a license (or finds the one a key is bound to) and says what it is: holder, product,
 * seats, status, validity and terms. Shared by the bin's `show` and the task `license:show`.
 */
export async function showReport(
  ledger: LicenseLedger,
  query: ShowQuery,
): Promise<Report<ShowDoc>> {
  let licenseId: bigint;
  if ("licenseId" in query) {
    licenseId = query.licenseId;
  } else {
    const found = await ledger.licenseOfKey(query.productId, { licenseKey: query.key });
    if (found === undefined) {
      throw new LedgerError(
        "LicenseKeyUnknown",
        `no license of product ${query.productId} is bound to that key`,
        { productId: query.productId },
      );
    }
    licenseId = found;
  }
  const license = await ledger.getLicense(licenseId);
  const doc: ShowDoc = { ...licenseJson(license), ...("key" in query ? { foundByKey: true } : {}) };
  const lines = keyValues([
    ["license", String(license.licenseId)],
    ["product", String(license.productId)],
    ["holder", license.holder],
    ["seats", String(license.seats)],
    ["status", formatStatus(license)],
    ["valid", yesNo(license.valid)],
    ["validity", formatValidity(license.validUntil, license.expired)],
    ["terms", formatFlags(license)],
  ]);
  return { doc, lines };
}

/** `license-ledger show <license>` / `show --key <license key> --product <id>`. */
export const showVerb: Verb = {
  name: "show",
  summary: "Shows a license: holder, product, seats, status, validity and terms",
  usage: ["show <license>", "show --key <license key> --product <id>"],
  details: [
    "Reads the license from the registry as of the latest block. With --key and --product, finds the license that license key is bound to, as an activation server does (the key is never sent anywhere: only its commitment is looked up).",
  ],
  options: {
    key: {
      type: "string",
      value: "<license key>",
      description: "Find the license bound to this license key",
    },
    product: { type: "string", value: "<id>", description: "The product the --key belongs to" },
  },
  maxPositionals: 1,
  async run(input, context) {
    const query = parseShowQuery({
      license: input.positionals[0],
      key: stringOption(input, "key"),
      product: stringOption(input, "product"),
    });
    const { ledger } = await context.connect();
    return showReport(ledger, query);
  },
};
