import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import LicenseRegistryModule from "./LicenseRegistry.js";

/**
 * Deploys the License Ledger market on the registry of `LicenseRegistryModule` (deployed first,
 * or reused when it already is). Parameters (ignition/parameters/*.json or --parameters):
 * - `admin`: the account holding DEFAULT_ADMIN_ROLE, which sets the fee (defaults to the deployer);
 * - `adminTransferDelay`: seconds a two-step admin handover must wait (default 2 days);
 * - `feeRecipient`: where fees are paid (defaults to the deployer);
 * - `feeBps`: the platform fee in basis points, at most 1,000 (default 0: no fee).
 */
export default buildModule("LicenseMarketModule", (m) => {
  const { registry } = m.useModule(LicenseRegistryModule);
  const market = m.contract("LicenseMarket", [
    registry,
    m.getParameter("admin", m.getAccount(0)),
    m.getParameter("adminTransferDelay", 2n * 24n * 60n * 60n),
    m.getParameter("feeRecipient", m.getAccount(0)),
    m.getParameter("feeBps", 0n),
  ]);
  return { registry, market };
});
