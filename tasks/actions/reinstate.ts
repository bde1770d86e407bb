import { ZeroHash } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, openLedger, type CommonArgs } from "./common.js";
import { formatStatus, keyValues, printResult, txJson, txPairs, yesNo } from "./format.js";
import { describeHash, optionalEvidenceHash } from "./inputs.js";

export interface ReinstateArgs extends CommonArgs {
  license: bigint;
  evidence: string | undefined;
  evidenceHash: string | undefined;
}

/**
 * `npx hardhat license:reinstate <license> [--evidence decision.pdf]`: lifts a suspension (an
 * arbiter, or the controller unless an arbiter imposed it), optionally naming the document that
 * gives the reason.
 */
export default action(async function reinstate(
  args: ReinstateArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const reason = await optionalEvidenceHash(args, "reason");
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.reinstate(args.license, reason?.hash ?? ZeroHash);
  const after = await ledger.getLicense(args.license);
  const doc = {
    licenseId: args.license,
    reasonHash: reason?.hash ?? null,
    suspended: after.suspended,
    valid: after.valid,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(args.license)],
      ["reason", reason === undefined ? "(none given)" : describeHash(reason)],
      ["status", formatStatus(after)],
      ["valid", yesNo(after.valid)],
      ...txPairs(sent),
    ]),
  );
});
