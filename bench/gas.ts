import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import {
  ERC721ARef__factory,
  LicenseCommitments__factory,
  LicenseMarket__factory,
  LicenseRegistry__factory,
  MockERC20__factory,
  PlainERC721__factory,
  SoladyERC721Ref__factory,
} from "../typechain-types/index.js";
import {
  BUY_OFFER_TYPES,
  SELL_ORDER_TYPES,
  leafHash,
  marketDomain,
  type CommittedLeaf,
} from "@license-ledger/sdk";
import { floorOf } from "./floor.js";

export interface OperationResult {
  gas: number;
  reference: number | null;
  referenceName: string | null;
  floor: number;
  floorFormula: string;
}

export interface GasResults {
  operations: Record<string, OperationResult>;
  references: Record<string, number>;
}

const ZERO = "0x" + "00".repeat(32);

/** A batch request for one perpetual seat with no key and no evidence: what the bench issues. */
export function oneSeat(holder: string) {
  return { holder, seats: 1, validUntil: 0, keyCommitment: ZERO, originEvidence: ZERO };
}
const PERPETUAL_VOLUME = {
  validityDays: 0,
  maxSeatsPerLicense: 1000,
  transferable: true,
  splittable: true,
  attestationRequired: false,
};

async function sent(
  tx: Promise<ContractTransactionResponse>,
): Promise<{ gas: number; data: string }> {
  const response = await tx;
  const receipt = await response.wait();
  if (receipt === null) throw new Error(`no receipt for ${response.hash}`);
  return { gas: Number(receipt.gasUsed), data: response.data };
}

/** Fixed addresses, so every run sends the same calldata and measures the same gas. */
function benchHolders(ethers: HardhatEthers, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    ethers.getAddress(ethers.dataSlice(ethers.id(`bench holder ${i}`), 12)),
  );
}

/**
 * Every License Ledger operation and its references, measured as real transactions (receipt
 * gasUsed) on one chain. Holders already hold a token in every contract, as in the issue's
 * definition of the comparison.
 */
