import type { ChainOfTitle, TitleStep } from "../title.js";
import { currencyNames, describeProvenance, describeStep } from "../title.js";
import type { LicenseLedger } from "../ledger.js";
import { UsageError, parseMoment, parseWhole, type Moment } from "./args.js";
import { formatTime, keyValues, plural, table } from "./format.js";
import { stringOption, type Report, type Verb } from "./verb.js";

/**
 * The chain of title in words: holders with their periods, every step with its transaction, and
 * who vouched for the license's origin. Shared by the bin's `history` and `license:history`.
 */

export interface HistoryQuery {
  licenseId: bigint;
  at?: Moment | undefined;
}

/** A step's sentence without the "at block N (time)" its table row already shows. */
function stepSentence(step: TitleStep, sentence: string): string {
  const suffix = ` at block ${step.block} (${formatTime(BigInt(step.timestamp))})`;
  return sentence.endsWith(suffix) ? sentence.slice(0, -suffix.length) : sentence;
}

/** The steps as a table (one row each, with the full transaction hash), each row followed by
 * the step in words, indented under its kind. */
function stepTable(steps: readonly TitleStep[], words: (step: TitleStep) => string): string[] {
  const rows = table(
    ["#", "block", "time", "step", "transaction"],
    steps.map((s, i) => [
      String(i + 1),
      String(s.block),
      formatTime(BigInt(s.timestamp)),
      s.kind,
      s.transaction,
    ]),
  );
  const indent = " ".repeat((rows[0] ?? "").indexOf("step"));
  const lines = [rows[0] ?? ""];
  steps.forEach((step, i) => {
    lines.push(rows[i + 1] ?? "", `${indent}${words(step)}`);
  });
  return lines;
}

/** The chain of title of `query.licenseId` (at a block or time), as a document and lines. */
export async function historyReport(
  ledger: LicenseLedger,
  query: HistoryQuery,
): Promise<Report<ChainOfTitle>> {
  const { at } = query;
  const chain = await ledger.chainOfTitle(
    query.licenseId,
    at === undefined ? {} : "block" in at ? { atBlock: at.block } : { atTime: at.time },
  );
  const currencies = currencyNames(chain.steps, ledger.trust.currencies);
  const license = chain.license;
  const state = [
    license.status,
    ...(license.suspended ? ["suspended"] : []),
    ...(license.expired ? ["expired"] : []),
    license.valid ? "valid" : "not valid",
  ].join(", ");
  const lines = [
    ...keyValues([
      ["license", `${chain.licenseId} of product ${license.productId}`],
      ["as of", `block ${chain.at.block} (${formatTime(BigInt(chain.at.timestamp))})`],
      ["status", state],
      ["holder", license.holder],
      [
        "lineage",
        chain.lineage.length === 0
          ? "issued directly"
          : `split from ${chain.lineage.map(String).join(", then ")}`,
      ],
    ]),
    "",
    plural(chain.holders.length, "holder"),
    ...table(
      ["#", "holder", "license", "since", "until"],
      chain.holders.map((h, i) => [
        String(i + 1),
        h.holder,
        String(h.licenseId),
        `block ${h.since.block} ${formatTime(BigInt(h.since.timestamp))}`,
        h.until === null
          ? "(holds it)"
          : `block ${h.until.block} ${formatTime(BigInt(h.until.timestamp))}`,
      ]),
    ),
    "",
    plural(chain.steps.length, "step"),
    ...stepTable(chain.steps, (step) => stepSentence(step, describeStep(step, currencies))),
    "",
    "origin (who vouched for it)",
    ...chain.provenance.map((p) => `  ${describeProvenance(p)}`),
  ];
  return { doc: chain, lines };
}

export const historyVerb: Verb = {
  name: "history",
  summary: "Shows a license's chain of title: every holder, every step, who vouched for its origin",
  usage: ["history <license> [--at <date|block>]"],
  details: [
    "Rebuilds the chain of title from the registry's and the market's logs alone, checks it against the registry's own state, and prints every holder with the period it held the license, every step with its transaction, and how the product and its issuers came to be. --at reads the chain as it was at a block number or a date (2027-01-01, midnight UTC).",
  ],
  options: {
    at: {
      type: "string",
      value: "<date|block>",
      description: "The moment: a block number, or an ISO date or date-time (default: now)",
    },
  },
  maxPositionals: 1,
  async run(input, context) {
    const text = input.positionals[0];
    if (text === undefined) throw new UsageError("which license? Give its id");
    const licenseId = parseWhole(text, "the license id");
    const atText = stringOption(input, "at");
    const at = atText === undefined ? undefined : parseMoment(atText, "--at");
    const { ledger } = await context.connect();
    return historyReport(ledger, { licenseId, at });
  },
};
