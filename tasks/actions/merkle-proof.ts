import { action, type CommonArgs } from "./common.js";
import { keyValues, printResult } from "./format.js";
import { leavesFromIndex } from "./merkle-proofs.js";

export interface MerkleProofArgs extends CommonArgs {
  index: string | undefined;
  license: string | undefined;
  holder: string | undefined;
}

/**
 * `npx hardhat license:merkle-proof --index <run>.proofs.bin --license <id>` (or `--holder`):
 * a leaf and its proof from the proof index, offline (no network needed), to hand to a holder.
 */
export default action(async function merkleProof(args: MerkleProofArgs) {
  const { index, found } = await leavesFromIndex(args);
  await index.close();
  const doc = {
    root: index.root,
    leaves: found.map((f) => ({ leaf: f.leaf, leafHash: f.leafHash, proof: f.proof })),
  };
  return printResult(args.json, doc, () =>
    found.flatMap((f, i) => [
      ...(i > 0 ? [""] : []),
      ...keyValues([
        ["license", String(f.leaf.licenseId)],
        ["holder", f.leaf.holder],
        ["seats", String(f.leaf.seats)],
        [
          "valid until",
          f.leaf.validUntil === 0n
            ? "perpetual"
            : new Date(Number(f.leaf.validUntil) * 1000).toISOString(),
        ],
        [
          "region",
          ["unrecorded", "EEA", "Switzerland", "elsewhere"][f.leaf.region] ?? String(f.leaf.region),
        ],
        ["key commitment", f.leaf.keyCommitment],
        ["origin evidence", f.leaf.originEvidence],
        ["leaf hash", f.leafHash],
        ["root", f.root],
        ["proof", f.proof.join(" ") || "(none: the run has one leaf)"],
      ]),
    ]),
  );
});
