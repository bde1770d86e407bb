import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, openLedger } from "./common.js";
import { keyValues, printResult, reasonName, txJson, txPairs } from "./format.js";
import { describeHash } from "./inputs.js";
import { revocationOf, type RevocationArgs } from "./merkle-revoke.js";

/**
 * `npx hardhat license:merkle-revoke-run --run <id> --reason <reason> --evidence <file>`: the
 * product's controller revokes every unclaimed leaf of a run; licenses claimed from it stay.
 */
export default action(async function merkleRevokeRun(
  args: RevocationArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const { runId, reasonCode, evidence } = await revocationOf(args);
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
