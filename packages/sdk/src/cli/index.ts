/**
 * `@license-ledger/sdk/cli`: what the `license-ledger` bin is made of, for programs that print
 * like it (the repository's Hardhat tasks do): the output helpers, the input parsers, the
 * read-and-format step of each verb (`showReport`, `heldByReport`: a `LicenseLedger` and parsed
 * arguments in, `{ doc, lines }` out), the bin's connection logic and its verb table.
 */
export * from "./args.js";
export * from "./connect.js";
export * from "./format.js";
export * from "./certificate.js";
export * from "./held-by.js";
export * from "./history.js";
export * from "./show.js";
export * from "./verify.js";
export type * from "./verb.js";
export { stringOption } from "./verb.js";
export { VERBS } from "./verbs.js";
