import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { LedgerError, type LicenseLedger, type SellOrder, type Signed } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { formatAmount, keyValues, printResult, table, txJson, txPairs } from "./format.js";
import {
  checkOrderTarget,
  currencyJson,
  formatMoney,
  moneyJson,
  readOrderFile,
  resolveCurrency,
  shownPath,
  tokenFunds,
  type Currency,
} from "./inputs.js";

export interface BuyArgs extends CommonArgs {
  orders: string[];
}

interface Purchase {
  file: string;
  signed: Signed<SellOrder>;
  currency: Currency;
  total: bigint;
  fee: bigint;
}

/**
 * Refuses, before anything is sent, a token purchase the buyer cannot pay, naming what it needs:
 * the price plus the market's fee, in the token's units. (The market pulls the price to the
 * seller, then the fee: with the price alone approved, the token would refuse the fee's pull and
 * name only the fee, in base units.)
 */
async function checkTokenFunds(
  ledger: LicenseLedger,
  buyer: string,
  purchases: Purchase[],
): Promise<void> {
  const tokens = new Map<string, Currency>();
  for (const p of purchases) if (!p.currency.isEther) tokens.set(p.currency.address, p.currency);
  for (const currency of tokens.values()) {
    const mine = purchases.filter((p) => p.currency.address === currency.address);
    const sum = (amount: (p: Purchase) => bigint) => mine.reduce((t, p) => t + amount(p), 0n);
    const total = sum((p) => p.total);
    const money = (amount: bigint) => formatMoney(amount, currency);
    const cost = `${
      mine.length === 1
        ? `buying license ${mine[0]!.signed.order.licenseId} costs`
        : `these ${mine.length} purchases in ${currency.symbol} cost`
    } ${money(total)} (${mine.length === 1 ? "price" : "prices"} ${money(sum((p) => p.signed.order.price))} plus the market's fee ${money(sum((p) => p.fee))})`;
    const funds = await tokenFunds(ledger, currency.address, buyer);
    if (funds.allowance < total) {
      fail(
        `the market may spend ${money(funds.allowance)} of yours, but ${cost}: approve the total with \`npx hardhat license:approve-market --token ${currency.address} --amount ${formatAmount(total, currency.decimals)}\``,
      );
    }
    if (funds.balance < total) {
      fail(`${buyer} holds ${money(funds.balance)}, but ${cost}`);
    }
  }
}

/**
 * `npx hardhat license:buy orders/order-1000000000001-1.json [more order files...]`: fills signed
 * sell orders, paying each price plus the market's current fee (the quote is the most paid).
 * One file is one `buy`; several are one `buyBatch` transaction, all or nothing.
 */
export default action(async function buy(args: BuyArgs, hre: HardhatRuntimeEnvironment) {
  if (args.orders.length === 0) fail("which orders? Give one or more order files");
  const files = args.orders.map((path) => readOrderFile(path));
  const { ledger, account } = await openLedger(hre, args);
  const currencies = new Map<string, Currency>();
  const purchases: Purchase[] = [];
  for (const file of files) {
    if (file.kind !== "sell-order") {
      fail(
        `${file.path} is a buy offer, not a sell order: the license's holder accepts it with license:accept`,
      );
    }
    await checkOrderTarget(file, ledger);
    const key = file.signed.order.currency.toLowerCase();
    const currency =
      currencies.get(key) ??
      (await resolveCurrency(ledger, file.signed.order.currency, "the order's currency"));
    currencies.set(key, currency);
    const { total, fee } = await ledger.quote(file.signed.order.price);
    purchases.push({ file: shownPath(file.path), signed: file.signed, currency, total, fee });
  }
  await checkTokenFunds(ledger, account!, purchases);
  const sent = await (
    purchases.length === 1
      ? ledger.buy(purchases[0]!.signed)
      : ledger.buyBatch(purchases.map((p) => p.signed))
  ).catch(async (error: unknown) => {
    // Funds that changed since the check: the token's refusal names one pull (the fee, say) in
    // base units; say again what the whole purchase needs.
    if (error instanceof LedgerError && /^ERC20Insufficient(Allowance|Balance)$/.test(error.code)) {
      await checkTokenFunds(ledger, account!, purchases);
    }
    throw error;
  });
  const totals = [...currencies.values()].map((currency) => {
    const mine = purchases.filter((p) => p.currency.address === currency.address);
    return {
      currency,
      total: mine.reduce((sum, p) => sum + p.total, 0n),
      fee: mine.reduce((sum, p) => sum + p.fee, 0n),
    };
  });
  const doc = {
    buyer: account,
    purchases: purchases.map((p) => ({
      file: p.file,
      licenseId: p.signed.order.licenseId,
      seller: p.signed.order.seller,
      nonce: p.signed.order.nonce,
      currency: currencyJson(p.currency),
      price: moneyJson(p.signed.order.price, p.currency),
      fee: moneyJson(p.fee, p.currency),
      total: moneyJson(p.total, p.currency),
    })),
    totals: totals.map((t) => ({
      currency: currencyJson(t.currency),
      total: moneyJson(t.total, t.currency),
      fee: moneyJson(t.fee, t.currency),
    })),
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () => {
    if (purchases.length === 1) {
      const p = purchases[0]!;
      return keyValues([
        ["bought", `license ${p.signed.order.licenseId}`],
        ["seller", p.signed.order.seller],
        ["buyer", account],
        ["price", formatMoney(p.signed.order.price, p.currency)],
        ["fee", formatMoney(p.fee, p.currency)],
        ["total paid", formatMoney(p.total, p.currency)],
        ...txPairs(sent),
      ]);
    }
    return [
      ...table(
        ["license", "seller", "price", "fee", "total"],
        purchases.map((p) => [
          String(p.signed.order.licenseId),
          p.signed.order.seller,
          formatMoney(p.signed.order.price, p.currency),
          formatMoney(p.fee, p.currency),
          formatMoney(p.total, p.currency),
        ]),
      ),
      "",
      ...keyValues([
        ["bought", `${purchases.length} licenses in one transaction`],
        ["buyer", account],
        ...totals.map(
          (t) =>
            [
              `total ${t.currency.symbol}`,
              `${formatMoney(t.total, t.currency)} (fees ${formatMoney(t.fee, t.currency)})`,
            ] as [string, string],
        ),
        ...txPairs(sent),
      ]),
    ];
  });
});
