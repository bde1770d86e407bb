import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

/** `npx hardhat bench`: gas of every operation against references and the EVM floor, and scale. */
export const benchTask = task(
  "bench",
  "Measures gas against references and the EVM floor, and how costs grow",
)
  .addFlag({
    name: "check",
    description: "Only measure gas and fail if any operation is >1% over bench/baseline.json",
  })
  .addFlag({ name: "writeBaseline", description: "Write the measured gas to bench/baseline.json" })
  .addOption({
    name: "licenses",
    description: "Licenses issued for the scale run",
    type: ArgumentType.BIGINT,
    defaultValue: 10_000n,
  })
  .addOption({
    name: "transfers",
    description: "Resales recorded for the scale run",
    type: ArgumentType.BIGINT,
    defaultValue: 50_000n,
  })
  .addOption({
    name: "growth",
    description: "Multiplier of the total history for the second rebuild timing",
    type: ArgumentType.BIGINT,
    defaultValue: 10n,
  })
  .setAction(() => import("../bench/run.js"))
  .build();

/** `npx hardhat license:deploy --network <name>`: the registry and market, recorded in deployments/. */
export const deployTask = task(
  "license:deploy",
  "Deploys the registry and the market with Ignition and records them in deployments/<network>.json",
)
  .addOption({
    name: "parameters",
    description: "An Ignition parameters JSON file (fee recipient, fee, admin, names)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "deploymentId",
    description: "Ignition deployment id (default: chain-<chain id>)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "deploymentsDir",
    description: "Where to write <network>.json (default: deployments/)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addFlag({ name: "verify", description: "Verify the sources on the network's explorer" })
  .setAction(() => import("./actions/deploy.js"))
  .build();

/**
 * `npx hardhat license:mock-token --network localhost`: a TEST-ONLY stablecoin on a local chain,
 * so token sales can be tried there. Refuses every chain but 31337.
 */
export const mockTokenTask = task(
  "license:mock-token",
  "LOCAL CHAINS ONLY: deploys a test stablecoin anyone can mint (MockERC20, 6 decimals) and mints some",
)
  .addOption({
    name: "to",
    description: "Who receives the minted tokens, comma-separated (default: the sending account)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption({
    name: "amount",
    description: "How much each receives, in the token's units",
    type: ArgumentType.STRING,
    defaultValue: "10000",
  })
  .addOption({
    name: "symbol",
    description: "The token's symbol",
    type: ArgumentType.STRING,
    defaultValue: "mUSDC",
  })
  .addOption({
    name: "from",
    description: "The sending account: an address or an index of the network's accounts",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addFlag({ name: "json", description: "Print one JSON document instead of the layout" })
  .setAction(() => import("./actions/mock-token.js"))
  .build();

// ------------------------------------------------------------------ the CLI over the SDK

/** An optional string option (a file, an address, an amount), parsed by the action. */
function optional<N extends string>(name: N, description: string) {
  return {
    name,
    description,
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  } as const;
}

/** The license a verb acts on, as its first positional argument. */
const LICENSE = {
  name: "license",
  description: "The license id (productId * 10^12 + serial, e.g. 1000000000001)",
  type: ArgumentType.BIGINT,
} as const;

const DECLARATION = optional(
  "declaration",
  "The holder's signed declaration that its copy is unusable (a file: its SHA-256 is recorded)",
);
const DECLARATION_HASH = optional(
  "declarationHash",
  "The declaration's hash (0x and 64 hex digits), instead of --declaration",
);
const EVIDENCE = optional("evidence", "The evidence document (a file: its SHA-256 is recorded)");
const EVIDENCE_HASH = optional("evidenceHash", "The evidence's hash, instead of --evidence");
const EXPIRY = optional(
  "expiry",
  "Last moment it can be filled: unix seconds, a date (2027-01-01) or a duration (7d); default 30d",
);
const NONCE = optional(
  "nonce",
  "The order's nonce (default: one not used on chain nor by an order file in the output folder)",
);
const OUT = optional(
  "out",
  "Where to write the signed file (default: orders/<kind>-<license>-<nonce>.json)",
);

/**
 * A `license:<verb>` task with the options every verb takes: `--json`, `--deployments-dir`,
 * `--registry`, `--market` and `--from`.
 */
function ledgerTask(verb: string, description: string) {
  return task(`license:${verb}`, description)
    .addFlag({
      name: "json",
      description: "Print exactly one JSON document on stdout (bigints as decimal strings)",
    })
    .addOption(
      optional("deploymentsDir", "Where <network>.json address books live (default: deployments/)"),
    )
    .addOption(optional("registry", "The registry's address (instead of the deployment record)"))
    .addOption(optional("market", "The market's address (overrides the deployment record's)"))
    .addOption(
      optional(
        "from",
        "Which of the network's accounts signs: address or index (default: the first)",
      ),
    );
}

export const productTask = ledgerTask(
  "product",
  "Registers a product and its terms (a publisher's own, or --for-publisher as an operator)",
)
  .addOption({
    name: "validityDays",
    description: "0 for perpetual licenses, else the longest validity in days",
    type: ArgumentType.INT,
    defaultValue: 0,
  })
  .addOption({
    name: "maxSeats",
    description: "Most seats one license may carry",
    type: ArgumentType.INT,
    defaultValue: 1,
  })
  .addFlag({ name: "transferable", description: "Licenses may be resold" })
  .addFlag({ name: "splittable", description: "Volume licenses may be split" })
  .addFlag({
    name: "attestationRequired",
    description: "A resale needs the publisher's attestation of the seller's deactivation",
  })
  .addOption({
    name: "uri",
    description: "Where the product and its terms are described",
    defaultValue: "",
  })
  .addOption(
    optional(
      "forPublisher",
      "Register as an operator for this absent publisher (its address, or unknown)",
    ),
  )
  .setAction(() => import("./actions/product.js"))
  .build();

export const issuerTask = ledgerTask("issuer", "Authorises (or removes) an issuer of a product")
  .addPositionalArgument({
    name: "product",
    description: "The product id",
    type: ArgumentType.BIGINT,
  })
  .addPositionalArgument({ name: "issuer", description: "The issuer's address" })
  .addPositionalArgument({ name: "kind", description: "distributor, onboarder or none" })
  .setAction(() => import("./actions/issuer.js"))
  .build();

export const issueTask = ledgerTask(
  "issue",
  "Issues one license, or many from a CSV file (holder,seats[,validUntil][,licenseKey][,evidenceFile])",
)
  .addOption(optional("product", "The product id"))
  .addOption(optional("holder", "The first holder's address (single issuance)"))
  .addOption(optional("seats", "Seats of the license (single issuance; default 1)"))
  .addOption(
    optional(
      "validUntil",
      "Unix seconds, a date or a duration (default: perpetual, or the longest a limited product allows)",
    ),
  )
  .addOption(optional("key", "A license key to bind (only its commitment goes on chain)"))
  .addOption(
    optional(
      "evidence",
      "First-sale evidence, an invoice or certificate (a file: its SHA-256 is recorded)",
    ),
  )
  .addOption(EVIDENCE_HASH)
  .addOption(optional("csv", "Issue one license per row of this CSV file"))
  .addOption(
    optional("journal", "The batch's journal (default: <csv>.journal.jsonl); rerun to resume"),
  )
  .addOption({
    name: "chunk",
    description: "Rows per transaction",
    type: ArgumentType.INT,
    defaultValue: 100,
  })
  .addOption({
    name: "concurrency",
    description: "Transactions in flight at once",
    type: ArgumentType.INT,
    defaultValue: 4,
  })
  .addOption({
    name: "resendAfter",
    description:
      "Seconds a sent transaction may be neither mined nor pending before it is sent again (same nonce)",
    type: ArgumentType.INT,
    defaultValue: 30,
  })
  .setAction(() => import("./actions/issue.js"))
  .build();

export const releaseTask = ledgerTask(
  "release",
  "Records the holder's declaration that its copy is unusable and releases the license for resale",
)
  .addPositionalArgument(LICENSE)
  .addOption(DECLARATION)
  .addOption(DECLARATION_HASH)
  .setAction(() => import("./actions/release.js"))
  .build();

export const attestTask = ledgerTask(
  "attest",
  "Attests, as the product's controller, that a released license's copy was deactivated",
)
  .addPositionalArgument(LICENSE)
  .addOption(EVIDENCE)
  .addOption(EVIDENCE_HASH)
  .setAction(() => import("./actions/attest.js"))
  .build();

export const transferTask = ledgerTask(
  "transfer",
  "Transfers a released license (or, with --declaration, releases and transfers it in one call)",
)
  .addPositionalArgument(LICENSE)
  .addOption(optional("to", "The new holder's address"))
  .addOption(DECLARATION)
  .addOption(DECLARATION_HASH)
  .setAction(() => import("./actions/transfer.js"))
  .build();

export const splitTask = ledgerTask(
  "split",
  "Splits a volume license into licenses with the given seats",
)
  .addPositionalArgument(LICENSE)
  .addOption(
    optional(
      "seats",
      "Seats of each part, comma-separated (e.g. 3,7); they add up to the license's",
    ),
  )
  .setAction(() => import("./actions/split.js"))
  .build();

export const revokeTask = ledgerTask(
  "revoke",
  "Revokes a license for good, with a reason and evidence",
)
  .addPositionalArgument(LICENSE)
  .addOption(
    optional("reason", "refund, fraud, court-order, publisher-error, or a code from 1 to 65535"),
  )
  .addOption(EVIDENCE)
  .addOption(EVIDENCE_HASH)
  .setAction(() => import("./actions/revoke.js"))
  .build();

export const suspendTask = ledgerTask("suspend", "Freezes a license during a dispute, on evidence")
  .addPositionalArgument(LICENSE)
  .addOption(EVIDENCE)
  .addOption(EVIDENCE_HASH)
  .setAction(() => import("./actions/suspend.js"))
  .build();

export const reinstateTask = ledgerTask("reinstate", "Lifts a license's suspension")
  .addPositionalArgument(LICENSE)
  .addOption(
    optional("evidence", "The document giving the reason (optional; its SHA-256 is recorded)"),
  )
  .addOption(EVIDENCE_HASH)
  .setAction(() => import("./actions/reinstate.js"))
  .build();

export const roleTask = ledgerTask(
  "role",
  "Grants or revokes a registry role (the admin): publisher, operator, pauser or arbiter",
)
  .addPositionalArgument({ name: "change", description: "grant or revoke" })
  .addPositionalArgument({ name: "role", description: "publisher, operator, pauser or arbiter" })
  .addPositionalArgument({ name: "account", description: "The account's address" })
  .setAction(() => import("./actions/role.js"))
  .build();

export const surrenderTask = ledgerTask("surrender", "Gives up a license for good (the holder)")
  .addPositionalArgument(LICENSE)
  .setAction(() => import("./actions/surrender.js"))
  .build();

export const showTask = ledgerTask(
  "show",
  "Shows a license: holder, product, seats, status, validity and terms (by id, or --key --product)",
)
  .addPositionalArgument({
    name: "license",
    description: "The license id (or use --key and --product)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption(optional("key", "Find the license bound to this license key"))
  .addOption(optional("product", "The product the --key belongs to"))
  .setAction(() => import("./actions/show.js"))
  .build();

export const listTask = ledgerTask(
  "list",
  "Lists the licenses an account holds (default: the signing account)",
)
  .addPositionalArgument({
    name: "account",
    description: "Whose licenses (default: --from, or the network's first account)",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  })
  .addOption(
    optional("fromBlock", "First block to scan (default: the registry's deployment block)"),
  )
  .setAction(() => import("./actions/list.js"))
  .build();

export const sellTask = ledgerTask(
  "sell",
  "Signs a sell order (no gas) and writes it to a file a buyer fills with license:buy",
)
  .addPositionalArgument(LICENSE)
  .addOption(optional("price", "What the seller receives, in the currency's units (e.g. 1.5)"))
  .addOption({
    name: "currency",
    description: "eth, or an ERC-20 token's address",
    defaultValue: "eth",
  })
  .addOption(EXPIRY)
  .addOption(NONCE)
  .addOption(DECLARATION)
  .addOption(DECLARATION_HASH)
  .addOption(OUT)
  .setAction(() => import("./actions/sell.js"))
  .build();

export const offerTask = ledgerTask(
  "offer",
  "Signs a buy offer in an ERC-20 token (no gas) and writes it to a file the holder accepts",
)
  .addPositionalArgument(LICENSE)
  .addOption(optional("price", "What the buyer pays, in the token's units (e.g. 250)"))
  .addOption(optional("currency", "The ERC-20 token's address"))
  .addOption(EXPIRY)
  .addOption(NONCE)
  .addOption(OUT)
  .setAction(() => import("./actions/offer.js"))
  .build();

export const buyTask = ledgerTask(
  "buy",
  "Buys licenses from signed sell order files (several: one transaction, all or nothing)",
)
  .addVariadicArgument({ name: "orders", description: "The sell order files" })
  .setAction(() => import("./actions/buy.js"))
  .build();

export const acceptTask = ledgerTask("accept", "Sells a license to a buyer's signed offer file")
  .addPositionalArgument({ name: "offer", description: "The buy offer file" })
  .addOption(DECLARATION)
  .addOption(DECLARATION_HASH)
  .setAction(() => import("./actions/accept.js"))
  .build();

export const cancelTask = ledgerTask("cancel", "Cancels the signer's orders and offers")
  .addOption(optional("nonce", "The nonces to cancel, comma-separated (e.g. 1,2)"))
  .addFlag({ name: "all", description: "Cancel every order and offer signed so far" })
  .setAction(() => import("./actions/cancel.js"))
  .build();

export const approveMarketTask = ledgerTask(
  "approve-market",
  "Lets the market move the signer's licenses at settlement (or spend a token with --token)",
)
  .addFlag({ name: "revoke", description: "Withdraw the market's approval for licenses" })
  .addOption(optional("token", "An ERC-20 token the market may spend for purchases"))
  .addOption(optional("amount", "How much of --token, in its units, or max"))
  .setAction(() => import("./actions/approve-market.js"))
  .build();

export const withdrawTask = ledgerTask("withdraw", "Withdraws the ETH the market owes the signer")
  .addOption(optional("to", "Send it to this address instead"))
  .setAction(() => import("./actions/withdraw.js"))
  .build();

const AT_BLOCK = optional("atBlock", "The block to read the chain at (default: the latest)");
const AT_TIME = optional(
  "atTime",
  "The moment to read the chain at: unix seconds or a date (2026-01-01, midnight UTC); the last block at or before it",
);

export const historyTask = ledgerTask(
  "history",
  "Shows a license's chain of title from the logs: every holder with its period, every step with its transaction",
)
  .addPositionalArgument(LICENSE)
  .addOption(AT_BLOCK)
  .addOption(AT_TIME)
  .setAction(() => import("./actions/history.js"))
  .build();

export const certificateTask = ledgerTask(
  "certificate",
  "Writes a license's certificate of title: a PDF a person reads (its JSON embedded), or the JSON",
)
  .addPositionalArgument(LICENSE)
  .addOption(
    optional(
      "atBlock",
      "The block to draw it at: a number, latest or finalized (default: finalized on public networks, latest on local ones)",
    ),
  )
  .addOption(
    optional(
      "out",
      "Where to write it: a .pdf or a .json file (default: certificate-<license>.pdf)",
    ),
  )
  .setAction(() => import("./actions/certificate.js"))
  .build();

export const verifyTask = ledgerTask(
  "verify",
  "Checks a certificate (PDF or JSON) against the official deployment: current, superseded, not final, not genuine or not official",
)
  .addPositionalArgument({ name: "file", description: "The certificate: a .pdf or a .json file" })
  .addOption(
    optional(
      "trust",
      "An address book (JSON) of a private deployment to trust instead of the official ones",
    ),
  )
  .setAction(() => import("./actions/verify.js"))
  .build();

export const heldByTask = ledgerTask(
  "held-by",
  "Lists the licenses an account held at a past moment (--at-time or --at-block)",
)
  .addPositionalArgument({ name: "account", description: "The account's address" })
  .addOption(AT_TIME)
  .addOption(AT_BLOCK)
  .setAction(() => import("./actions/held-by.js"))
  .build();

// ------------------------------------------------------------------ committed issuance runs

const RUN = optional("run", "The run's id (license:merkle-commit prints it)");
const PROOF_INDEX = optional(
  "index",
  "The run's proof index (<name>.proofs.bin from license:merkle-build)",
);
const LEAF_IDS = optional("license", "License ids of the run, comma-separated");
const LEAF_HOLDER = optional("holder", "Every leaf of this holder, instead of --license");

export const merkleBuildTask = ledgerTask(
  "merkle-build",
  "Builds a committed run's Merkle tree, leaves file and proof index from a CSV (streamed, with a progress bar)",
)
  .addPositionalArgument({
    name: "csv",
    description:
      "The CSV: holder,seats[,validUntil,region,licenseKey|keyCommitment,originEvidence]",
  })
  .addOption(optional("product", "The product whose licenses the run issues"))
  .addOption(
    optional(
      "firstId",
      "The run's first license id (default: the product's next one, read from the chain)",
    ),
  )
  .addOption({
    name: "out",
    description: "Folder for the leaves file and the proof index",
    type: ArgumentType.STRING,
    defaultValue: "runs",
  })
  .addOption(optional("name", "Base name of the outputs (default: run-<first id>)"))
  .addOption({
    name: "maxRows",
    description: "Most rows accepted",
    type: ArgumentType.INT,
    defaultValue: 2_000_000,
  })
  .setAction(() => import("./actions/merkle-build.js"))
  .build();

export const merkleCommitTask = ledgerTask(
  "merkle-commit",
  "Commits a run (its leaves file checked, its root and SHA-256 recorded) in one transaction",
)
  .addPositionalArgument({
    name: "leaves",
    description: "The run's leaves file (<name>.leaves.jsonl)",
  })
  .addOption(optional("uri", "Where the leaves file is published (https://..., ipfs://...)"))
  .setAction(() => import("./actions/merkle-commit.js"))
  .build();

export const merkleClaimTask = ledgerTask(
  "merkle-claim",
  "Claims committed licenses for their holders (one, or many in batches), by license id or by holder",
)
  .addOption(RUN)
  .addOption(PROOF_INDEX)
  .addOption(LEAF_IDS)
  .addOption(LEAF_HOLDER)
  .addOption({
    name: "perTransaction",
    description: "Leaves per claimBatch transaction",
    type: ArgumentType.INT,
    defaultValue: 50,
  })
  .setAction(() => import("./actions/merkle-claim.js"))
  .build();

export const merkleCheckTask = ledgerTask(
  "merkle-check",
  "Says whether committed leaves are claimable, claimed, revoked or invalid (no transaction)",
)
  .addOption(RUN)
  .addOption(PROOF_INDEX)
  .addOption(LEAF_IDS)
  .addOption(LEAF_HOLDER)
  .setAction(() => import("./actions/merkle-check.js"))
  .build();

export const merkleRevokeTask = ledgerTask(
  "merkle-revoke",
  "Revokes an unclaimed leaf of a run (the product's controller), with a reason and evidence",
)
  .addPositionalArgument(LICENSE)
  .addOption(RUN)
  .addOption(
    optional("reason", "refund, fraud, court-order, publisher-error, or a code from 1 to 65535"),
  )
  .addOption(EVIDENCE)
  .addOption(EVIDENCE_HASH)
  .setAction(() => import("./actions/merkle-revoke.js"))
  .build();

export const merkleRevokeRunTask = ledgerTask(
  "merkle-revoke-run",
  "Revokes every unclaimed leaf of a run (the product's controller), with a reason and evidence",
)
  .addOption(RUN)
  .addOption(
    optional("reason", "refund, fraud, court-order, publisher-error, or a code from 1 to 65535"),
  )
  .addOption(EVIDENCE)
  .addOption(EVIDENCE_HASH)
  .setAction(() => import("./actions/merkle-revoke-run.js"))
  .build();

export const merkleProofTask = ledgerTask(
  "merkle-proof",
  "Prints a leaf and its proof from a run's proof index, offline, to hand to its holder",
)
  .addOption(PROOF_INDEX)
  .addOption(LEAF_IDS)
  .addOption(LEAF_HOLDER)
  .setAction(() => import("./actions/merkle-proof.js"))
  .build();

/** Every `license:*` task, for hardhat.config.ts. */
export const ledgerTasks = [
  deployTask,
  mockTokenTask,
  productTask,
  issuerTask,
  issueTask,
  releaseTask,
  attestTask,
  transferTask,
  splitTask,
  revokeTask,
  suspendTask,
  reinstateTask,
  surrenderTask,
  roleTask,
  showTask,
  listTask,
  sellTask,
  offerTask,
  buyTask,
  acceptTask,
  cancelTask,
  approveMarketTask,
  withdrawTask,
  historyTask,
  certificateTask,
  verifyTask,
  heldByTask,
  merkleBuildTask,
  merkleCommitTask,
  merkleClaimTask,
  merkleCheckTask,
  merkleRevokeTask,
  merkleRevokeRunTask,
  merkleProofTask,
];
