import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { formatTime, keyValues, note, parseAmount, parseTime, printResult } from "./format.js";
import {
  chainNow,
  chainRead,
  checkSellable,
  currencyJson,
  describeHash,
  documentHash,
  formatMoney,
  moneyJson,
  nonceAndFile,
  orderFileText,
  resolveCurrency,
  shownPath,
  writeOrderFile,
} from "./inputs.js";

export interface SellArgs extends CommonArgs {
  license: bigint;
  price: string | undefined;
  currency: string;
  expiry: string | undefined;
  nonce: string | undefined;
  declaration: string | undefined;
  declarationHash: string | undefined;
  out: string | undefined;
}

/**
 * `npx hardhat license:sell <license> --price 1.5 [--currency eth|<token>] --declaration
 * declaration.pdf`: signs a sell order (no gas) and writes it to `orders/order-<license>-<nonce>.json`
 * for a buyer to fill with `license:buy`. The seller receives exactly the price; the buyer pays
 * the market's fee on top.
 */
export default action(async function sell(args: SellArgs, hre: HardhatRuntimeEnvironment) {
  if (args.price === undefined) fail("--price is missing: what you receive, such as 1.5");
  const declaration = await documentHash(
    "declaration",
    { file: args.declaration, hash: args.declarationHash },
    { fileOption: "--declaration", hashOption: "--declaration-hash", required: false },
  );
  const { ledger, account } = await openLedger(hre, args);
  const currency = await resolveCurrency(ledger, args.currency, "--currency");
  const price = parseAmount(args.price, currency.decimals, "--price", currency.symbol);
  if (price === 0n) fail("--price must be more than 0");
  await checkSellable(ledger, args.license, account, declaration);
  const now = await chainNow(ledger);
  const expiry = args.expiry === undefined ? undefined : parseTime(args.expiry, "--expiry", now);
  if (expiry !== undefined && expiry <= now) {
    fail(`--expiry ${formatTime(expiry)} is already past (chain time ${formatTime(now)})`);
  }
  const { nonce, path } = await nonceAndFile(
    ledger,
    account,
    args,
    hre.config.paths.root,
    "order",
    args.license,
  );
  const signed = await ledger.signSellOrder({
    licenseId: args.license,
    price,
    currency: currency.address,
    nonce,
    ...(expiry === undefined ? {} : { expiry }),
    ...(declaration === undefined ? {} : { declarationHash: declaration.hash }),
  });
  const quote = await ledger.quote(price);
  const market = await ledger.market!.getAddress();
  const text = orderFileText("sell-order", ledger.chainId, market, signed);
  writeOrderFile(path, text);
  const approved = await chainRead("reading the market's approval", () =>
    ledger.registry.isApprovedForAll(account, market),
  );
  if (!approved) {
    note(
      "Note: the market may not move your licenses yet: run `npx hardhat license:approve-market` before a buyer fills this order.",
    );
  }
  const doc = {
    file: shownPath(path),
    ...(JSON.parse(text) as object),
    currency: currencyJson(currency),
    price: moneyJson(price, currency),
    buyerPays: moneyJson(quote.total, currency),
    fee: moneyJson(quote.fee, currency),
  };
  return printResult(args.json, doc, () => [
    ...keyValues([
      ["order file", shownPath(path)],
      ["license", String(args.license)],
      ["seller", account],
      ["price", `${formatMoney(price, currency)} (what the seller receives)`],
      [
        "buyer pays",
        `${formatMoney(quote.total, currency)} (fee ${formatMoney(quote.fee, currency)} at today's rate)`,
      ],
      ["expiry", formatTime(signed.order.expiry)],
      ["nonce", String(nonce)],
      [
        "declaration",
        declaration === undefined
          ? "recorded before (the license is released)"
          : describeHash(declaration),
      ],
    ]),
    "",
    text.trimEnd(),
  ]);
});
