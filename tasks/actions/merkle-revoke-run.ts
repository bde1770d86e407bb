import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, runOption, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseReason, printResult, reasonName, txJson, txPairs } from "./format.js";
import { describeHash, evidenceHash } from "./inputs.js";

export interface MerkleRevokeRunArgs extends CommonArgs {
  run: string | undefined;
  reason: string | undefined;
  evidence: string | undefined;
  evidenceHash: string | undefined;
}

/**
 * `npx hardhat license:merkle-revoke-run --run <id> --reason <reason> --evidence <file>`: the
 * product's controller revokes every unclaimed leaf of a run; licenses claimed from it stay.
 */
export default action(async function merkleRevokeRun(
  args: MerkleRevokeRunArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const runId = runOption(args.run);
  if (args.reason === undefined)
    fail(
      "--reason is missing: refund, fraud, court-order, publisher-error or a code from 1 to 65535",
    );
  const reasonCode = parseReason(args.reason);
  const evidence = await evidenceHash(args);
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.revokeRun(runId, reasonCode, evidence.hash);
  const doc = {
    runId,
    reasonCode,
    reason: reasonName(reasonCode),
    evidenceHash: evidence.hash,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["run", `${runId}: revoked; none of its unclaimed licenses can be issued any more`],
      ["reason", `${reasonName(reasonCode)} (code ${reasonCode})`],
      ["evidence", describeHash(evidence)],
      ...txPairs(sent),
    ]),
  );
});
