import {
  Contract,
  ZeroHash,
  keccak256,
  toUtf8Bytes,
  id as roleId,
  type ContractRunner,
  type ContractTransactionReceipt,
  type ContractTransactionResponse,
  type Log,
  type Provider,
  type Signer,
} from "ethers";

import type {
  ILicenseCommitments,
  ILicenseMarket,
  LicenseMarket,
  LicenseRegistry,
} from "./contracts/index.js";
import {
  DEFAULT_CLAIMS_PER_TRANSACTION,
  LEAF_STATUSES,
  checkClaimOffline,
  checkFirstLicenseId,
  commitmentsOf,
  leafStruct,
  runCommittedIn,
  runFromChain,
  type CommittedRun,
  type LeafClaim,
  type LeafStatusName,
  type RunToCommit,
} from "./commitments.js";
import { LicenseMarket__factory, LicenseRegistry__factory } from "./contracts/index.js";
import { runBatch, type BatchOptions, type BatchResult, type BatchStep } from "./batch.js";
import {
  LOCAL_CHAIN_IDS,
  certificateFromJson,
  certificateFromTitle,
  type CertificateOptions,
} from "./certificate.js";
import { certificateFromPdf, pdfShowsCertificate } from "./certificate-pdf.js";
import type { AnyCertificate, Certificate } from "./certificate-types.js";
import { DEFAULT_DEPLOYMENTS_DIR, loadDeployment, type DeploymentRecord } from "./deployments.js";
import {
  officialDeployments,
  readTrustFile,
  trustAddresses,
  trustFromRecord,
  type TrustedDeployment,
} from "./trust.js";
import {
  VERDICT_EXIT_CODES,
  finalizedBlock,
  verifyWithTrust,
  type CertificateVerdict,
  type VerifyOptions,
} from "./verify.js";
import {
  LedgerError,
  UnknownDeploymentError,
  WrongNetworkError,
  contractRefusal,
  nameRole,
  toLedgerError,
} from "./errors.js";
import { keyCommitment } from "./hashing.js";
import { scanLicense, type HistoryEvent, type LicenseScan } from "./history.js";
import { getLogsPaged, type ScanStats } from "./logs.js";
import {
  FIRST_SALE_REGIONS,
  type FirstSaleRegionName,
  chainOfTitle as rebuildChainOfTitleAt,
  holderAt as holderFromLogs,
  licensesHeldAt as holdingsFromLogs,
  type ChainOfTitle,
  type ChainOfTitleOptions,
  type PointInTime,
} from "./title.js";
import {
  BUY_OFFER_TYPES,
  ETH,
  SELL_ORDER_TYPES,
  marketDomain,
  type BuyOffer,
  type SellOrder,
  type Signed,
} from "./orders.js";

/** License ids are `productId * 10^12 + serial`. */
export const SERIALS_PER_PRODUCT = 1_000_000_000_000n;
export const productOf = (licenseId: bigint): bigint => licenseId / SERIALS_PER_PRODUCT;
export const serialOf = (licenseId: bigint): bigint => licenseId % SERIALS_PER_PRODUCT;

export const ROLES = {
  ADMIN: ZeroHash,
  PUBLISHER: roleId("PUBLISHER_ROLE"),
  OPERATOR: roleId("OPERATOR_ROLE"),
  PAUSER: roleId("PAUSER_ROLE"),
  ARBITER: roleId("ARBITER_ROLE"),
} as const;
nameRole(ROLES.ADMIN, "the admin role");
nameRole(ROLES.PUBLISHER, "the publisher role");
nameRole(ROLES.OPERATOR, "the operator role");
nameRole(ROLES.PAUSER, "the pauser role");
nameRole(ROLES.ARBITER, "the arbiter role");

/** The registry's roles by name, for `grantRole` / `revokeRole` / `hasRole`. */
export type RoleName = "publisher" | "operator" | "pauser" | "arbiter";
const ROLE_OF: Record<RoleName, string> = {
  publisher: ROLES.PUBLISHER,
  operator: ROLES.OPERATOR,
  pauser: ROLES.PAUSER,
  arbiter: ROLES.ARBITER,
};

export const LICENSE_STATUSES = ["active", "released", "revoked", "surrendered", "split"] as const;
export type LicenseStatusName = (typeof LICENSE_STATUSES)[number];
export const ISSUER_KINDS = ["none", "distributor", "onboarder"] as const;
export type IssuerKindName = (typeof ISSUER_KINDS)[number];

export interface ProductTerms {
  /** 0 for a perpetual product, else the longest validity in days. */
  validityDays: number;
  maxSeatsPerLicense: number;
  transferable: boolean;
  splittable: boolean;
  attestationRequired: boolean;
}

export interface Product {
  productId: bigint;
  controller: string;
  pendingController: string;
  terms: ProductTerms;
  licensesIssued: bigint;
  closed: boolean;
  registeredByOperator: boolean;
  metadataURI: string;
}

export interface License {
  licenseId: bigint;
  productId: bigint;
  holder: string;
  seats: bigint;
  /** 0n for a perpetual license, else unix seconds. */
  validUntil: bigint;
  /** How many times the license changed hands (at most 32,767: the count never wraps). */
  moves: bigint;
  /** Where it was first sold ("unrecorded" for licenses issued without it). */
  firstSaleRegion: FirstSaleRegionName;
  /** Perpetual and first sold in the EEA or Switzerland: it resells whatever its terms say. */
  exhausted: boolean;
  /** When a controller's suspension lapses by itself (0: none pending). */
  suspensionLapsesAt: bigint;
  /** From when the holder's declaration suffices without the publisher's attestation (0: n/a). */
  declarationSufficesAt: bigint;
  status: LicenseStatusName;
  suspended: boolean;
  attested: boolean;
  expired: boolean;
  /** Valid for its holder right now: active, not suspended, not expired. */
  valid: boolean;
  transferable: boolean;
  splittable: boolean;
  attestationRequired: boolean;
}

/** What every transaction method returns. */
export interface Sent {
  hash: string;
  blockNumber: number;
  gasUsed: bigint;
  receipt: ContractTransactionReceipt;
}

export interface IssueParams {
  productId: bigint;
  holder: string;
  seats: bigint | number;
  /** 0 (default) for perpetual products. */
  validUntil?: bigint | number;
  /** A license key to bind (its commitment is computed; the key never goes on-chain)... */
  licenseKey?: string;
  /** ...or a commitment computed elsewhere. */
  keyCommitment?: string;
  /** Hash of the first-sale evidence (required from onboarders). */
  originEvidence?: string;
}

export interface SellOrderParams {
  licenseId: bigint;
  price: bigint;
  /** `ETH` (default) or an ERC-20 address. */
  currency?: string;
  /** Unix seconds; default: 30 days from now. */
  expiry?: bigint;
  nonce: bigint;
  /** Hash of the declaration that the seller's copy is unusable; omit for a license already released. */
  declarationHash?: string;
}

