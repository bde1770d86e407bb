import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { certificateFormat, certificateReport, parseDrawBlock } from "@license-ledger/sdk/cli";
import { action, openReader, type CommonArgs } from "./common.js";
import { printResult } from "./format.js";
import { shownPath } from "./inputs.js";

export interface CertificateArgs extends CommonArgs {
  license: bigint;
  atBlock: string | undefined;
  out: string | undefined;
}

/**
 * `npx hardhat license:certificate <license> [--at-block N|latest|finalized] [--out <file>]`: draws
 * the license's certificate of title (by default at the finalized block on public networks, the
 * latest on local chains) and writes it as a PDF a person reads (its JSON embedded) or as the
 * JSON alone, by the file's extension. The drawing and the wording are the SDK's
 * `certificateReport`, which the package's `license-ledger certificate` prints too.
 */
export default action(async function certificate(
  args: CertificateArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const out = args.out ?? `certificate-${args.license}.pdf`;
  certificateFormat(out);
  const atBlock =
    args.atBlock === undefined ? undefined : parseDrawBlock(args.atBlock, "--at-block");
  const { ledger } = await openReader(hre, args);
  const { doc, lines } = await certificateReport(ledger, {
    licenseId: args.license,
    atBlock,
    out,
    shownAs: shownPath(out),
  });
  return printResult(args.json, doc, () => lines);
});
