#!/usr/bin/env node
/**
 * `license-ledger`: the read-only verbs of License Ledger for people without its repository (a
 * buyer, an auditor, an activation server), on plain Node 20 and an RPC URL. Parses the command
 * line, runs the verb, prints its report (lines, or one JSON document with --json) and turns every
 * failure into a sentence on stderr with exit code 1.
 */
import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";

import { LedgerError } from "../errors.js";
import { UsageError } from "./args.js";
import { RPC_ENV, connectCli, type CliConnection } from "./connect.js";
import { toJson } from "./format.js";
import type { Verb, VerbOption } from "./verb.js";
import { VERBS } from "./verbs.js";

const BIN = "license-ledger";

/** The options every verb takes. */
const COMMON_OPTIONS: Readonly<Record<string, VerbOption>> = {
  rpc: {
    type: "string",
    value: "<url>",
    description: `JSON-RPC URL of an Ethereum node or provider (default: $${RPC_ENV})`,
  },
  network: {
    type: "string",
    value: "<name>",
    description: "A network whose address book this package ships (deployments/<name>.json)",
  },
  trust: {
    type: "string",
    value: "<file.json>",
    description: "The address book of a private deployment (same format)",
  },
  registry: { type: "string", value: "<address>", description: "The registry's address" },
  market: { type: "string", value: "<address>", description: "The market's address" },
  timeout: {
    type: "string",
    value: "<seconds>",
    description: "Longest wait for one RPC request (default: 30)",
  },
  json: { type: "boolean", description: "Print exactly one JSON document on stdout" },
  help: { type: "boolean", description: "Show help" },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function optionLines(options: Readonly<Record<string, VerbOption>>): string[] {
  const rows = Object.entries(options).map(
    ([name, o]) =>
      [`--${name}${o.value === undefined ? "" : ` ${o.value}`}`, o.description] as const,
  );
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function generalHelp(): string[] {
  const width = Math.max(...VERBS.map((v) => v.name.length));
  return [
    `${BIN} ${version()}: read License Ledger licenses from any Ethereum node`,
    "",
    `Usage: ${BIN} <verb> [arguments] --rpc <url> [--network <name> | --trust <file.json> | --registry <address>] [--json]`,
    "",
    "Verbs:",
    ...VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    `  ${"help".padEnd(width)}  Shows this help, or a verb's: ${BIN} help <verb>`,
    "",
    "Options every verb takes:",
    ...optionLines(COMMON_OPTIONS),
    "",
    "Without --network, --trust or --registry, the address book this package ships for the RPC's chain is used.",
    `--version prints the version (${version()}).`,
  ];
}

function verbHelp(verb: Verb): string[] {
  return [
    ...verb.usage.map(
      (u, i) => `${i === 0 ? "Usage: " : "       "}${BIN} ${u} --rpc <url> [options]`,
    ),
    "",
    verb.summary,
    "",
    ...verb.details,
    ...(Object.keys(verb.options).length === 0
      ? []
      : ["", "Options:", ...optionLines(verb.options)]),
    "",
    "Options every verb takes:",
    ...optionLines(COMMON_OPTIONS),
  ];
}

function findVerb(name: string): Verb {
  const verb = VERBS.find((v) => v.name === name);
  if (verb === undefined) {
    throw new UsageError(
      `unknown verb '${name}': the verbs are ${VERBS.map((v) => v.name).join(", ")} (see \`${BIN} help\`)`,
      { verb: name },
    );
  }
  return verb;
}

/** The command line, parsed for `verb`; parseArgs' own errors become sentences. */
function parseFor(verb: Verb, args: string[]) {
  const options: ParseArgsConfig["options"] = {};
  for (const [name, o] of Object.entries({ ...COMMON_OPTIONS, ...verb.options })) {
    options[name] = { type: o.type };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-[^']*)'/.exec(message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      throw new UsageError(
        `${verb.name} takes no option ${option} (see \`${BIN} help ${verb.name}\`)`,
        {},
        error,
      );
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      throw new UsageError(`${option.split(" ")[0] || "an option"} needs a value`, {}, error);
    }
    throw new UsageError(`cannot read the command line: ${message}`, {}, error);
  }
  if (parsed.positionals.length > verb.maxPositionals) {
    throw new UsageError(
      `${verb.name} takes ${verb.maxPositionals === 0 ? "no arguments" : `at most ${verb.maxPositionals} argument${verb.maxPositionals === 1 ? "" : "s"}`} before its options, got: ${parsed.positionals.join(" ")}`,
    );
  }
  return parsed;
}

/** The line under the sentence: what the underlying error said. */
function causeLine(error: LedgerError): string | undefined {
  if (error.cause === undefined) return undefined;
  if ("data" in error && typeof error.data === "string") {
    return `${error.code} (revert data ${error.data})`;
  }
  const cause = error.cause;
  let message =
    cause instanceof Error
      ? ((cause as { shortMessage?: string }).shortMessage ?? cause.message)
      : String(cause);
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is its cause.
  const inner = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
  if (message === "fetch failed" && inner instanceof Error) message = inner.message;
  return message.split("\n")[0];
}

/** Runs the command line; returns the exit code. */
async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  let connection: CliConnection | undefined;
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      for (const line of generalHelp()) console.error(line);
      return 1;
    }
    if (first === "--version" || first === "-v" || first === "version") {
      console.log(version());
      return 0;
    }
    if (first === "help" || first === "--help" || first === "-h") {
      const lines = rest[0] === undefined ? generalHelp() : verbHelp(findVerb(rest[0]));
      for (const line of lines) console.log(line);
      return 0;
    }
    const verb = findVerb(first);
    const { positionals, values } = parseFor(verb, rest);
    if (values.help === true) {
      for (const line of verbHelp(verb)) console.log(line);
      return 0;
    }
    // No option is declared `multiple`, so no value is an array.
    const options: Record<string, string | boolean | undefined> = {};
    for (const [name, value] of Object.entries(values)) {
      if (!Array.isArray(value)) options[name] = value;
    }
    const option = (name: string): string | undefined => {
      const value = options[name];
      return typeof value === "string" ? value : undefined;
    };
    const report = await verb.run(
      { positionals, options },
      {
        json,
        connect: async () => {
          connection ??= await connectCli({
            rpc: option("rpc"),
            network: option("network"),
            trust: option("trust"),
            registry: option("registry"),
            market: option("market"),
            timeout: option("timeout"),
          });
          return connection;
        },
      },
    );
    if (json) console.log(toJson(report.doc));
    else for (const line of report.lines) console.log(line);
    return report.exitCode ?? 0;
  } catch (error) {
    const failure =
      error instanceof LedgerError
        ? error
        : new LedgerError("Unexpected", "something unexpected went wrong", {}, { cause: error });
    console.error(`Error: ${failure.message}`);
    const cause = causeLine(failure);
    if (cause !== undefined) console.error(`  underlying error: ${cause}`);
    if (json) {
      console.log(
        toJson({ error: { code: failure.code, message: failure.message, args: failure.args } }),
      );
    }
    return 1;
  } finally {
    connection?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
