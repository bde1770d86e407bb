import { MaxUint256 } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseAmount, printResult, txJson, txPairs } from "./format.js";
import { currencyJson, formatMoney, moneyJson, resolveCurrency } from "./inputs.js";

export interface ApproveMarketArgs extends CommonArgs {
  revoke: boolean;
  token: string | undefined;
  amount: string | undefined;
}

/**
 * `npx hardhat license:approve-market` lets the market move the signer's licenses when a sale
 * settles (`--revoke` withdraws that); `--token <address> --amount 1000` (or `max`) lets it
 * spend that much of a token for the signer's purchases.
 */
export default action(async function approveMarket(
  args: ApproveMarketArgs,
  hre: HardhatRuntimeEnvironment,
) {
  if (args.amount !== undefined && args.token === undefined) {
    fail("--amount applies to a token approval: give --token <address> too");
  }
  if (args.token !== undefined && args.revoke) {
    fail("--revoke withdraws the approval of licenses; for a token, give --amount 0");
  }
  const { ledger, account } = await openLedger(hre, args);
  const market = await ledger.market?.getAddress();
  if (args.token !== undefined) {
    if (args.amount === undefined)
      fail("--amount is missing: how much the market may spend, or max");
    const currency = await resolveCurrency(ledger, args.token, "--token");
    if (currency.isEther) fail("ETH needs no approval: give an ERC-20 token's address to --token");
    const unlimited = args.amount.trim().toLowerCase() === "max";
    const amount = unlimited
      ? MaxUint256
      : parseAmount(args.amount, currency.decimals, "--amount", currency.symbol);
    const sent = await ledger.approveToken(currency.address, amount);
    const doc = {
      owner: account,
      market,
      token: currencyJson(currency),
      allowance: moneyJson(amount, currency),
      unlimited,
      transaction: txJson(sent),
    };
    return printResult(args.json, doc, () =>
      keyValues([
        [
          "approved",
          `the market ${market} to spend ${unlimited ? `any amount of ${currency.symbol}` : formatMoney(amount, currency)}`,
        ],
        ["owner", account],
        ["token", currency.address],
        ...txPairs(sent),
      ]),
    );
  }
  const sent = await ledger.approveMarket(!args.revoke);
  const doc = { owner: account, market, approved: !args.revoke, transaction: txJson(sent) };
  return printResult(args.json, doc, () =>
    keyValues([
      [
        args.revoke ? "withdrawn" : "approved",
        args.revoke
          ? `the market ${market} may no longer move your licenses`
          : `the market ${market} may move your licenses when a sale you signed settles`,
      ],
      ["owner", account],
      ...txPairs(sent),
    ]),
  );
});
