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
 * A JSON-RPC proxy on 127.0.0.1 in front of a node that loses some accepted transactions, as a
 * node whose pool evicts them, or a provider's load balancer that never propagates them, does: on
 * `eth_sendRawTransaction` it asks `drop(tx, index)` (index counts the sends it saw) and, when
 * told to, answers with the transaction's hash as a node accepting it would, and forwards nothing.
 * Every other call (single or batched) goes to `upstream` unchanged.
 */
export async function droppingProxy(
  upstream: string,
  drop: (tx: Transaction, index: number) => boolean,
): Promise<DroppingProxy> {
  const dropped: DroppedTransaction[] = [];
  const sends: DroppingProxy["sends"] = [];

  const forward = async (call: JsonRpcCall): Promise<unknown> => {
    if (call.method === "eth_sendRawTransaction") {
      const tx = Transaction.from(String(call.params?.[0]));
      const record = { hash: tx.hash!, nonce: tx.nonce, at: Date.now() };
      const lose = drop(tx, sends.length);
      sends.push({ ...record, dropped: lose });
      if (lose) {
        dropped.push(record);
        return { jsonrpc: "2.0", id: call.id, result: record.hash };
      }
    }
    const response = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(call),
    });
    return response.json();
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
