import { Interface, formatUnits, isError, type ErrorDescription } from "ethers";

import {
  LicenseCommitments__factory,
  LicenseMarket__factory,
  LicenseRegistry__factory,
} from "./contracts/index.js";

/**
 * Every failure the SDK reports is a `LedgerError`: `message` is a sentence a dealer understands,
 * `code` names the failure (the contract's custom error name, or one of the SDK's own codes),
 * `args` carries the values involved by name, and `cause` keeps the underlying error untouched.
 */
export class LedgerError extends Error {
  readonly code: string;
  readonly args: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    args: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "LedgerError";
    this.code = code;
    this.args = args;
  }
}

/** A contract refused the call with a custom error; `code` is its name (e.g. `LicenseNotReleased`). */
export class ContractRefusalError extends LedgerError {
  /** The error's signature, e.g. `LicenseNotReleased(uint256)`. */
  readonly signature: string;
  /** The raw revert data. */
  readonly data: string;

  constructor(description: ErrorDescription, data: string, cause: unknown) {
    const args = namedArgs(description);
    super(description.name, sentenceFor(description.name, args), args, { cause });
    this.name = "ContractRefusalError";
    this.signature = description.signature;
    this.data = data;
  }
}

/** The connected chain is not the chain the deployment lives on. */
export class WrongNetworkError extends LedgerError {
  constructor(expected: bigint, actual: bigint, network: string) {
    super(
      "WrongNetwork",
      `the deployment "${network}" is on chain ${expected}, but the connection is to chain ${actual}: connect to the right network`,
      { expected, actual, network },
    );
    this.name = "WrongNetworkError";
  }
}

/** No deployment record, or no contract at the address it names. */
export class UnknownDeploymentError extends LedgerError {
  constructor(message: string, args: Record<string, unknown>, cause?: unknown) {
    super("UnknownDeployment", message, args, { cause });
    this.name = "UnknownDeploymentError";
  }
}

/** The sending account cannot pay for the transaction (gas, or the ETH it sends). */
export class InsufficientFundsError extends LedgerError {
  constructor(account: string | undefined, cause: unknown) {
    super(
      "InsufficientFunds",
      `${account ?? "the sending account"} does not have enough ETH to pay for this transaction and its gas`,
      { account },
      { cause },
    );
    this.name = "InsufficientFundsError";
  }
}

/** The standard ERC-20 errors (ERC-6093) a payment token may raise through the market. */
const ERC20_ERRORS = [
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InvalidSender(address sender)",
  "error ERC20InvalidReceiver(address receiver)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC20InvalidApprover(address approver)",
  "error ERC20InvalidSpender(address spender)",
];

/** Every custom error the contracts (and the tokens they call) can raise, for decoding. */
export const CONTRACT_ERRORS = new Interface([
  ...new Map(
    [
      ...LicenseRegistry__factory.abi,
      ...LicenseMarket__factory.abi,
      ...LicenseCommitments__factory.abi,
    ]
      .filter((f) => f.type === "error")
      .map((f) => [f.name, f] as const),
  ).values(),
  ...ERC20_ERRORS,
]);

const STATUS_NAMES = ["active", "released", "revoked", "surrendered", "split"] as const;
const ROLE_NAMES: Record<string, string> = {
  "0x0000000000000000000000000000000000000000000000000000000000000000": "the admin role",
};

/** Registers a readable name for a role hash in error sentences (the SDK adds the known roles). */
export function nameRole(role: string, name: string): void {
  ROLE_NAMES[role.toLowerCase()] = name;
}

const when = (seconds: unknown): string => {
  const n = Number(seconds);
  return Number.isFinite(n) ? `${new Date(n * 1000).toISOString()} (unix ${n})` : String(seconds);
};

type Args = Record<string, unknown>;
const s = (v: unknown): string => String(v);

/**
 * One sentence per custom error: what happened, in the dealer's words, with the values involved.
 * `test/mocha/sdk/errors.test.ts` checks that every error of every contract has one.
 */
