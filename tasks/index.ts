import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

/** `npx hardhat bench`: gas of every operation against references and the EVM floor, and scale. */
export const benchTask = task(
  "bench",
  "Measures gas against references and the EVM floor, and how costs grow",
)
  .addFlag({
    name: "check",
    description: "Only measure gas and fail if any operation is >1% over bench/baseline.json",
  })
  .addFlag({ name: "writeBaseline", description: "Write the measured gas to bench/baseline.json" })
  .addOption({
    name: "licenses",
    description: "Licenses issued for the scale run",
    type: ArgumentType.BIGINT,
    defaultValue: 10_000n,
  })
  .addOption({
    name: "transfers",
    description: "Resales recorded for the scale run",
    type: ArgumentType.BIGINT,
    defaultValue: 50_000n,
  })
  .addOption({
    name: "growth",
    description: "Multiplier of the total history for the second rebuild timing",
    type: ArgumentType.BIGINT,
    defaultValue: 10n,
  })
  .setAction(() => import("../bench/run.js"))
  .build();

/** `npx hardhat license:deploy --network <name>`: the registry and market, recorded in deployments/. */
export const deployTask = task(
  "license:deploy",
  "Deploys the registry and the market with Ignition and records them in deployments/<network>.json",
)
  .addOption({
    name: "parameters",
    description: "An Ignition parameters JSON file (fee recipient, fee, admin, names)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "deploymentId",
    description: "Ignition deployment id (default: chain-<chain id>)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "deploymentsDir",
    description: "Where to write <network>.json (default: deployments/)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addFlag({ name: "verify", description: "Verify the sources on the network's explorer" })
  .setAction(() => import("./actions/deploy.js"))
  .build();

/** Every `license:*` task, for hardhat.config.ts. */
export const ledgerTasks = [deployTask];
