import { existsSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  deploymentPath,
  readDeploymentFile,
  readTrustFile,
  trustAddresses,
  trustFromRecord,
  officialDeployments,
  type TrustedDeployment,
} from "@license-ledger/sdk";
import { readCertificateFile, verifyReport } from "@license-ledger/sdk/cli";
import { REPO_DEPLOYMENTS_DIR, action, connectOrExplain, type CommonArgs } from "./common.js";
import { printResult } from "./format.js";
import { shownPath } from "./inputs.js";

export interface VerifyArgs extends CommonArgs {
  file: string;
  trust: string | undefined;
}

/**
 * The deployments this verification trusts, never taken from the certificate: `--trust <file>`,
 * or `--registry` (and `--market`) named on the command line, or the network's address book in
 * the repository's deployments/ (for a local node: written by license:deploy on this machine),
 * or else the official address books the SDK package ships for the node's chain id.
 */
function trustedDeployments(
  args: VerifyArgs,
  networkName: string,
  chainId: bigint,
): TrustedDeployment[] {
  if (args.trust !== undefined) return [readTrustFile(args.trust)];
  if (args.registry !== undefined) {
    return [
      trustAddresses({
        chainId,
        network: `chain-${chainId}`,
        registry: args.registry,
        market: args.market ?? null,
        source: "the --registry and --market options",
      }),
    ];
  }
  const dir = args.deploymentsDir ?? REPO_DEPLOYMENTS_DIR;
  const book = deploymentPath(networkName, dir);
  if (existsSync(book)) {
    const record = readDeploymentFile(book, networkName);
    if (BigInt(record.chainId) === chainId) {
      return [trustFromRecord(record, `the address book ${shownPath(book)}`)];
    }
  }
  return officialDeployments(chainId);
}

/**
 * `npx hardhat license:verify <file.pdf|file.json> [--trust <address book>]`: checks a certificate
 * against the official deployment of the network (never against the registry or market the
 * certificate names), the PDF's pages against the certificate it carries, and the chain's
 * finality, and prints one verdict. Exit code: 0 current, 1 not genuine, 2 not official,
 * 3 superseded, 4 not final.
 */
export default action(async function verify(args: VerifyArgs, hre: HardhatRuntimeEnvironment) {
  const bytes = readCertificateFile(args.file);
  const connection = await connectOrExplain(hre);
  const provider = connection.ethers.provider;
  const { chainId } = await provider.getNetwork();
  const trusted = trustedDeployments(args, connection.networkName, chainId);
  const { doc, lines, exitCode } = await verifyReport(
    provider,
    bytes,
    trusted,
    shownPath(args.file),
  );
  process.exitCode = exitCode;
  return printResult(args.json, doc, () => lines);
});
