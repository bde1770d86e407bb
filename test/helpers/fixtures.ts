import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import type {
  LicenseMarket,
  LicenseRegistry,
  MockContractWallet,
  MockERC20,
  MockFeeOnTransferToken,
  MockReentrantToken,
  MockSellerWallet,
} from "../../typechain-types/index.js";
import {
  LicenseMarket__factory,
  LicenseRegistry__factory,
  MockContractWallet__factory,
  MockERC20__factory,
  MockFeeOnTransferToken__factory,
  MockReentrantToken__factory,
  MockSellerWallet__factory,
} from "../../typechain-types/index.js";
import {
  ADMIN_DELAY,
  ATTESTED_TERMS,
  EVIDENCE,
  IssuerKind,
  licenseIdOf,
  ROLES,
  SUBSCRIPTION_TERMS,
  TERM_TRANSFERABLE_TERMS,
  VOLUME_TERMS,
} from "./constants.js";
import { ethers } from "./network.js";

export interface Actors {
  admin: HardhatEthersSigner;
  publisher: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  pauser: HardhatEthersSigner;
  arbiter: HardhatEthersSigner;
  distributor: HardhatEthersSigner;
  dealer: HardhatEthersSigner;
  holder: HardhatEthersSigner;
  buyer: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  absentPublisher: HardhatEthersSigner;
}

export interface RegistryFixture extends Actors {
  registry: LicenseRegistry;
}

async function actors(): Promise<Actors> {
  const s = await ethers.getSigners();
  const at = (i: number): HardhatEthersSigner => {
    const signer = s[i];
    if (signer === undefined) throw new Error(`no signer ${i}`);
    return signer;
  };
  return {
    admin: at(0),
    publisher: at(1),
    operator: at(2),
    pauser: at(3),
    arbiter: at(4),
    distributor: at(5),
    dealer: at(6),
    holder: at(7),
    buyer: at(8),
    stranger: at(9),
    absentPublisher: at(10),
  };
}

/** A fresh registry with every role granted to its own account, and no products. */
export async function deployRegistryFixture(): Promise<RegistryFixture> {
  const a = await actors();
  const registry = await new LicenseRegistry__factory(a.admin).deploy(
    "License Ledger",
    "LICENSE",
    a.admin.address,
    ADMIN_DELAY,
  );
  await registry.grantRole(ROLES.PUBLISHER, a.publisher.address);
  await registry.grantRole(ROLES.OPERATOR, a.operator.address);
  await registry.grantRole(ROLES.PAUSER, a.pauser.address);
  await registry.grantRole(ROLES.ARBITER, a.arbiter.address);
  return { ...a, registry };
}

export interface ProductsFixture extends RegistryFixture {
  /** Perpetual, transferable, splittable, up to 500 seats: product 1. */
  volume: bigint;
  /** One-year, non-transferable subscription: product 2. */
  subscription: bigint;
  /** Perpetual, transferable, attestation required: product 3. */
  attested: bigint;
  /** 30-day term license the publisher lets holders resell: product 4. */
  term: bigint;
}

/** The registry with four products of the publisher; a distributor and an onboarding dealer
 * authorised on the volume product. */
export async function productsFixture(): Promise<ProductsFixture> {
  const f = await deployRegistryFixture();
  const { registry, publisher } = f;
  for (const terms of [VOLUME_TERMS, SUBSCRIPTION_TERMS, ATTESTED_TERMS, TERM_TRANSFERABLE_TERMS]) {
    await registry.connect(publisher).registerProduct(terms, "ipfs://product-terms");
  }
  await registry.connect(publisher).setIssuer(1, f.distributor.address, IssuerKind.Distributor);
  await registry.connect(publisher).setIssuer(1, f.dealer.address, IssuerKind.Onboarder);
  return { ...f, volume: 1n, subscription: 2n, attested: 3n, term: 4n };
}

export interface LicensesFixture extends ProductsFixture {
  /** 100 seats of the volume product, held by `holder`. */
  volumeLicense: bigint;
  /** A subscription license held by `holder`, valid for 365 days. */
  subscriptionLicense: bigint;
  /** A single-seat license of the attested product held by `holder`. */
  attestedLicense: bigint;
  /** A 30-day transferable term license held by `holder`. */
  termLicense: bigint;
  /** A license of the volume product held by `buyer` (so the buyer already holds one). */
  buyerLicense: bigint;
  validUntil: bigint;
  termValidUntil: bigint;
}

/** One license of each product issued to `holder`, and one volume license to `buyer`. */
export async function licensesFixture(): Promise<LicensesFixture> {
  const f = await productsFixture();
  const { registry, publisher, holder, buyer } = f;
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const validUntil = now + 300n * 24n * 3600n;
  const termValidUntil = now + 20n * 24n * 3600n;
  await registry.connect(publisher).issue(f.volume, holder.address, 100, 0);
  await registry.connect(publisher).issue(f.subscription, holder.address, 5, validUntil);
  await registry.connect(publisher).issue(f.attested, holder.address, 1, 0);
  await registry.connect(publisher).issue(f.term, holder.address, 1, termValidUntil);
  await registry.connect(publisher).issue(f.volume, buyer.address, 1, 0);
  return {
    ...f,
    volumeLicense: licenseIdOf(f.volume, 1),
    subscriptionLicense: licenseIdOf(f.subscription, 1),
    attestedLicense: licenseIdOf(f.attested, 1),
    termLicense: licenseIdOf(f.term, 1),
    buyerLicense: licenseIdOf(f.volume, 2),
    validUntil,
    termValidUntil,
  };
}

