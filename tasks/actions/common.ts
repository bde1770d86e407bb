import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { getAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { LedgerError, LicenseLedger, deploymentPath } from "@license-ledger/sdk";

/**
 * The repository's `deployments/` folder: where `license:deploy` writes address books and where
 * the tasks read them (the SDK package's default is the copy it ships, which lacks local ones).
 */
export const REPO_DEPLOYMENTS_DIR = fileURLToPath(new URL("../../deployments/", import.meta.url));

/** Ends a task with a sentence (the task runner prints it without a stack trace). */
export function fail(sentence: string, cause?: unknown): never {
  throw new LedgerError("TaskFailed", sentence, {}, { cause });
}

/** Settings each public network needs, for the sentence about a missing one. */
const CONFIG_HINT =
  "add it to .env (see .env.example) or store it with `npx hardhat keystore set <NAME>`";

/**
 * A setting Hardhat could not find (HHE7: a `configVariable` neither in `.env` nor in the
 * keystore) becomes the sentence naming it. Hardhat reads some settings only when first needed
 * (the account key when signing), so this is checked wherever a task can meet it.
 */
function failOnMissingSetting(hre: HardhatRuntimeEnvironment, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /Configuration Variable "([^"]+)" not found/.exec(message);
  if (missing !== null) {
    fail(
      `the setting ${missing[1]} is missing for network "${hre.globalOptions.network}": ${CONFIG_HINT}`,
      error,
    );
  }
}

/**
 * Connects to the task's `--network` (the shared connection, so tasks run from a test or a
 * script act on the same chain), turning a missing setting (Hardhat's HHE7, raised before
 * anything is sent) or an unreachable node into a sentence naming what to fix.
 */
export async function connectOrExplain(hre: HardhatRuntimeEnvironment) {
  try {
    return await hre.network.getOrCreate();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failOnMissingSetting(hre, error);
    if (/HHE70[0-9]/.test(message) || /Cannot connect/i.test(message)) {
      await failUnreachable(hre, hre.globalOptions.network, message, error);
    }
    throw error;
  }
}

/**
 * "cannot reach network ...". For `localhost`, the sentence names the URL it tried and
 * `LOCALHOST_RPC_URL`, which sets it; other networks' URLs may hold API keys and are not printed.
 */
async function failUnreachable(
  hre: HardhatRuntimeEnvironment,
  networkName: string,
  message: string,
  error: unknown,
): Promise<never> {
  const config = hre.config.networks[networkName];
  if (networkName === "localhost" && config?.type === "http") {
    const url = await config.url.get().catch(() => undefined);
    const from =
      process.env.LOCALHOST_RPC_URL === undefined
        ? "the default; LOCALHOST_RPC_URL is not set"
        : "from LOCALHOST_RPC_URL";
    fail(
      `cannot reach network "localhost" at ${url ?? "its URL"} (${from}): start a node there (\`npx hardhat node\`), or set LOCALHOST_RPC_URL to your node's URL`,
      error,
    );
  }
  fail(`cannot reach network "${networkName}": ${message}`, error);
}

/** A short line about the underlying error, for the line under the sentence. */
function causeLine(error: LedgerError): string | undefined {
  const cause = error.cause;
  if (cause === undefined) return undefined;
  if (error.code !== "TaskFailed" && "data" in error && typeof error.data === "string") {
    return `${error.code}${JSON.stringify(error.args, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))} (revert data ${error.data})`;
  }
  const message =
    cause instanceof Error
      ? ((cause as { shortMessage?: string }).shortMessage ?? cause.message)
      : String(cause);
  return message.split("\n")[0];
}

/**
 * Wraps a task action so that any `LedgerError` (every SDK failure, and `fail`) ends the task
 * with its sentence and the underlying error on stderr, exit code 1, and no stack trace. With
 * `--json`, stdout also gets its one JSON document: `{"error": {"code", "message", "args"}}`.
 */
export function action<A>(
  run: (args: A, hre: HardhatRuntimeEnvironment) => Promise<unknown>,
): (args: A, hre: HardhatRuntimeEnvironment) => Promise<unknown> {
  return async (args, hre) => {
    try {
      try {
        return await run(args, hre);
      } catch (error) {
        // A setting first needed deep inside a run (Ignition asking for the deployer's key).
        if (!(error instanceof LedgerError)) failOnMissingSetting(hre, error);
        throw error;
      }
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      console.error(`Error: ${error.message}`);
      const cause = causeLine(error);
      if (cause !== undefined) console.error(`  underlying error: ${cause}`);
      if ((args as { json?: unknown }).json === true) {
        const doc = { error: { code: error.code, message: error.message, args: error.args } };
        console.log(
          JSON.stringify(doc, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2),
        );
      }
      process.exitCode = 1;
      return undefined;
    }
  };
}

// ------------------------------------------------------------------ options every verb takes

