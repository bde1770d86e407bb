import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, openLedger, type CommonArgs } from "./common.js";
import { keyValues, printResult, txJson, txPairs } from "./format.js";
import { describeHash, evidenceHash } from "./inputs.js";

export interface AttestArgs extends CommonArgs {
  license: bigint;
  evidence: string | undefined;
  evidenceHash: string | undefined;
}

/**
 * `npx hardhat license:attest <license> --evidence activation-log.txt`: the product's controller
 * attests that the seller's released copy was deactivated.
 */
export default action(async function attest(args: AttestArgs, hre: HardhatRuntimeEnvironment) {
  const evidence = await evidenceHash(args);
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.attestDeactivation(args.license, evidence.hash);
  const doc = { licenseId: args.license, evidenceHash: evidence.hash, transaction: txJson(sent) };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(args.license)],
      ["attested", "the seller's copy was deactivated"],
      ["evidence", describeHash(evidence)],
      ...txPairs(sent),
    ]),
  );
});
