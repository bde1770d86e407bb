// Builds the package: ESM JavaScript and .d.ts from src/ into dist/ (tsc), and the address
// books of public networks from the repository's deployments/ into deployments/, so the package
// carries them. Runs on Node 20 and later; needs only TypeScript, which the workspace has.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const built = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], {
  stdio: "inherit",
});
if (built.status !== 0) process.exit(built.status ?? 1);
const bin = join(dist, "cli", "main.js");
if (existsSync(bin)) chmodSync(bin, 0o755);

// Address books: every committed deployments/<network>.json of a public network. Local chains
// (chain 31337, localhost.json) are never shipped.
const source = join(root, "..", "..", "deployments");
const books = join(root, "deployments");
if (existsSync(source)) {
  rmSync(books, { recursive: true, force: true });
  mkdirSync(books, { recursive: true });
  for (const name of readdirSync(source).filter((n) => n.endsWith(".json"))) {
    if (name === "localhost.json") continue;
    const record = JSON.parse(readFileSync(join(source, name), "utf8"));
    if (record?.chainId === 31337) continue;
    copyFileSync(join(source, name), join(books, name));
  }
}
