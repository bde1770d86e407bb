import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { RoleName } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseAddress, printResult, txJson, txPairs, yesNo } from "./format.js";

export interface RoleArgs extends CommonArgs {
  change: string;
  role: string;
  account: string;
}

const ROLE_NAMES: readonly RoleName[] = ["publisher", "operator", "pauser", "arbiter"];

/**
 * `npx hardhat license:role grant publisher 0x...`: the registry's admin grants (or revokes) a
 * role: publishers register products, operators register them for absent publishers, pausers
 * pause, arbiters decide disputes.
 */
export default action(async function role(args: RoleArgs, hre: HardhatRuntimeEnvironment) {
  if (args.change !== "grant" && args.change !== "revoke") {
    fail(`"${args.change}" is not a role change: use grant or revoke`);
  }
  const name = args.role.toLowerCase() as RoleName;
  if (!ROLE_NAMES.includes(name)) {
    fail(`"${args.role}" is not a role: use ${ROLE_NAMES.join(", ")}`);
  }
  const account = parseAddress(args.account, "the account");
  const { ledger } = await openLedger(hre, args);
  const sent =
    args.change === "grant"
      ? await ledger.grantRole(name, account)
      : await ledger.revokeRole(name, account);
  const holds = await ledger.hasRole(name, account);
  const doc = { role: name, account, holds, transaction: txJson(sent) };
  return printResult(args.json, doc, () =>
    keyValues([["role", name], ["account", account], ["holds it", yesNo(holds)], ...txPairs(sent)]),
  );
});
