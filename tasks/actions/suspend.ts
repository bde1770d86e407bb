import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, openLedger, type CommonArgs } from "./common.js";
import { formatStatus, keyValues, printResult, txJson, txPairs, yesNo } from "./format.js";
import { describeHash, evidenceHash } from "./inputs.js";

export interface SuspendArgs extends CommonArgs {
  license: bigint;
  evidence: string | undefined;
  evidenceHash: string | undefined;
}

/**
 * `npx hardhat license:suspend <license> --evidence dispute.pdf`: the product's controller or an
 * arbiter freezes a license during a dispute.
 */
export default action(async function suspend(args: SuspendArgs, hre: HardhatRuntimeEnvironment) {
  const evidence = await evidenceHash(args);
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.suspend(args.license, evidence.hash);
  const after = await ledger.getLicense(args.license);
  const doc = {
    licenseId: args.license,
    evidenceHash: evidence.hash,
    suspended: after.suspended,
    valid: after.valid,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(args.license)],
      ["evidence", describeHash(evidence)],
      ["status", formatStatus(after)],
      ["valid", yesNo(after.valid)],
      ...txPairs(sent),
    ]),
  );
});