export interface BuyOfferParams {
  licenseId: bigint;
  price: bigint;
  currency: string;
  expiry?: bigint;
  nonce: bigint;
}

export interface ConnectOptions {
  /** A deployment record, or the name of a network whose `deployments/<name>.json` to read. */
  deployment?: DeploymentRecord | string;
  /** Where `deployments/<name>.json` files live (default: the repository's `deployments/`). */
  deploymentsDir?: string;
  /** The registry's address, instead of a deployment record. */
  registry?: string;
  /** The market's address, instead of (or overriding) the deployment record's. */
  market?: string;
  /** First block of log scans (default: the registry's deployment block from the record, else 0). */
  fromBlock?: number;
  /** Where the trust in this deployment comes from, in words (for verdicts). */
  trustSource?: string;
  /** The trust anchor this connection is for (its network name, currencies and source). */
  trusted?: TrustedDeployment;
}

/** Where `LicenseLedger.verify` takes its trust anchors from. */
export interface TrustOptions {
  /** Trust exactly these deployments. */
  trusted?: readonly TrustedDeployment[];
  /** ...or the deployment this address book (JSON file) describes: a private deployment. */
  trustFile?: string;
  /** ...or every address book in this folder (default: the books this package ships). */
  deploymentsDir?: string;
}

/** The most licenses one license key is followed to through splits. */
export const MAX_KEY_DESCENDANTS = 1_000;
/** Parallel `getLicense` requests when confirming holdings. */
const HOLDINGS_CONCURRENCY = 8;
const ERC20_APPROVE = ["function approve(address spender, uint256 value) returns (bool)"];
const DEFAULT_ORDER_LIFETIME = 30n * 24n * 3600n;
/** Blocks per `eth_getLogs` request when scanning history (public RPCs limit the range). */
export const DEFAULT_LOG_PAGE = 10_000;

/**
 * The License Ledger client a dealer's script uses: every registry and market operation as a
 * typed method, each failure a `LedgerError` with a sentence (see `errors.ts`). Built on ethers v6
 * and the generated contract types; needs no Hardhat at run time.
 *
 * ```ts
 * const ledger = await LicenseLedger.connect(wallet, { deployment: "sepolia" });
 * const { licenseId } = await ledger.issue({ productId: 1n, holder, seats: 10 });
 * ```
 */
export class LicenseLedger {
  readonly registry: LicenseRegistry;
  readonly market: LicenseMarket | undefined;
  readonly chainId: bigint;
  /** Block the registry was deployed in (log scans start there), when known. */
  readonly fromBlock: number;
  /**
   * The deployment this client connected to, as a trust anchor: its certificates name this
   * network and its recognised currencies, and `verifyCertificate` checks against it.
   */
  readonly trust: TrustedDeployment;

  private constructor(
    readonly runner: ContractRunner,
    registry: LicenseRegistry,
    market: LicenseMarket | undefined,
    chainId: bigint,
    fromBlock: number,
    trust: TrustedDeployment,
  ) {
    this.registry = registry;
    this.market = market;
    this.chainId = chainId;
    this.fromBlock = fromBlock;
    this.trust = trust;
  }

  /**
   * Connects to a deployment: checks the connection is on the deployment's chain and that the
   * registry (and market) exist there, before anything is sent.
   */
  static async connect(runner: Signer | Provider, options: ConnectOptions): Promise<LicenseLedger> {
    const provider = "provider" in runner && runner.provider !== null ? runner.provider : runner;
    if (!("getNetwork" in provider)) {
      throw new LedgerError("NoProvider", "the signer is not connected to a network");
    }
    const { chainId } = await provider.getNetwork();
    let record: DeploymentRecord | undefined;
    if (typeof options.deployment === "string") {
      record = loadDeployment(options.deployment, options.deploymentsDir);
    } else {
      record = options.deployment;
    }
    if (record !== undefined && BigInt(record.chainId) !== chainId) {
      throw new WrongNetworkError(BigInt(record.chainId), chainId, record.network);
    }
    const registryAddress = options.registry ?? record?.contracts.LicenseRegistry.address;
    if (registryAddress === undefined) {
      throw new UnknownDeploymentError(
        "no registry to connect to: name a deployment or pass the registry's address",
        {},
      );
    }
    const marketAddress = options.market ?? record?.contracts.LicenseMarket?.address;
    for (const [name, address] of [
      ["registry", registryAddress],
      ["market", marketAddress],
    ] as const) {
      if (address === undefined) continue;
      if ((await provider.getCode(address)) === "0x") {
        throw new UnknownDeploymentError(
          `there is no ${name} contract at ${address} on chain ${chainId}: wrong address or wrong network`,
          { name, address, chainId },
        );
      }
    }
    const registry = LicenseRegistry__factory.connect(registryAddress, runner);
    const market =
      marketAddress === undefined
        ? undefined
        : LicenseMarket__factory.connect(marketAddress, runner);
    const fromBlock =
      options.fromBlock ??
      (options.registry === undefined ? (record?.contracts.LicenseRegistry.block ?? 0) : 0);
    const sameAs = (a: string | undefined, b: string | undefined) =>
      a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
    const fromBook =
      record !== undefined &&
      sameAs(registryAddress, record.contracts.LicenseRegistry.address) &&
      (marketAddress === undefined ||
        sameAs(marketAddress, record.contracts.LicenseMarket?.address));
    const trust =
      options.trusted ??
      (fromBook && record !== undefined
        ? trustFromRecord(
            record,
            options.trustSource ??
              (typeof options.deployment === "string"
                ? `the address book ${options.deployment}.json in ${options.deploymentsDir ?? DEFAULT_DEPLOYMENTS_DIR}`
                : `the deployment record of ${record.network}`),
          )
        : trustAddresses({
            chainId,
            network: record?.network ?? `chain-${chainId}`,
            registry: registryAddress,
            market: marketAddress ?? null,
            fromBlock,
            source: options.trustSource ?? "the addresses given to LicenseLedger.connect",
          }));
    return new LicenseLedger(runner, registry, market, chainId, fromBlock, trust);
  }

  // ------------------------------------------------------------------ roles

  /** Grants a registry role (the admin only): publishers register products, and so on. */
  async grantRole(role: RoleName, account: string): Promise<Sent> {
    return this.send(`granting the ${role} role to ${account}`, () =>
      this.registry.grantRole(ROLE_OF[role], account),
    );
  }

  /** Revokes a registry role (the admin only). */
  async revokeRole(role: RoleName, account: string): Promise<Sent> {
    return this.send(`revoking the ${role} role of ${account}`, () =>
      this.registry.revokeRole(ROLE_OF[role], account),
    );
  }

  async hasRole(role: RoleName, account: string): Promise<boolean> {
    return this.read(`reading the roles of ${account}`, () =>
      this.registry.hasRole(ROLE_OF[role], account),
    );
  }

  // ------------------------------------------------------------------ products

