import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { ISSUER_KINDS, type IssuerKindName } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseAddress, printResult, txJson, txPairs } from "./format.js";

export interface IssuerArgs extends CommonArgs {
  product: bigint;
  issuer: string;
  kind: string;
}

const MEANING: Record<IssuerKindName, string> = {
  distributor: "may issue licenses of the product",
  onboarder: "may issue licenses of the product, each with the hash of its first-sale evidence",
  none: "may no longer issue licenses of the product",
};

/** `npx hardhat license:issuer <product> <address> distributor|onboarder|none` */
export default action(async function issuer(args: IssuerArgs, hre: HardhatRuntimeEnvironment) {
  const kind = args.kind.trim().toLowerCase() as IssuerKindName;
  if (!ISSUER_KINDS.includes(kind)) {
    fail(`unknown issuer kind '${args.kind}': use distributor, onboarder or none`);
  }
  const address = parseAddress(args.issuer, "the issuer");
  const { ledger } = await openLedger(hre, args);
  const sent = await ledger.setIssuer(args.product, address, kind);
  const doc = { productId: args.product, issuer: address, kind, transaction: txJson(sent) };
  return printResult(args.json, doc, () =>
    keyValues([
      ["product", String(args.product)],
      ["issuer", address],
      ["kind", `${kind}: ${MEANING[kind]}`],
      ...txPairs(sent),
    ]),
  );
});
