import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { heldByReport } from "@license-ledger/sdk/cli";
import { action, fail, openReader, type CommonArgs } from "./common.js";
import { parseAddress, parsePointInTime, printResult } from "./format.js";

export interface HeldByArgs extends CommonArgs {
  account: string;
  atBlock: string | undefined;
  atTime: string | undefined;
}

/**
 * `npx hardhat license:held-by <account> --at-time <date>` (or `--at-block N`): every license the
 * account held at that moment, from the registry's Transfer logs up to it. Ended licenses
 * (revoked, surrendered, split) stay with their last holder, as on chain; `license:history`
 * tells their state. The reading and the wording are the SDK's `heldByReport`, which the
 * package's `license-ledger held-by` prints too.
 */
export default action(async function heldBy(args: HeldByArgs, hre: HardhatRuntimeEnvironment) {
  const account = parseAddress(args.account, "the account");
  const at = parsePointInTime(args);
  if (at === undefined) {
    fail("when? Give --at-time <date> or --at-block N (license:list shows what it holds now)");
  }
  const { ledger } = await openReader(hre, args);
  const { doc, lines } = await heldByReport(ledger, { account, at });
  return printResult(args.json, doc, () => lines);
});
