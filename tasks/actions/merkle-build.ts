import { mkdirSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { SERIALS_PER_PRODUCT, buildProgressReporter, buildRunFromCsv } from "@license-ledger/sdk";
import { action, fail, openReader, type CommonArgs } from "./common.js";
import { keyValues, parseWhole, printResult } from "./format.js";
import { shownPath } from "./inputs.js";

export interface MerkleBuildArgs extends CommonArgs {
  csv: string;
  product: string | undefined;
  firstId: string | undefined;
  out: string;
  name: string | undefined;
  maxRows: number;
}

const mib = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KiB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * `npx hardhat license:merkle-build <csv> --product <id> [--first-id <id>] [--out runs]`: the
 * run's tree, leaves file and proof index from a CSV, with a progress bar. Without --first-id the
 * product's next license id is read from the chain (the id the commit will reserve from).
 */
export default action(async function merkleBuild(
  args: MerkleBuildArgs,
  hre: HardhatRuntimeEnvironment,
) {
  if (args.product === undefined)
    fail("--product is missing: the product whose licenses the run issues");
  const productId = parseWhole(args.product, "--product");
  let firstLicenseId =
    args.firstId === undefined ? undefined : parseWhole(args.firstId, "--first-id");
  let chainId: bigint | undefined;
  if (firstLicenseId === undefined) {
    const { ledger } = await openReader(hre, args);
    const product = await ledger.getProduct(productId);
    firstLicenseId = productId * SERIALS_PER_PRODUCT + product.licensesIssued + 1n;
    chainId = ledger.chainId;
  }
  mkdirSync(args.out, { recursive: true });
  const started = Date.now();
  const run = await buildRunFromCsv(args.csv, {
    productId: productId,
    firstLicenseId,
    outDir: args.out,
    maxRows: args.maxRows,
    ...(args.name === undefined ? {} : { name: args.name }),
    ...(chainId === undefined ? {} : { chainId }),
    onProgress: buildProgressReporter(),
  });
  const seconds = (Date.now() - started) / 1000;
  const last = run.firstLicenseId + BigInt(run.leafCount) - 1n;
  const doc = { ...run, seconds };
  return printResult(args.json, doc, () =>
    keyValues([
      ["product", String(run.productId)],
      ["licenses", `${run.leafCount.toLocaleString("en")}: ${run.firstLicenseId}..${last}`],
      ["root", run.root],
      ["leaves file", `${shownPath(run.leavesFile)} (${mib(run.leavesBytes)}; publish it)`],
      ["sha256", run.leavesHash],
      ["proof index", `${shownPath(run.proofIndexFile)} (${mib(run.proofIndexBytes)})`],
      ["built in", `${seconds.toFixed(1)} s`],
      [
        "next",
        `publish the leaves file, then: npx hardhat license:merkle-commit ${shownPath(run.leavesFile)} --uri <where it is published>`,
      ],
    ]),
  );
});