export const SENTENCES: Record<string, (a: Args) => string> = {
  // ---------------------------------------------------------------- products
  ProductDoesNotExist: (a) => `product ${s(a.productId)} does not exist`,
  ProductNotController: (a) =>
    `${s(a.account)} does not control product ${s(a.productId)}: only its publisher (or the operator acting for it) may do this`,
  ProductNotIssuer: (a) =>
    `${s(a.account)} may not issue licenses of product ${s(a.productId)}: it is neither the product's controller nor an issuer it authorised`,
  ProductNotControllerOrArbiter: (a) =>
    `${s(a.account)} may not suspend or reinstate licenses of product ${s(a.productId)}: only its controller or an arbiter may`,
  ProductNotPendingController: (a) =>
    `${s(a.account)} was not offered control of product ${s(a.productId)}`,
  ProductClosed: (a) => `product ${s(a.productId)} is closed: no new licenses can be issued`,
  ProductTermsLocked: (a) =>
    `the terms of product ${s(a.productId)} are fixed: licenses of it already exist`,
  ProductMaxSeatsZero: () => `a product's terms must allow at least one seat per license`,
  ProductSerialsExhausted: (a) =>
    `product ${s(a.productId)} has issued the most licenses its id range holds`,
  // ---------------------------------------------------------------- committed runs
  CommitmentRunUnknown: (a) => `there is no committed run ${s(a.runId)}`,
  CommitmentLeafOutsideRun: (a) =>
    `license ${s(a.licenseId)} is not in run ${s(a.runId)}, which holds the ${s(a.leafCount)} licenses from ${s(a.firstLicenseId)}`,
  CommitmentProofInvalid: (a) =>
    `the leaf given for license ${s(a.licenseId)} and its proof do not lead to run ${s(a.runId)}'s root: some field of the leaf, or the proof, is not what was committed (is it the right leaves file?)`,
  CommitmentLeafAlreadyClaimed: (a) =>
    `license ${s(a.licenseId)} of run ${s(a.runId)} was claimed already: it is an ordinary license now (see its holder with license:show)`,
  CommitmentLeafRevoked: (a) =>
    `license ${s(a.licenseId)} of run ${s(a.runId)} was revoked by the publisher before it was claimed: it can never be issued`,
  CommitmentRunRevoked: (a) =>
    `run ${s(a.runId)} was revoked as a whole by the publisher: none of its unclaimed licenses can be issued any more (claimed ones stay valid)`,
  CommitmentRunSizeInvalid: (a) =>
    `a run holds 1 to ${s(a.maxLeafCount)} licenses, not ${s(a.leafCount)}`,
  CommitmentRootZero: () => `a run's Merkle root cannot be zero: build the tree first`,
  CommitmentBatchInvalid: (a) =>
    `a batch claim needs at least one leaf and one proof per leaf (got ${s(a.leaves)} leaves and ${s(a.proofs)} proofs)`,
  // ---------------------------------------------------------------- licenses
  LicenseSeatsInvalid: (a) =>
    `${s(a.seats)} seats is not allowed: a license of this product carries 1 to ${s(a.maxSeats)} seats`,
  LicenseValidityInvalid: (a) =>
    a.latest === 0n
      ? `the product is perpetual: its licenses take no end date (validUntil must be 0, not ${s(a.validUntil)})`
      : `validity until ${when(a.validUntil)} is not allowed: it must be in the future and no later than ${when(a.latest)}`,
  LicenseKeyCommitmentInUse: (a) =>
    `that license key is already bound to license ${s(a.licenseId)} of the same product`,
  LicenseKeyCommitmentMissing: () => `issuing with a license key needs the key's commitment`,
  LicenseOriginEvidenceMissing: (a) =>
    `${s(a.issuer)} onboards licenses of product ${s(a.productId)} and must give the hash of the first-sale evidence (invoice or certificate) for each`,
  LicenseBatchEmpty: () => `a batch issuance needs at least one license`,
  LicenseEnded: (a) =>
    `license ${s(a.licenseId)} has ended (${STATUS_NAMES[Number(a.status)] ?? `status ${s(a.status)}`}): it can never move or change again`,
  LicenseExpired: (a) => `license ${s(a.licenseId)} expired on ${when(a.validUntil)}`,
  LicenseIsSuspended: (a) =>
    `license ${s(a.licenseId)} is suspended by a dispute: it cannot be used or moved until reinstated`,
  LicenseNotSuspended: (a) => `license ${s(a.licenseId)} is not suspended`,
  LicenseSuspensionReservedToArbiters: (a) =>
    `license ${s(a.licenseId)} was reinstated by an arbiter: only an arbiter may suspend it now`,
  LicenseControllerSuspensionUsed: (a) =>
    `the publisher already suspended license ${s(a.licenseId)} in this holding (at move ${s(a.moves)}): a further freeze needs an arbiter`,
  LicenseNotTransferable: (a) =>
    `license ${s(a.licenseId)} cannot be transferred or resold: its product's terms do not allow it`,
  LicenseNotSplittable: (a) =>
    `license ${s(a.licenseId)} cannot be split: its product's terms do not allow it`,
  LicenseNotReleased: (a) =>
    `license ${s(a.licenseId)} cannot move: its holder has not declared its copy unusable`,
  LicenseAlreadyReleased: (a) =>
    `license ${s(a.licenseId)} is already released for resale (its holder declared its copy unusable)`,
  LicenseDeactivationNotAttested: (a) =>
    `license ${s(a.licenseId)} cannot move yet: its publisher must first attest that the seller's copy was deactivated`,
  LicenseMoveLimitReached: (a) =>
    `license ${s(a.licenseId)} has changed hands 32,767 times, the most the ledger counts: it cannot move again`,
  LicenseAlreadyAttested: (a) =>
    `the deactivation of license ${s(a.licenseId)} is already attested`,
  LicenseDeclarationMissing: (a) =>
    `releasing license ${s(a.licenseId)} needs the hash of the holder's declaration that its copy is unusable`,
  LicenseEvidenceMissing: (a) =>
    `this action on license ${s(a.licenseId)} needs the hash of its evidence document`,
  LicenseReasonMissing: (a) => `revoking license ${s(a.licenseId)} needs a reason code`,
  LicenseArbiterHold: (a) =>
    `license ${s(a.licenseId)} is held by an arbiter's suspension: only an arbiter can lift it, and it cannot be revoked until then`,
  LicenseSplitTooFewParts: (a) =>
    `license ${s(a.licenseId)} must be split into at least 2 parts (${s(a.parts)} given)`,
  LicenseSplitEmptyPart: (a) =>
    `part ${s(a.index)} of the split of license ${s(a.licenseId)} has no seats`,
  LicenseSplitSeatsMismatch: (a) =>
    `the parts of license ${s(a.licenseId)} add up to ${s(a.partsTotal)} seats, but it has ${s(a.parentSeats)}: a split must keep every seat`,
  ProductURINotUtf8: (a) =>
    `the product's metadata URI is not valid UTF-8 (from byte ${s(a.offset)}): wallets could not read its metadata`,
  ProductNotOperatorControlled: (a) =>
    `product ${s(a.productId)} is not controlled by an operator (its publisher registered or took it over): the admin cannot hand it over`,
  ProductControllerStillOperator: (a) =>
    `the controller ${s(a.controller)} of product ${s(a.productId)} still holds the operator role: its control cannot be recovered`,
  ProductRecoveryTargetNotOperator: (a) =>
    `${s(a.account)} is not an operator, so it cannot take over product ${s(a.productId)}`,
  ProductNotRecoveringController: (a) =>
    `no recovery of product ${s(a.productId)} is pending for ${s(a.account)}`,
  ProductRecoveryNotReady: (a) =>
    `the recovery of product ${s(a.productId)} can be completed only from ${when(a.readyAt)}`,
  LicenseFirstSaleRegionMissing: (a) =>
    `issuing licenses of product ${s(a.productId)} with a first sale needs its region (EU/EEA, Switzerland or elsewhere)`,
  EvidenceCapacityExceeded: (a) =>
    `the first-sale evidence ${s(a.originEvidence)} covers ${s(a.capacity)} seats and ${s(a.used)} are already onboarded: ${s(a.seats)} more would sell the same paperwork twice`,
  EvidenceAlreadyDeclared: (a) =>
    `the first-sale evidence ${s(a.originEvidence)} already covers ${s(a.capacity)} seats: its capacity is set once`,
  EvidenceDeclarationInvalid: (a) =>
    `declaring first-sale evidence needs its hash and at least one seat (${s(a.capacity)} given for ${s(a.originEvidence)})`,
  // ---------------------------------------------------------------- registry
  RegistryPaused: (a) => `the registry is paused until ${when(a.pausedUntil)}`,
  RegistryNotPaused: () => `the registry is not paused`,
  RegistryPauseDurationInvalid: (a) =>
    `a pause of ${s(a.duration)} seconds is not allowed: at most ${s(a.maxDuration)}`,
  RegistryPauseCoolingDown: (a) =>
    `the registry cannot be paused again before ${when(a.availableAt)}`,
  RegistryEtherNotAccepted: (a) => `the registry accepts no ETH (${s(a.value)} wei were sent)`,
  RegistryNotCommitments: (a) =>
    `${s(a.caller)} is not the registry's commitments module, the only caller of committed issuance`,
  // ---------------------------------------------------------------- token base
  ERC721NonexistentToken: (a) => `license ${s(a.tokenId)} does not exist`,
  ERC721InsufficientApproval: (a) =>
    `${s(a.operator)} may not act on license ${s(a.tokenId)}: it is neither its holder nor approved by it`,
  ERC721IncorrectOwner: (a) =>
    `${s(a.sender)} does not hold license ${s(a.tokenId)} (its holder is ${s(a.owner)})`,
  ERC721InvalidApprover: (a) => `${s(a.approver)} cannot approve this license`,
  ERC721InvalidOperator: (a) => `${s(a.operator)} cannot be an operator`,
  ERC721InvalidOwner: (a) => `${s(a.owner)} cannot hold licenses`,
  ERC721InvalidReceiver: (a) => `${s(a.receiver)} cannot receive licenses`,
  ERC721InvalidSender: (a) => `${s(a.sender)} cannot send licenses`,
  NotOwnerNorApproved: () => `the sender is neither the license's holder nor approved by it`,
  TransferFromIncorrectOwner: () => `the license is not held by the account it is sent from`,
  TransferToZeroAddress: () => `a license cannot be sent to the zero address`,
  TransferToNonERC721ReceiverImplementer: () =>
    `the receiving contract does not accept licenses (no onERC721Received)`,
  TokenDoesNotExist: () => `that license does not exist`,
  TokenAlreadyExists: () => `that license already exists`,
  BalanceQueryForZeroAddress: () => `the zero address holds no licenses`,
  AccountBalanceOverflow: () => `the account holds too many licenses`,
  // ---------------------------------------------------------------- access control
  AccessControlUnauthorizedAccount: (a) =>
    `${s(a.account)} lacks ${ROLE_NAMES[String(a.neededRole).toLowerCase()] ?? `role ${s(a.neededRole)}`} needed for this`,
  AccessControlBadConfirmation: () => `only the account itself may renounce its role`,
  AccessControlEnforcedDefaultAdminDelay: (a) =>
    `the admin handover is not due until ${when(a.schedule)}`,
  AccessControlEnforcedDefaultAdminRules: () =>
    `the admin role is handed over only in two steps (begin, then accept after the delay)`,
  AccessControlInvalidDefaultAdmin: (a) => `${s(a.defaultAdmin)} cannot become the admin`,
  // ---------------------------------------------------------------- market
  MarketOrderExpired: (a) =>
    `the order ${s(a.nonce)} of ${s(a.maker)} expired on ${when(a.expiry)}`,
  MarketNonceUsed: (a) =>
    `the order ${s(a.nonce)} of ${s(a.maker)} was already filled or cancelled`,
  MarketOrderCounterMismatch: (a) =>
    `the order of ${s(a.maker)} is void: it was signed at counter ${s(a.orderCounter)}, but the maker's counter is ${s(a.currentCounter)} (it cancelled all its orders since)`,
  MarketSignatureInvalid: (a) =>
    `the signature is not ${s(a.maker)}'s for this order on this market and chain`,
  MarketSellerNotHolder: (a) =>
    `license ${s(a.licenseId)} is held by ${s(a.holder)}, not by the seller ${s(a.seller)}: the order is void`,
  MarketLicenseMoved: (a) =>
    `license ${s(a.licenseId)} has changed hands since the order was signed (at move ${s(a.orderMoves)}, now ${s(a.currentMoves)}): the order is void`,
  MarketCurrencyInvalid: (a) => `${s(a.currency)} cannot be used as a currency`,
  MarketNotApproved: (a) =>
    `license ${s(a.licenseId)} cannot be sold on the market: its holder ${s(a.holder)} has not approved the market (setApprovalForAll)`,
  MarketTotalAboveMax: (a) =>
    `the purchase costs ${s(a.total)} (price and fee), more than the most you agreed to pay (${s(a.maxTotal)})`,
  MarketProceedsBelowMin: (a) =>
    `the sale would pay ${s(a.proceeds)} after the fee, less than the least you accept (${s(a.minProceeds)})`,
  MarketEtherInsufficient: (a) =>
    `the purchase needs ${formatUnits(BigInt(s(a.required)), 18)} ETH, but ${formatUnits(BigInt(s(a.sent)), 18)} ETH were sent`,
  MarketTokenRequired: () => `this needs an ERC-20 token as currency, not ETH`,
  MarketTokenAmountMismatch: (a) =>
    `the token ${s(a.token)} delivered ${s(a.received)} instead of ${s(a.expected)} to ${s(a.recipient)}: fee-on-transfer tokens are refused`,
  MarketFeeTooHigh: (a) => `a fee of ${s(a.bps)} basis points is above the cap of ${s(a.maxBps)}`,
  MarketFeeRecipientInvalid: (a) =>
    `${s(a.recipient)} cannot receive the fees (not the zero address, the market or the registry)`,
  MarketNothingOwed: (a) => `the market owes ${s(a.account)} nothing`,
  MarketWithdrawalFailed: (a) =>
    `sending ${formatUnits(BigInt(s(a.amount)), 18)} ETH to ${s(a.to)} failed: choose another address, one that accepts ETH`,
  MarketBatchEmpty: () => `a batch purchase needs at least one order`,
  MarketRegistryInvalid: (a) => `${s(a.registry)} is not a deployed registry`,
  MarketLicenseAtMoveLimit: (a) =>
    `license ${s(a.licenseId)} has changed hands ${s(a.moves)} times: after this sale it could never move again (the most is ${s(a.maxMoves)}), so the market does not sell it`,
  ReentrancyGuardReentrantCall: () =>
    `the market refused a call made from inside another market call (reentrancy)`,
  SafeERC20FailedOperation: (a) =>
    `the token ${s(a.token)} refused the payment (no allowance, no balance, or not a token)`,
  // ---------------------------------------------------------------- ERC-20 tokens
  ERC20InsufficientBalance: (a) =>
    `${s(a.sender)} has ${s(a.balance)} of the token, but ${s(a.needed)} are needed`,
  ERC20InsufficientAllowance: (a) =>
    `the market may spend ${s(a.allowance)} of the token, but ${s(a.needed)} are needed: approve the market (or use a permit)`,
  ERC20InvalidApprover: (a) => `${s(a.approver)} cannot approve tokens`,
  ERC20InvalidReceiver: (a) => `${s(a.receiver)} cannot receive tokens`,
  ERC20InvalidSender: (a) => `${s(a.sender)} cannot send tokens`,
  ERC20InvalidSpender: (a) => `${s(a.spender)} cannot spend tokens`,
  // ---------------------------------------------------------------- compiler and libraries
  SafeCastOverflowedUintDowncast: (a) => `the value ${s(a.value)} does not fit ${s(a.bits)} bits`,
  InvalidShortString: () => `a name is not a valid short string`,
  StringTooLong: (a) => `the string "${s(a.str)}" is too long`,
};