export async function measureGas(ethers: HardhatEthers): Promise<GasResults> {
  const signers = await ethers.getSigners();
  const [admin, publisher, holder, buyer, feeRecipient] = signers as [
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
    HardhatEthersSigner,
  ];
  const registry = await new LicenseRegistry__factory(admin).deploy(
    "License Ledger",
    "LICENSE",
    admin.address,
    0,
  );
  const plain = await new PlainERC721__factory(admin).deploy();
  const solady = await new SoladyERC721Ref__factory(admin).deploy();
  const azuki = await new ERC721ARef__factory(admin).deploy();
  await registry.grantRole(await registry.PUBLISHER_ROLE(), publisher.address);
  await registry.connect(publisher).registerProduct(PERPETUAL_VOLUME, "ipfs://bench");
  const P = 1n;
  const id = (serial: number) => P * 10n ** 12n + BigInt(serial);

  // Both parties already hold one token everywhere (ids: registry serials 1 and 2; refs 1 and 2).
  await sent(registry.connect(publisher).issue(P, holder.address, 10, 0));
  await sent(registry.connect(publisher).issue(P, buyer.address, 10, 0));
  for (const ref of [plain, solady]) {
    await sent(ref.mint(holder.address, 1));
    await sent(ref.mint(buyer.address, 2));
  }
  await sent(azuki.mint(holder.address, 1)); // ERC721A ids start at 0
  await sent(azuki.mint(buyer.address, 1));

  const references: Record<string, number> = {};
  references.ozMint = (await sent(plain.mint(holder.address, 3))).gas;
  references.soladyMint = (await sent(solady.mint(holder.address, 3))).gas;
  references.erc721aMint = (await sent(azuki.mint(holder.address, 1))).gas;
  references.ozTransferFrom = (
    await sent(plain.connect(holder).transferFrom(holder.address, buyer.address, 1))
  ).gas;
  references.soladyTransferFrom = (
    await sent(solady.connect(holder).transferFrom(holder.address, buyer.address, 1))
  ).gas;
  references.erc721aTransferFrom = (
    await sent(azuki.connect(holder).transferFrom(holder.address, buyer.address, 0))
  ).gas;

  // Batch references: 100 distinct holders that already hold one token.
  const holders = benchHolders(ethers, 100);
  await sent(plain.mintBatch(holders, 1000));
  await sent(solady.mintBatch(holders, 1000));
  await sent(azuki.mintEach(holders));
  for (const h of holders) await sent(registry.connect(publisher).issue(P, h, 1, 0));
  references.ozMintPerToken100 = (await sent(plain.mintBatch(holders, 2000))).gas / 100;
  references.soladyMintPerToken100 = (await sent(solady.mintBatch(holders, 2000))).gas / 100;
  references.erc721aMintPerToken100 = (await sent(azuki.mintEach(holders))).gas / 100;

  const operations: Record<string, OperationResult> = {};
  const record = (
    name: string,
    m: { gas: number; data: string },
    ref: [string, number] | null,
    perTx = 1,
  ) => {
    const floor = floorOf(name, m.data, perTx);
    operations[name] = {
      gas: Math.round(m.gas / perTx),
      reference: ref === null ? null : Math.round(ref[1]),
      referenceName: ref === null ? null : ref[0],
      floor: floor.gas,
      floorFormula: floor.formula,
    };
  };

  // Serials so far: 1 holder, 2 buyer, 3..102 the batch holders.
  record("issue", await sent(registry.connect(publisher).issue(P, holder.address, 5, 0)), [
    "OpenZeppelin ERC-721 _mint to an existing holder",
    references.ozMint,
  ]); // serial 103
  record(
    "issueWithKey",
    await sent(
      registry
        .connect(publisher)
        .issueWithKey(P, holder.address, 5, 0, ethers.id("bench key"), ZERO),
    ),
    ["OpenZeppelin ERC-721 _mint to an existing holder", references.ozMint],
  ); // serial 104
  record(
    "issueBatch100PerLicense",
    await sent(registry.connect(publisher).issueBatch(P, holders.map(oneSeat))),
    [
      "ERC721A _mint of 1 to each of 100 existing holders, per token",
      references.erc721aMintPerToken100,
    ],
    100,
  ); // serials 105..204
  record(
    "release",
    await sent(registry.connect(holder).release(id(1), ethers.id("declaration 1"))),
    null,
  );
  record(
    "transferReleased",
    await sent(registry.connect(holder).transferFrom(holder.address, buyer.address, id(1))),
    ["OpenZeppelin ERC-721 transferFrom between existing holders", references.ozTransferFrom],
  );
  record(
    "releaseAndTransfer",
    await sent(
      registry
        .connect(holder)
        .releaseAndTransfer(buyer.address, id(103), ethers.id("declaration 2")),
    ),
    ["OpenZeppelin ERC-721 transferFrom between existing holders", references.ozTransferFrom],
  );
  record("split2", await sent(registry.connect(holder).split(id(104), [2, 3])), null);
  record(
    "revoke",
    await sent(registry.connect(publisher).revoke(id(2), 2, ethers.id("evidence"))),
    null,
  );
  record("surrender", await sent(registry.connect(buyer).surrender(id(1))), null);

  await measureMarket(ethers, { registry, publisher, holder, buyer, feeRecipient, admin }, record);
  await measureCommitments(ethers, { registry, publisher, holder, buyer }, record);
  return { operations, references };
}

/**
 * The market's fills, in the steady state of a dealer's business: the seller has filled orders
 * before (its nonce word is in use), the fee recipient is already owed fees, the buyer already
 * holds a license and, for tokens, every party already holds the stablecoin and the buyer
 * approved the market once for good. A seller's first order in a word of 256 nonces costs 17,100
 * more (a new slot), as does the first ETH fee ever credited to a fee recipient.
 */
