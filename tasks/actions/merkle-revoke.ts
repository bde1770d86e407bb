import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, runOption, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseReason, printResult, reasonName, txJson, txPairs } from "./format.js";
import { describeHash, evidenceHash } from "./inputs.js";

export interface RevocationArgs extends CommonArgs {
  run: string | undefined;
  reason: string | undefined;
  evidence: string | undefined;
  evidenceHash: string | undefined;
}

export interface MerkleRevokeArgs extends RevocationArgs {
  license: bigint;
}

/** The run, the reason and the evidence of a revocation (of a leaf or of a whole run). */
export async function revocationOf(args: RevocationArgs) {
  const runId = runOption(args.run);
  if (args.reason === undefined)
    fail(
      "--reason is missing: refund, fraud, court-order, publisher-error or a code from 1 to 65535",
    );
  return { runId, reasonCode: parseReason(args.reason), evidence: await evidenceHash(args) };
}

/**
 * `npx hardhat license:merkle-revoke <license> --run <id> --reason <reason> --evidence <file>`:
 * the product's controller revokes an unclaimed leaf; it can never be claimed.
 */
export default action(async function merkleRevoke(
  args: MerkleRevokeArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const { runId, reasonCode, evidence } = await revocationOf(args);
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.revokeLeaf(runId, args.license, reasonCode, evidence.hash);
  const doc = {
    runId,
    licenseId: args.license,
    reasonCode,
    reason: reasonName(reasonCode),
    evidenceHash: evidence.hash,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["run", String(runId)],
      ["license", `${args.license}: revoked before it was claimed; it can never be issued`],
      ["reason", `${reasonName(reasonCode)} (code ${reasonCode})`],
      ["evidence", describeHash(evidence)],
      ...txPairs(sent),
    ]),
  );
});