/** The options every `license:*` verb takes (declared once in tasks/index.ts). */
export interface CommonArgs {
  /** Print exactly one JSON document on stdout (bigints as decimal strings). */
  json: boolean;
  /** Where `<network>.json` address books live (default: the repository's deployments/). */
  deploymentsDir: string | undefined;
  /** The registry's address, instead of the deployment record (which is then not read). */
  registry: string | undefined;
  /** The market's address, overriding (or, with --registry, replacing) the record's. */
  market: string | undefined;
  /** Which of the network's accounts signs: an address or an index (default: the first). */
  from: string | undefined;
}

export type Connection = Awaited<ReturnType<typeof connectOrExplain>>;

/** A connected client and who signs with it. */
export interface LedgerSession {
  connection: Connection;
  ledger: LicenseLedger;
  networkName: string;
  /** The signing account. */
  account: string;
}

/** A client for read-only tasks: it signs nothing, and the network may have no accounts. */
export interface ReaderSession extends Omit<LedgerSession, "account"> {
  /** The account `--from` names (or the first), when the network has accounts. */
  account: string | undefined;
}

function addressOption(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isAddress(value.trim())) {
    fail(`${option} must be an address (0x and 40 hex digits), got '${value}'`);
  }
  return getAddress(value.trim());
}

export async function pickSigner(
  connection: Connection,
  from: string | undefined,
): Promise<HardhatEthersSigner | undefined> {
  const signers = await connection.ethers.getSigners();
  if (from === undefined) return signers[0];
  const text = from.trim();
  if (/^\d+$/.test(text)) {
    const signer = signers[Number(text)];
    if (signer === undefined) {
      fail(
        `--from ${text}: network "${connection.networkName}" has ${signers.length} accounts (0 to ${signers.length - 1})`,
      );
    }
    return signer;
  }
  const address = addressOption(text, "--from");
  const signer = signers.find((s) => s.address.toLowerCase() === address?.toLowerCase());
  if (signer === undefined) {
    fail(
      `--from ${text} is not one of the accounts of network "${connection.networkName}": configure its key for the network, or name one of its ${signers.length} accounts`,
    );
  }
  return signer;
}

async function open(
  hre: HardhatRuntimeEnvironment,
  args: CommonArgs,
  needsSigner: boolean,
): Promise<ReaderSession> {
  const connection = await connectOrExplain(hre);
  const networkName = connection.networkName;
  const registry = addressOption(args.registry, "--registry");
  const market = addressOption(args.market, "--market");
  try {
    const signer = await pickSigner(connection, args.from);
    if (signer === undefined && needsSigner) {
      fail(
        `network "${networkName}" has no accounts to sign with: configure \`accounts\` for it in hardhat.config.ts`,
      );
    }
    const deploymentsDir = args.deploymentsDir ?? REPO_DEPLOYMENTS_DIR;
    if (
      registry === undefined &&
      connection.networkConfig.type === "edr-simulated" &&
      !existsSync(deploymentPath(networkName, deploymentsDir))
    ) {
      // Deploying there would not help: the in-process chain starts empty and ends with the
      // command.
      fail(
        `network "${networkName}" is the in-process chain of this command: it starts empty and ends with the command, so it holds no deployment. Run a node (\`npx hardhat node\`), deploy to it (\`npx hardhat license:deploy --network localhost\`) and add --network localhost, or name a testnet with --network, or pass the registry's address with --registry`,
      );
    }
    const ledger = await LicenseLedger.connect(
      signer ?? connection.ethers.provider,
      registry !== undefined
        ? { registry, ...(market === undefined ? {} : { market }) }
        : {
            deployment: networkName,
            deploymentsDir,
            ...(market === undefined ? {} : { market }),
          },
    );
    return { connection, ledger, networkName, account: signer?.address };
  } catch (error) {
    if (error instanceof LedgerError) throw error;
    failOnMissingSetting(hre, error);
    const message = error instanceof Error ? error.message : String(error);
    return failUnreachable(hre, networkName, message.split("\n")[0]!, error);
  }
}

/**
 * Connects the SDK client for a task that sends or signs: to `--registry`/`--market` when given,
 * else to the contracts of `deployments/<network>.json`, with the account `--from` names.
 */
export async function openLedger(
  hre: HardhatRuntimeEnvironment,
  args: CommonArgs,
): Promise<LedgerSession> {
  const session = await open(hre, args, true);
  if (session.account === undefined) fail("no account to sign with");
  return { ...session, account: session.account };
}

/** As `openLedger`, for a task that only reads (works on a network without accounts). */
export async function openReader(
  hre: HardhatRuntimeEnvironment,
  args: CommonArgs,
): Promise<ReaderSession> {
  return open(hre, args, false);
}

/** A run id option (`--run`), required. */
export function runOption(value: string | undefined): bigint {
  if (value === undefined)
    fail("--run is missing: the run's id (license:merkle-commit printed it)");
  if (!/^\s*[1-9][0-9]*\s*$/.test(value))
    fail(`--run must be a run id (1, 2, ...), got '${value}'`);
  return BigInt(value.trim());
}
