import type { CliConnection } from "./connect.js";

/**
 * What a verb of the `license-ledger` bin is: its name and help, the options it takes beside the
 * common ones, and `run`, which turns the parsed command line into a `Report`. The bin does the
 * rest (parsing, `--help`, connecting, printing, errors, exit code), the same way for every verb.
 */

/** What a verb computed: the `--json` document and the readable lines, printed by the bin. */
export interface Report<T = unknown> {
  doc: T;
  lines: string[];
  /** The process's exit code when the report is not a success (e.g. a failed verification). */
  exitCode?: number;
}

/** An option a verb takes (`node:util` parseArgs shape, with a description for `help`). */
export interface VerbOption {
  type: "string" | "boolean";
  /** The placeholder in `help`: `--at <date|block>`. */
  value?: string;
  description: string;
}

/** The command line as parsed for a verb: positionals, and option values by name. */
export interface VerbInput {
  positionals: string[];
  options: Readonly<Record<string, string | boolean | undefined>>;
}

/** What the bin hands a verb besides its input. */
export interface VerbContext {
  /** Whether `--json` was given (the bin prints; a verb only needs this to shape its report). */
  json: boolean;
  /**
   * Connects to the chain the common options name (`--rpc` with `--network`, `--trust`,
   * `--registry`/`--market`, or the address book of the RPC's chain). Call it after checking the
   * verb's own arguments, so bad input is refused without a network round trip. The bin closes
   * the connection when the verb returns.
   */
  connect(): Promise<CliConnection>;
}

export interface Verb {
  /** The word on the command line: `show`, `held-by`. */
  name: string;
  /** One line for `license-ledger help`. */
  summary: string;
  /** The synopsis lines, without the common options: `show <license>`. */
  usage: string[];
  /** Paragraphs of `license-ledger help <verb>`. */
  details: string[];
  /** The verb's own options (the common ones are added by the bin). */
  options: Readonly<Record<string, VerbOption>>;
  /** How many positionals it takes, at most (more is refused before `run`). */
  maxPositionals: number;
  run(input: VerbInput, context: VerbContext): Promise<Report>;
}

/** A string option's value, or undefined (a verb declares its options' types, so this holds). */
export function stringOption(input: VerbInput, name: string): string | undefined {
  const value = input.options[name];
  return typeof value === "string" ? value : undefined;
}
