import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, runOption, openLedger, type CommonArgs } from "./common.js";
import { idRanges, keyValues, printResult, txJson } from "./format.js";
import { leavesFromIndex } from "./merkle-proofs.js";

export interface MerkleClaimArgs extends CommonArgs {
  run: string | undefined;
  index: string | undefined;
  license: string | undefined;
  holder: string | undefined;
  perTransaction: number;
}

/**
 * `npx hardhat license:merkle-claim --run <id> --index <run>.proofs.bin --license <id,...>` (or
 * `--holder <address>`): issues committed licenses to their leaves' holders, one transaction for
 * one leaf, `claimBatch` transactions of --per-transaction leaves for many. Anyone may send it.
 */
export default action(async function merkleClaim(
  args: MerkleClaimArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const runId = runOption(args.run);
  const { index, found } = await leavesFromIndex(args);
  await index.close();
  const { ledger } = await openLedger(hre, args);
  const sent =
    found.length === 1
      ? [await ledger.claim(runId, found[0]!)]
      : (
          await ledger.claimMany(runId, found, {
            perTransaction: args.perTransaction,
            onSent: (s, done) =>
              console.error(`claimed ${done} of ${found.length} (transaction ${s.hash})`),
          })
        ).sent;
  const ids = found.map((f) => f.leaf.licenseId);
  const doc = {
    runId,
    licenseIds: ids,
    holders: [...new Set(found.map((f) => f.leaf.holder))],
    transactions: sent.map(txJson),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["run", String(runId)],
      ["claimed", `${ids.length} license${ids.length === 1 ? "" : "s"}: ${idRanges(ids)}`],
      ["holders", doc.holders.length === 1 ? doc.holders[0]! : `${doc.holders.length} holders`],
      ...sent.map(
        (s, i) =>
          [
            sent.length === 1 ? "transaction" : `transaction ${i + 1}`,
            `${s.hash} (block ${s.blockNumber}, gas ${s.gasUsed})`,
          ] as [string, string],
      ),
    ]),
  );
});