async function measureMarket(
  ethers: HardhatEthers,
  parties: {
    registry: Awaited<ReturnType<LicenseRegistry__factory["deploy"]>>;
    admin: HardhatEthersSigner;
    publisher: HardhatEthersSigner;
    holder: HardhatEthersSigner;
    buyer: HardhatEthersSigner;
    feeRecipient: HardhatEthersSigner;
  },
  record: (name: string, m: { gas: number; data: string }, ref: [string, number] | null) => void,
): Promise<void> {
  const { registry, admin, publisher, holder, buyer, feeRecipient } = parties;
  const P = 1n;
  const registryAddress = await registry.getAddress();
  const market = await new LicenseMarket__factory(admin).deploy(
    registryAddress,
    admin.address,
    0,
    feeRecipient.address,
    250, // 2.5%
  );
  const marketAddress = await market.getAddress();
  const usdc = await new MockERC20__factory(admin).deploy("Bench USD", "bUSD");
  const usdcAddress = await usdc.getAddress();
  for (const account of [holder, buyer, feeRecipient]) {
    await sent(usdc.mint(account.address, 10n ** 12n));
  }
  await sent(usdc.connect(buyer).approve(marketAddress, ethers.MaxUint256));
  await sent(registry.connect(holder).setApprovalForAll(marketAddress, true));
  await sent(registry.connect(buyer).setApprovalForAll(marketAddress, true));

  const issued = (await registry.getProduct(P)).licensesIssued;
  const next = (k: bigint) => P * 10n ** 12n + issued + k;
  for (let k = 0; k < 4; k++)
    await sent(registry.connect(publisher).issue(P, holder.address, 1, 0));
  const { chainId } = await ethers.provider.getNetwork();
  const domain = {
    name: "License Ledger Market",
    version: "1",
    chainId,
    verifyingContract: marketAddress,
  };
  const order = (licenseId: bigint, nonce: bigint, currency: string, price: bigint) => ({
    seller: holder.address,
    licenseId,
    licenseMoves: 0n,
    currency,
    price,
    expiry: 2n ** 40n,
    nonce,
    counter: 0n,
    declarationHash: ethers.id(`bench declaration ${nonce}`),
  });
  const sign = (o: ReturnType<typeof order>) => holder.signTypedData(domain, SELL_ORDER_TYPES, o);
  const buyEth = async (o: ReturnType<typeof order>) => {
    const [total] = await market.quote(o.price);
    return sent(market.connect(buyer).buy(o, await sign(o), total, { value: total }));
  };

  const ether = 10n ** 18n;
  await buyEth(order(next(1n), 0n, ethers.ZeroAddress, ether)); // warms the nonce word and fee credit
  record("marketBuyEth", await buyEth(order(next(2n), 1n, ethers.ZeroAddress, ether)), [
    "the issue's ceiling, from Seaport's reported basic order (88,000-99,000)",
    95_000,
  ]);
  const tokenOrder = order(next(3n), 2n, usdcAddress, 250n * 10n ** 6n);
  const [tokenTotal] = await market.quote(tokenOrder.price);
  record(
    "marketBuyErc20",
    await sent(market.connect(buyer).buy(tokenOrder, await sign(tokenOrder), tokenTotal)),
    ["the issue's ceiling for an ERC-20 buy", 110_000],
  );
  const offer = {
    buyer: buyer.address,
    licenseId: next(4n),
    licenseMoves: 0n,
    currency: usdcAddress,
    price: 240n * 10n ** 6n,
    expiry: 2n ** 40n,
    nonce: 0n,
    counter: 0n,
  };
  const offerSignature = await buyer.signTypedData(domain, BUY_OFFER_TYPES, offer);
  await sent(market.connect(buyer).cancelOrders([1n])); // the buyer's nonce word is in use too
  record(
    "marketAcceptOffer",
    await sent(
      market
        .connect(holder)
        .acceptOffer(offer, offerSignature, ethers.id("bench declaration offer"), 0n),
    ),
    ["the issue's ceiling for an ERC-20 buy", 110_000],
  );
}

/** Leaves are hashed by the SDK's own encoding (equal to OpenZeppelin's `StandardMerkleTree`). */
type BenchLeaf = CommittedLeaf;

/** OpenZeppelin's sorted-pair node hash. */
function nodeHash(ethers: HardhatEthers, a: string, b: string): string {
  return BigInt(a) < BigInt(b)
    ? ethers.keccak256(ethers.concat([a, b]))
    : ethers.keccak256(ethers.concat([b, a]));
}

/**
 * A root under which `leaves` (a power of two of them) have proofs of exactly `depth` nodes: their
 * own subtree, then pseudo-random siblings, as in a full tree of 2^depth leaves whose other
 * leaves nobody claims. The contract checks proofs of the full tree's length, so the gas is the
 * full tree's.
 */