export interface WalletFixture extends LicensesFixture {
  /** A 2-of-2 contract wallet (owners: holder and stranger) holding a volume license. */
  wallet: MockContractWallet;
  walletLicense: bigint;
}

/** A company's multisig-like contract wallet holding a volume license. */
export async function walletFixture(): Promise<WalletFixture> {
  const f = await licensesFixture();
  const wallet = await new MockContractWallet__factory(f.admin).deploy(
    [f.holder.address, f.stranger.address],
    2,
  );
  await f.registry
    .connect(f.dealer)
    .issueWithEvidence(f.volume, await wallet.getAddress(), 10, 0, EVIDENCE);
  return { ...f, wallet, walletLicense: licenseIdOf(f.volume, 3) };
}

export interface MarketFixture extends LicensesFixture {
  market: LicenseMarket;
  /** A 6-decimal stablecoin with ERC-2612 permits; `buyer` and `dealer` hold 1,000,000 each. */
  usdc: MockERC20;
  feeRecipient: HardhatEthersSigner;
  marketAddress: string;
}

/** Market fee in the fixtures: 2.5%. */
export const MARKET_FEE_BPS = 250n;

/**
 * A market on the licenses fixture's registry with a 2.5% fee paid to `absentPublisher` (used
 * here as the platform's fee recipient). `holder` and `buyer` approved the market for all their
 * licenses; `buyer` and `dealer` hold stablecoins and approved the market for them.
 */
export async function marketFixture(): Promise<MarketFixture> {
  const f = await licensesFixture();
  const feeRecipient = f.absentPublisher;
  const market = await new LicenseMarket__factory(f.admin).deploy(
    await f.registry.getAddress(),
    f.admin.address,
    ADMIN_DELAY,
    feeRecipient.address,
    MARKET_FEE_BPS,
  );
  const marketAddress = await market.getAddress();
  const usdc = await new MockERC20__factory(f.admin).deploy("Mock USD Coin", "mUSDC");
  for (const account of [f.holder, f.buyer]) {
    await f.registry.connect(account).setApprovalForAll(marketAddress, true);
  }
  for (const account of [f.buyer, f.dealer]) {
    await usdc.mint(account.address, 1_000_000n * 10n ** 6n);
    await usdc.connect(account).approve(marketAddress, ethers.MaxUint256);
  }
  return { ...f, market, usdc, feeRecipient, marketAddress };
}

export interface MarketWalletsFixture extends MarketFixture {
  /** A 2-of-2 multisig (owners: `holder` and `stranger`) holding `multisigLicense`; it approved
   * the market for its licenses through two owner approvals. It has no `receive`. */
  multisig: MockContractWallet;
  multisigLicense: bigint;
  /** A one-key contract wallet of `dealer` (ERC-1271) holding two volume licenses; it approved
   * the market for them. It accepts ETH until a test sets another mode. */
  sellerWallet: MockSellerWallet;
  sellerWalletLicenses: readonly [bigint, bigint];
}

/** The market fixture plus two contract-wallet sellers: a company multisig and a one-key wallet. */
export async function marketWalletsFixture(): Promise<MarketWalletsFixture> {
  const f = await marketFixture();
  const { registry, publisher, holder, stranger, dealer, marketAddress } = f;
  const registryAddress = await registry.getAddress();
  const approveMarket = registry.interface.encodeFunctionData("setApprovalForAll", [
    marketAddress,
    true,
  ]);

  const multisig = await new MockContractWallet__factory(f.admin).deploy(
    [holder.address, stranger.address],
    2,
  );
  const multisigAddress = await multisig.getAddress();
  await registry.connect(publisher).issue(f.volume, multisigAddress, 10, 0);
  await multisig.connect(holder).approveCall(registryAddress, approveMarket);
  await multisig.connect(stranger).approveCall(registryAddress, approveMarket);
  await multisig.connect(holder).execute(registryAddress, approveMarket);

  const sellerWallet = await new MockSellerWallet__factory(f.admin).deploy(dealer.address);
  const sellerWalletAddress = await sellerWallet.getAddress();
  await registry.connect(publisher).issue(f.volume, sellerWalletAddress, 3, 0);
  await registry.connect(publisher).issue(f.volume, sellerWalletAddress, 4, 0);
  await sellerWallet.connect(dealer).execute(registryAddress, approveMarket);

  return {
    ...f,
    multisig,
    multisigLicense: licenseIdOf(f.volume, 3),
    sellerWallet,
    sellerWalletLicenses: [licenseIdOf(f.volume, 4), licenseIdOf(f.volume, 5)],
  };
}

export interface HostileTokensFixture extends MarketFixture {
  /** Calls back into a target of the test's choice inside `transferFrom`. */
  reentrantToken: MockReentrantToken;
  /** Burns 1% of every transfer. */
  feeOnTransferToken: MockFeeOnTransferToken;
}

/** The market fixture plus two hostile ERC-20s that `buyer` holds and approved the market for. */
export async function hostileTokensFixture(): Promise<HostileTokensFixture> {
  const f = await marketFixture();
  const reentrantToken = await new MockReentrantToken__factory(f.admin).deploy();
  const feeOnTransferToken = await new MockFeeOnTransferToken__factory(f.admin).deploy();
  for (const token of [reentrantToken, feeOnTransferToken]) {
    await token.mint(f.buyer.address, 1_000_000n * 10n ** 18n);
    await token.connect(f.buyer).approve(f.marketAddress, ethers.MaxUint256);
  }
  return { ...f, reentrantToken, feeOnTransferToken };
}
