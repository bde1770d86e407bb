import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

/** What a task printed, returned and left as exit code. */
export interface TaskRun<T = unknown> {
  result: T;
  stdout: string;
  stderr: string;
  exitCode: number | string | undefined;
}

/**
 * Runs a task in-process (on the tests' shared network connection) and captures what it writes
 * to stdout and stderr. `process.exitCode` is restored afterwards and reported instead, so a test
 * expecting a failure leaves no exit code behind. stderr is not a terminal unless `tty` is set;
 * `hre` runs it in another Hardhat runtime (another `--network`, another config).
 */
export async function runTask<T = unknown>(
  id: string,
  args: Record<string, unknown>,
  options: { tty?: boolean; hre?: HardhatRuntimeEnvironment } = {},
): Promise<TaskRun<T>> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const stderrTty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  const capture =
    (sink: string[]) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const callback = rest.find((r): r is () => void => typeof r === "function");
      callback?.();
      return true;
    };
  process.stdout.write = capture(out) as typeof process.stdout.write;
  process.stderr.write = capture(err) as typeof process.stderr.write;
  Object.defineProperty(process.stderr, "isTTY", {
    value: options.tty === true,
    configurable: true,
    writable: true,
  });
  let result: unknown;
  let exitCode: number | string | undefined;
  try {
    result = await (options.hre ?? hre).tasks.getTask(id).run(args);
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    if (stderrTty === undefined) {
      delete (process.stderr as { isTTY?: boolean }).isTTY;
    } else {
      Object.defineProperty(process.stderr, "isTTY", stderrTty);
    }
    exitCode = process.exitCode ?? undefined;
    process.exitCode = previousExitCode;
  }
  return { result: result as T, stdout: out.join(""), stderr: err.join(""), exitCode };
}

/** The one JSON document a `--json` run printed. */
export function jsonOf<T = Record<string, unknown>>(run: TaskRun): T {
  return JSON.parse(run.stdout) as T;
}

/** A fresh temporary folder for a test's files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "license-cli-"));
}

/** Writes `content` to `name` in `dir` and returns its path. */
export function writeFile(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
