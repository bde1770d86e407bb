/**
 * The SDK's only doors to Node's file system and paths (address books, batch journals, document
 * files). Bundlers building for a browser take `node-io.browser.ts` instead (the package's
 * `browser` field maps one to the other), so the pure modules run in a page without Node.
 */
export { appendFileSync, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
export { readFile } from "node:fs/promises";
export { basename, join } from "node:path";
export { fileURLToPath } from "node:url";
