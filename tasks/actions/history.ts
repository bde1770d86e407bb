import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  currencyNames,
  describeProvenance,
  describeStep,
  type TitleStep,
} from "@license-ledger/sdk";
import { action, openReader, type CommonArgs } from "./common.js";
import {
  formatTime,
  keyValues,
  parsePointInTime,
  plural,
  printResult,
  table,
  toJson,
} from "./format.js";

export interface HistoryArgs extends CommonArgs {
  license: bigint;
  atBlock: string | undefined;
  atTime: string | undefined;
}

/** A step's sentence without the "at block N (time)" its table row already shows. */
function stepSentence(step: TitleStep, sentence: string): string {
  const suffix = ` at block ${step.block} (${formatTime(BigInt(step.timestamp))})`;
  return sentence.endsWith(suffix) ? sentence.slice(0, -suffix.length) : sentence;
}

/**
 * `npx hardhat license:history <license> [--at-block N | --at-time <date>]`: the chain of title,
 * rebuilt from the logs alone: every holder with the period it held the license, and every
 * recorded step with its transaction, as of the latest block or the one named.
 */
export default action(async function history(args: HistoryArgs, hre: HardhatRuntimeEnvironment) {
  const at = parsePointInTime(args);
  const { ledger } = await openReader(hre, args);
  const chain = await ledger.chainOfTitle(
    args.license,
    at === undefined ? {} : "block" in at ? { atBlock: at.block } : { atTime: at.time },
  );
  if (args.json) {
    console.log(toJson(chain));
    return chain;
  }
  const currencies = currencyNames(chain.steps, ledger.trust.currencies);
  const license = chain.license;
  const state = [
    license.status,
    ...(license.suspended ? ["suspended"] : []),
    ...(license.expired ? ["expired"] : []),
    license.valid ? "valid" : "not valid",
  ].join(", ");
  return printResult(false, chain, () => [
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
  ]);
});

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
