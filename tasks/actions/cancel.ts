import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseWholeList, printResult, txJson, txPairs } from "./format.js";
import { chainRead } from "./inputs.js";

export interface CancelArgs extends CommonArgs {
  nonce: string | undefined;
  all: boolean;
}

/**
 * `npx hardhat license:cancel --nonce 1,2` voids the signer's orders and offers with those
 * nonces; `license:cancel --all` voids every order and offer it signed so far.
 */
export default action(async function cancel(args: CancelArgs, hre: HardhatRuntimeEnvironment) {
  if (args.nonce !== undefined && args.all) fail("give --nonce or --all, not both");
  if (args.nonce === undefined && !args.all) {
    fail("which orders? Give --nonce 1,2 (their nonces) or --all");
  }
  const nonces = args.nonce === undefined ? [] : parseWholeList(args.nonce, "--nonce");
  const { ledger, account } = await openLedger(hre, args);
  if (args.all) {
    const sent = await ledger.cancelAllOrders();
    const counter = await chainRead("reading the new counter", () =>
      ledger.market!.counterOf(account),
    );
    const doc = { maker: account, all: true, counter, transaction: txJson(sent) };
    return printResult(args.json, doc, () =>
      keyValues([
        ["cancelled", "every order and offer signed so far"],
        ["maker", account],
        ["counter", `${counter} (new orders carry it)`],
        ...txPairs(sent),
      ]),
    );
  }
  const sent = await ledger.cancelOrders(nonces);
  const doc = { maker: account, all: false, nonces, transaction: txJson(sent) };
  return printResult(args.json, doc, () =>
    keyValues([
      ["cancelled", `nonce${nonces.length === 1 ? "" : "s"} ${nonces.join(", ")}`],
      ["maker", account],
      ...txPairs(sent),
    ]),
  );
});
