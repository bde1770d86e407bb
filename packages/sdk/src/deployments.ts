import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { UnknownDeploymentError } from "./errors.js";

/** One deployed contract, as the deploy task records it. */
export interface ContractRecord {
  address: string;
  /** Hash of the transaction that created the contract. */
  deploymentTx: string;
  /** Block the contract was created in. */
  block: number;
  /** The git commit the contract was built from (with "-dirty" if the tree had changes). */
  commit: string;
  /** Constructor arguments, for source verification. */
  constructorArgs: unknown[];
}

/** The address book of one network: `deployments/<network>.json`. */
export interface DeploymentRecord {
  /** Schema version of this file. */
  version: 1;
  network: string;
  chainId: number;
  contracts: {
    LicenseRegistry: ContractRecord;
    LicenseMarket?: ContractRecord;
  };
}

/** The repository's `deployments/` folder, where the deploy task writes address books. */
export const DEFAULT_DEPLOYMENTS_DIR = fileURLToPath(new URL("../deployments/", import.meta.url));

export function deploymentPath(network: string, dir: string = DEFAULT_DEPLOYMENTS_DIR): string {
  return join(dir, `${network}.json`);
}

/** Reads `deployments/<network>.json`; a missing or malformed file is an `UnknownDeploymentError`. */
export function loadDeployment(
  network: string,
  dir: string = DEFAULT_DEPLOYMENTS_DIR,
): DeploymentRecord {
  const path = deploymentPath(network, dir);
  if (!existsSync(path)) {
    throw new UnknownDeploymentError(
      `no deployment is recorded for network "${network}" (${path} does not exist): deploy first with \`npx hardhat license:deploy --network ${network}\`, or pass the registry's address`,
      { network, path },
    );
  }
  let record: DeploymentRecord | null;
  try {
    record = JSON.parse(readFileSync(path, "utf8")) as DeploymentRecord | null;
  } catch (cause) {
    throw new UnknownDeploymentError(`${path} is not valid JSON`, { network, path }, cause);
  }
  if (
    typeof record?.chainId !== "number" ||
    typeof record?.contracts?.LicenseRegistry?.address !== "string"
  ) {
    throw new UnknownDeploymentError(
      `${path} is not a License Ledger deployment record (no chain id or registry address)`,
      { network, path },
    );
  }
  return record;
}
