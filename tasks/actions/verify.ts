import { existsSync, readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { certificateFromJson } from "@license-ledger/sdk";
import { certificateFromPdf } from "@license-ledger/sdk";
import type { Certificate } from "@license-ledger/sdk";
import { deploymentPath, loadDeployment } from "@license-ledger/sdk";
import { action, connectOrExplain, fail, openReader, type CommonArgs } from "./common.js";
import { formatTime, keyValues, plural, printResult } from "./format.js";
import { shownPath } from "./inputs.js";

export interface VerifyArgs extends CommonArgs {
  file: string;
}

/** The certificate in a file: a PDF certificate (its embedded JSON) or the JSON itself. */
export async function readCertificateFile(path: string): Promise<Certificate> {
  if (!existsSync(path)) fail(`the certificate file ${path} does not exist`);
  const bytes = readFileSync(path);
  const isPdf = bytes.subarray(0, 5).toString("latin1") === "%PDF-";
  return isPdf ? certificateFromPdf(bytes) : certificateFromJson(bytes.toString("utf8"));
}

/**
 * Whether the network's address book records the certificate's registry and market: connecting
 * through it starts the log scans at the registry's deployment block instead of block 0.
 */
function recordMatches(networkName: string, dir: string | undefined, cert: Certificate): boolean {
  if (!existsSync(deploymentPath(networkName, dir))) return false;
  try {
    const { contracts } = loadDeployment(networkName, dir);
    const same = (a: string | null | undefined, b: string | null) =>
      (a ?? null)?.toLowerCase() === b?.toLowerCase();
    return (
      same(contracts.LicenseRegistry.address, cert.registry) &&
      same(contracts.LicenseMarket?.address, cert.market)
    );
  } catch {
    return false;
  }
}

/**
 * `npx hardhat license:verify <file.pdf|file.json>`: checks every field of a certificate against
 * the chain at the block it was drawn at, reporting each difference in plain words (exit code 1
 * when there is one), then what has changed since. It connects to the certificate's own registry
 * and market on `--network`, which must be the certificate's chain.
 */
export default action(async function verify(args: VerifyArgs, hre: HardhatRuntimeEnvironment) {
  const cert = await readCertificateFile(args.file);
  const connection = await connectOrExplain(hre);
  const { chainId } = await connection.ethers.provider.getNetwork();
  if (chainId !== BigInt(cert.network.chainId)) {
    fail(
      `the certificate was drawn on chain ${cert.network.chainId} ("${cert.network.name}"), but network "${connection.networkName}" is chain ${chainId}: run license:verify with the certificate's --network`,
    );
  }
  const viaRecord =
    args.registry === undefined &&
    args.market === undefined &&
    recordMatches(connection.networkName, args.deploymentsDir, cert);
  const { ledger } = await openReader(
    hre,
    viaRecord
      ? args
      : {
          ...args,
          registry: args.registry ?? cert.registry,
          market: args.market ?? cert.market ?? undefined,
        },
  );
  const result = await ledger.verifyCertificate(cert);
  const latest = await connection.ethers.provider.getBlockNumber();
  const file = shownPath(args.file);
  const block = cert.drawnAt.block;
  const doc = {
    file,
    licenseId: cert.license.id,
    network: cert.network,
    drawnAt: cert.drawnAt,
    latestBlock: latest,
    valid: result.valid,
    differences: result.differences,
    changedSince: result.changedSince,
  };
  if (!result.valid) process.exitCode = 1;
  return printResult(args.json, doc, () => {
    const [certificateLine, licenseLine, verdictLine, sinceLine] = keyValues([
      ["certificate", file],
      [
        "license",
        `${cert.license.id}, drawn at block ${block} (${formatTime(BigInt(cert.drawnAt.timestamp))}) on ${cert.network.name}, chain id ${cert.network.chainId}`,
      ],
      [
        "verdict",
        result.valid
          ? `valid as of block ${block}: every field matches the chain`
          : `NOT valid: ${plural(result.differences.length, "difference")} from the chain at block ${block}`,
      ],
      [
        "since then",
        result.changedSince.length === 0
          ? `nothing has changed (the chain is at block ${latest})`
          : `${plural(result.changedSince.length, "change")} (the chain is at block ${latest}):`,
      ],
    ]) as [string, string, string, string];
    return [
      certificateLine,
      licenseLine,
      verdictLine,
      ...result.differences.map((d) => `  - ${d}`),
      sinceLine,
      ...result.changedSince.map((c) => `  - ${c}`),
    ];
  });
});
