/**
 * `@license-ledger/sdk/cli`: what the `license-ledger` bin is made of, for programs that print
 * like it (the repository's Hardhat tasks do): the output helpers and the input parsers.
 */
export * from "./args.js";
export * from "./format.js";
