import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { LedgerError } from "../../sdk/errors.js";

/** Ends a task with a sentence (the task runner prints it without a stack trace). */
export function fail(sentence: string, cause?: unknown): never {
  throw new LedgerError("TaskFailed", sentence, {}, { cause });
}

/** Settings each public network needs, for the sentence about a missing one. */
const CONFIG_HINT =
  "add it to .env (see .env.example) or store it with `npx hardhat keystore set <NAME>`";

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
    const missing = /Configuration Variable "([^"]+)" not found/.exec(message);
    if (missing !== null) {
      fail(
        `the setting ${missing[1]} is missing for network "${hre.globalOptions.network}": ${CONFIG_HINT}`,
        error,
      );
    }
    if (/HHE70[0-9]/.test(message) || /Cannot connect/i.test(message)) {
      fail(`cannot reach network "${hre.globalOptions.network}": ${message}`, error);
    }
    throw error;
  }
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
 * with its sentence and the underlying error on stderr, exit code 1, and no stack trace.
 */
export function action<A>(
  run: (args: A, hre: HardhatRuntimeEnvironment) => Promise<unknown>,
): (args: A, hre: HardhatRuntimeEnvironment) => Promise<unknown> {
  return async (args, hre) => {
    try {
      return await run(args, hre);
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      console.error(`Error: ${error.message}`);
      const cause = causeLine(error);
      if (cause !== undefined) console.error(`  underlying error: ${cause}`);
      process.exitCode = 1;
      return undefined;
    }
  };
}