function deepTree(
  ethers: HardhatEthers,
  leaves: BenchLeaf[],
  depth: number,
): { root: string; proofs: string[][] } {
  let level = leaves.map((l) => leafHash(l));
  const proofs: string[][] = leaves.map(() => []);
  let index = leaves.map((_, i) => i);
  while (level.length > 1) {
    for (let i = 0; i < leaves.length; i++) proofs[i]!.push(level[index[i]! ^ 1]!);
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(ethers, level[i]!, level[i + 1]!));
    level = next;
    index = index.map((j) => j >> 1);
  }
  let root = level[0]!;
  for (let d = proofs[0]!.length; d < depth; d++) {
    const sibling = ethers.id(`bench sibling ${depth} ${d}`);
    for (const proof of proofs) proof.push(sibling);
    root = nodeHash(ethers, root, sibling);
  }
  return { root, proofs };
}

/**
 * Committed issuance (issue 16): a commit of 1,000 and of 1,000,000 leaves, and claims with
 * proofs of depth 10 (a run of 1,000) and 20 (a run of 1,000,000), singly and in a batch of 16.
 * Every leaf is the license `issue` issues (5 seats, perpetual, no key, no evidence, no region)
 * for a holder that already holds one, so a claim compares with `issue` directly.
 */
async function measureCommitments(
  ethers: HardhatEthers,
  parties: {
    registry: Awaited<ReturnType<LicenseRegistry__factory["deploy"]>>;
    publisher: HardhatEthersSigner;
    holder: HardhatEthersSigner;
    buyer: HardhatEthersSigner;
  },
  record: (
    name: string,
    m: { gas: number; data: string },
    ref: [string, number] | null,
    perTx?: number,
  ) => void,
): Promise<void> {
  const { registry, publisher, holder, buyer } = parties;
  const P = 1n;
  const commitments = LicenseCommitments__factory.connect(await registry.commitments(), publisher);
  const issueGas = (await sent(registry.connect(publisher).issue(P, holder.address, 5, 0))).gas;
  const leafOf = (licenseId: bigint, to: string): BenchLeaf => ({
    licenseId,
    holder: to,
    seats: 5n,
    validUntil: 0n,
    region: 0,
    keyCommitment: ZERO,
    originEvidence: ZERO,
  });
  const leavesHash = ethers.id("bench leaves file");
  const commitRun = async (
    leaves: (first: bigint) => BenchLeaf[],
    count: number,
    depth: number,
  ) => {
    const first = P * 10n ** 12n + (await registry.getProduct(P)).licensesIssued + 1n;
    const tree = deepTree(ethers, leaves(first), depth);
    const m = await sent(
      commitments.commit(P, tree.root, count, "ipfs://bench-run-leaves", leavesHash),
    );
    const runId = await commitments.runCount();
    return { m, runId, tree, first };
  };

  const single = (first: bigint) => [leafOf(first + 7n, holder.address)];
  await commitRun(single, 1, 0); // the run counter is in use, as for any publisher after its first
  const run1k = await commitRun(single, 1_000, 10);
  record("commit1k", run1k.m, null);
  const run1m = await commitRun(single, 1_000_000, 20);
  record("commit1M", run1m.m, null);
  const asIssue: [string, number] = ["issue of the same license (measured in this run)", issueGas];
  for (const [name, run] of [
    ["claimDepth10", run1k],
    ["claimDepth20", run1m],
  ] as const) {
    const leaf = leafOf(run.first + 7n, holder.address);
    record(name, await sent(commitments.claim(run.runId, leaf, run.tree.proofs[0]!)), asIssue);
  }
  const batch = (first: bigint) =>
    Array.from({ length: 16 }, (_, i) =>
      leafOf(first + BigInt(i), i % 2 ? buyer.address : holder.address),
    );
  const runBatch = await commitRun(batch, 1_000_000, 20);
  record(
    "claimBatch16PerClaim",
    await sent(commitments.claimBatch(runBatch.runId, batch(runBatch.first), runBatch.tree.proofs)),
    asIssue,
    16,
  );
}
