import { LedgerError } from "../errors.js";
import { blockAtTime, providerOf } from "../title.js";
import type { LicenseLedger } from "../ledger.js";
import { UsageError, parseAddress, parseMoment, type Moment } from "./args.js";
import { formatTime, idRanges, plural } from "./format.js";
import { stringOption, type Report, type Verb } from "./verb.js";

/** Whose licenses, and when (`at` omitted: the latest block). */
export interface HeldByQuery {
  /** A checksummed address (see `parseAddress`). */
  account: string;
  at?: Moment | undefined;
}

/** What `held-by --json` prints. */
export interface HeldByDoc {
  account: string;
  /** The time asked about (unix seconds), when a time was given. */
  atTime?: number;
  /** The block the answer is as of (-1: the time is before the chain's first block). */
  atBlock: number;
  count: number;
  licenses: bigint[];
}

/**
 * Every license `account` held at a block or time, from the registry's `Transfer` logs up to it.
 * As on chain, an ended license (revoked, surrendered, split) stays with its last holder. Shared
 * by the bin's `held-by` and the task `license:held-by`.
 */
export async function heldByReport(
  ledger: LicenseLedger,
  query: HeldByQuery,
): Promise<Report<HeldByDoc>> {
  const { account, at } = query;
  const provider = providerOf(ledger);
  // A time is resolved here (the SDK would do the same) so the answer can name its block.
  let block: number;
  if (at === undefined || "block" in at) {
    const latest = await provider.getBlockNumber();
    block = at?.block ?? latest;
    if (block > latest) {
      throw new LedgerError(
        "BlockNotMined",
        `block ${block} has not been mined yet: the chain is at block ${latest}`,
        { block, latest },
      );
    }
  } else {
    block = await blockAtTime(provider, at.time);
  }
  const licenses = block < 0 ? [] : await ledger.licensesHeldAt(account, { block });
  const when =
    at === undefined
      ? `block ${block} (the latest)`
      : "block" in at
        ? `block ${at.block}`
        : `${formatTime(at.time)} (${block < 0 ? "before the chain's first block" : `block ${block}`})`;
  const doc: HeldByDoc = {
    account,
    ...(at !== undefined && "time" in at ? { atTime: Number(at.time) } : {}),
    atBlock: block,
    count: licenses.length,
    licenses,
  };
  const lines = [
    licenses.length === 0
      ? `${account} held no licenses at ${when}`
      : `${account} held ${plural(licenses.length, "license")} at ${when}: ${idRanges(licenses)}`,
  ];
  return { doc, lines };
}

/** `license-ledger held-by <account> [--at <date|block>]`. */
export const heldByVerb: Verb = {
  name: "held-by",
  summary: "Lists the licenses an account held at a moment (default: now)",
  usage: ["held-by <account> [--at <date|block>]"],
  details: [
    "Rebuilds from the registry's Transfer logs which licenses the account held at that moment: a block number, or a date (2027-01-01, midnight UTC) or date-time (2027-01-01T12:00:00Z). Without --at, as of the latest block. As on chain, an ended license (revoked, surrendered, split) stays with its last holder; `show` tells its state.",
  ],
  options: {
    at: {
      type: "string",
      value: "<date|block>",
      description: "The moment: a block number, or an ISO date or date-time (default: now)",
    },
  },
  maxPositionals: 1,
  async run(input, context) {
    const text = input.positionals[0];
    if (text === undefined) throw new UsageError("whose licenses? Give the account's address");
    const account = parseAddress(text, "the account");
    const atText = stringOption(input, "at");
    const at = atText === undefined ? undefined : parseMoment(atText, "--at");
    const { ledger } = await context.connect();
    return heldByReport(ledger, { account, at });
  },
};
