/**
 * What every script that starts or talks to a local node needs, with no side effect on import:
 * the end-to-end tests (`test/e2e/nodes.ts`, which adds process-group bookkeeping and exit
 * handlers) and the verification page's demo chain (`web/scripts/demo-chain.ts`) share it.
 */
import { createRequire } from "node:module";

/** One JSON-RPC call; throws on a JSON-RPC error. */
export async function rpc<T = unknown>(
  url: string,
  method: string,
  params: unknown[] = [],
): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** The anvil binary itself (not the npm wrapper `bin.mjs`), so the pid held is anvil's. */
export function anvilBinary(): string {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as "x64" | "arm64"];
  const platform = process.platform === "win32" ? "win32" : process.platform;
  if (arch === undefined) throw new Error(`anvil has no npm binary for ${process.arch}`);
  const require = createRequire(import.meta.url);
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  return require.resolve(`@foundry-rs/anvil-${platform}-${arch}/bin/${exe}`);
}
