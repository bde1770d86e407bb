import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { blockAtTime, providerOf } from "@license-ledger/sdk";
import { action, fail, openReader, type CommonArgs } from "./common.js";
import {
  formatTime,
  idRanges,
  parseAddress,
  parsePointInTime,
  plural,
  printResult,
} from "./format.js";

export interface HeldByArgs extends CommonArgs {
  account: string;
  atBlock: string | undefined;
  atTime: string | undefined;
}

/**
 * `npx hardhat license:held-by <account> --at-time <date>` (or `--at-block N`): every license the
 * account held at that moment, from the registry's Transfer logs up to it. Ended licenses
 * (revoked, surrendered, split) stay with their last holder, as on chain; `license:history`
 * tells their state.
 */
export default action(async function heldBy(args: HeldByArgs, hre: HardhatRuntimeEnvironment) {
  const account = parseAddress(args.account, "the account");
  const at = parsePointInTime(args);
  if (at === undefined) {
    fail("when? Give --at-time <date> or --at-block N (license:list shows what it holds now)");
  }
  const { ledger } = await openReader(hre, args);
  // A time is resolved here (the SDK would do the same) so the answer can name its block.
  const block = "block" in at ? at.block : await blockAtTime(providerOf(ledger), at.time);
  const licenses = block < 0 ? [] : await ledger.licensesHeldAt(account, { block });
  const when =
    "block" in at
      ? `block ${at.block}`
      : `${formatTime(at.time)} (${block < 0 ? "before the chain's first block" : `block ${block}`})`;
  const doc = {
    account,
    ...("time" in at ? { atTime: Number(at.time) } : {}),
    atBlock: block,
    count: licenses.length,
    licenses,
  };
  return printResult(args.json, doc, () => [
    licenses.length === 0
      ? `${account} held no licenses at ${when}`
      : `${account} held ${plural(licenses.length, "license")} at ${when}: ${idRanges(licenses)}`,
  ]);
});
