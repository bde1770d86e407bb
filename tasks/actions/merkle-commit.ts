import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { verifyLeavesFile } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, printResult, txJson, txPairs } from "./format.js";

export interface MerkleCommitArgs extends CommonArgs {
  leaves: string;
  uri: string | undefined;
}

/**
 * `npx hardhat license:merkle-commit <leaves file> --uri <where it is published>`: checks the
 * leaves file (its root recomputed) and commits the run in one transaction; refused if the
 * product's next license id moved since the tree was built.
 */
export default action(async function merkleCommit(
  args: MerkleCommitArgs,
  hre: HardhatRuntimeEnvironment,
) {
  if (args.uri === undefined || args.uri.trim() === "")
    fail(
      "--uri is missing: where the leaves file is published (https://…, ipfs://…), so holders can find their leaves",
    );
  const checked = await verifyLeavesFile(args.leaves);
  const { ledger } = await openLedger(hre, args);
  if (checked.header.chainId !== undefined && BigInt(checked.header.chainId) !== ledger.chainId)
    fail(
      `the leaves file was built for chain ${checked.header.chainId}, but the network is chain ${ledger.chainId}`,
    );
  const run = {
    productId: BigInt(checked.header.productId),
    firstLicenseId: BigInt(checked.header.firstLicenseId),
    leafCount: checked.leafCount,
    root: checked.root,
    leavesHash: checked.leavesHash,
  };
  const sent = await ledger.commitRun(run, args.uri);
  const last = sent.firstLicenseId + BigInt(run.leafCount) - 1n;
  const doc = {
    runId: sent.runId,
    productId: run.productId,
    firstLicenseId: sent.firstLicenseId,
    leafCount: run.leafCount,
    root: run.root,
    leavesURI: args.uri,
    leavesHash: run.leavesHash,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["run", String(sent.runId)],
      ["product", String(run.productId)],
      [
        "licenses",
        `${run.leafCount.toLocaleString("en")}: ${sent.firstLicenseId}..${last} (reserved; each issued when claimed)`,
      ],
      ["root", run.root],
      ["leaves file", `${args.uri} (sha256 ${run.leavesHash})`],
      ...txPairs(sent),
    ]),
  );
});
