import { ProofIndex, type LeafWithProof } from "@license-ledger/sdk";
import { fail } from "./common.js";
import { parseAddress, parseWholeList } from "./format.js";

/** The most leaves one `--holder` names at once. */
const MAX_HOLDER_LEAVES = 10_000;

/** The leaves a `license:merkle-*` verb acts on: by `--license` ids or by `--holder`. */
export async function leavesFromIndex(args: {
  index: string | undefined;
  license: string | undefined;
  holder: string | undefined;
}): Promise<{ index: ProofIndex; found: LeafWithProof[] }> {
  if (args.index === undefined)
    fail(
      "--index is missing: the run's proof index (<name>.proofs.bin, written by license:merkle-build)",
    );
  if ((args.license === undefined) === (args.holder === undefined))
    fail("name the leaves with either --license <id,id,...> or --holder <address>");
  const index = await ProofIndex.open(args.index);
  try {
    const found: LeafWithProof[] = [];
    if (args.license !== undefined) {
      for (const id of parseWholeList(args.license, "--license")) {
        const leaf = await index.byLicenseId(id);
        if (leaf === undefined)
          fail(
            `license ${id} is not in this run (${index.header.leaves.firstLicenseId} and the ${index.leafCount - 1} ids after it)`,
          );
        found.push(leaf);
      }
    } else {
      const holder = parseAddress(args.holder!, "--holder");
      found.push(...(await index.byHolder(holder, MAX_HOLDER_LEAVES + 1)));
      if (found.length === 0) fail(`${holder} holds no leaf of this run`);
      if (found.length > MAX_HOLDER_LEAVES)
        fail(
          `${holder} holds more than ${MAX_HOLDER_LEAVES.toLocaleString("en")} leaves of this run: name them with --license in parts`,
        );
    }
    return { index, found };
  } catch (error) {
    await index.close();
    throw error;
  }
}
