import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroAddress, ZeroHash, type TypedDataDomain } from "ethers";

import type { ILicenseMarket, LicenseMarket } from "../../typechain-types/index.js";

export type SellOrder = ILicenseMarket.SellOrderStruct & {
  seller: string;
  licenseId: bigint;
  currency: string;
  price: bigint;
  expiry: bigint;
  nonce: bigint;
  counter: bigint;
  declarationHash: string;
};
export type BuyOffer = ILicenseMarket.BuyOfferStruct & {
  buyer: string;
  licenseId: bigint;
  currency: string;
  price: bigint;
  expiry: bigint;
  nonce: bigint;
  counter: bigint;
};

/** The EIP-712 types the market's `SELL_ORDER_TYPEHASH` and `BUY_OFFER_TYPEHASH` hash. */
export const SELL_ORDER_TYPES = {
  SellOrder: [
    { name: "seller", type: "address" },
    { name: "licenseId", type: "uint256" },
    { name: "currency", type: "address" },
    { name: "price", type: "uint256" },
    { name: "expiry", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "counter", type: "uint256" },
    { name: "declarationHash", type: "bytes32" },
  ],
};
export const BUY_OFFER_TYPES = {
  BuyOffer: [
    { name: "buyer", type: "address" },
    { name: "licenseId", type: "uint256" },
    { name: "currency", type: "address" },
    { name: "price", type: "uint256" },
    { name: "expiry", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "counter", type: "uint256" },
  ],
};

export const ETH = ZeroAddress;
/** Far in the future: orders in tests do not expire unless a test says so. */
export const NO_EXPIRY = 2n ** 48n;

export async function marketDomain(market: LicenseMarket): Promise<TypedDataDomain> {
  const network = await market.runner!.provider!.getNetwork();
  return {
    name: "License Ledger Market",
    version: "1",
    chainId: network.chainId,
    verifyingContract: await market.getAddress(),
  };
}

/** A sell order with defaults: ETH, no expiry, nonce 0, counter 0, no declaration. */
export function sellOrder(
  fields: Partial<SellOrder> & Pick<SellOrder, "seller" | "licenseId" | "price">,
): SellOrder {
  return {
    currency: ETH,
    expiry: NO_EXPIRY,
    nonce: 0n,
    counter: 0n,
    declarationHash: ZeroHash,
    ...fields,
  };
}

/** A buy offer with defaults: no expiry, nonce 0, counter 0 (the currency must be a token). */
export function buyOffer(
  fields: Partial<BuyOffer> & Pick<BuyOffer, "buyer" | "licenseId" | "price" | "currency">,
): BuyOffer {
  return { expiry: NO_EXPIRY, nonce: 0n, counter: 0n, ...fields };
}

export async function signSellOrder(
  signer: HardhatEthersSigner,
  market: LicenseMarket,
  order: SellOrder,
  domain?: TypedDataDomain,
): Promise<string> {
  return signer.signTypedData(domain ?? (await marketDomain(market)), SELL_ORDER_TYPES, order);
}

export async function signBuyOffer(
  signer: HardhatEthersSigner,
  market: LicenseMarket,
  offer: BuyOffer,
  domain?: TypedDataDomain,
): Promise<string> {
  return signer.signTypedData(domain ?? (await marketDomain(market)), BUY_OFFER_TYPES, offer);
}
