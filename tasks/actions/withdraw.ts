import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseAddress, printResult, txJson, txPairs } from "./format.js";
import { ETHER, formatMoney, moneyJson } from "./inputs.js";

export interface WithdrawArgs extends CommonArgs {
  to: string | undefined;
}

/**
 * `npx hardhat license:withdraw [--to 0x...]`: takes the ETH the market owes the signer (fees,
 * payments its account refused), to itself or to another address.
 */
export default action(async function withdraw(args: WithdrawArgs, hre: HardhatRuntimeEnvironment) {
  const to = args.to === undefined ? undefined : parseAddress(args.to, "--to");
  const { ledger, account } = await openLedger(hre, args);
  const owed = await ledger.owed(account);
  const sent = await ledger.withdraw(to);
  const doc = {
    account,
    to: to ?? account,
    amount: moneyJson(owed, ETHER),
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["withdrawn", formatMoney(owed, ETHER)],
      ["account", account],
      ["to", to ?? account],
      ...txPairs(sent),
    ]),
  );
});
