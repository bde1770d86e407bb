import { ZeroAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { ProductTerms } from "@license-ledger/sdk";
import { action, fail, openLedger, type CommonArgs } from "./common.js";
import { keyValues, parseAddress, printResult, txJson, txPairs } from "./format.js";

export interface ProductArgs extends CommonArgs {
  validityDays: number;
  maxSeats: number;
  transferable: boolean;
  splittable: boolean;
  attestationRequired: boolean;
  uri: string;
  forPublisher: string | undefined;
}

/** "perpetual, up to 500 seats, transferable, splittable" */
export function describeTerms(terms: ProductTerms): string {
  return [
    terms.validityDays === 0 ? "perpetual" : `valid up to ${terms.validityDays} days`,
    `up to ${terms.maxSeatsPerLicense} seat${terms.maxSeatsPerLicense === 1 ? "" : "s"} per license`,
    terms.transferable ? "transferable" : "not transferable",
    terms.splittable ? "splittable" : "not splittable",
    ...(terms.attestationRequired ? ["resale needs the publisher's attestation"] : []),
  ].join(", ");
}

/**
 * `npx hardhat license:product --max-seats 500 --transferable --splittable --uri ipfs://...`:
 * registers a product (as a publisher), or with `--for-publisher <address>` on an absent
 * publisher's behalf (as an operator; `unknown` when the publisher is not known yet).
 */
export default action(async function product(args: ProductArgs, hre: HardhatRuntimeEnvironment) {
  if (!Number.isInteger(args.validityDays) || args.validityDays < 0 || args.validityDays > 65_535) {
    fail(
      `--validity-days must be 0 (perpetual) or a number of days up to 65535, got ${args.validityDays}`,
    );
  }
  if (!Number.isInteger(args.maxSeats) || args.maxSeats < 1 || args.maxSeats > 4_294_967_295) {
    fail(`--max-seats must be a whole number from 1 to 4294967295, got ${args.maxSeats}`);
  }
  const publisher =
    args.forPublisher === undefined
      ? undefined
      : args.forPublisher.trim().toLowerCase() === "unknown"
        ? ZeroAddress
        : parseAddress(args.forPublisher, "--for-publisher");
  const terms: ProductTerms = {
    validityDays: args.validityDays,
    maxSeatsPerLicense: args.maxSeats,
    transferable: args.transferable,
    splittable: args.splittable,
    attestationRequired: args.attestationRequired,
  };
  const { ledger } = await openLedger(hre, args);
  const sent =
    publisher === undefined
      ? await ledger.registerProduct(terms, args.uri)
      : await ledger.registerProductForPublisher(publisher, terms, args.uri);
  const registered = await ledger.getProduct(sent.productId);
  const doc = {
    productId: sent.productId,
    controller: registered.controller,
    registeredByOperator: registered.registeredByOperator,
    publisher: publisher ?? registered.controller,
    terms,
    metadataURI: args.uri,
    transaction: txJson(sent),
  };
  return printResult(args.json, doc, () =>
    keyValues([
      ["product", String(sent.productId)],
      ["controller", registered.controller],
      ...(publisher === undefined
        ? []
        : ([
            [
              "for publisher",
              publisher === ZeroAddress
                ? "not known yet"
                : `${publisher} (until it accepts control)`,
            ],
          ] as [string, string][])),
      ["terms", describeTerms(terms)],
      ["uri", args.uri === "" ? "(none)" : args.uri],
      ...txPairs(sent),
    ]),
  );
});
