import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { parseShowQuery, showReport } from "@license-ledger/sdk/cli";
import { action, openReader, type CommonArgs } from "./common.js";
import { printResult } from "./format.js";

export interface ShowArgs extends CommonArgs {
  license: string | undefined;
  key: string | undefined;
  product: string | undefined;
}

/**
 * `npx hardhat license:show <license>`, or `license:show --key <license key> --product <id>` to
 * find the license a key is bound to (as an activation server does): holder, product, seats,
 * status, validity and terms. The reading and the wording are the SDK's `showReport`, which the
 * package's `license-ledger show` prints too.
 */
export default action(async function show(args: ShowArgs, hre: HardhatRuntimeEnvironment) {
  const query = parseShowQuery(args);
  const { ledger } = await openReader(hre, args);
  const { doc, lines } = await showReport(ledger, query);
  return printResult(args.json, doc, () => lines);
});