  async registerProduct(
    terms: ProductTerms,
    metadataURI: string,
  ): Promise<Sent & { productId: bigint }> {
    const sent = await this.send("registering a product", () =>
      this.registry.registerProduct(terms, metadataURI),
    );
    return { ...sent, productId: this.eventArg(sent, "ProductRegistered", "productId") };
  }

  async registerProductForPublisher(
    publisher: string,
    terms: ProductTerms,
    metadataURI: string,
  ): Promise<Sent & { productId: bigint }> {
    const sent = await this.send("registering a product for a publisher", () =>
      this.registry.registerProductForPublisher(publisher, terms, metadataURI),
    );
    return { ...sent, productId: this.eventArg(sent, "ProductRegistered", "productId") };
  }

  async setIssuer(productId: bigint, issuer: string, kind: IssuerKindName): Promise<Sent> {
    return this.send(`authorising ${issuer} on product ${productId}`, () =>
      this.registry.setIssuer(productId, issuer, ISSUER_KINDS.indexOf(kind)),
    );
  }

  async getProduct(productId: bigint): Promise<Product> {
    const p = await this.read(`reading product ${productId}`, () =>
      this.registry.getProduct(productId),
    );
    return {
      productId,
      controller: p.controller,
      pendingController: p.pendingController,
      terms: {
        validityDays: Number(p.terms.validityDays),
        maxSeatsPerLicense: Number(p.terms.maxSeatsPerLicense),
        transferable: p.terms.transferable,
        splittable: p.terms.splittable,
        attestationRequired: p.terms.attestationRequired,
      },
      licensesIssued: p.licensesIssued,
      closed: p.closed,
      registeredByOperator: p.registeredByOperator,
      metadataURI: p.metadataURI,
    };
  }

  // ------------------------------------------------------------------ issuance

  /** Issues one license; picks `issue`, `issueWithEvidence` or `issueWithKey` from the params. */
  async issue(params: IssueParams): Promise<Sent & { licenseId: bigint }> {
    const { productId, holder } = params;
    const seats = BigInt(params.seats);
    const validUntil = BigInt(params.validUntil ?? 0);
    const commitment =
      params.keyCommitment ??
      (params.licenseKey === undefined ? undefined : keyCommitment(productId, params.licenseKey));
    const evidence = params.originEvidence ?? ZeroHash;
    const sent = await this.send(`issuing a license of product ${productId} to ${holder}`, () =>
      commitment !== undefined
        ? this.registry.issueWithKey(productId, holder, seats, validUntil, commitment, evidence)
        : evidence !== ZeroHash
          ? this.registry.issueWithEvidence(productId, holder, seats, validUntil, evidence)
          : this.registry.issue(productId, holder, seats, validUntil),
    );
    return { ...sent, licenseId: this.eventArg(sent, "LicenseIssued", "licenseId") };
  }

  /** Issues many licenses of one product in one transaction (ids are consecutive). */
  async issueBatch(
    productId: bigint,
    requests: Omit<IssueParams, "productId">[],
  ): Promise<Sent & { licenseIds: bigint[] }> {
    const encoded = requests.map((r) => ({
      holder: r.holder,
      seats: BigInt(r.seats),
      validUntil: BigInt(r.validUntil ?? 0),
      keyCommitment:
        r.keyCommitment ??
        (r.licenseKey === undefined ? ZeroHash : keyCommitment(productId, r.licenseKey)),
      originEvidence: r.originEvidence ?? ZeroHash,
    }));
    const sent = await this.send(
      `issuing ${requests.length} licenses of product ${productId}`,
      () => this.registry.issueBatch(productId, encoded),
    );
    return { ...sent, licenseIds: this.eventArgs(sent, "LicenseIssued", "licenseId") };
  }

