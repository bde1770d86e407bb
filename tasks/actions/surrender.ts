import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, openLedger, type CommonArgs } from "./common.js";
import { formatStatus, keyValues, printResult, txJson, txPairs } from "./format.js";

export interface SurrenderArgs extends CommonArgs {
  license: bigint;
}

/**
 * `npx hardhat license:surrender <license>`: the holder gives the license up for good; it stays
 * on the ledger, invalid, with its history.
 */
export default action(async function surrender(
  args: SurrenderArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.surrender(args.license);
  const after = await ledger.getLicense(args.license);
  const doc = { licenseId: args.license, status: after.status, transaction: txJson(sent) };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(args.license)],
      ["status", `${formatStatus(after)}: it can never be used or move again`],
      ...txPairs(sent),
    ]),
  );
});
