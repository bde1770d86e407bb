import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { verifyProof, type LeafStatusName } from "@license-ledger/sdk";
import { action, runOption, openReader, type CommonArgs } from "./common.js";
import { printResult, table } from "./format.js";
import { leavesFromIndex } from "./merkle-proofs.js";

export interface MerkleCheckArgs extends CommonArgs {
  run: string | undefined;
  index: string | undefined;
  license: string | undefined;
  holder: string | undefined;
}

const MEANING = {
  claimable: "committed, not yet issued: anyone may claim it for its holder",
  claimed: "issued to its holder (see license:show)",
  revoked: "revoked by the publisher before it was claimed: it can never be issued",
  invalid:
    "not a leaf of this run: wrong run, or the leaf or its proof differs from what was committed",
} as const;

/**
 * `npx hardhat license:merkle-check --run <id> --index <run>.proofs.bin --license <id>`: what
 * the chain says of committed leaves, without a transaction (as an activation server asks).
 */
export default action(async function merkleCheck(
  args: MerkleCheckArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const runId = runOption(args.run);
  const { index, found } = await leavesFromIndex(args);
  await index.close();
  const { ledger } = await openReader(hre, args);
  const rows: {
    licenseId: bigint;
    holder: string;
    seats: bigint;
    status: LeafStatusName;
    proofLeadsToIndexRoot: boolean;
  }[] = [];
  for (const f of found) {
    const status = await ledger.checkLeaf(runId, f);
    rows.push({
      licenseId: f.leaf.licenseId,
      holder: f.leaf.holder,
      seats: f.leaf.seats,
      status,
      proofLeadsToIndexRoot: verifyProof(f.root, f.leafHash, f.proof),
    });
  }
  const doc = { runId, leaves: rows };
  return printResult(args.json, doc, () =>
    table(
      ["license", "holder", "seats", "status"],
      rows.map((r) => [
        String(r.licenseId),
        r.holder,
        String(r.seats),
        `${r.status}: ${MEANING[r.status]}`,
      ]),
    ),
  );
});
