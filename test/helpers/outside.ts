import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The Node a dealer runs the package with: the system's (Node 20 on these machines), not the
 * Node 22 npm puts first on PATH for Hardhat. Falls back to this process's Node.
 */
export const SYSTEM_NODE: string =
  ["/usr/local/bin/node", "/usr/bin/node"].find((path) => existsSync(path)) ?? process.execPath;

/** The major version of `SYSTEM_NODE`. */
export function systemNodeMajor(): number {
  const text = execFileSync(SYSTEM_NODE, ["--version"], { encoding: "utf8" });
  return Number(/^v(\d+)/.exec(text.trim())?.[1] ?? "0");
}

/** What a child process printed, and its exit code. */
export interface ProcessRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command (never through a shell) and resolves with its output, whatever its exit code. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? process.env,
        timeout: options.timeout ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(new Error(`${command} ${args.join(" ")}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr, code: error === null ? 0 : (error.code as number) });
      },
    );
  });
}

/** The environment without the bin's own variables, so a test names everything it uses. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LICENSE_LEDGER_RPC;
  return { ...env, ...extra };
}
