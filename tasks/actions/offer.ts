import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { formatTime, keyValues, note, parseAmount, parseTime, printResult } from "./format.js";
import {
  chainNow,
  currencyJson,
  formatMoney,
  moneyJson,
  nonceAndFile,
  orderFileText,
  resolveCurrency,
  shownPath,
  tokenFunds,
  writeOrderFile,
} from "./inputs.js";

export interface OfferArgs extends CommonArgs {
  license: bigint;
  price: string | undefined;
  currency: string | undefined;
  expiry: string | undefined;
  nonce: string | undefined;
  out: string | undefined;
}

/**
 * `npx hardhat license:offer <license> --price 250 --currency <token>`: signs a buy offer (no
 * gas) in an ERC-20 token and writes it to `orders/offer-<license>-<nonce>.json` for the
 * license's holder to accept with `license:accept`. The buyer pays exactly the price; the
 * seller receives it less the market's fee.
 */
export default action(async function offer(args: OfferArgs, hre: HardhatRuntimeEnvironment) {
  if (args.price === undefined) fail("--price is missing: what you pay, such as 250");
  if (args.currency === undefined) fail("--currency is missing: the ERC-20 token you pay in");
  const { ledger, account } = await openLedger(hre, args);
  const currency = await resolveCurrency(ledger, args.currency, "--currency");
  if (currency.isEther) {
    fail(
      "a buy offer must be in an ERC-20 token: the market cannot take ETH from a buyer later (buy with ETH from a sell order instead)",
    );
  }
  const price = parseAmount(args.price, currency.decimals, "--price", currency.symbol);
  if (price === 0n) fail("--price must be more than 0");
  const license = await ledger.getLicense(args.license);
  if (license.holder.toLowerCase() === account.toLowerCase()) {
    fail(`${account} already holds license ${args.license}`);
  }
  if (!license.transferable) {
    fail(`license ${args.license} cannot be resold: its product's terms do not allow it`);
  }
  if (["revoked", "surrendered", "split"].includes(license.status) || license.expired) {
    fail(`license ${args.license} has ended: it can never be sold`);
  }
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
    "offer",
    args.license,
  );
  const signed = await ledger.signBuyOffer({
    licenseId: args.license,
    price,
    currency: currency.address,
    nonce,
    ...(expiry === undefined ? {} : { expiry }),
  });
  const quote = await ledger.quote(price);
  const market = await ledger.market!.getAddress();
  const text = orderFileText("buy-offer", ledger.chainId, market, signed);
  writeOrderFile(path, text);
  const funds = await tokenFunds(ledger, currency.address, account);
  if (funds.balance < price) {
    note(
      `Note: you hold ${formatMoney(funds.balance, currency)}, less than the offer's ${formatMoney(price, currency)}.`,
    );
  }
  if (funds.allowance < price) {
    note(
      `Note: the market may spend ${formatMoney(funds.allowance, currency)} of yours: run \`npx hardhat license:approve-market --token ${currency.address} --amount ${args.price}\` before the holder accepts.`,
    );
  }
  const doc = {
    file: shownPath(path),
    ...(JSON.parse(text) as object),
    currency: currencyJson(currency),
    price: moneyJson(price, currency),
    sellerReceives: moneyJson(price - quote.fee, currency),
    fee: moneyJson(quote.fee, currency),
  };
  return printResult(args.json, doc, () => [
    ...keyValues([
      ["offer file", shownPath(path)],
      ["license", String(args.license)],
      ["holder", license.holder],
      ["buyer", account],
      ["price", `${formatMoney(price, currency)} (what the buyer pays)`],
      [
        "seller receives",
        `${formatMoney(price - quote.fee, currency)} (fee ${formatMoney(quote.fee, currency)} at today's rate)`,
      ],
      ["expiry", formatTime(signed.order.expiry)],
      ["nonce", String(nonce)],
    ]),
    "",
    text.trimEnd(),
  ]);
});
