import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { contractRefusal } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { formatStatus, keyValues, parseAddress, printResult, txJson, txPairs } from "./format.js";
import { describeHash, documentHash } from "./inputs.js";

export interface TransferArgs extends CommonArgs {
  license: bigint;
  to: string | undefined;
  declaration: string | undefined;
  declarationHash: string | undefined;
}

/**
 * `npx hardhat license:transfer <license> --to 0x... [--declaration declaration.pdf]`: moves a
 * released license to its new holder; with a declaration, releases and moves it in one call.
 */
export default action(async function transfer(args: TransferArgs, hre: HardhatRuntimeEnvironment) {
  if (args.to === undefined) fail("--to is missing: who receives the license");
  const to = parseAddress(args.to, "--to");
  const declaration = await documentHash(
    "declaration",
    { file: args.declaration, hash: args.declarationHash },
    { fileOption: "--declaration", hashOption: "--declaration-hash", required: false },
  );
  const { ledger } = await openLedger(hre, args);
  const before = await ledger.getLicense(args.license);
  // A license of a non-transferable product is never released, so the registry would refuse a
  // plain transfer as "not released": say the real reason.
  if (!before.transferable) throw contractRefusal("LicenseNotTransferable", [args.license]);
  const sent = await ledger.transfer(args.license, to, declaration?.hash);
  const after = await ledger.getLicense(args.license);
  const doc = {
    licenseId: args.license,
    from: before.holder,
    to,
    declarationHash: declaration?.hash ?? null,
    status: after.status,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(args.license)],
      ["from", before.holder],
      ["to", to],
      [
        "declaration",
        declaration === undefined
          ? "recorded before (the license was released)"
          : describeHash(declaration),
      ],
      ["status", formatStatus(after)],
      ...txPairs(sent),
    ]),
  );
});
