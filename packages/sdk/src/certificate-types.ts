/**
 * The License Ledger certificate, schema version 2 (version 1 is still read and verified, see
 * `CertificateV1`): a license's chain of title as JSON, drawn
 * from the chain's event logs at one block. Every value is a string or number so the JSON is
 * exact (uint256 values as decimal strings, addresses checksummed, hashes 0x-prefixed lower
 * case). The PDF certificate embeds this JSON; `verify` checks every field against the chain.
 *
 * Changing a field's meaning or removing one needs a new `version`; adding an optional field
 * does not.
 */

/** Where and when a step happened. */
export interface CertificatePoint {
  block: number;
  /** Unix seconds of the block. */
  timestamp: number;
  transaction: string;
}

/** One holder of the license and the period it held it. */
export interface CertificateHolder {
  /** The holder's address. For a split child, its first holder period starts at the split. */
  holder: string;
  /** The license (this one, or a split parent) held in this period. */
  licenseId: string;
  since: CertificatePoint;
  /** Where the holding ended; null for the current holder at the certificate's block. */
  until: CertificatePoint | null;
}

/** The kinds of step a chain of title records, one per event. */
export type CertificateStepKind =
  | "issued" // LicenseIssued (+ Transfer from 0): details.holder (the first holder), seats, validUntil
  | "issued-by" // LicenseIssuedBy: details.issuer; basis = first-sale evidence hash (or null)
  | "key-committed" // LicenseKeyCommitted: basis = the key commitment
  | "released" // LicenseReleased: details.holder; basis = the declaration hash
  | "release-withdrawn" // LicenseReleaseWithdrawn: details.holder
  | "attested" // LicenseDeactivationAttested: details.attester; basis = evidence hash
  | "transferred" // Transfer between two holders: details.from, details.to; basis = the declaration of the release it relied on
  | "sold" // LicenseSold on the market: details.seller, buyer, currency, price (the maker's signed price), paid (what the buyer paid in all), fee; basis = order hash
  | "split" // LicenseSplit: details.childId, details.seats (a parent's step)
  | "suspended" // LicenseSuspended: details.by; basis = evidence hash
  | "reinstated" // LicenseReinstated: details.by; basis = reason hash (or null)
  | "revoked" // LicenseRevoked: details.by, details.reasonCode; basis = evidence hash
  | "surrendered" // LicenseSurrendered: details.holder
  | "first-sale-recorded" // LicenseFirstSaleRecorded: details.region ("unrecorded" | "EEA" | "Switzerland" | "elsewhere")
  | "evidence-drawn" // EvidenceDrawn: details.seats, used, capacity; basis = the first-sale evidence
  | "suspension-bounded" // LicenseSuspensionBounded: details.lapsesAt (a controller's suspension lapses then)
  | "arbiter-reinstated" // LicenseArbiterReinstated: details.arbiter (only arbiters may suspend it again)
  | "attestation-lapsed" // LicenseAttestationLapsed: details.sufficedAt (the declaration sufficed)
  | "committed" // RunCommitted of the run it was claimed from (first step, at the commit): details.runId, committer, firstLicenseId, leafCount, leavesURI, leavesHash; basis = the run's Merkle root
  | "claimed"; // LeafClaimed (in the issuance's transaction): details.runId, holder, claimer

/** One recorded step, in chain order (block, then log index). */
export interface CertificateStep extends CertificatePoint {
  kind: CertificateStepKind;
  /** The license the step is about: this one, or a split parent before the split. */
  licenseId: string;
  logIndex: number;
  /** The hash the step relied on (declaration, evidence, reason, order), or null. */
  basis: string | null;
  /** The event's other values, as strings (see `CertificateStepKind`). */
  details: Record<string, string>;
}

/** How the product and its issuers came to be (who vouched for the license's origin). */
export interface CertificateProvenance extends CertificatePoint {
  kind:
    | "product-registered" // details.controller, publisher, registeredBy ("publisher" | "operator")
    | "terms-updated"
    | "control-handover-started" // details.controller, pendingController
    | "control-transferred" // details.previousController, newController
    | "control-recovery-started" // details.controller, newController, readyAt (the admin's delayed handover of an orphaned operator product)
    | "control-recovered" // details.previousController, newController
    | "issuer-set"; // details.issuer, kind ("none" | "distributor" | "onboarder"), by (the controller then)
  productId: string;
  logIndex: number;
  details: Record<string, string>;
}

/** A payment token the official deployment's address book recognises on this network. */
export interface CertificateCurrency {
  address: string;
  symbol: string;
  decimals: number;
}

/** The certificate (JSON), version 2. */
export interface Certificate {
  schema: "license-ledger-certificate";
  version: 2;
  network: {
    /** The network's name in the official address book for `chainId`. */
    name: string;
    chainId: number;
  };
  registry: string;
  /** The market whose sales are included, or null. */
  market: string | null;
  /**
   * The block the certificate was drawn at: everything in it is as of this block. `transaction`
   * is the transaction of the latest step the certificate includes (at or before `block`).
   */
  drawnAt: CertificatePoint & { blockHash: string };
  license: {
    id: string;
    productId: string;
    seats: string;
    /** "0" for perpetual, else unix seconds. */
    validUntil: string;
    /** How many times this license (not its split parents) changed hands. */
    moves: string;
    /** Where it was first sold: "unrecorded", "EEA", "Switzerland" or "elsewhere". */
    firstSaleRegion: string;
    /** Perpetual and first sold in the EEA or Switzerland: it resells whatever its terms say. */
    exhausted: boolean;
    status: "active" | "released" | "revoked" | "surrendered" | "split";
    suspended: boolean;
    attested: boolean;
    expired: boolean;
    valid: boolean;
    transferable: boolean;
    splittable: boolean;
    attestationRequired: boolean;
  };
  product: {
    id: string;
    /** The controller at the certificate's block. */
    controller: string;
    terms: {
      validityDays: number;
      maxSeatsPerLicense: number;
      transferable: boolean;
      splittable: boolean;
      attestationRequired: boolean;
    };
    metadataURI: string;
  };
  /** How the product and this license's issuers came to be, oldest first. */
  provenance: CertificateProvenance[];
  /** Split parents, oldest first (empty for a license issued directly). */
  lineage: string[];
  /** Every holder from the first issuance (of the oldest parent) to the holder at `drawnAt`. */
  holders: CertificateHolder[];
  steps: CertificateStep[];
  /** The recognised tokens the sales were paid in (by the official address book), by address. */
  currencies: CertificateCurrency[];
  /** How to check it: a command that works on any machine, and the link its QR code carries. */
  verification: {
    command: string;
    url: string | null;
  };
}

/** The certificate (JSON), version 1: read and verified, never drawn any more. */
export interface CertificateV1 {
  schema: "license-ledger-certificate";
  version: 1;
  network: { name: string; chainId: number };
  registry: string;
  market: string | null;
  drawnAt: CertificatePoint & { blockHash: string };
  license: Omit<Certificate["license"], "moves" | "firstSaleRegion" | "exhausted">;
  product: Certificate["product"];
  lineage: string[];
  holders: CertificateHolder[];
  /** In version 1 a sale's `price` is what the buyer paid in all (no `paid`). */
  steps: CertificateStep[];
  verification: { command: string; url: string | null };
}

/** A certificate of either schema version. */
export type AnyCertificate = Certificate | CertificateV1;
