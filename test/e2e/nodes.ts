/**
 * Processes for the end-to-end tests: JSON-RPC nodes (`hardhat node`, anvil) on free ports of
 * 127.0.0.1, and `npx hardhat ...` commands run the way a person runs them. Every process is
 * started in its own process group and stopped by group, so `npx`'s chain of processes
 * (npm exec -> sh -> node) never outlives the test, also when a test fails, when mocha is
 * interrupted (SIGINT, SIGTERM) or when it exits early.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync } from "node:fs";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";

import { anvilBinary, rpc } from "../../scripts/local-node.js";

/** The repository: every command runs here, as a person runs it from a clone. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// ------------------------------------------------------------------ process groups

/** Process group ids (= the leader's pid) of every process started here and not yet reaped. */
const liveGroups = new Set<number>();

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Whether any process of the group still runs (zombies waiting to be reaped do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== "linux") return true;
  // A process that died but was not reaped yet is a zombie (Z), gone for every purpose here. A
  // multithreaded process (node, anvil) shows Z for its main thread while its other threads
  // still exit and hold its sockets, so every thread must be a zombie.
  return groupThreadStates(pgid).some((state) => state !== "Z");
}

/** `pid (comm) state ppid pgrp ...`: the fields after comm, which may hold spaces or ")". */
function statFields(path: string): string[] | undefined {
  try {
    const stat = readFileSync(path, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // it ended while we looked
  }
}

/** States (R, S, Z, ...) of every thread of the processes in group `pgid`, from /proc (Linux). */
function groupThreadStates(pgid: number): string[] {
  const states: string[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(statFields(`/proc/${pid}/stat`)?.[2]) !== pgid) continue;
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of threads) {
      const state = statFields(`/proc/${pid}/task/${tid}/stat`)?.[0];
      if (state !== undefined) states.push(state);
    }
  }
  return states;
}

/** Synchronous clean-ups (temporary files) to run however mocha ends. */
const exitCleanups: (() => void)[] = [];

/** Runs `cleanup` when the process exits or is interrupted, after every group is killed. */
export function onExit(cleanup: () => void): void {
  exitCleanups.push(cleanup);
}

/** Kills every group still running, then cleans up: the last resort when mocha ends or is interrupted. */
function killAllGroups(): void {
  for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
  liveGroups.clear();
  for (const cleanup of exitCleanups.splice(0)) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending
    }
  }
}

process.on("exit", killAllGroups);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAllGroups();
    process.kill(process.pid, signal); // the listener is gone: the default action ends mocha
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a process group: SIGTERM, then SIGKILL if anything of it still runs after `graceMs`.
 * Resolves once no process of the group is left.
 */
export async function stopGroup(pgid: number, graceMs = 5_000): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
  const killDeadline = Date.now() + 5_000;
  while (groupAlive(pgid)) {
    if (Date.now() > killDeadline) throw new Error(`process group ${pgid} survived SIGKILL`);
    await sleep(50);
  }
  liveGroups.delete(pgid);
}

/** Stops every process group started here that still runs (a test that failed midway). */
export async function stopAllGroups(): Promise<void> {
  await Promise.all([...liveGroups].map((pgid) => stopGroup(pgid)));
}

/** SIGKILLs a whole process group at once, as `kill -9 -<pgid>` does. */
export function killGroup(pgid: number): void {
  signalGroup(pgid, "SIGKILL");
}

function spawnGroup(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; stdio: "pipe" | number },
): ChildProcess & { pid: number } {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: options.env,
    detached: true, // its own process group, so that the group can be stopped as one
    stdio:
      options.stdio === "pipe"
        ? ["ignore", "pipe", "pipe"]
        : ["ignore", options.stdio, options.stdio],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pgid = child.pid;
  liveGroups.add(pgid);
  child.once("exit", () => {
    if (!groupAlive(pgid)) liveGroups.delete(pgid);
  });
  return child as ChildProcess & { pid: number };
}

// ------------------------------------------------------------------ ports

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Waits until nothing accepts connections on `port` any more. */
async function untilClosed(port: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await portOpen(port)) {
    if (Date.now() > deadline) throw new Error(`port ${port} is still open after its node stopped`);
    await sleep(50);
  }
}

