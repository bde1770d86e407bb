/**
 * What the browser tests and the bench share: the built page (web/dist) served over HTTP with a
 * trust file beside it, and Chromium driven by playwright-core (Debian's /usr/bin/chromium: no
 * browser is downloaded).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium, type Browser } from "playwright-core";

import type { DeploymentRecord } from "@license-ledger/sdk";

export const WEB = fileURLToPath(new URL("../", import.meta.url));
export const DIST = join(WEB, "dist");
export const ARTIFACTS = join(WEB, "test-results");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Serves web/dist as a static host would, plus `local-trust.json`. */
export async function servePage(
  rpcUrl: string,
  records: DeploymentRecord[],
): Promise<{ url: string; server: Server }> {
  if (!existsSync(join(DIST, "index.html"))) {
    throw new Error("web/dist is missing: run `npm run web:build` first");
  }
  const trust = JSON.stringify({ rpcUrl, trust: records });
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/local-trust.json") {
      res.writeHead(200, { "content-type": TYPES[".json"]! }).end(trust);
      return;
    }
    const file = normalize(join(DIST, path === "/" ? "index.html" : path));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res
      .writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" })
      .end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { url: `http://127.0.0.1:${address.port}/`, server };
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/**
 * A JSON-RPC proxy in front of `target` that limits `eth_getLogs` the way public providers do:
 * "cap" refuses ranges wider than `cap` blocks (Infura's words), "refuse" refuses every request
 * (Ankr's words), so no page size helps.
 */
export async function startLogLimitingProxy(
  target: string,
  mode: "cap" | "refuse",
  cap = 3,
): Promise<{ url: string; server: Server }> {
  const limit = (call: { id: unknown; method: string; params?: unknown[] }) => {
    if (call.method !== "eth_getLogs") return undefined;
    const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
    const range = Number(filter.toBlock ?? "0x0") - Number(filter.fromBlock ?? "0x0") + 1;
    if (mode === "refuse") {
      return {
        jsonrpc: "2.0",
        id: call.id,
        error: { code: -32600, message: "block range is too wide" },
      };
    }
    if (range > cap) {
      const message = `range ${range} exceeds limit of ${cap}`;
      return { jsonrpc: "2.0", id: call.id, error: { code: -32602, message } };
    }
    return undefined;
  };
  const forward = async (body: unknown) => {
    const response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return response.json() as Promise<unknown>;
  };
  const server = createServer((req, res) => {
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "content-type",
      "content-type": "application/json",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      void (async () => {
        const body = JSON.parse(text) as
          | { id: unknown; method: string; params?: unknown[] }
          | { id: unknown; method: string; params?: unknown[] }[];
        const calls = Array.isArray(body) ? body : [body];
        const answers = await Promise.all(calls.map((c) => limit(c) ?? forward(c)));
        res.writeHead(200, cors).end(JSON.stringify(Array.isArray(body) ? answers : answers[0]));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { url: `http://127.0.0.1:${address.port}`, server };
}
