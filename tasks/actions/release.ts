import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, openLedger, type CommonArgs } from "./common.js";
import { formatStatus, keyValues, printResult, txJson, txPairs, yesNo } from "./format.js";
import { describeHash, documentHash } from "./inputs.js";

export interface ReleaseArgs extends CommonArgs {
  license: bigint;
  declaration: string | undefined;
  declarationHash: string | undefined;
}

/**
 * `npx hardhat license:release <license> --declaration declaration.pdf`: records the holder's
 * declaration that its copy is unusable (its SHA-256; the document stays off-chain) and releases
 * the license for resale.
 */
export default action(async function release(args: ReleaseArgs, hre: HardhatRuntimeEnvironment) {
  const declaration = (await documentHash(
    "declaration",
    { file: args.declaration, hash: args.declarationHash },
    { fileOption: "--declaration", hashOption: "--declaration-hash", required: true },
  ))!;
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.release(args.license, declaration.hash);
  const after = await ledger.getLicense(args.license);
  const doc = {
    licenseId: args.license,
    declarationHash: declaration.hash,
    status: after.status,
    valid: after.valid,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(args.license)],
      ["declaration", describeHash(declaration)],
      ["status", formatStatus(after)],
      ["valid", yesNo(after.valid)],
      ...txPairs(sent),
    ]),
  );
});
