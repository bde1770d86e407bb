import { Contract, type ContractRunner, isError, type Log } from "ethers";

import type { ILicenseCommitments } from "./contracts/index.js";
import { ILicenseCommitments__factory } from "./contracts/index.js";
import { LedgerError } from "./errors.js";
import { type CommittedLeaf, leafTuple } from "./merkle/leaf.js";
import { verifyProof } from "./merkle/tree.js";
import { leafHash } from "./merkle/leaf.js";

/**
 * Committed issuance runs on chain (`ILicenseCommitments`): the types and plain functions the
 * `LicenseLedger` facade's `commitRun`, `claim`, `claimMany`, `checkLeaf`, `revokeLeaf` and
 * `getRun` are made of. Pure of Node: a browser page may use them.
 */

/** What a commit needs of a built run (`BuiltRun` and `VerifiedLeavesFile` both carry it). */
export interface RunToCommit {
  productId: bigint;
  /** The first license id the tree was built for. */
  firstLicenseId: bigint;
  leafCount: number | bigint;
  root: string;
  /** SHA-256 of the published leaves file (0x-prefixed). */
  leavesHash: string;
}

export const ISSUER_KIND_NAMES = ["none", "distributor", "onboarder"] as const;
export const LEAF_STATUSES = ["invalid", "claimable", "claimed", "revoked"] as const;
export type LeafStatusName = (typeof LEAF_STATUSES)[number];

/** A committed run, as `getRun` reads it. */
export interface CommittedRun {
  runId: bigint;
  productId: bigint;
  committer: string;
  /** How the committer issues: "none" (the product's controller), "distributor" or "onboarder". */
  kind: (typeof ISSUER_KIND_NAMES)[number];
  firstLicenseId: bigint;
  leafCount: bigint;
  claimed: bigint;
  root: string;
  /** Unix seconds. */
  committedAt: bigint;
}

/** A leaf and its proof, as a claim takes them (`LeafWithProof` from a proof index fits). */
export interface LeafClaim {
  leaf: CommittedLeaf;
  proof: readonly string[];
}

/** Leaves per `claimBatch` transaction in `claimMany` unless told otherwise. */
export const DEFAULT_CLAIMS_PER_TRANSACTION = 50;

const COMMITMENTS_OF = ["function commitments() view returns (address)"];

/** The commitments module of a registry, as the registry itself names it (`commitments()`). */
export async function commitmentsOf(
  registry: string,
  runner: ContractRunner,
): Promise<ILicenseCommitments> {
  let address: string;
  try {
    address = (await new Contract(registry, COMMITMENTS_OF, runner).getFunction(
      "commitments",
    )()) as string;
  } catch (cause) {
    // Only a registry whose code refuses the call (or answers nothing) predates committed runs;
    // a node that fails to answer says nothing about the registry, and must not make a chain of
    // title leave its commit out.
    if (!isError(cause, "CALL_EXCEPTION") && !isError(cause, "BAD_DATA")) throw cause;
    throw new LedgerError(
      "NoCommitments",
      `the registry ${registry} has no committed-issuance module (it predates committed runs)`,
      { registry },
      { cause },
    );
  }
  return ILicenseCommitments__factory.connect(address, runner);
}

/** `getRun`'s answer in the SDK's types. */
export function runFromChain(
  runId: bigint,
  run: ILicenseCommitments.RunStructOutput,
): CommittedRun {
  return {
    runId,
    productId: run.productId,
    committer: run.committer,
    kind: ISSUER_KIND_NAMES[Number(run.kind)] ?? "none",
    firstLicenseId: run.firstLicenseId,
    leafCount: run.leafCount,
    claimed: run.claimed,
    root: run.root,
    committedAt: run.committedAt,
  };
}

/** The contract's `Leaf` struct of a leaf. */
export function leafStruct(leaf: CommittedLeaf): ILicenseCommitments.LeafStruct {
  const [licenseId, holder, seats, validUntil, region, keyCommitment, originEvidence] =
    leafTuple(leaf);
  return { licenseId, holder, seats, validUntil, region, keyCommitment, originEvidence };
}

/**
 * Refuses a commit whose tree was built for another first id than the product's next serial:
 * the contract reserves the run's ids from the product's next serial at the commit, so a tree
 * built before other licenses were issued (or another run committed) would name ids the run
 * does not hold, and no leaf of it could ever be claimed.
 */
export function checkFirstLicenseId(run: RunToCommit, licensesIssued: bigint): void {
  const next = run.productId * 1_000_000_000_000n + licensesIssued + 1n;
  if (next !== run.firstLicenseId)
    throw new LedgerError(
      "RunFirstIdMoved",
      `product ${run.productId}'s next license id is ${next}, but the tree was built for ${run.firstLicenseId}: licenses were issued or another run committed since the build, so this tree's ids are not the ones the commit would reserve. Build the tree again from the CSV with the first id ${next} and commit that`,
      { productId: run.productId, expected: next, built: run.firstLicenseId },
    );
}

/** Checks a claim offline (its proof leads to the root) before any transaction is sent. */
export function checkClaimOffline(run: CommittedRun, claim: LeafClaim): void {
  const id = claim.leaf.licenseId;
  if (id < run.firstLicenseId || id >= run.firstLicenseId + run.leafCount)
    throw new LedgerError(
      "CommitmentLeafOutsideRun",
      `license ${id} is not in run ${run.runId}, which holds ${run.firstLicenseId} to ${run.firstLicenseId + run.leafCount - 1n}`,
      { runId: run.runId, licenseId: id },
    );
  if (!verifyProof(run.root, leafHash(claim.leaf), claim.proof))
    throw new LedgerError(
      "CommitmentProofInvalid",
      `the leaf given for license ${id} and its proof do not lead to run ${run.runId}'s root: some field of the leaf, or the proof, is not what was committed (is it the right leaves file?)`,
      { runId: run.runId, licenseId: id },
    );
}

/** The `RunCommitted` event of a commit's receipt. */
export function runCommittedIn(
  module: ILicenseCommitments,
  logs: readonly Log[],
): { runId: bigint; firstLicenseId: bigint } | undefined {
  const address = module.target.toString().toLowerCase();
  for (const log of logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = module.interface.parseLog(log);
    if (parsed?.name === "RunCommitted")
      return {
        runId: parsed.args.getValue("runId") as bigint,
        firstLicenseId: parsed.args.getValue("firstLicenseId") as bigint,
      };
  }
  return undefined;
}
