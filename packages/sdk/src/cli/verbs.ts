import { certificateVerb } from "./certificate.js";
import { heldByVerb } from "./held-by.js";
import { historyVerb } from "./history.js";
import { showVerb } from "./show.js";
import { verifyVerb } from "./verify.js";
import type { Verb } from "./verb.js";

/**
 * The bin's verbs, in the order `help` lists them. A new verb is one module in this folder that
 * exports a `Verb` (see `verb.ts`; `show.ts` is the model), and one line here.
 */
export const VERBS: readonly Verb[] = [
  showVerb,
  historyVerb,
  certificateVerb,
  verifyVerb,
  heldByVerb,
];
