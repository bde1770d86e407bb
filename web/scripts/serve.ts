/**
 * `npm run web`: the verification page against the demo chain. Starts anvil, deploys the
 * registry and the market, plays the demo story (a resold, split, revoked, suspended and expired
 * license, and certificates to drop on the page), writes the trust file the page is served with,
 * starts Vite and prints the URL.
 *
 * `npm run web -- --network localhost`: against a node you run, with the deployment recorded in
 * deployments/localhost.json (`npx hardhat license:deploy --network localhost`); the RPC URL is
 * LOCALHOST_RPC_URL or http://127.0.0.1:8545.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { createServer } from "vite";

import type { DeploymentRecord } from "@license-ledger/sdk";

import { freePort, startDemoChain, type DemoChain } from "./demo-chain.js";

const WEB = fileURLToPath(new URL("../", import.meta.url));
const ROOT = join(WEB, "..");

/** Where the page finds `local-trust.json` while served (never copied into a build). */
export const SERVE_DIR = join(WEB, ".serve");

export function writeTrustFile(dir: string, rpcUrl: string, records: DeploymentRecord[]): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "local-trust.json");
  writeFileSync(path, JSON.stringify({ rpcUrl, trust: records }, null, 2) + "\n");
  return path;
}

/** Writes the demo's certificates where a person can drop them on the page. */
function writeDemoFiles(demo: DemoChain): string {
  const dir = join(WEB, ".demo");
  mkdirSync(dir, { recursive: true });
  const c = demo.certificates;
  writeFileSync(join(dir, "good-certificate.json"), c.goodJson);
  writeFileSync(join(dir, "good-certificate.pdf"), c.goodPdf);
  writeFileSync(join(dir, "superseded-certificate.json"), c.superseded);
  writeFileSync(join(dir, "look-alike-certificate.json"), c.lookAlike);
  writeFileSync(join(dir, "redrawn-certificate.pdf"), c.redrawnPdf);
  return dir;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf("--network");
  const network = at >= 0 ? args[at + 1] : undefined;
  let stopChain = async () => {};
  let port: number | undefined;
  if (network !== undefined) {
    const book = join(ROOT, "deployments", `${network}.json`);
    if (!existsSync(book)) {
      console.error(
        `no address book ${book}: deploy first (\`npx hardhat license:deploy --network ${network}\`)`,
      );
      process.exit(1);
    }
    const record = JSON.parse(readFileSync(book, "utf8")) as DeploymentRecord;
    const rpcUrl = process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545";
    writeTrustFile(SERVE_DIR, rpcUrl, [record]);
    console.log(`trusting deployments/${network}.json (chain ${record.chainId}) on ${rpcUrl}`);
  } else {
    console.log("starting anvil and playing the demo story...");
    // The page's address is fixed first: the demo's address book publishes it, so the QR codes
    // of the demo's certificates open this page.
    port = await freePort();
    const demo = await startDemoChain({ verifyPage: `http://127.0.0.1:${port}/` });
    stopChain = demo.stop;
    writeTrustFile(SERVE_DIR, demo.rpcUrl, [demo.record]);
    const files = writeDemoFiles(demo);
    const l = demo.licenses;
    console.log(`anvil      ${demo.rpcUrl} (chain ${demo.chainId})`);
    console.log(`registry   ${demo.record.contracts.LicenseRegistry.address}`);
    console.log(
      `licenses   resold ${l.resold}, split volume ${l.volume}, moved ${l.kept}, revoked ${l.revoked}, suspended ${l.suspended}, expired ${l.expired}, claimed from a run ${l.claimed}`,
    );
    console.log(`key        product ${demo.productId}, key DEMO-2024-OFFICE-7781`);
    console.log(`files      ${files} (certificates to drop on the page)`);
  }
  const server = await createServer({
    configFile: join(WEB, "vite.config.ts"),
    publicDir: SERVE_DIR,
    logLevel: "warn",
    ...(port === undefined ? {} : { server: { port, strictPort: true } }),
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? "http://127.0.0.1:5173/";
  console.log(`\nthe verification page: ${url}`);
  console.log(
    network === undefined ? "Ctrl-C stops the page and the node." : "Ctrl-C stops the page.",
  );
  const stop = async () => {
    // The demo's node is stopped even when the dev server fails to close.
    try {
      await server.close();
    } finally {
      await stopChain();
      process.exit(0);
    }
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
