import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroHash, type TypedDataDomain } from "ethers";

import {
  BUY_OFFER_TYPES,
  ETH,
  SELL_ORDER_TYPES,
  marketDomain as sdkMarketDomain,
  type BuyOffer,
  type SellOrder,
} from "@license-ledger/sdk";
import type { LicenseMarket } from "../../typechain-types/index.js";

// One definition of the orders and their EIP-712 types: the SDK's.
export { BUY_OFFER_TYPES, ETH, SELL_ORDER_TYPES, type BuyOffer, type SellOrder };

/** Far in the future: orders in tests do not expire unless a test says so. */
export const NO_EXPIRY = 2n ** 48n;

export async function marketDomain(market: LicenseMarket): Promise<TypedDataDomain> {
  const network = await market.runner!.provider!.getNetwork();
  return sdkMarketDomain(network.chainId, await market.getAddress());
}

/**
 * A sell order with defaults: a license that has not moved yet (`licenseMoves` 0; pass the
 * registry's `holdingOf` count for one that has), ETH, no expiry, nonce 0, counter 0, no
 * declaration.
 */
export function sellOrder(
  fields: Partial<SellOrder> & Pick<SellOrder, "seller" | "licenseId" | "price">,
): SellOrder {
  return {
    licenseMoves: 0n,
    currency: ETH,
    expiry: NO_EXPIRY,
    nonce: 0n,
    counter: 0n,
    declarationHash: ZeroHash,
    ...fields,
  };
}

/** A buy offer with defaults: a license that has not moved, no expiry, nonce 0, counter 0. */
export function buyOffer(
  fields: Partial<BuyOffer> & Pick<BuyOffer, "buyer" | "licenseId" | "price" | "currency">,
): BuyOffer {
  return { licenseMoves: 0n, expiry: NO_EXPIRY, nonce: 0n, counter: 0n, ...fields };
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
