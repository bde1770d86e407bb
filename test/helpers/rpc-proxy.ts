import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { toQuantity } from "ethers";

/**
 * A JSON-RPC proxy on loopback in front of a node, imitating the limits real providers put on
 * `eth_getLogs`, with their real error texts:
 * - `range`: refuses a range over `cap` blocks as Alchemy does ("... this block range should
 *   work: [0x.., 0x..]");
 * - `results`: refuses an answer of more than `cap` logs as Infura does ("query returned more
 *   than N results. Try with this block range [0x.., 0x..].");
 * - `truncate`: silently returns only the first `cap` logs of every answer (a broken provider).
 * It counts the `eth_getLogs` requests it is sent.
 */
export type ProxyMode = "range" | "results" | "truncate";

export interface RpcProxy {
  url: string;
  /** `eth_getLogs` requests received (answered or refused). */
  getLogs: number;
  /** All requests received. */
  requests: number;
  close(): Promise<void>;
}

interface Call {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startRpcProxy(
  upstream: string,
  mode: ProxyMode,
  cap: number,
): Promise<RpcProxy> {
  const forward = async (call: Call): Promise<Record<string, unknown>> => {
    const response = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(call),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  const proxy: RpcProxy = {
    url: "",
    getLogs: 0,
    requests: 0,
    close: async () => {},
  };
  const handle = async (call: Call): Promise<Record<string, unknown>> => {
    proxy.requests += 1;
    if (call.method !== "eth_getLogs") return forward(call);
    proxy.getLogs += 1;
    const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
    const from = Number(filter.fromBlock ?? "0x0");
    const to = Number(filter.toBlock ?? "0x0");
    if (mode === "range" && to - from + 1 > cap) {
      return {
        jsonrpc: "2.0",
        id: call.id,
        error: {
          code: -32602,
          message: `Log response size exceeded. You can make eth_getLogs requests with up to a ${cap / 1000}K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters and the response size limit, this block range should work: [${toQuantity(from)}, ${toQuantity(from + cap - 1)}]`,
        },
      };
    }
    const answer = await forward(call);
    const logs = answer.result as { blockNumber: string }[] | undefined;
    if (!Array.isArray(logs)) return answer;
    if (mode === "results" && logs.length > cap) {
      const over = Number(logs[cap]!.blockNumber);
      const end = Math.max(from, over - 1);
      return {
        jsonrpc: "2.0",
        id: call.id,
        error: {
          code: -32005,
          message: `query returned more than ${cap} results. Try with this block range [${toQuantity(from)}, ${toQuantity(end)}].`,
        },
      };
    }
    if (mode === "truncate") return { ...answer, result: logs.slice(0, cap) };
    return answer;
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        const parsed = JSON.parse(await body(request)) as Call | Call[];
        const answer = Array.isArray(parsed)
          ? await Promise.all(parsed.map(handle))
          : await handle(parsed);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(answer));
      } catch (error) {
        response.writeHead(500);
        response.end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
