import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SDK = join(ROOT, "packages", "sdk");

interface SdkPackage {
  exports: Record<string, unknown>;
  browser: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(SDK, "package.json"), "utf8")) as SdkPackage;

/** Runtime module specifiers of a TypeScript file (type-only imports and exports erased). */
function runtimeSpecifiers(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) ||
      (ts.isExportDeclaration(node) && !node.isTypeOnly)
    ) {
      const spec = node.moduleSpecifier;
      if (spec !== undefined && ts.isStringLiteral(spec)) found.push(spec.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** What a bundler building for a browser reaches from `entry`: the package's `browser` field
 * swaps files, as Vite, webpack and esbuild do. Returns the external modules. */
function browserGraph(entry: string): { external: Set<string>; files: Set<string> } {
  const swap = new Map(
    Object.entries(pkg.browser).map(([from, to]) => [
      join(SDK, from.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts")),
      join(SDK, to.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts")),
    ]),
  );
  const external = new Set<string>();
  const files = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    let file = queue.pop()!;
    file = swap.get(file) ?? file;
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of runtimeSpecifiers(file)) {
      if (!specifier.startsWith(".")) {
        external.add(specifier);
        continue;
      }
      const target = resolve(dirname(file), specifier);
      const candidates = [target.replace(/\.js$/, ".ts"), join(target, "index.ts")];
      const found = candidates.find((c) => existsSync(c));
      if (found === undefined) throw new Error(`cannot resolve ${specifier} from ${file}`);
      queue.push(found);
    }
  }
  return { external, files };
}

describe("the SDK's browser entry (@license-ledger/sdk/browser)", function () {
  it("is exported next to the existing entries, which stay as they were", function () {
    expect(Object.keys(pkg.exports)).to.include.members([
      ".",
      "./cli",
      "./browser",
      "./package.json",
    ]);
    expect(pkg.exports["./browser"]).to.deep.equal({
      types: "./dist/browser.d.ts",
      default: "./dist/browser.js",
    });
  });

  it("reaches no Node builtin in a browser build: only ethers and the PDF libraries", function () {
    const { external, files } = browserGraph(join(SDK, "src", "browser.ts"));
    expect([...files].some((f) => f.endsWith("ledger.ts"))).to.equal(true);
    expect([...files].some((f) => f.endsWith(join("src", "node-io.ts")))).to.equal(false);
    expect([...external].sort()).to.deep.equal(["ethers", "pdf-lib", "qrcode"]);
  });

  it("keeps Node's file access everywhere else (the swap is for browsers only)", function () {
    const nodeIo = runtimeSpecifiers(join(SDK, "src", "node-io.ts"));
    expect(nodeIo).to.include.members(["node:fs", "node:fs/promises", "node:path", "node:url"]);
    const browserIo = runtimeSpecifiers(join(SDK, "src", "node-io.browser.ts"));
    expect(browserIo).to.deep.equal([]);
  });

  it("the browser stand-in exports every name the Node module does", async function () {
    const node = Object.keys(await import("../../../packages/sdk/src/node-io.js")).sort();
    const browser = Object.keys(
      await import("../../../packages/sdk/src/node-io.browser.js"),
    ).sort();
    expect(browser).to.deep.equal(node);
  });
});
