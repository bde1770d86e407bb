import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

import { Transaction } from "ethers";

interface JsonRpcCall {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

/** A transaction the proxy accepted (answered with its hash) and never forwarded. */
export interface DroppedTransaction {
  hash: string;
  nonce: number;
  /** When the proxy dropped it (Date.now()). */
  at: number;
}

export interface DroppingProxy {
  /** http://127.0.0.1:<port>: point a JsonRpcProvider here. */
  url: string;
  dropped: DroppedTransaction[];
  /** Every `eth_sendRawTransaction` the proxy saw, in order: hash, nonce, when, dropped or not. */
  sends: (DroppedTransaction & { dropped: boolean })[];
  close(): Promise<void>;
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a node that loses some accepted transactions. For
 * each transaction sent through it, it asks `drop({ hash, nonce }, index)` (index counts the
 * sends it saw). Told to drop one, it either
 * - `never-forward` (default): answers `eth_sendRawTransaction` with the transaction's hash, as a
 *   node accepting it would, and forwards nothing (a provider's load balancer that never passes
 *   it on); or
 * - `evict`: forwards the send (`eth_sendRawTransaction` or `eth_sendTransaction`), then removes
 *   the accepted transaction from the node's pool with `hardhat_dropTransaction` (a pool that
 *   evicts it), which Hardhat's node and anvil both answer.
 * Every other call (single or batched) goes to `upstream` unchanged.
 */
export async function droppingProxy(
  upstream: string,
  drop: (sent: { hash: string; nonce: number }, index: number) => boolean,
  mode: "never-forward" | "evict" = "never-forward",
): Promise<DroppingProxy> {
  const dropped: DroppedTransaction[] = [];
  const sends: DroppingProxy["sends"] = [];

  const post = async (call: unknown): Promise<{ result?: unknown; error?: unknown }> => {
    const response = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(call),
    });
    return (await response.json()) as { result?: unknown; error?: unknown };
  };

  const forward = async (call: JsonRpcCall): Promise<unknown> => {
    const raw = call.method === "eth_sendRawTransaction";
    if (!raw && call.method !== "eth_sendTransaction") return post(call);
    if (raw && mode === "never-forward") {
      const tx = Transaction.from(String(call.params?.[0]));
      const record = { hash: tx.hash!, nonce: tx.nonce, at: Date.now() };
      const lose = drop(record, sends.length);
      sends.push({ ...record, dropped: lose });
      if (lose) {
        dropped.push(record);
        return { jsonrpc: "2.0", id: call.id, result: record.hash };
      }
      return post(call);
    }
    const answer = await post(call);
    if (typeof answer.result !== "string") return answer; // refused: nothing to drop
    const nonce = raw
      ? Transaction.from(String(call.params?.[0])).nonce
      : Number((call.params?.[0] as { nonce?: string } | undefined)?.nonce ?? -1);
    const record = { hash: answer.result, nonce, at: Date.now() };
    const lose = mode === "evict" && drop(record, sends.length);
    sends.push({ ...record, dropped: lose });
    if (lose) {
      // Hardhat's node answers true, anvil (which takes the hardhat_ name too) the hash.
      const evicted = await post({
        jsonrpc: "2.0",
        id: 0,
        method: "hardhat_dropTransaction",
        params: [record.hash],
      });
      const gone = await post({
        jsonrpc: "2.0",
        id: 0,
        method: "eth_getTransactionByHash",
        params: [record.hash],
      });
      if (gone.result !== null) {
        throw new Error(
          `the node did not drop ${record.hash}: ${JSON.stringify(evicted)}, ${JSON.stringify(gone)}`,
        );
      }
      dropped.push(record);
    }
    return answer;
  };

  const server = createServer((request, response) => {
    readBody(request)
      .then(async (body) => {
        const parsed = JSON.parse(body) as JsonRpcCall | JsonRpcCall[];
        const answer = Array.isArray(parsed)
          ? await Promise.all(parsed.map(forward))
          : await forward(parsed);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
      })
      .catch((error: unknown) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dropped,
    sends,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
