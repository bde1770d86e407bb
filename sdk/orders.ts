import { ZeroAddress, ZeroHash, type TypedDataDomain } from "ethers";

/** A holder's signed offer to sell a license (mirrors `ILicenseMarket.SellOrder`). */
export interface SellOrder {
  seller: string;
  licenseId: bigint;
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

const BIGINT_FIELDS = ["licenseId", "price", "expiry", "nonce", "counter"] as const;

/** Reads a signed order written by `orderToJson`. */
export function orderFromJson<T extends SellOrder | BuyOffer>(json: string): Signed<T> {
  const parsed = JSON.parse(json) as { order: Record<string, unknown>; signature: string };
  const order: Record<string, unknown> = { ...parsed.order };
  for (const field of BIGINT_FIELDS) order[field] = BigInt(String(order[field]));
  return { order: order as unknown as T, signature: parsed.signature };
}
