import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, fail, openReader, type CommonArgs } from "./common.js";
import {
  formatFlags,
  formatStatus,
  formatValidity,
  keyValues,
  licenseJson,
  parseWhole,
  printResult,
  yesNo,
} from "./format.js";

export interface ShowArgs extends CommonArgs {
  license: string | undefined;
  key: string | undefined;
  product: string | undefined;
}

/**
 * `npx hardhat license:show <license>`, or `license:show --key <license key> --product <id>` to
 * find the license a key is bound to (as an activation server does): holder, product, seats,
 * status, validity and terms.
 */
export default action(async function show(args: ShowArgs, hre: HardhatRuntimeEnvironment) {
  if (args.license !== undefined && args.key !== undefined) {
    fail("give a license id or --key, not both");
  }
  if (args.license === undefined && args.key === undefined) {
    fail("which license? Give its id, or --key <license key> --product <id>");
  }
  if (args.key !== undefined && args.product === undefined) {
    fail("--key needs --product: license keys are bound per product");
  }
  if (args.key === undefined && args.product !== undefined) {
    fail("--product applies to a lookup by --key");
  }
  const byId = args.license === undefined ? undefined : parseWhole(args.license, "the license id");
  const productId =
    args.product === undefined ? undefined : parseWhole(args.product, "--product", { min: 1n });
  const { ledger } = await openReader(hre, args);
  let licenseId = byId;
  if (licenseId === undefined && productId !== undefined && args.key !== undefined) {
    licenseId = await ledger.licenseOfKey(productId, { licenseKey: args.key });
    if (licenseId === undefined) fail(`no license of product ${productId} is bound to that key`);
  }
  const license = await ledger.getLicense(licenseId!);
  const doc = { ...licenseJson(license), ...(args.key === undefined ? {} : { foundByKey: true }) };
  return printResult(args.json, doc, () =>
    keyValues([
      ["license", String(license.licenseId)],
      ["product", String(license.productId)],
      ["holder", license.holder],
      ["seats", String(license.seats)],
      ["status", formatStatus(license)],
      ["valid", yesNo(license.valid)],
      ["validity", formatValidity(license.validUntil, license.expired)],
      ["terms", formatFlags(license)],
    ]),
  );
});
