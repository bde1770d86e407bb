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
