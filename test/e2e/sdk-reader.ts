/**
 * A dealer's read-only script, run by the end-to-end tests with `npx tsx` (no Hardhat): it
 * connects the SDK to a deployment record over plain JSON-RPC and prints what it reads as one
 * JSON document. Settings come from the environment:
 *
 * - `RPC_URL`: the node; `LL_NETWORK` and `LL_DEPLOYMENTS_DIR`: which `<network>.json` to read;
 * - `LL_LICENSE`: the license to read; `LL_PRODUCT`: the product to read;
 *   `LL_HOLDER`: whose holdings to list (from the registry's `Transfer` logs).
 */
import { JsonRpcProvider } from "ethers";

import { LicenseLedger } from "@license-ledger/sdk";

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}

// cacheTimeout -1: ethers would otherwise answer identical calls from a 250 ms cache.
const provider = new JsonRpcProvider(setting("RPC_URL"), undefined, { cacheTimeout: -1 });
try {
  const ledger = await LicenseLedger.connect(provider, {
    deployment: setting("LL_NETWORK"),
    deploymentsDir: setting("LL_DEPLOYMENTS_DIR"),
  });
  const license = await ledger.getLicense(BigInt(setting("LL_LICENSE")));
  const product = await ledger.getProduct(BigInt(setting("LL_PRODUCT")));
  const holdings = await ledger.holdingsOf(setting("LL_HOLDER"));
  const report = {
    chainId: ledger.chainId,
    registry: await ledger.registry.getAddress(),
    market: ledger.market === undefined ? null : await ledger.market.getAddress(),
    fromBlock: ledger.fromBlock,
    license,
    licensesIssued: product.licensesIssued,
    holdings: holdings.map((held) => held.licenseId),
  };
  console.log(
    JSON.stringify(report, (_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value,
    ),
  );
} finally {
  provider.destroy();
}