  /**
   * Issues many licenses of one product from rows (a CSV, say) in `issueBatch` transactions of
   * `chunkSize` rows, journaled: rerunning with the same journal after a crash issues only what
   * is missing, never a row twice. Returns the ids in row order. Each transaction's journal key
   * includes a digest of its rows, so a rerun must pass the same rows and `chunkSize` (fixed
   * dates, not "90 days from now"); other rows against an old journal are refused.
   */
  async issueMany(
    productId: bigint,
    rows: Omit<IssueParams, "productId">[],
    options: BatchOptions & { chunkSize?: number },
  ): Promise<BatchResult & { licenseIds: bigint[] }> {
    const chunkSize = Math.max(1, options.chunkSize ?? 100);
    const steps: BatchStep[] = [];
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize).map((r) => ({
        holder: r.holder,
        seats: BigInt(r.seats),
        validUntil: BigInt(r.validUntil ?? 0),
        keyCommitment:
          r.keyCommitment ??
          (r.licenseKey === undefined ? ZeroHash : keyCommitment(productId, r.licenseKey)),
        originEvidence: r.originEvidence ?? ZeroHash,
      }));
      const end = start + chunk.length;
      const digest = keccak256(
        toUtf8Bytes(
          JSON.stringify(chunk, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
        ),
      ).slice(2, 18);
      steps.push({
        key: `issue:${productId}:rows ${start + 1}-${end}:${digest}`,
        description: `issuing rows ${start + 1}-${end} as licenses of product ${productId}`,
        request: () => this.registry.issueBatch.populateTransaction(productId, chunk),
      });
    }
    const result = await runBatch(this.signer(), steps, options);
    const licenseIds = result.receipts.flatMap((receipt) =>
      this.logArgs(receipt.logs, "LicenseIssued", "licenseId"),
    );
    return { ...result, licenseIds };
  }

  /**
   * Transfers many licenses (each released with its declaration where one is given), journaled.
   * A step without a declaration moves the license from its holder at the time the step is first
   * sent; the journal keeps that call, so a rerun after the move recognises the mined transfer
   * instead of rebuilding the call from the new holder.
   */
  async transferMany(
    items: { licenseId: bigint; to: string; declarationHash?: string }[],
    options: BatchOptions,
  ): Promise<BatchResult> {
    const steps: BatchStep[] = items.map((item) => ({
      key: `transfer:${item.licenseId}:${item.to.toLowerCase()}:${(item.declarationHash ?? ZeroHash).slice(0, 18)}`,
      description: `transferring license ${item.licenseId} to ${item.to}`,
      request: async () =>
        item.declarationHash !== undefined && item.declarationHash !== ZeroHash
          ? this.registry.releaseAndTransfer.populateTransaction(
              item.to,
              item.licenseId,
              item.declarationHash,
            )
          : this.registry.transferFrom.populateTransaction(
              await this.transferableHolder(item.licenseId),
              item.to,
              item.licenseId,
            ),
    }));
    return runBatch(this.signer(), steps, options);
  }

  /**
   * The holder of a license about to move by `transferFrom`. A license of a non-transferable
   * product is never released, so the registry would refuse it as not released: this says why.
   */
  private async transferableHolder(licenseId: bigint): Promise<string> {
    const license = await this.getLicense(licenseId);
    if (!license.transferable) throw contractRefusal("LicenseNotTransferable", [licenseId]);
    return license.holder;
  }

  /** Revokes many licenses (reason code and evidence each), journaled. */
  async revokeMany(
    items: { licenseId: bigint; reasonCode: number; evidenceHash: string }[],
    options: BatchOptions,
  ): Promise<BatchResult> {
    const steps: BatchStep[] = items.map((item) => ({
      key: `revoke:${item.licenseId}:${item.reasonCode}:${item.evidenceHash.slice(0, 18)}`,
      description: `revoking license ${item.licenseId}`,
      request: () =>
        this.registry.revoke.populateTransaction(
          item.licenseId,
          item.reasonCode,
          item.evidenceHash,
        ),
    }));
    return runBatch(this.signer(), steps, options);
  }

  // ------------------------------------------------------------------ holder actions

  /** Records the holder's declaration (its hash) and releases the license for resale. */
  async release(licenseId: bigint, declarationHash: string): Promise<Sent> {
    return this.send(`releasing license ${licenseId}`, () =>
      this.registry.release(licenseId, declarationHash),
    );
  }

  async withdrawRelease(licenseId: bigint): Promise<Sent> {
    return this.send(`withdrawing the release of license ${licenseId}`, () =>
      this.registry.withdrawRelease(licenseId),
    );
  }

  /**
   * Transfers a license to `to`. With a declaration hash it releases and transfers in one call
   * (`releaseAndTransfer`); without, the license must already be released (and attested where
   * its product requires it) and moves with `transferFrom`.
   */
  async transfer(licenseId: bigint, to: string, declarationHash?: string): Promise<Sent> {
    const doing = `transferring license ${licenseId} to ${to}`;
    if (declarationHash !== undefined && declarationHash !== ZeroHash) {
      return this.send(doing, () =>
        this.registry.releaseAndTransfer(to, licenseId, declarationHash),
      );
    }
    const holder = await this.read(doing, () => this.registry.ownerOf(licenseId));
    return this.send(doing, () => this.registry.transferFrom(holder, to, licenseId));
  }

  /** Splits a volume license; returns the children's ids. */
  async split(
    licenseId: bigint,
    seats: (bigint | number)[],
  ): Promise<Sent & { childIds: bigint[] }> {
    const sent = await this.send(`splitting license ${licenseId}`, () =>
      this.registry.split(
        licenseId,
        seats.map((n) => BigInt(n)),
      ),
    );
    return { ...sent, childIds: this.eventArgs(sent, "LicenseSplit", "childId") };
  }

  async surrender(licenseId: bigint): Promise<Sent> {
    return this.send(`surrendering license ${licenseId}`, () => this.registry.surrender(licenseId));
  }

  // ------------------------------------------------------------------ controller and arbiter

  async attestDeactivation(licenseId: bigint, evidenceHash: string): Promise<Sent> {
    return this.send(`attesting the deactivation of license ${licenseId}`, () =>
      this.registry.attestDeactivation(licenseId, evidenceHash),
    );
  }

  /** Revokes for good; reason codes: 1 refund, 2 fraud, 3 court order, 4 publisher error. */
  async revoke(licenseId: bigint, reasonCode: number, evidenceHash: string): Promise<Sent> {
    return this.send(`revoking license ${licenseId}`, () =>
      this.registry.revoke(licenseId, reasonCode, evidenceHash),
    );
  }

  async suspend(licenseId: bigint, evidenceHash: string): Promise<Sent> {
    return this.send(`suspending license ${licenseId}`, () =>
      this.registry.suspend(licenseId, evidenceHash),
    );
  }

  async reinstate(licenseId: bigint, reasonHash: string = ZeroHash): Promise<Sent> {
    return this.send(`reinstating license ${licenseId}`, () =>
      this.registry.reinstate(licenseId, reasonHash),
    );
  }

  // ------------------------------------------------------------------ queries

  /** The license as the registry stores it (at `atBlock`, when given: the node must keep that
   * block's state). */
  async getLicense(licenseId: bigint, atBlock?: number): Promise<License> {
    const v = await this.read(`reading license ${licenseId}`, () =>
      atBlock === undefined
        ? this.registry.getLicense(licenseId)
        : this.registry.getLicense(licenseId, { blockTag: atBlock }),
    );
    return {
      licenseId,
      productId: v.productId,
      holder: v.holder,
      seats: v.seats,
      validUntil: v.validUntil,
      moves: v.moves,
      firstSaleRegion: FIRST_SALE_REGIONS[Number(v.firstSaleRegion)] ?? "unrecorded",
      exhausted: v.exhausted,
      suspensionLapsesAt: v.suspensionLapsesAt,
      declarationSufficesAt: v.declarationSufficesAt,
      status: LICENSE_STATUSES[Number(v.status)] ?? "active",
      suspended: v.suspended,
      attested: v.attested,
      expired: v.expired,
      valid: v.valid,
      transferable: v.transferable,
      splittable: v.splittable,
      attestationRequired: v.attestationRequired,
    };
  }

  async isValid(licenseId: bigint): Promise<boolean> {
    return this.read(`checking license ${licenseId}`, () => this.registry.isValid(licenseId));
  }

  async isValidFor(licenseId: bigint, holder: string): Promise<boolean> {
    return this.read(`checking license ${licenseId}`, () =>
      this.registry.isValidFor(licenseId, holder),
    );
  }

  /** The license a license key (or its commitment) is bound to, or `undefined`. */
  async licenseOfKey(
    productId: bigint,
    key: { licenseKey: string } | { keyCommitment: string },
  ): Promise<bigint | undefined> {
    const commitment =
      "licenseKey" in key ? keyCommitment(productId, key.licenseKey) : key.keyCommitment;
    const licenseId = await this.read(`looking up a license key of product ${productId}`, () =>
      this.registry.licenseOfKey(productId, commitment),
    );
    return licenseId === 0n ? undefined : licenseId;
  }

  /**
   * The live licenses a license key now stands for: the license it was issued with or, once that
   * was split, its descendants that have not been split in turn (each with its holder, seats and
   * state), found by following the `LicenseSplit` events from the logs. An activation server
   * accepts the key for any of them that is valid for the customer. Done here rather than in the
   * registry: recording children under the key on chain would cost every split of a keyed
   * license a new storage slot (22,100 gas) and the registry has no room left for it. Empty when
   * no license is bound to the key; at most `MAX_KEY_DESCENDANTS` licenses.
   */
  async liveLicensesOfKey(
    productId: bigint,
    key: { licenseKey: string } | { keyCommitment: string },
  ): Promise<License[]> {
    const root = await this.licenseOfKey(productId, key);
    if (root === undefined) return [];
    const live: License[] = [];
    const queue = [root];
    let seen = 0;
    while (queue.length > 0) {
      const licenseId = queue.shift()!;
      if (++seen > MAX_KEY_DESCENDANTS) {
        throw new LedgerError(
          "KeyLineageTooLarge",
          `the license key of product ${productId} stands for more than ${MAX_KEY_DESCENDANTS} licenses after its splits: look them up by id`,
          { productId, licenseId: root },
        );
      }
      const license = await this.getLicense(licenseId);
      if (license.status !== "split") {
        live.push(license);
        continue;
      }
      const events = await this.history(licenseId);
      for (const e of events) {
        if (e.event === "LicenseSplit" && e.licenseId === licenseId) {
          queue.push(e.args.childId as bigint);
        }
      }
    }
    return live;
  }

  /**
   * The licenses `account` holds now, found from the registry's `Transfer` logs to it (paged by
   * `pageSize` blocks), each confirmed against `ownerOf`. Includes ended licenses still recorded
   * with it; filter on `status` / `valid` as needed.
   */
  async holdingsOf(
    account: string,
    options: { fromBlock?: number; toBlock?: number; pageSize?: number } = {},
  ): Promise<License[]> {
    const provider = this.provider();
    const filter = this.registry.filters.Transfer(undefined, account);
    const topics = await filter.getTopicFilter();
    const logs = await getLogsPaged(
      provider,
      { address: await this.registry.getAddress(), topics },
      options.fromBlock ?? this.fromBlock,
      options.toBlock ?? (await provider.getBlockNumber()),
      options.pageSize ?? Number.MAX_SAFE_INTEGER,
    );
    const candidates = [...new Set(logs.map((log) => BigInt(log.topics[3] ?? "0x0")))].sort(
      (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    );
    const held: License[] = [];
    // Confirm each candidate against the registry, a few requests at a time.
    for (let i = 0; i < candidates.length; i += HOLDINGS_CONCURRENCY) {
      const licenses = await Promise.all(
        candidates.slice(i, i + HOLDINGS_CONCURRENCY).map((id) => this.getLicense(id)),
      );
      for (const license of licenses) {
        if (license.holder.toLowerCase() === account.toLowerCase()) held.push(license);
      }
    }
    return held;
  }

  /**
   * The recorded life of a license from the logs alone, oldest first: when it was split from a
   * volume license, its parents' events up to the split come first (`licenseId` on each event
   * says whose it is), then its own. Sales on the market appear as `LicenseSold` with price and
   * currency next to the `Transfer` of the same transaction.
   */
  async history(
    licenseId: bigint,
    options: { fromBlock?: number; toBlock?: number; pageSize?: number; stats?: ScanStats } = {},
  ): Promise<HistoryEvent[]> {
    return (await this.historyWithProduct(licenseId, options)).events;
  }

  /**
   * `history`, and the events of the license's product (registration, terms, control handovers,
   * issuers) up to the same block, from the same scan.
   */
  async historyWithProduct(
    licenseId: bigint,
    options: { fromBlock?: number; toBlock?: number; pageSize?: number; stats?: ScanStats } = {},
  ): Promise<LicenseScan> {
    const provider = this.provider();
    const toBlock =
      options.toBlock ??
      (await this.read("reading the latest block", () => provider.getBlockNumber()));
    const range = {
      fromBlock: options.fromBlock ?? this.fromBlock,
      toBlock,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.stats === undefined ? {} : { stats: options.stats }),
    };
    const registry = await this.registry.getAddress();
    const market = this.market === undefined ? undefined : await this.market.getAddress();
    const commitments = await this.commitmentsAddress();
    const own = await this.read(`reading the history of license ${licenseId}`, () =>
      scanLicense(provider, registry, market, licenseId, {
        ...range,
        ...(commitments === undefined ? {} : { commitments }),
      }),
    );
    const birth = own.events.find(
      (e) => e.event === "LicenseSplit" && e.args.childId === licenseId,
    );
    if (birth === undefined) return own;
    const parentId = birth.args.parentId as bigint;
    const parent = await this.historyWithProduct(parentId, {
      ...options,
      toBlock: birth.blockNumber,
    });
    const upToSplit = parent.events.filter(
      (e) =>
        e.blockNumber < birth.blockNumber ||
        (e.blockNumber === birth.blockNumber && e.logIndex <= birth.logIndex),
    );
    const beforeBirth = upToSplit.filter(
      (e) =>
        !(e.event === "LicenseSplit" && e.licenseId === parentId && e.args.childId !== licenseId),
    );
    return {
      events: [...beforeBirth, ...own.events.filter((e) => e !== birth)],
      product: own.product,
    };
  }

  // ------------------------------------------------------------------ chain of title

  /**
   * The chain of title of a license from the logs alone (see `title.ts`): every step from the
   * issuance of its oldest split parent to `atBlock` (or `atTime`; default: the latest block),
   * the holder periods, the lineage, and the license's and product's state as of that block.
   * Throws `LicenseNotIssued` when the license did not exist at that block.
   */
  async chainOfTitle(licenseId: bigint, options: ChainOfTitleOptions = {}): Promise<ChainOfTitle> {
    return rebuildChainOfTitleAt(this, licenseId, options);
  }

  /** Who held `licenseId` at a block or time (`undefined`: it did not exist yet). */
  async holderAt(licenseId: bigint, at: PointInTime): Promise<string | undefined> {
    return holderFromLogs(this, licenseId, at);
  }

  /** The licenses `account` held at a block or time, in id order (ended ones included). */
  async licensesHeldAt(account: string, at: PointInTime): Promise<bigint[]> {
    return holdingsFromLogs(this, account, at);
  }

  /**
   * A certificate of title (schema v2) for `licenseId`, drawn at `atBlock`: by default the
   * finalized block on public networks (a reorganisation cannot undo it) and the latest block on
   * local chains. It names this client's deployment (`trust`): its network and currencies.
   */
  async certificate(licenseId: bigint, options: CertificateOptions = {}): Promise<Certificate> {
    const provider = this.provider();
    const wanted =
      options.atBlock ?? (LOCAL_CHAIN_IDS.includes(Number(this.chainId)) ? "latest" : "finalized");
    let atBlock: number | "latest" = wanted === "finalized" ? "latest" : wanted;
    if (wanted === "finalized") {
      let finalized: number | null;
      try {
        finalized = await finalizedBlock(provider);
      } catch (error) {
        throw new LedgerError(
          "LicenseNotFinal",
          `${error instanceof LedgerError ? error.message : "the node did not say which block is finalized"}: draw the certificate at the latest block instead (it verifies as "not final" until the network finalizes it)`,
          { licenseId },
          { cause: error },
        );
      }
      if (finalized !== null) atBlock = finalized;
    }
    try {
      const title = await this.chainOfTitle(licenseId, {
        ...(atBlock === "latest" ? {} : { atBlock }),
        ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      });
      return certificateFromTitle(title, this.trust);
    } catch (error) {
      if (
        wanted === "finalized" &&
        error instanceof LedgerError &&
        error.code === "LicenseNotIssued"
      ) {
        throw new LedgerError(
          "LicenseNotFinal",
          `license ${licenseId} did not exist yet at block ${String(atBlock)}, the last block the network has finalized: wait until it is final, or draw the certificate at the latest block (a certificate that verifies as "not final" until then)`,
          { licenseId, finalizedBlock: atBlock },
          { cause: error },
        );
      }
      throw error;
    }
  }

  /**
   * Verifies a certificate against this client's deployment (`trust`): see `LicenseLedger.verify`
   * for the verdicts. A certificate naming another registry or market is `not-official`.
   */
  async verifyCertificate(
    cert: AnyCertificate,
    options: VerifyOptions = {},
  ): Promise<CertificateVerdict> {
    const provider = this.provider();
    return verifyWithTrust(
      provider,
      cert,
      [this.trust],
      (trusted) => LicenseLedger.reader(provider, trusted),
      options,
    );
  }

  /**
   * Verifies a certificate (its JSON text or PDF bytes, or the parsed certificate) on `provider`
   * against trusted deployments: by default the address books this package ships for the chain
   * id the node reports; a trust file or an explicit list for a private deployment. Never against
   * what the certificate says about itself. A PDF must also be exactly the drawing of the
   * certificate it carries. Returns the verdict (`current`, `superseded`, `not-final`,
   * `not-genuine`, `not-official`; `VERDICT_EXIT_CODES` maps each to an exit code).
   */
  static async verify(
    provider: Provider,
    input: AnyCertificate | Uint8Array | string,
    options: TrustOptions & VerifyOptions = {},
  ): Promise<CertificateVerdict> {
    const { cert, pdf } = await readCertificateInput(input);
    const chainId = (await provider.getNetwork()).chainId;
    const trusted =
      options.trusted ??
      (options.trustFile !== undefined
        ? [readTrustFile(options.trustFile)]
        : officialDeployments(chainId, options.deploymentsDir));
    const verdict = await verifyWithTrust(
      provider,
      cert,
      trusted,
      (t) => LicenseLedger.reader(provider, t),
      options,
    );
    if (pdf !== undefined && verdict.genuine) {
      // Drawn only for a certificate the official ledger bears out: the drawing costs time in
      // proportion to the history, which a forger's certificate must not be able to buy.
      if (cert.version === 1) {
        verdict.pages = "unchecked";
        verdict.genuine = false;
        verdict.differences.unshift(
          "its pages cannot be checked: a version 1 PDF is not drawn the way this release draws, so what its pages show is not vouched for; verify its JSON, or ask for a version 2 certificate (the pages)",
        );
        verdict.verdict = "not-genuine";
      } else if (await pdfShowsCertificate(pdf, cert)) {
        verdict.pages = "checked";
      } else {
        verdict.pages = "differs";
        verdict.genuine = false;
        verdict.differences.unshift(
          "its pages do not show the certificate it carries: the PDF is not the drawing License Ledger makes of its embedded certificate, so what a reader sees on its pages was edited or redrawn (the pages)",
        );
        if (verdict.verdict !== "not-official") verdict.verdict = "not-genuine";
      }
    }
    return verdict;
  }

  /** The exit code of a verdict (0 current, 1 not genuine, 2 not official, 3 superseded, 4 not
   * final). */
  static exitCodeOf(verdict: CertificateVerdict): number {
    return VERDICT_EXIT_CODES[verdict.verdict];
  }

  /** A reading client on a trusted deployment (no checks beyond the trust's own). */
  static async reader(provider: Provider, trusted: TrustedDeployment): Promise<LicenseLedger> {
    return LicenseLedger.connect(provider, {
      registry: trusted.registry,
      ...(trusted.market === null ? {} : { market: trusted.market }),
      fromBlock: trusted.fromBlock,
      trusted,
    });
  }

  // ------------------------------------------------------------------ market

  /** Approves (or withdraws) the market as operator of all the caller's licenses. */
  async approveMarket(approved = true): Promise<Sent> {
    const market = this.requireMarket();
    return this.send(
      approved ? "approving the market" : "withdrawing the market's approval",
      async () => this.registry.setApprovalForAll(await market.getAddress(), approved),
    );
  }

  /** Approves the market to spend `amount` of an ERC-20 token for the caller. */
  async approveToken(token: string, amount: bigint): Promise<Sent> {
    const market = this.requireMarket();
    return this.send(`approving the market to spend ${amount} of ${token}`, async () =>
      (
        new Contract(token, ERC20_APPROVE, this.runner) as Contract & {
          approve: (spender: string, value: bigint) => Promise<ContractTransactionResponse>;
        }
      ).approve(await market.getAddress(), amount),
    );
  }

  /** What a buyer pays for a sell order of `price` now, and the fee in it. */
  async quote(price: bigint): Promise<{ total: bigint; fee: bigint }> {
    const market = this.requireMarket();
    const [total, fee] = await this.read("quoting a price", () => market.quote(price));
    return { total, fee };
  }

  /** Signs a sell order as the connected signer (the license's holder); costs no gas. */
  async signSellOrder(params: SellOrderParams): Promise<Signed<SellOrder>> {
    const { signer, maker, licenseMoves, counter, expiry, domain } = await this.orderBasics(
      params.licenseId,
      params.expiry,
    );
    const order: SellOrder = {
      seller: maker,
      licenseId: params.licenseId,
      licenseMoves,
      currency: params.currency ?? ETH,
      price: params.price,
      expiry,
      nonce: params.nonce,
      counter,
      declarationHash: params.declarationHash ?? ZeroHash,
    };
    return { order, signature: await signer.signTypedData(domain, SELL_ORDER_TYPES, order) };
  }

  /** Signs a buy offer (ERC-20) as the connected signer; costs no gas. */
  async signBuyOffer(params: BuyOfferParams): Promise<Signed<BuyOffer>> {
    const { signer, maker, licenseMoves, counter, expiry, domain } = await this.orderBasics(
      params.licenseId,
      params.expiry,
    );
    const offer: BuyOffer = {
      buyer: maker,
      licenseId: params.licenseId,
      licenseMoves,
      currency: params.currency,
      price: params.price,
      expiry,
      nonce: params.nonce,
      counter,
    };
    return { order: offer, signature: await signer.signTypedData(domain, BUY_OFFER_TYPES, offer) };
  }

  /** What every signed order takes from the chain: the license's move count, the maker's
   * counter, the expiry (default 30 days from the chain's time) and the market's domain. */
  private async orderBasics(licenseId: bigint, expiry: bigint | undefined) {
    const market = this.requireMarket();
    const signer = this.signer();
    const maker = await signer.getAddress();
    const [, licenseMoves] = await this.read(`reading license ${licenseId}`, () =>
      this.registry.holdingOf(licenseId),
    );
    return {
      signer,
      maker,
      licenseMoves,
      counter: await market.counterOf(maker),
      expiry: expiry ?? (await this.now()) + DEFAULT_ORDER_LIFETIME,
      domain: marketDomain(this.chainId, await market.getAddress()),
    };
  }

  /**
   * Buys a license from a signed sell order. Pays the current quote; `maxTotal` (default: that
   * quote) bounds what may be paid if the fee rises before the transaction lands.
   */
  async buy(
    signed: Signed<SellOrder>,
    options: { maxTotal?: bigint } = {},
  ): Promise<Sent & { total: bigint }> {
    const market = this.requireMarket();
    const { total } = await this.quote(signed.order.price);
    const maxTotal = options.maxTotal ?? total;
    const value = signed.order.currency === ETH ? total : 0n;
    const sent = await this.send(`buying license ${signed.order.licenseId}`, () =>
      market.buy(signed.order, signed.signature, maxTotal, { value }),
    );
    return { ...sent, total };
  }

  /** Buys several licenses in one transaction, all or nothing. */
  async buyBatch(orders: Signed<SellOrder>[]): Promise<Sent & { totalEther: bigint }> {
    const market = this.requireMarket();
    const purchases: ILicenseMarket.PurchaseStruct[] = [];
    let totalEther = 0n;
    for (const signed of orders) {
      const { total } = await this.quote(signed.order.price);
      if (signed.order.currency === ETH) totalEther += total;
      purchases.push({ order: signed.order, signature: signed.signature, maxTotal: total });
    }
    const sent = await this.send(`buying ${orders.length} licenses`, () =>
      market.buyBatch(purchases, { value: totalEther }),
    );
    return { ...sent, totalEther };
  }

  /**
   * Sells the caller's license to a signed buy offer, releasing it with `declarationHash`.
   * `minProceeds` (default: the offer's price less today's fee) bounds a fee raised meanwhile.
   */
  async acceptOffer(
    signed: Signed<BuyOffer>,
    declarationHash: string,
    options: { minProceeds?: bigint } = {},
  ): Promise<Sent> {
    const market = this.requireMarket();
    // By default the seller accepts no less than the offer pays at today's fee.
    const minProceeds =
      options.minProceeds ?? signed.order.price - (await this.quote(signed.order.price)).fee;
    return this.send(`selling license ${signed.order.licenseId} to ${signed.order.buyer}`, () =>
      market.acceptOffer(signed.order, signed.signature, declarationHash, minProceeds),
    );
  }

  async cancelOrders(nonces: bigint[]): Promise<Sent> {
    const market = this.requireMarket();
    return this.send(`cancelling orders ${nonces.join(", ")}`, () => market.cancelOrders(nonces));
  }

  async cancelAllOrders(): Promise<Sent> {
    const market = this.requireMarket();
    return this.send("cancelling all orders", () => market.cancelAllOrders());
  }

  /** The ETH the market owes `account` (fees, refused payments). */
  async owed(account: string): Promise<bigint> {
    const market = this.requireMarket();
    return this.read("reading what the market owes", () => market.owed(account));
  }

  /** Withdraws what the market owes the caller, to itself or to `to`. */
  async withdraw(to?: string): Promise<Sent> {
    const market = this.requireMarket();
    return this.send("withdrawing from the market", () =>
      to === undefined ? market.withdraw() : market.withdrawTo(to),
    );
  }

  /** Whether `maker`'s nonce was filled or cancelled. */
  async isNonceUsed(maker: string, nonce: bigint): Promise<boolean> {
    const market = this.requireMarket();
    return this.read("reading a nonce", () => market.isNonceUsed(maker, nonce));
  }

  // ------------------------------------------------------------------ plumbing

  // ------------------------------------------------------------------ committed runs

  private commitmentsModule: Promise<ILicenseCommitments> | undefined;

  /**
   * The registry's committed-issuance module, at the address the registry itself names
   * (`registry.commitments()`), never one taken from a file or a certificate.
   */
  async commitments(): Promise<ILicenseCommitments> {
    this.commitmentsModule ??= commitmentsOf(this.registry.target.toString(), this.runner);
    try {
      return await this.commitmentsModule;
    } catch (error) {
      this.commitmentsModule = undefined;
      throw error;
    }
  }

  /**
   * Commits a run built with `buildRunFromCsv` (or checked with `verifyLeavesFile`): one
   * transaction, whatever the run's size, recording its root and the published leaves file's URI
   * and SHA-256. Refused before anything is sent if the product's next license id is no longer
   * the first id the tree was built for (see `checkFirstLicenseId`); and should a license be
   * issued between that check and the commit's block, the commit is reported as unusable.
   */
  async commitRun(
    run: RunToCommit,
    leavesURI: string,
  ): Promise<Sent & { runId: bigint; firstLicenseId: bigint }> {
    const product = await this.getProduct(run.productId);
    checkFirstLicenseId(run, product.licensesIssued);
    const module = await this.commitments();
    const sent = await this.send(
      `committing a run of ${run.leafCount} licenses of product ${run.productId}`,
      () => module.commit(run.productId, run.root, run.leafCount, leavesURI, run.leavesHash),
    );
    const committed = runCommittedIn(module, sent.receipt.logs);
    if (committed === undefined)
      throw new LedgerError("MissingEvent", `transaction ${sent.hash} emitted no RunCommitted`);
    if (committed.firstLicenseId !== run.firstLicenseId)
      throw new LedgerError(
        "RunFirstIdMoved",
        `run ${committed.runId} was committed in ${sent.hash}, but a license of product ${run.productId} was issued between the check and the commit: the run reserved the ids from ${committed.firstLicenseId} while the tree names them from ${run.firstLicenseId}, so its leaves cannot be claimed. Build the tree again for the product's next id and commit it anew`,
        { runId: committed.runId, reserved: committed.firstLicenseId, built: run.firstLicenseId },
      );
    return { ...sent, ...committed };
  }

  /**
   * The commitments module's address, or undefined for a registry that predates committed runs
   * (its code has no `commitments()`): a chain of title then has no commit steps to look for.
   */
  private async commitmentsAddress(): Promise<string | undefined> {
    try {
      return (await this.commitments()).target.toString();
    } catch (error) {
      if (error instanceof LedgerError && error.code === "NoCommitments") return undefined;
      throw error;
    }
  }

  /** A committed run. */
  async getRun(runId: bigint): Promise<CommittedRun> {
    const module = await this.commitments();
    const run = await this.read(`reading run ${runId}`, () => module.getRun(runId));
    return runFromChain(runId, run);
  }

  /** How many runs were committed (run ids are 1 to this count). */
  async runCount(): Promise<bigint> {
    const module = await this.commitments();
    return this.read("reading the number of runs", () => module.runCount());
  }

  /** The run that holds `licenseId`, if any (newest runs are looked at first). */
  async runOfLicense(licenseId: bigint): Promise<CommittedRun | undefined> {
    for (let runId = await this.runCount(); runId > 0n; runId--) {
      const run = await this.getRun(runId);
      if (run.productId !== productOf(licenseId)) continue;
      if (licenseId >= run.firstLicenseId && licenseId < run.firstLicenseId + run.leafCount)
        return run;
    }
    return undefined;
  }

  /**
   * Claims one leaf: the registry issues its license to the leaf's holder (never to the caller,
   * who may be anyone: the holder, a dealer, an activation server). The proof is checked
   * against the run's root before anything is sent.
   */
  async claim(runId: bigint, claim: LeafClaim): Promise<Sent & { licenseId: bigint }> {
    checkClaimOffline(await this.getRun(runId), claim);
    const module = await this.commitments();
    const sent = await this.send(
      `claiming license ${claim.leaf.licenseId} of run ${runId} for ${claim.leaf.holder}`,
      () => module.claim(runId, leafStruct(claim.leaf), [...claim.proof]),
    );
    return { ...sent, licenseId: claim.leaf.licenseId };
  }

  /**
   * Claims many leaves of one run, `perTransaction` at a time (each transaction all or nothing),
   * one transaction after the other. Every proof is checked before the first is sent.
   */
  async claimMany(
    runId: bigint,
    claims: readonly LeafClaim[],
    options: { perTransaction?: number; onSent?: (sent: Sent, done: number) => void } = {},
  ): Promise<{ sent: Sent[]; licenseIds: bigint[] }> {
    const perTransaction = options.perTransaction ?? DEFAULT_CLAIMS_PER_TRANSACTION;
    const run = await this.getRun(runId);
    for (const claim of claims) checkClaimOffline(run, claim);
    const module = await this.commitments();
    const sent: Sent[] = [];
    for (let i = 0; i < claims.length; i += perTransaction) {
      const chunk = claims.slice(i, i + perTransaction);
      const one = await this.send(
        `claiming ${chunk.length} licenses of run ${runId} (from ${chunk[0]!.leaf.licenseId})`,
        () =>
          module.claimBatch(
            runId,
            chunk.map((c) => leafStruct(c.leaf)),
            chunk.map((c) => [...c.proof]),
          ),
      );
      sent.push(one);
      options.onSent?.(one, i + chunk.length);
    }
    return { sent, licenseIds: claims.map((c) => c.leaf.licenseId) };
  }

  /**
   * What the chain says of a leaf and its proof, without a transaction (for an activation
   * server): "claimable", "claimed", "revoked", or "invalid" (no such run, an id outside it, or
   * a leaf or proof that does not lead to its root).
   */
  async checkLeaf(runId: bigint, claim: LeafClaim): Promise<LeafStatusName> {
    const module = await this.commitments();
    const status = await this.read(`checking license ${claim.leaf.licenseId} of run ${runId}`, () =>
      module.checkLeaf(runId, leafStruct(claim.leaf), [...claim.proof]),
    );
    return LEAF_STATUSES[Number(status)] ?? "invalid";
  }

  /** Revokes an unclaimed leaf (the product's controller only), with a reason and evidence. */
  async revokeLeaf(
    runId: bigint,
    licenseId: bigint,
    reasonCode: number,
    evidenceHash: string,
  ): Promise<Sent> {
    const module = await this.commitments();
    return this.send(`revoking license ${licenseId} of run ${runId}`, () =>
      module.revokeLeaf(runId, licenseId, reasonCode, evidenceHash),
    );
  }

  /**
   * Revokes every unclaimed leaf of a run at once (the product's controller, with a reason and
   * evidence): the remedy against a run an issuer should not have committed, or whose key leaked.
   * Licenses already claimed from it are untouched.
   */
  async revokeRun(runId: bigint, reasonCode: number, evidenceHash: string): Promise<Sent> {
    const module = await this.commitments();
    return this.send(`revoking run ${runId}`, () =>
      module.revokeRun(runId, reasonCode, evidenceHash),
    );
  }

  /** The connected signer's address. */
  async account(): Promise<string> {
    return this.signer().getAddress();
  }

  private signer(): Signer {
    const runner = this.runner as Partial<Signer>;
    if (typeof runner.signTypedData !== "function" || typeof runner.getAddress !== "function") {
      throw new LedgerError(
        "NoSigner",
        "this needs a signer (an account), not a read-only provider",
      );
    }
    return runner as Signer;
  }

  private provider(): Provider {
    const provider = this.runner.provider;
    if (provider === null || provider === undefined) {
      throw new LedgerError("NoProvider", "the signer is not connected to a network");
    }
    return provider;
  }

  private requireMarket(): LicenseMarket {
    if (this.market === undefined) {
      throw new UnknownDeploymentError(
        "this deployment has no market: deploy it, or pass the market's address",
        {},
      );
    }
    return this.market;
  }

  private async now(): Promise<bigint> {
    const block = await this.provider().getBlock("latest");
    return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
  }

  private async read<T>(doing: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toLedgerError(error, doing);
    }
  }

  /** Sends a transaction (ethers estimates it first, so a refusal surfaces before sending). */
  private async send(
    doing: string,
    call: () => Promise<ContractTransactionResponse>,
  ): Promise<Sent> {
    if (typeof (this.runner as Partial<Signer>).sendTransaction !== "function") {
      throw new LedgerError(
        "NoSigner",
        `${doing} needs a signer (an account), not a read-only provider`,
      );
    }
    let account: string | undefined;
    try {
      account = await (this.runner as Partial<Signer>).getAddress?.();
      const response = await call();
      const receipt = await response.wait();
      if (receipt === null)
        throw new LedgerError("NoReceipt", `${doing}: no receipt for ${response.hash}`);
      return {
        hash: receipt.hash,
        blockNumber: receipt.blockNumber,
        gasUsed: receipt.gasUsed,
        receipt,
      };
    } catch (error) {
      throw toLedgerError(error, doing, account);
    }
  }

  private eventArgs(sent: Sent, event: string, arg: string): bigint[] {
    return this.logArgs(sent.receipt.logs, event, arg);
  }

  private logArgs(logs: readonly Log[], event: string, arg: string): bigint[] {
    const values: bigint[] = [];
    const registryAddress = this.registry.target.toString().toLowerCase();
    for (const log of logs) {
      if (log.address.toLowerCase() !== registryAddress) continue;
      const parsed = this.registry.interface.parseLog(log);
      if (parsed?.name === event) values.push(parsed.args.getValue(arg) as bigint);
    }
    return values;
  }

  private eventArg(sent: Sent, event: string, arg: string): bigint {
    const [value] = this.eventArgs(sent, event, arg);
    if (value === undefined) {
      throw new LedgerError("MissingEvent", `transaction ${sent.hash} emitted no ${event}`);
    }
    return value;
  }
}

/** Reads a certificate handed to `verify`: parsed already, JSON text, or the bytes of a PDF or
 * of JSON. */
async function readCertificateInput(
  input: AnyCertificate | Uint8Array | string,
): Promise<{ cert: AnyCertificate; pdf?: Uint8Array }> {
  if (typeof input === "string") return { cert: certificateFromJson(input) };
  if (input instanceof Uint8Array) {
    const isPdf = new TextDecoder("latin1").decode(input.subarray(0, 5)) === "%PDF-";
    if (isPdf) return { cert: await certificateFromPdf(input), pdf: input };
    return { cert: certificateFromJson(new TextDecoder("utf-8", { fatal: false }).decode(input)) };
  }
  return { cert: input };
}
