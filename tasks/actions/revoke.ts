import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openLedger, type CommonArgs } from "./common.js";
import {
  formatStatus,
  keyValues,
  parseReason,
  printResult,
  reasonName,
  txJson,
  txPairs,
} from "./format.js";
import { describeHash, evidenceHash } from "./inputs.js";

export interface RevokeArgs extends CommonArgs {
  license: bigint;
  reason: string | undefined;
  evidence: string | undefined;
  evidenceHash: string | undefined;
}

/**
 * `npx hardhat license:revoke <license> --reason refund|fraud|court-order|publisher-error|<code>
 * --evidence court-order.pdf`: the product's controller revokes a license for good.
 */
export default action(async function revoke(args: RevokeArgs, hre: HardhatRuntimeEnvironment) {
  if (args.reason === undefined) {
    fail(
      "--reason is missing: refund, fraud, court-order, publisher-error or a code from 1 to 65535",
    );
  }
  const reasonCode = parseReason(args.reason);
  const evidence = await evidenceHash(args);
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.revoke(args.license, reasonCode, evidence.hash);
  const after = await ledger.getLicense(args.license);
  const doc = {
    licenseId: args.license,
    reasonCode,
    reason: reasonName(reasonCode),
    evidenceHash: evidence.hash,
    status: after.status,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(args.license)],
      ["reason", `${reasonName(reasonCode)} (code ${reasonCode})`],
      ["evidence", describeHash(evidence)],
      ["status", formatStatus(after)],
      ...txPairs(sent),
    ]),
  );
});
