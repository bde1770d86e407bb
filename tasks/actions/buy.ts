import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { SellOrder, Signed } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, printResult, table, txJson, txPairs } from "./format.js";
import {
  checkOrderTarget,
  currencyJson,
  formatMoney,
  moneyJson,
  readOrderFile,
  resolveCurrency,
  shownPath,
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
  const sent =
    purchases.length === 1
      ? await ledger.buy(purchases[0]!.signed)
      : await ledger.buyBatch(purchases.map((p) => p.signed));
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
