import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseWholeList, printResult, table, txJson, txPairs } from "./format.js";

export interface SplitArgs extends CommonArgs {
  license: bigint;
  seats: string | undefined;
}

/**
 * `npx hardhat license:split <license> --seats 3,7`: splits a volume license into children with
 * those seats (they must add up to the license's seats); the parent ends.
 */
export default action(async function split(args: SplitArgs, hre: HardhatRuntimeEnvironment) {
  if (args.seats === undefined) fail("--seats is missing: the seats of each part, such as 3,7");
  const parts = parseWholeList(args.seats, "--seats");
  for (const part of parts) {
    if (part > 4_294_967_295n)
      fail(`--seats: a part of ${part} seats is more than a license holds`);
  }
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.split(args.license, parts);
  const children = sent.childIds.map((id, i) => ({ licenseId: id, seats: parts[i] ?? 0n }));
  const doc = { parentId: args.license, children, transaction: txJson(sent) };
  return printResult(args.json, doc, () => [
    ...keyValues([
      ["license", `${args.license} (ended: split)`],
      ["children", String(children.length)],
    ]),
    "",
    ...table(
      ["child", "seats"],
      children.map((c) => [String(c.licenseId), String(c.seats)]),
    ),
    "",
    ...keyValues(txPairs(sent)),
  ]);
});
