import { ZeroAddress, ZeroHash, type TypedDataDomain } from "ethers";

import { LedgerError } from "./errors.js";

/** A holder's signed offer to sell a license (mirrors `ILicenseMarket.SellOrder`). */
export interface SellOrder {
  seller: string;
  licenseId: bigint;
  /** The license's move count when signing (`holdingOf`): the order dies when the license moves. */
  licenseMoves: bigint;
  /** `ETH` (the zero address) or an ERC-20 token address. */
  currency: string;
  /** What the seller receives, exactly; the buyer pays it plus the fee. */
  price: bigint;
  /** Last second (unix time) the order can be filled. */
  expiry: bigint;
  nonce: bigint;
  counter: bigint;
  /** Hash of the seller's declaration that its copy is unusable (0: already released). */
  declarationHash: string;
}

/** A buyer's signed offer to buy a license for an ERC-20 amount (mirrors `ILicenseMarket.BuyOffer`). */
export interface BuyOffer {
  buyer: string;
  licenseId: bigint;
  /** The license's move count when signing: the offer dies when the license moves. */
  licenseMoves: bigint;
  currency: string;
  /** What the buyer pays, exactly; the seller receives it less the fee. */
  price: bigint;
  expiry: bigint;
  nonce: bigint;
  counter: bigint;
}

export interface Signed<T> {
  order: T;
  signature: string;
}

export const ETH = ZeroAddress;
export const NO_DECLARATION = ZeroHash;

/** The EIP-712 types the market's `SELL_ORDER_TYPEHASH` and `BUY_OFFER_TYPEHASH` hash. */
export const SELL_ORDER_TYPES = {
  SellOrder: [
    { name: "seller", type: "address" },
    { name: "licenseId", type: "uint256" },
    { name: "licenseMoves", type: "uint256" },
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
    { name: "licenseMoves", type: "uint256" },
    { name: "currency", type: "address" },
    { name: "price", type: "uint256" },
    { name: "expiry", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "counter", type: "uint256" },
  ],
};

/** The market's EIP-712 domain: its name, version, the chain and the market's address. */
export function marketDomain(chainId: bigint, marketAddress: string): TypedDataDomain {
  return { name: "License Ledger Market", version: "1", chainId, verifyingContract: marketAddress };
}

/** A signed order as JSON (bigints as decimal strings), to share in a file or a message. */
export function orderToJson<T extends object>(signed: Signed<T>): string {
  return JSON.stringify(
    signed,
    (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value),
    2,
  );
}

const BIGINT_FIELDS = ["licenseId", "licenseMoves", "price", "expiry", "nonce", "counter"] as const;

/** Reads a signed order written by `orderToJson`; anything else is an `InvalidOrder` error. */
export function orderFromJson<T extends SellOrder | BuyOffer>(json: string): Signed<T> {
  const invalid = (why: string, cause?: unknown) =>
    new LedgerError("InvalidOrder", `this is not a complete signed order: ${why}`, {}, { cause });
  let parsed: { order?: unknown; signature?: unknown };
  try {
    parsed = JSON.parse(json) as { order?: unknown; signature?: unknown };
  } catch (cause) {
    throw invalid("it is not JSON", cause);
  }
  if (parsed === null || typeof parsed.order !== "object" || parsed.order === null) {
    throw invalid("it has no order");
  }
  if (typeof parsed.signature !== "string") throw invalid("it has no signature");
  const order: Record<string, unknown> = { ...(parsed.order as Record<string, unknown>) };
  for (const field of BIGINT_FIELDS) {
    try {
      order[field] = BigInt(String(order[field]));
    } catch (cause) {
      throw invalid(`its ${field} is not a whole number (${String(order[field])})`, cause);
    }
  }
  return { order: order as unknown as T, signature: parsed.signature };
}
