import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { Signature, type TypedDataDomain } from "ethers";

import type {
  ILicenseMarket,
  LicenseMarket,
  MockContractWallet,
  MockERC20,
} from "../../typechain-types/index.js";
import type { MarketFixture } from "./fixtures.js";
import { ethers } from "./network.js";
import {
  buyOffer,
  type BuyOffer,
  sellOrder,
  type SellOrder,
  signBuyOffer,
  signSellOrder,
} from "./orders.js";

export interface Signed<T> {
  order: T;
  signature: string;
}

/** A sell order of `signer` (its own address as seller unless `fields` names another), signed. */
export async function signedSellOrder(
  market: LicenseMarket,
  signer: HardhatEthersSigner,
  fields: Partial<SellOrder> & Pick<SellOrder, "licenseId" | "price">,
  domain?: TypedDataDomain,
): Promise<Signed<SellOrder>> {
  const order = sellOrder({ seller: signer.address, ...fields });
  return { order, signature: await signSellOrder(signer, market, order, domain) };
}

/** A buy offer of `signer` (its own address as buyer unless `fields` names another), signed. */
export async function signedBuyOffer(
  market: LicenseMarket,
  signer: HardhatEthersSigner,
  fields: Partial<BuyOffer> & Pick<BuyOffer, "licenseId" | "price" | "currency">,
  domain?: TypedDataDomain,
): Promise<Signed<BuyOffer>> {
  const offer = buyOffer({ buyer: signer.address, ...fields });
  return { order: offer, signature: await signBuyOffer(signer, market, offer, domain) };
}

/** The same signature in its malleable twin form (s' = n - s, v flipped): ecrecover accepts
 * both, OpenZeppelin's ECDSA only the low-s one. */
export function malleate(signature: string): string {
  const sig = Signature.from(signature);
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const highS = n - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return ethers.concat([sig.r, ethers.toBeHex(highS, 32), ethers.toBeHex(v, 1)]);
}

/** Runs `data` on `target` from a 2-of-2 `MockContractWallet`: both owners approve, one executes. */
export async function multisigExecute(
  wallet: MockContractWallet,
  owners: readonly [HardhatEthersSigner, HardhatEthersSigner],
  target: string,
  data: string,
): Promise<void> {
  await wallet.connect(owners[0]).approveCall(target, data);
  await wallet.connect(owners[1]).approveCall(target, data);
  await wallet.connect(owners[0]).execute(target, data);
}

interface BalanceOf {
  balanceOf(account: string): Promise<bigint>;
}

/**
 * The market's no-custody guarantee, checked after a scenario: it holds no license and no token,
 * and its ETH balance is exactly what it owes by name to the fixture's actors and `accounts`.
 */
export async function expectNoCustody(
  f: MarketFixture,
  extra: { tokens?: readonly BalanceOf[]; accounts?: readonly string[] } = {},
): Promise<void> {
  const { market, marketAddress, registry, usdc } = f;
  expect(await registry.balanceOf(marketAddress), "licenses held by the market").to.equal(0n);
  for (const token of [usdc, ...(extra.tokens ?? [])]) {
    expect(await token.balanceOf(marketAddress), "tokens held by the market").to.equal(0n);
  }
  const actors = [
    f.admin,
    f.publisher,
    f.operator,
    f.pauser,
    f.arbiter,
    f.distributor,
    f.dealer,
    f.holder,
    f.buyer,
    f.stranger,
    f.feeRecipient,
  ].map((s) => s.address);
  let owedTotal = 0n;
  for (const account of new Set([...actors, ...(extra.accounts ?? [])])) {
    owedTotal += await market.owed(account);
  }
  expect(await ethers.provider.getBalance(marketAddress), "ETH beyond what is owed").to.equal(
    owedTotal,
  );
}

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** An ERC-2612 permit `owner` signs with ethers for `spender`, at the owner's current nonce. */
export async function signPermit(
  token: MockERC20,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<ILicenseMarket.PermitStruct> {
  const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
  const nonce = await token.nonces(owner.address);
  const signature = Signature.from(
    await owner.signTypedData({ name, version, chainId, verifyingContract }, PERMIT_TYPES, {
      owner: owner.address,
      spender,
      value,
      nonce,
      deadline,
    }),
  );
  return { value, deadline, v: signature.v, r: signature.r, s: signature.s };
}

/** Mirrors `MockSellerWallet.EtherMode`: what the wallet does when it is sent ETH. */
export const EtherMode = { Accept: 0, Reject: 1, BurnGas: 2, Reenter: 3, Heavy: 4 } as const;
