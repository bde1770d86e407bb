import {
  Interface,
  JsonRpcApiProvider,
  Network,
  type JsonRpcPayload,
  type JsonRpcResult,
} from "ethers";

import { connection } from "./network.js";

/**
 * A hostile (or broken) JSON-RPC provider, in process: an ethers `JsonRpcApiProvider` whose
 * requests go to the tests' Hardhat network, with a hook that may rewrite any answer (logs,
 * receipts, blocks) or refuse a request with an RPC error. The SDK sees it as any JSON-RPC
 * provider (raw `eth_getLogs`, `blockTimestamp` included when the hook adds it).
 */
export type Tamper = (method: string, params: unknown[], result: unknown) => unknown;

/** Thrown by a hook: the request is answered with this JSON-RPC error. */
export class RpcRefusal extends Error {
  constructor(
    message: string,
    readonly code = -32000,
  ) {
    super(message);
  }
}

export class HostileRpc extends JsonRpcApiProvider {
  constructor(private readonly tamper: Tamper) {
    const network = Network.from(31337);
    super(network, { staticNetwork: network, batchMaxCount: 1, cacheTimeout: -1 });
  }

  async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const calls = Array.isArray(payload) ? payload : [payload];
    const answers: JsonRpcResult[] = [];
    for (const call of calls) {
      const params = (call.params ?? []) as unknown[];
      try {
        const result: unknown = await connection.provider.request({
          method: call.method,
          params,
        });
        answers.push({ id: call.id, result: this.tamper(call.method, params, result) });
      } catch (error) {
        const e = error as { code?: number; message?: string };
        answers.push({
          id: call.id,
          error: { code: e.code ?? -32000, message: e.message ?? String(error) },
        } as unknown as JsonRpcResult);
      }
    }
    return answers;
  }
}

/** A raw log as `eth_getLogs` and receipts carry it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  blockTimestamp?: string;
  removed?: boolean;
}

/** The log `raw` with its event re-encoded by `iface` after `edit` changed its arguments. */
export function rewriteLog(
  iface: Interface,
  raw: RawLog,
  edit: (args: Record<string, unknown>) => void,
): RawLog {
  const parsed = iface.parseLog({ topics: raw.topics, data: raw.data });
  if (parsed === null) return raw;
  const args: Record<string, unknown> = {};
  for (const input of parsed.fragment.inputs) args[input.name] = parsed.args.getValue(input.name);
  edit(args);
  const encoded = iface.encodeEventLog(
    parsed.fragment,
    parsed.fragment.inputs.map((i) => args[i.name]),
  );
  return { ...raw, topics: encoded.topics, data: encoded.data };
}