function namedArgs(description: ErrorDescription): Args {
  const args: Args = {};
  description.fragment.inputs.forEach((input, i) => {
    args[input.name || `arg${i}`] = description.args[i];
  });
  return args;
}

function sentenceFor(name: string, args: Args): string {
  const sentence = SENTENCES[name];
  return sentence === undefined ? `the contract refused the call with ${name}` : sentence(args);
}

/** Finds revert data in an ethers error (or nested cause), if any. */
function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === "object"; depth++) {
    const candidate = (current as { data?: unknown }).data;
    if (typeof candidate === "string" && /^0x[0-9a-fA-F]{8}/.test(candidate)) return candidate;
    const info = (current as { info?: { error?: { data?: unknown } } }).info?.error?.data;
    if (typeof info === "string" && /^0x[0-9a-fA-F]{8}/.test(info)) return info;
    current =
      (current as { cause?: unknown; error?: unknown }).error ??
      (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether a node's error (Hardhat's, geth's, anvil's wording, however nested) is about funds. */
function saysInsufficientFunds(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === "object"; depth++) {
    const node = current as {
      message?: unknown;
      info?: { error?: { message?: unknown } };
      error?: unknown;
      cause?: unknown;
    };
    for (const text of [node.message, node.info?.error?.message]) {
      if (typeof text === "string" && /insufficient funds|doesn't have enough funds/i.test(text)) {
        return true;
      }
    }
    current = node.error ?? node.cause;
  }
  return false;
}

