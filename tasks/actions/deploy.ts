import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { listTransactions } from "@nomicfoundation/ignition-core";
import { keccak256 } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { deploymentPath, type ContractRecord, type DeploymentRecord } from "@license-ledger/sdk";
import { REPO_DEPLOYMENTS_DIR, action, connectOrExplain, fail } from "./common.js";

export interface DeployArgs {
  parameters: string | undefined;
  deploymentId: string | undefined;
  deploymentsDir: string | undefined;
  verify: boolean;
}

const MODULE = "ignition/modules/LicenseMarket.ts";
const FUTURES: Record<string, keyof DeploymentRecord["contracts"]> = {
  "LicenseRegistryModule#LicenseRegistry": "LicenseRegistry",
  "LicenseMarketModule#LicenseMarket": "LicenseMarket",
};

/** The commit the contracts are built from, "-dirty" when the work tree has changes. */
function currentCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "contracts"], {
      encoding: "utf8",
    }).trim();
    return dirty === "" ? head : `${head}-dirty`;
  } catch {
    return "unknown";
  }
}

/**
 * `npx hardhat license:deploy --network <name>`: deploys the registry and the market with
 * Ignition (idempotent: an unchanged deployment sends nothing), then writes the address book
 * `deployments/<network>.json` with, per contract, its address, deployment transaction, block,
 * constructor arguments, the commit it was built from and the hash of its runtime code.
 */
export default action(async function deploy(args: DeployArgs, hre: HardhatRuntimeEnvironment) {
  const connection = await connectOrExplain(hre);
  const chainId = BigInt((await connection.provider.request({ method: "eth_chainId" })) as string);
  const networkName = connection.networkName;
  if (connection.networkConfig.type === "edr-simulated") {
    console.log(
      `Deploying to the in-process network "${networkName}": it ends with this command, so nothing is recorded. Use --network localhost (after \`npx hardhat node\`) or a testnet to keep a deployment.`,
    );
  }
  const deploymentId = args.deploymentId ?? `chain-${chainId}`;
  const result = (await hre.tasks.getTask(["ignition", "deploy"]).run({
    modulePath: MODULE,
    parameters: args.parameters,
    deploymentId,
    verify: args.verify,
  })) as unknown;
  if (process.exitCode !== undefined && process.exitCode !== 0) {
    fail("the deployment did not complete (see Ignition's output above)");
  }
  if (connection.networkConfig.type === "edr-simulated") return result;

  const deploymentDir = join(hre.config.paths.ignition, "deployments", deploymentId);
  const addresses = JSON.parse(
    readFileSync(join(deploymentDir, "deployed_addresses.json"), "utf8"),
  ) as Record<string, string>;
  const transactions = await listTransactions(deploymentDir, {
    loadArtifact: (name: string) => hre.artifacts.readArtifact(name),
  });
  const dir = args.deploymentsDir ?? REPO_DEPLOYMENTS_DIR;
  const path = deploymentPath(networkName, dir);
  const previous = existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as DeploymentRecord)
    : undefined;
  const commit = currentCommit();
  const contracts: Partial<DeploymentRecord["contracts"]> = {};
  for (const [future, name] of Object.entries(FUTURES)) {
    const address = addresses[future];
    if (address === undefined) fail(`Ignition recorded no address for ${future}`);
    // The runtime code's hash: verifiers check the code at the address still hashes to it.
    const codeHash = keccak256(await connection.ethers.provider.getCode(address));
    const kept = previous?.contracts[name];
    if (kept !== undefined && kept.address.toLowerCase() === address.toLowerCase()) {
      contracts[name] = { ...kept, codeHash }; // unchanged: keep the original deployment's record
      continue;
    }
    const tx = transactions.find(
      (t) =>
        t.type === "DEPLOYMENT_EXECUTION_STATE" &&
        t.address?.toLowerCase() === address.toLowerCase(),
    );
    if (tx === undefined) fail(`Ignition recorded no deployment transaction for ${future}`);
    const receipt = await connection.ethers.provider.getTransactionReceipt(tx.txHash);
    if (receipt === null) fail(`no receipt for the deployment transaction ${tx.txHash}`);
    const record: ContractRecord = {
      address,
      deploymentTx: tx.txHash,
      block: receipt.blockNumber,
      commit,
      constructorArgs: (tx.params ?? []).map((p) => (typeof p === "bigint" ? p.toString() : p)),
      codeHash,
    };
    contracts[name] = record;
  }
  const record: DeploymentRecord = {
    version: 1,
    network: networkName,
    chainId: Number(chainId),
    contracts: contracts as DeploymentRecord["contracts"],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, JSON.stringify(record, null, 2) + "\n");
  console.log(`\nRecorded the deployment in ${path}`);
  return record;
});
