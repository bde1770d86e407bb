/**
 * License Ledger SDK: the client library dealers, publishers and auditors import. Depends on
 * ethers v6 (and pdf-lib and qrcode for PDF certificates); never on Hardhat. The contracts' typed
 * bindings (ABIs and bytecode) are inside, in contracts/.
 */
export * from "./batch.js";
export * from "./certificate.js";
export * from "./commitments.js";
export type * from "./certificate-types.js";
export * from "./certificate-pdf.js";
export * from "./deployments.js";
export * from "./errors.js";
export * from "./hashing.js";
export * from "./history.js";
export * from "./ledger.js";
export * from "./logs.js";
export * from "./orders.js";
export * from "./title.js";
export * from "./trust.js";
export * from "./verify.js";
export * from "./contracts/index.js";
export * from "./merkle/index.js";
export * from "./merkle/build.js";
export * from "./merkle/csv.js";
export * from "./merkle/lines.js";
export * from "./merkle/proofs.js";
export * from "./merkle/progress.js";