/**
 * The refusal a contract would give with its custom error `name` and `values`, for a check the
 * client makes before sending (where the contract would refuse with a less telling error first).
 */
export function contractRefusal(name: string, values: readonly unknown[]): ContractRefusalError {
  const data = CONTRACT_ERRORS.encodeErrorResult(name, values);
  return new ContractRefusalError(CONTRACT_ERRORS.parseError(data)!, data, undefined);
}

/**
 * Turns any error from a contract call or transaction into a `LedgerError`: a decoded custom
 * error with its sentence, insufficient funds, or (for anything else) a `LedgerError` whose
 * message says what was being done, keeping the original as `cause`.
 */
export function toLedgerError(error: unknown, doing: string, account?: string): LedgerError {
  if (error instanceof LedgerError) return error;
  const data = revertData(error);
  if (data !== undefined) {
    const description = CONTRACT_ERRORS.parseError(data);
    if (description !== null) return new ContractRefusalError(description, data, error);
  }
  if (isError(error, "INSUFFICIENT_FUNDS")) return new InsufficientFundsError(account, error);
  if (isError(error, "CALL_EXCEPTION")) {
    const reason = error.reason ?? error.shortMessage;
    return new LedgerError("CallFailed", `${doing} failed: ${reason}`, {}, { cause: error });
  }
  if (saysInsufficientFunds(error)) return new InsufficientFundsError(account, error);
  const message = error instanceof Error ? error.message : String(error);
  return new LedgerError("Failed", `${doing} failed: ${message}`, {}, { cause: error });
}