/**
 * `count` distinct ports that are free on 127.0.0.1: each is bound (all at once, so they
 * differ), released, and checked that nothing answers on it.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    return address.port;
  });
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  for (const port of ports) {
    if (await portOpen(port)) throw new Error(`port ${port} is in use`);
  }
  return ports;
}

// ------------------------------------------------------------------ JSON-RPC

export { rpc };

// ------------------------------------------------------------------ nodes

export interface RunningNode {
  /** What the test calls it: "hardhat node", "anvil", ... */
  name: string;
  url: string;
  port: number;
  /** The process group of the node (its leader's pid). */
  pgid: number;
  /** Where its output goes (a file in the test's temporary folder). */
  logPath: string;
  stop(): Promise<void>;
}

export { anvilBinary };

/** Waits until the node answers `eth_chainId`; fails early if its process ends. */
async function waitUntilServing(
  node: Omit<RunningNode, "stop">,
  child: ChildProcess,
  timeoutMs: number,
): Promise<bigint> {
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = `exited (code ${code}, signal ${signal})`));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined || Date.now() > deadline) {
      const log = readFileSync(node.logPath, "utf8").split("\n").slice(-30).join("\n");
      throw new Error(
        `${node.name} on ${node.url} ${exited ?? `did not answer within ${timeoutMs} ms`}:\n${log}`,
      );
    }
    try {
      return BigInt(await rpc<string>(node.url, "eth_chainId"));
    } catch {
      await sleep(100);
    }
  }
}

/**
 * Starts a node with `command args` on 127.0.0.1:`port`, its output in `logPath`, and waits
 * until it serves `expectedChainId`.
 */
async function startNode(
  name: string,
  command: string,
  args: string[],
  port: number,
  logPath: string,
  env: NodeJS.ProcessEnv,
  expectedChainId: bigint,
): Promise<RunningNode> {
  if (await portOpen(port)) throw new Error(`port ${port} is taken: ${name} cannot use it`);
  const log = openSync(logPath, "a");
  let child: ChildProcess & { pid: number };
  try {
    child = spawnGroup(command, args, { env, stdio: log });
  } finally {
    closeSync(log); // the child holds its own copy
  }
  const node = { name, url: `http://127.0.0.1:${port}`, port, pgid: child.pid, logPath };
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopGroup(child.pid).then(() => untilClosed(port)));
  try {
    const chainId = await waitUntilServing(node, child, 120_000);
    if (chainId !== expectedChainId) {
      throw new Error(`${name} serves chain ${chainId}, expected ${expectedChainId}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...node, stop };
}

/** `npx hardhat node --hostname 127.0.0.1 --port <port>`, as a person starts it. */
export function startHardhatNode(
  port: number,
  logPath: string,
  env: NodeJS.ProcessEnv,
): Promise<RunningNode> {
  return startNode(
    "hardhat node",
    "npx",
    ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)],
    port,
    logPath,
    env,
    31337n,
  );
}

/** anvil on 127.0.0.1:`port`, optionally with another chain id (e.g. Sepolia's). */
export function startAnvil(
  port: number,
  logPath: string,
  env: NodeJS.ProcessEnv,
  chainId = 31337n,
): Promise<RunningNode> {
  const args = ["--host", "127.0.0.1", "--port", String(port)];
  if (chainId !== 31337n) args.push("--chain-id", String(chainId));
  return startNode(
    chainId === 31337n ? "anvil" : `anvil (chain ${chainId})`,
    anvilBinary(),
    args,
    port,
    logPath,
    env,
    chainId,
  );
}

// ------------------------------------------------------------------ the CLI

export interface CliResult {
  /** The command line, for failure messages. */
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  pgid: number;
  /** Settles when the command ends (also when it is killed). */
  done: Promise<CliResult>;
}

/** Starts `npx <tool> <args>` in the repository with exactly `env`, capturing its output. */
function startNpx(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): CliProcess {
  const command = `npx ${tool} ${args.join(" ")}`;
  const child = spawnGroup("npx", [tool, ...args], { env, stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => {
    stderr += `\n[e2e] killed after ${timeoutMs} ms`;
    killGroup(child.pid);
  }, timeoutMs);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ command, code, signal, stdout, stderr });
    });
  });
  return { pgid: child.pid, done };
}

/**
 * Starts `npx hardhat <args>` as a person runs it; the whole command (npx and what it starts) is
 * killed if it runs longer than `timeoutMs`.
 */
export function startHardhat(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 200_000,
): CliProcess {
  return startNpx("hardhat", args, env, timeoutMs);
}

/** Runs `npx hardhat <args>` to the end. */
export function hardhat(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs?: number,
): Promise<CliResult> {
  return startHardhat(args, env, timeoutMs).done;
}

/** Runs `npx tsx <args>` (a plain Node script, no Hardhat) to the end. */
export function tsx(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<CliResult> {
  return startNpx("tsx", args, env, timeoutMs).done;
}
