import { id, ZeroHash } from "ethers";

/** License ids are `productId * 10^12 + serial`: product 1's first license is 1000000000001. */
export const SERIALS_PER_PRODUCT = 1_000_000_000_000n;
export const licenseIdOf = (productId: bigint | number, serial: bigint | number): bigint =>
  BigInt(productId) * SERIALS_PER_PRODUCT + BigInt(serial);

export const DAY = 24n * 60n * 60n;
export const ADMIN_DELAY = 2n * DAY;

/** Mirrors `LicenseStatus` in contracts/types/LicenseData.sol. */
export const Status = {
  Active: 0n,
  Released: 1n,
  Revoked: 2n,
  Surrendered: 3n,
  Split: 4n,
} as const;
/** Mirrors `IssuerKind` in contracts/types/Product.sol. */
export const IssuerKind = { None: 0n, Distributor: 1n, Onboarder: 2n } as const;
/** Where a license's first sale took place (`FirstSaleRegion` in contracts/types/LicenseData.sol). */
export const FirstSaleRegion = { Unrecorded: 0n, EEA: 1n, Switzerland: 2n, Elsewhere: 3n } as const;

export interface Terms {
  validityDays: number;
  maxSeatsPerLicense: number;
  transferable: boolean;
  splittable: boolean;
  attestationRequired: boolean;
}

/** A perpetual volume license that may be resold and split: the typical used-software product. */
export const VOLUME_TERMS: Terms = {
  validityDays: 0,
  maxSeatsPerLicense: 500,
  transferable: true,
  splittable: true,
  attestationRequired: false,
};
/** A one-year subscription the publisher does not let holders resell. */
export const SUBSCRIPTION_TERMS: Terms = {
  validityDays: 365,
  maxSeatsPerLicense: 10,
  transferable: false,
  splittable: false,
  attestationRequired: false,
};
/** A term license the publisher lets holders resell while it runs. */
export const TERM_TRANSFERABLE_TERMS: Terms = {
  validityDays: 30,
  maxSeatsPerLicense: 1,
  transferable: true,
  splittable: false,
  attestationRequired: false,
};
/** A perpetual product whose publisher must attest the seller's deactivation before a resale. */
export const ATTESTED_TERMS: Terms = {
  validityDays: 0,
  maxSeatsPerLicense: 1,
  transferable: true,
  splittable: false,
  attestationRequired: true,
};

export const NO_HASH = ZeroHash;
export const DECLARATION = id("declaration: our copy of the software is uninstalled");
export const EVIDENCE = id("invoice 2019-0042 from the publisher");
export const KEY_COMMITMENT = id("license-key commitment");
export const REASON_FRAUD = 2;

export const ROLES = {
  PUBLISHER: id("PUBLISHER_ROLE"),
  OPERATOR: id("OPERATOR_ROLE"),
  PAUSER: id("PAUSER_ROLE"),
  ARBITER: id("ARBITER_ROLE"),
  ADMIN: ZeroHash,
} as const;
