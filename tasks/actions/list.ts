import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openReader, type CommonArgs } from "./common.js";
import {
  formatStatus,
  formatValidity,
  licenseJson,
  parseAddress,
  parseWhole,
  plural,
  printResult,
  table,
  yesNo,
} from "./format.js";

export interface ListArgs extends CommonArgs {
  account: string | undefined;
  fromBlock: string | undefined;
}

/**
 * `npx hardhat license:list [account]`: the licenses an account holds (default: the signing
 * account), found from the registry's Transfer logs and confirmed against the registry.
 */
export default action(async function list(args: ListArgs, hre: HardhatRuntimeEnvironment) {
  const named = args.account === undefined ? undefined : parseAddress(args.account, "the account");
  const fromBlock =
    args.fromBlock === undefined ? undefined : Number(parseWhole(args.fromBlock, "--from-block"));
  const { ledger, account: sender } = await openReader(hre, args);
  const account = named ?? sender;
  if (account === undefined) {
    fail("whose licenses? Give an account: this network has no account of its own");
  }
  const licenses = await ledger.holdingsOf(account, fromBlock === undefined ? {} : { fromBlock });
  const doc = { account, count: licenses.length, licenses: licenses.map(licenseJson) };
  return printResult(args.json, doc, () =>
    licenses.length === 0
      ? [`${account} holds no licenses`]
      : [
          ...table(
            ["license", "product", "seats", "status", "valid", "validity"],
            licenses.map((l) => [
              String(l.licenseId),
              String(l.productId),
              String(l.seats),
              formatStatus(l),
              yesNo(l.valid),
              formatValidity(l.validUntil, l.expired),
            ]),
          ),
          "",
          `${plural(licenses.length, "license")} held by ${account}`,
        ],
  );
});
