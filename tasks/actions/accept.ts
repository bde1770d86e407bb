import { ZeroHash } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { BuyOffer, Signed } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, printResult, txJson, txPairs } from "./format.js";
import {
  checkOrderTarget,
  checkSellable,
  currencyJson,
  describeHash,
  documentHash,
  formatMoney,
  moneyJson,
  readOrderFile,
  resolveCurrency,
} from "./inputs.js";

export interface AcceptArgs extends CommonArgs {
  offer: string;
  declaration: string | undefined;
  declarationHash: string | undefined;
}

/**
 * `npx hardhat license:accept orders/offer-1000000000001-1.json --declaration declaration.pdf`:
 * the holder sells its license to a buyer's signed offer, releasing it with the declaration in
 * the same transaction. It receives the price less the market's current fee, and no less.
 */
export default action(async function accept(args: AcceptArgs, hre: HardhatRuntimeEnvironment) {
  const file = readOrderFile(args.offer);
  if (file.kind !== "buy-offer") {
    fail(`${file.path} is a sell order, not a buy offer: a buyer fills it with license:buy`);
  }
  const signed: Signed<BuyOffer> = file.signed;
  const declaration = await documentHash(
    "declaration",
    { file: args.declaration, hash: args.declarationHash },
    { fileOption: "--declaration", hashOption: "--declaration-hash", required: false },
  );
  const { ledger, account } = await openLedger(hre, args);
  await checkOrderTarget(file, ledger);
  await checkSellable(ledger, signed.order.licenseId, account, declaration);
  const currency = await resolveCurrency(ledger, signed.order.currency, "the offer's currency");
  const { fee } = await ledger.quote(signed.order.price);
  const proceeds = signed.order.price - fee;
  const sent = await ledger.acceptOffer(signed, declaration?.hash ?? ZeroHash, {
    minProceeds: proceeds,
  });
  const doc = {
    licenseId: signed.order.licenseId,
    seller: account,
    buyer: signed.order.buyer,
    currency: currencyJson(currency),
    price: moneyJson(signed.order.price, currency),
    fee: moneyJson(fee, currency),
    proceeds: moneyJson(proceeds, currency),
    declarationHash: declaration?.hash ?? null,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["sold", `license ${signed.order.licenseId}`],
      ["seller", account],
      ["buyer", signed.order.buyer],
      ["price", formatMoney(signed.order.price, currency)],
      ["fee", formatMoney(fee, currency)],
      ["received", formatMoney(proceeds, currency)],
      [
        "declaration",
        declaration === undefined
          ? "recorded before (the license was released)"
          : describeHash(declaration),
      ],
      ...txPairs(sent),
    ]),
  );
});
