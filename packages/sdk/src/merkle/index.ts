/**
 * Committed issuance runs, the pure part (no Node API; a browser page imports it as
 * `@license-ledger/sdk/merkle`): the leaf encoding of `ILicenseCommitments` and a Merkle tree
 * equal to OpenZeppelin's `StandardMerkleTree`. Reading CSV files, writing the leaves file and
 * the proof index are Node modules (`merkle/csv.js`, `merkle/files.js`), exported from the
 * package's main entry only.
 */
export * from "./leaf.js";
export * from "./tree.js";
export * from "./format.js";
