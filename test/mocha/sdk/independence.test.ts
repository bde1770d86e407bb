import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import ts from "typescript";

import { staleBindings } from "../../../scripts/sync-sdk-contracts.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SDK_DIR = join(ROOT, "packages", "sdk", "src");
const FORBIDDEN = /^(hardhat($|\/)|@nomicfoundation\/)/;

/** Every module specifier a file names on an import/export line, `import()` or `require()`. */
function specifiersOnImportLines(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gms,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** The modules a TypeScript file loads at run time (type-only imports and exports erased). */
function runtimeSpecifiers(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      !node.importClause?.isTypeOnly &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
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

/** The `.ts` file a relative `.js` specifier of `from` names. */
function resolveRelative(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  const candidates = [
    target.replace(/\.js$/, ".ts"),
    target,
    `${target}.ts`,
    join(target, "index.ts"),
  ];
  const found = candidates.find((candidate) => existsSync(candidate) && candidate.endsWith(".ts"));
  if (found === undefined) throw new Error(`cannot resolve ${specifier} from ${from}`);
  return found;
}

const sdkFiles = readdirSync(SDK_DIR, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .map((name) => join(SDK_DIR, name));

describe("SDK independence from Hardhat", function () {
  it("has source files to check", function () {
    expect(sdkFiles.map((f) => relative(ROOT, f))).to.include.members([
      "packages/sdk/src/index.ts",
      "packages/sdk/src/ledger.ts",
      "packages/sdk/src/errors.ts",
      "packages/sdk/src/batch.ts",
      "packages/sdk/src/hashing.ts",
      "packages/sdk/src/orders.ts",
      "packages/sdk/src/deployments.ts",
      "packages/sdk/src/logs.ts",
    ]);
  });

  it("names neither hardhat nor @nomicfoundation/* on any import line of the SDK package", function () {
    const offending: string[] = [];
    let scanned = 0;
    for (const file of sdkFiles) {
      const specifiers = specifiersOnImportLines(readFileSync(file, "utf8"));
      scanned += specifiers.length;
      for (const specifier of specifiers) {
        if (FORBIDDEN.test(specifier)) offending.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(scanned, "import lines found").to.be.greaterThan(20);
    expect(offending).to.deep.equal([]);
  });

  it("the scanner recognises every form of import it checks", function () {
    const sample = [
      'import { network } from "hardhat";',
      'import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";',
      "import {\n  a,\n  b,\n} from 'hardhat/config';",
      'export * from "@nomicfoundation/hardhat-ignition";',
      'import "hardhat/register";',
      'const m = await import("hardhat");',
      'const r = require("@nomicfoundation/hardhat-toolbox");',
      'import { Contract } from "ethers";',
      'import { hardhatish } from "./hardhat-free.js";',
    ].join("\n");
    expect(specifiersOnImportLines(sample).filter((s) => FORBIDDEN.test(s))).to.have.length(7);
  });

  it("loads only ethers, the PDF libraries and Node built-ins at run time, through the generated types too", function () {
    const external = new Set<string>();
    const visited = new Set<string>();
    const queue = [join(SDK_DIR, "index.ts")];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (visited.has(file)) continue;
      visited.add(file);
      for (const specifier of runtimeSpecifiers(file)) {
        if (specifier.startsWith(".")) queue.push(resolveRelative(file, specifier));
        else external.add(specifier);
      }
    }
    const reached = [...visited].map((file) => relative(ROOT, file));
    expect(reached).to.include("packages/sdk/src/ledger.ts");
    expect(
      reached.some((file) => file.startsWith("packages/sdk/src/contracts/factories/")),
    ).to.equal(true);
    expect(
      reached.every((file) => file.startsWith("packages/sdk/src/")),
      reached.join(", "),
    ).to.be.true;
    // The PDF certificate needs pdf-lib and qrcode: plain libraries, no Hardhat.
    const allowed = [...external].filter(
      (specifier) =>
        ["ethers", "pdf-lib", "qrcode"].includes(specifier) || specifier.startsWith("node:"),
    );
    expect([...external]).to.deep.equal(allowed);
    expect(external.has("ethers")).to.equal(true);
  });

  it("ships contract bindings equal to what the build generates from the contracts", function () {
    // `npm test` has just compiled: a contract changed without `npm run build` shows here.
    expect(
      // ABIs and types (a coverage run instruments the build's bytecode; `npm run lint` checks
      // the bytecode too, with `node scripts/sync-sdk-contracts.ts --check`).
      staleBindings({ bytecode: false }),
      "run `npm run build` and commit packages/sdk/src/contracts",
    ).to.deep.equal([]);
  });
});
