import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { historyReport } from "@license-ledger/sdk/cli";
import { action, openReader, type CommonArgs } from "./common.js";
import { parsePointInTime, printResult, toJson } from "./format.js";

export interface HistoryArgs extends CommonArgs {
  license: bigint;
  atBlock: string | undefined;
  atTime: string | undefined;
}

/**
 * `npx hardhat license:history <license> [--at-block N | --at-time <date>]`: the chain of title,
 * rebuilt from the logs alone: every holder with the period it held the license, every recorded
 * step with its transaction, and who vouched for its origin, as of the latest block or the one
 * named. The reading and the wording are the SDK's `historyReport`, which the package's
 * `license-ledger history` prints too.
 */
export default action(async function history(args: HistoryArgs, hre: HardhatRuntimeEnvironment) {
  const at = parsePointInTime(args);
  const { ledger } = await openReader(hre, args);
  const { doc, lines } = await historyReport(ledger, { licenseId: args.license, at });
  if (args.json) {
    console.log(toJson(doc));
    return doc;
  }
  return printResult(false, doc, () => lines);
});
