/**
 * License Ledger SDK for a web page (`@license-ledger/sdk/browser`): the modules that need no
 * Node, so a bundle for the browser pulls no Node builtins. Everything here is the same code as
 * the main entry; what is left out reads or writes files (batch journals, `hashDocumentFile`,
 * address books and trust files by path). In a page, pass an address book as a value to
 * `trustFromRecord`; the books this package ships are importable as
 * `@license-ledger/sdk/deployments/<network>.json`.
 */
export * from "./certificate.js";
export type * from "./certificate-types.js";
export * from "./certificate-pdf.js";
export type { ContractRecord, CurrencyRecord, DeploymentRecord } from "./deployments.js";
export * from "./errors.js";
export { KEY_COMMITMENT_TAG, hashDocument, keyCommitment, normalizeLicenseKey } from "./hashing.js";
export * from "./history.js";
export * from "./ledger.js";
export * from "./logs.js";
export * from "./orders.js";
export * from "./title.js";
export {
  checkDeployment,
  requireChain,
  trustAddresses,
  trustFromRecord,
  type RecognisedCurrency,
  type TrustedDeployment,
} from "./trust.js";
export * from "./verify.js";
export * from "./contracts/index.js";
