import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the License Ledger registry. Parameters (ignition/parameters/*.json or --parameters):
 * - `name`, `symbol`: the ERC-721 collection name and symbol wallets show;
 * - `admin`: the account holding DEFAULT_ADMIN_ROLE (defaults to the deployer);
 * - `adminTransferDelay`: seconds a two-step admin handover must wait (default 2 days).
 */
export default buildModule("LicenseRegistryModule", (m) => {
  const registry = m.contract("LicenseRegistry", [
    m.getParameter("name", "License Ledger"),
    m.getParameter("symbol", "LICENSE"),
    m.getParameter("admin", m.getAccount(0)),
    m.getParameter("adminTransferDelay", 2n * 24n * 60n * 60n),
  ]);
  return { registry };
});
