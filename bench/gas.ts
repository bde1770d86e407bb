import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import {
  ERC721ARef__factory,
  LicenseRegistry__factory,
  PlainERC721__factory,
  SoladyERC721Ref__factory,
} from "../typechain-types/index.js";
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
  const [admin, publisher, holder, buyer] = signers as [
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

  return { operations, references };
}
