/**
 * The verification page: reads a license's chain of title and verdict from a JSON-RPC URL in the
 * browser, through the SDK. Inputs: a license number, a license key, a certificate file, a
 * verification link (the certificate's QR code, as page parameters or `?verify=<link>`), or the
 * camera. Output: named checks, the chain of title as a timeline, and "who held it on date D".
 */
import {
  VERIFY_LINK_SCHEME,
  formatAmount,
  parseVerificationLink,
  type CertificateVerdict,
  type License,
  type TitleStep,
} from "@license-ledger/sdk/browser";

import {
  LookupError,
  blockHashAt,
  connectionFor,
  describeTrust,
  licensesOfKey,
  lookupErrorOf,
  openConnection,
  readLicense,
  servedConfig,
  trustAnchors,
  verifyFile,
  type Connection,
  type LicenseReport,
} from "./chain.js";
import { computeChecks, type Check, type LinkCheck } from "./checks.js";
import { append, byId, clear, h } from "./dom.js";
import {
  formatDate,
  hasKey,
  lang,
  preferredLang,
  setLang,
  t,
  type Key,
  type Lang,
} from "./i18n.js";
import { cameraAvailable, startScan, type Scanner } from "./scan.js";

// ------------------------------------------------------------------ state

type View =
  | { kind: "empty" }
  | { kind: "loading" }
  | { kind: "error"; error: LookupError }
  | {
      kind: "license";
      conn: Connection;
      report?: LicenseReport;
      verdict?: CertificateVerdict;
      link?: LinkCheck;
      held?: string;
      /** The RPC, when a link (not the visitor or the page) chose it. */
      rpcFromLink?: string;
    }
  | { kind: "key"; conn: Connection; productId: bigint; licenses: License[] };

let view: View = { kind: "empty" };
/** Increases with every look-up, so a slow earlier answer never overwrites a later one. */
let lookupSerial = 0;
/**
 * Settled once the page knows its RPC and trust (`start`): a lookup the visitor starts before
 * then (a file chosen while the page loads) waits for it instead of reading with no RPC.
 */
let markReady!: () => void;
const ready = new Promise<void>((resolve) => (markReady = resolve));

const rpcInput = byId<HTMLInputElement>("rpc");
const result = byId("result");
const status = byId("status");

// ------------------------------------------------------------------ words

function applyStatic(): void {
  document.title = `License Ledger: ${t("title")}`;
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const key = el.dataset.i18n ?? "";
    if (hasKey(key)) el.textContent = t(key);
  }
  byId("lang-en").setAttribute("aria-pressed", String(lang() === "en"));
  byId("lang-de").setAttribute("aria-pressed", String(lang() === "de"));
  byId("scan").textContent = t(scanner === undefined ? "scanStart" : "scanStop");
}

function switchLang(next: Lang): void {
  setLang(next);
  localStorage.setItem("ll-lang", next);
  applyStatic();
  render();
  void renderTrust();
}

// ------------------------------------------------------------------ look-ups

/**
 * The RPC a link's `rpc=` parameter put into the field, until the visitor edits it: a forger's
 * link may name the forger's node, so its answers are never called trustworthy, and it is never
 * remembered for the next visit.
 */
let rpcFromLink: string | undefined;

function rpcUrl(): string {
  const url = rpcInput.value.trim();
  if (rpcFromLink === undefined) localStorage.setItem("ll-rpc", url);
  return url;
}

/** `rpcFromLink` for a view read through `url`. */
function linkRpc(url: string): { rpcFromLink?: string } {
  return rpcFromLink !== undefined && rpcFromLink === url ? { rpcFromLink: url } : {};
}

async function run(task: (serial: number) => Promise<View>): Promise<void> {
  const serial = ++lookupSerial;
  view = { kind: "loading" };
  render();
  let next: View;
  try {
    await ready;
    next = await task(serial);
  } catch (error) {
    next = { kind: "error", error: lookupErrorOf(error) };
  }
  if (serial !== lookupSerial) return;
  view = next;
  render();
  result.focus();
}

function parseId(text: string, what: string): bigint {
  const trimmed = text.trim();
  if (!/^[0-9]{1,78}$/.test(trimmed)) throw new LookupError("bad-input", `not a number: ${what}`);
  const n = BigInt(trimmed);
  // 78 digits reach past uint256: refused here, not reported as a node failure.
  if (n >= 1n << 256n) throw new LookupError("bad-input", `too large for a ${what} number`);
  return n;
}

/** `registry`: a trusted deployment of the chain other than the first (a link between licenses). */
export function lookUpLicense(idText: string, registry?: string): Promise<void> {
  return run(async () => {
    const licenseId = parseId(idText, "license");
    const url = rpcUrl();
    const opened = await openConnection(url);
    const conn = registry === undefined ? opened : await connectionFor(opened, registry.trim());
    if (conn === undefined) {
      throw new LookupError(
        "bad-input",
        `the registry ${registry} is not a deployment this page trusts on chain ${opened.chainId}`,
      );
    }
    const report = await readLicense(conn, licenseId);
    return { kind: "license", conn, report, ...linkRpc(url) };
  });
}

function lookUpKey(productText: string, key: string): Promise<void> {
  return run(async () => {
    const productId = parseId(productText, "product");
    if (key.trim() === "") throw new LookupError("bad-input", "no key");
    const url = rpcUrl();
    const conn = await openConnection(url);
    const licenses = await licensesOfKey(conn, productId, key);
    if (licenses.length === 0) throw new LookupError("unknown-key", "no license for this key");
    if (licenses.length === 1) {
      const report = await readLicense(conn, licenses[0]!.licenseId);
      return { kind: "license", conn, report, ...linkRpc(url) };
    }
    return { kind: "key", conn, productId, licenses };
  });
}

function verifyCertificateFile(file: File): Promise<void> {
  return run(async () => {
    if (file.size > 32 * 1024 * 1024) {
      throw new LookupError(
        "bad-input",
        `the file is ${file.size} bytes, over 32 MiB: no License Ledger certificate is that large, so it is refused unread`,
        { what: "file" },
      );
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const url = rpcUrl();
    const opened = await openConnection(url);
    const verdict = await verifyFile(opened, bytes);
    if (!verdict.official) return { kind: "license", conn: opened, verdict, ...linkRpc(url) };
    // The deployment the certificate was verified against, which may be another trusted one.
    const conn = (await connectionFor(opened, verdict.checked.registry)) ?? opened;
    const report = await readLicense(conn, BigInt(verdict.licenseId));
    return { kind: "license", conn, report, verdict, ...linkRpc(url) };
  });
}

/** A verification link (a certificate's QR code): checked against the official ledger. */
function lookUpLink(link: string): Promise<void> {
  return run(async () => {
    const params = parseVerificationLink(link);
    if (params === undefined)
      throw new LookupError("bad-input", `not a verification link: ${link}`);
    const url = rpcUrl();
    const opened = await openConnection(url);
    if (BigInt(params.chainId) !== opened.chainId) {
      throw new LookupError(
        "wrong-chain",
        `the link is for chain ${params.chainId}, the RPC serves chain ${opened.chainId}`,
      );
    }
    const problems: string[] = [];
    // Read from the trusted deployment the link names; a registry no trust anchor names is a
    // failure, and the official deployment's license of that number is shown instead.
    let conn = await connectionFor(opened, params.registry);
    if (conn === undefined) {
      conn = opened;
      problems.push(
        `it names the registry ${params.registry}, but the official one is ${opened.anchors.map((a) => a.registry).join(" or ")}`,
      );
    }
    const hash = await blockHashAt(conn, params.block);
    if (hash === null || hash.toLowerCase() !== params.blockHash.toLowerCase()) {
      problems.push(
        `block ${params.block} of this chain does not have the hash ${params.blockHash}`,
      );
    }
    const report = await readLicense(conn, BigInt(params.licenseId));
    return {
      kind: "license",
      conn,
      report,
      link: { block: params.block, problems },
      ...linkRpc(url),
    };
  });
}

/** Handles a scanned text or a `?verify=` parameter: a link, or a URL of this page with one. */
function handleLinkText(text: string): void {
  if (text.startsWith(VERIFY_LINK_SCHEME) || text.includes("blockHash=")) {
    void lookUpLink(text);
    return;
  }
  byId("scan-status").textContent = t("scanNotLink");
}

// ------------------------------------------------------------------ rendering

function render(): void {
  clear(result);
  // The result is a labelled region only while it has a heading to be labelled by.
  result.removeAttribute("aria-labelledby");
  result.setAttribute("aria-busy", String(view.kind === "loading"));
  switch (view.kind) {
    case "empty":
      status.textContent = "";
      append(result, h("p", { class: "empty" }, t("empty")));
      break;
    case "loading":
      status.textContent = t("loading");
      append(
        result,
        h(
          "p",
          { class: "loading" },
          h("span", { class: "spinner", "aria-hidden": "true" }),
          t("loading"),
        ),
      );
      break;
    case "error":
      renderError(view.error);
      linkRpcNote();
      break;
    case "key":
      renderKey(view);
      linkRpcNote();
      break;
    case "license":
      renderLicense(view);
      break;
  }
  if (result.querySelector("#result-heading") !== null) {
    result.setAttribute("aria-labelledby", "result-heading");
  }
}

/**
 * Under an answer with no checks (an error, a key's licenses): a node the link chose may have
 * said "no such license" of a genuine one just as well as the opposite.
 */
function linkRpcNote(): void {
  if (rpcFromLink === undefined || rpcInput.value.trim() !== rpcFromLink) return;
  append(
    result,
    h("p", { class: "error", "data-rpc": "link" }, t("c_rpcLink", { url: rpcFromLink })),
  );
}

function renderError(error: LookupError): void {
  // A refused file says why in view: the reason (the SDK's sentence) is not folded away.
  const file = error.kind === "bad-input" && error.params.what === "file";
  const key = (
    error.kind === "rpc-down" ? "e_rpcDown" : file ? "e_bad-file" : `e_${error.kind}`
  ) as Key;
  const sentence = t(key, {
    url: error.params.url ?? rpcInput.value,
    chainId: error.params.chainId ?? "?",
  });
  status.textContent = sentence;
  append(
    result,
    h(
      "div",
      { class: "error", "data-error": error.kind },
      h("h2", { id: "result-heading" }, sentence),
      h("details", { open: file }, h("summary", {}, t("detail")), h("p", {}, error.detail)),
    ),
  );
}

/** A link to license `id` of the deployment `conn` reads (split parents and children). */
function licenseLink(id: bigint | string, conn: Connection): HTMLAnchorElement {
  const registry = conn.trusted === conn.anchors[0] ? undefined : conn.trusted.registry;
  const url = new URL(location.href);
  url.search = "";
  url.hash = "";
  url.searchParams.set("license", String(id));
  if (registry !== undefined) url.searchParams.set("registry", registry);
  if (rpcInput.value !== "") url.searchParams.set("rpc", rpcInput.value);
  const a = h("a", { href: url.toString() }, t("ofLicense", { id: String(id) }));
  a.addEventListener("click", (event) => {
    event.preventDefault();
    history.pushState(null, "", url);
    byId<HTMLInputElement>("license-id").value = String(id);
    void lookUpLicense(String(id), registry);
  });
  return a;
}

function renderKey(v: Extract<View, { kind: "key" }>): void {
  status.textContent = t("keyResults", {
    n: String(v.licenses.length),
    product: String(v.productId),
  });
  append(result, h("h2", { id: "result-heading" }, status.textContent));
  const list = h("ul", {});
  for (const license of v.licenses) {
    append(
      list,
      h("li", {}, licenseLink(license.licenseId, v.conn), ` (${license.seats}, ${license.holder})`),
    );
  }
  append(result, list);
}

function renderLicense(v: Extract<View, { kind: "license" }>): void {
  const { conn, report, verdict } = v;
  const id = report?.title.licenseId.toString() ?? verdict?.licenseId ?? "?";
  let checks: Check[];
  if (report !== undefined) {
    checks = computeChecks({
      trusted: conn.trusted,
      deploymentProblems: conn.deploymentProblems,
      report,
      ...(verdict === undefined ? {} : { verdict }),
      ...(v.link === undefined ? {} : { link: v.link }),
      ...(v.rpcFromLink === undefined ? {} : { rpcFromLink: v.rpcFromLink }),
    });
  } else {
    checks = [
      {
        id: "certificate",
        title: "c_cert",
        status: "fail",
        sentence: t("c_certNotOfficial", { why: verdict?.notOfficial[0] ?? "" }),
        details: verdict?.notOfficial ?? [],
      },
    ];
  }
  const failed = checks.filter((c) => c.status === "fail").length;
  const summary = failed === 0 ? t("verdictOk") : t("verdictProblems", { n: String(failed) });
  status.textContent = `${t("resultHeading", { id })}: ${summary}`;

  append(
    result,
    h("h2", { id: "result-heading" }, t("resultHeading", { id })),
    h(
      "p",
      {
        class: failed === 0 ? "verdict ok" : "verdict bad",
        "data-verdict": failed === 0 ? "ok" : "problems",
      },
      summary,
    ),
    h("h3", {}, t("checksHeading")),
  );
  const list = h("ul", { class: "checks" });
  for (const check of checks) {
    const li = h(
      "li",
      { class: `check ${check.status}`, "data-check": check.id, "data-status": check.status },
      h("span", { class: "badge" }, t(check.status === "na" ? "na" : check.status)),
      h("strong", {}, t(check.title)),
      h("span", { class: "sentence" }, check.sentence),
    );
    if (check.details !== undefined && check.details.length > 1) {
      const more = h("ul", {});
      for (const d of check.details) append(more, h("li", {}, d));
      append(li, h("details", {}, h("summary", {}, t("detail")), more));
    }
    append(list, li);
  }
  append(result, list);
  if (report === undefined) return;

  const { title } = report;
  append(
    result,
    h(
      "p",
      { class: "hint" },
      t("readIn", { s: (report.readMs / 1000).toFixed(2), block: String(title.at.block) }),
    ),
  );
  if (title.lineage.length > 0) {
    const p = h("p", {}, `${t("splitFrom")}: `);
    title.lineage.forEach((parent, i) => append(p, i > 0 ? ", " : "", licenseLink(parent, conn)));
    append(result, p);
  }
  const children = title.steps.filter((s) => s.kind === "split" && s.licenseId === title.licenseId);
  if (children.length > 0) {
    const p = h("p", {}, `${t("splitInto")}: `);
    children.forEach((s, i) => {
      if (s.kind === "split") append(p, i > 0 ? ", " : "", licenseLink(s.details.childId, conn));
    });
    append(result, p);
  }
  renderHeld(v, report);
  renderTimeline(conn, report);
  renderProvenance(report);
}

function renderHeld(v: Extract<View, { kind: "license" }>, report: LicenseReport): void {
  const form = h("form", { id: "held", class: "card" });
  const input = h("input", { id: "held-date", type: "date", required: true, value: v.held ?? "" });
  const answer = h("p", { id: "held-answer", role: "status" });
  append(
    form,
    h("h3", {}, t("heldHeading")),
    h("label", { for: "held-date" }, t("heldDate")),
    h("div", { class: "row" }, input, h("button", { type: "submit" }, t("heldAsk"))),
    answer,
  );
  const show = (date: string) => {
    answer.textContent = heldOn(report, date);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value === "") return;
    v.held = input.value;
    show(input.value);
  });
  if (v.held !== undefined) show(v.held);
  append(result, form);
}

/** Who held the license at the end of `date` (UTC), from the holder periods the SDK rebuilt. */
function heldOn(report: LicenseReport, date: string): string {
  const { title } = report;
  const end = Date.parse(`${date}T23:59:59Z`) / 1000;
  const shown = new Intl.DateTimeFormat(lang() === "de" ? "de-DE" : "en-GB", {
    dateStyle: "long",
    timeZone: "UTC",
  }).format(new Date(end * 1000));
  const period = title.holders.find(
    (p) => p.since.timestamp <= end && (p.until === null || p.until.timestamp > end),
  );
  if (period === undefined) return t("heldNone", { id: title.licenseId.toString(), date: shown });
  // A license that had ended by then (revoked, surrendered, split, expired) was valid for
  // nobody: its last holder is named as such, never as simply holding it.
  const ended = endedBy(report, period.licenseId, end);
  if (ended !== undefined) {
    return t("heldEnded", {
      date: shown,
      license: period.licenseId.toString(),
      how: t(`s_${ended.status}` as Key),
      at: formatDate(ended.timestamp),
      holder: period.holder,
    });
  }
  if (period.until === null && end > title.at.timestamp) {
    return t("heldAfter", {
      at: formatDate(title.at.timestamp),
      date: shown,
      holder: period.holder,
    });
  }
  return t("heldBy", { date: shown, license: period.licenseId.toString(), holder: period.holder });
}

/** How and when license `licenseId` of the title had ended by `end` (unix seconds), if it had. */
function endedBy(
  report: LicenseReport,
  licenseId: bigint,
  end: number,
): { status: "revoked" | "surrendered" | "split" | "expired"; timestamp: number } | undefined {
  const { title } = report;
  const step = title.steps.find(
    (s) =>
      s.licenseId === licenseId &&
      (s.kind === "revoked" || s.kind === "surrendered" || s.kind === "split") &&
      s.timestamp <= end,
  );
  const validUntil = Number(title.license.validUntil);
  if (step !== undefined && (validUntil === 0 || step.timestamp < validUntil)) {
    return { status: step.kind as "revoked" | "surrendered" | "split", timestamp: step.timestamp };
  }
  if (validUntil !== 0 && validUntil <= end) return { status: "expired", timestamp: validUntil };
  return undefined;
}

function txCell(conn: Connection, hash: string): HTMLElement {
  const explorer = conn.trusted.explorer;
  if (explorer === null) return h("code", { class: "hash" }, hash);
  return h(
    "a",
    {
      href: `${explorer.replace(/\/$/, "")}/tx/${hash}`,
      rel: "noopener noreferrer",
      target: "_blank",
    },
    h("code", { class: "hash" }, hash),
  );
}

function stepText(step: TitleStep, conn: Connection): string {
  const d = step.details as Record<string, unknown>;
  const s = (x: unknown) => String(x);
  const names = conn.trusted.currencies;
  const params: Record<string, string> = {};
  for (const [k, value] of Object.entries(d)) params[k] = s(value);
  switch (step.kind) {
    case "issued":
      params.validity =
        step.details.validUntil === 0n
          ? t("perpetual")
          : t("until", { date: formatDate(step.details.validUntil) }).trim();
      break;
    case "sold":
      params.price = formatAmount(step.details.currency, step.details.price, names);
      params.paid = formatAmount(step.details.currency, step.details.paid, names);
      params.fee = formatAmount(step.details.currency, step.details.fee, names);
      break;
    case "revoked":
      params.reason = hasKey(`reason_${step.details.reasonCode}`)
        ? t(`reason_${step.details.reasonCode}` as Key)
        : `code ${step.details.reasonCode}`;
      break;
    case "suspension-bounded":
      params.date = formatDate(step.details.lapsesAt);
      break;
    default:
      break;
  }
  return t(`k_${step.kind}` as Key, params);
}

function renderTimeline(conn: Connection, report: LicenseReport): void {
  const { title } = report;
  append(result, h("h3", { id: "timeline-heading" }, t("timelineHeading")));
  const list = h("ol", { class: "timeline", "aria-labelledby": "timeline-heading" });
  for (const step of title.steps) {
    const when = new Date(step.timestamp * 1000).toISOString();
    const item = h(
      "li",
      { "data-kind": step.kind },
      h("time", { datetime: when }, formatDate(step.timestamp)),
      " ",
      h("span", { class: "block" }, t("t_block", { block: String(step.block) })),
      h("p", { class: "what" }, stepText(step, conn)),
    );
    if (step.licenseId !== title.licenseId)
      append(item, h("p", { class: "of" }, licenseLink(step.licenseId, conn)));
    if (step.kind === "split")
      append(item, h("p", { class: "of" }, licenseLink(step.details.childId, conn)));
    if (step.basis !== null) {
      const label = hasKey(`basis_${step.kind}`)
        ? t(`basis_${step.kind}` as Key)
        : t("basis_other");
      append(
        item,
        h("p", { class: "basis" }, `${label}: `, h("code", { class: "hash" }, step.basis)),
      );
    }
    append(item, h("p", { class: "tx" }, `${t("t_tx")}: `, txCell(conn, step.transaction)));
    append(list, item);
  }
  append(result, list);
  append(result, h("h3", {}, t("holdersHeading")));
  const holders = h("ol", { class: "holders" });
  for (const p of title.holders) {
    append(
      holders,
      h(
        "li",
        {},
        h("code", { class: "hash" }, p.holder),
        ` (${t("ofLicense", { id: p.licenseId.toString() })}): ${formatDate(p.since.timestamp)} – ${p.until === null ? "…" : formatDate(p.until.timestamp)}`,
      ),
    );
  }
  append(result, holders);
}

function renderProvenance(report: LicenseReport): void {
  const steps = report.title.provenance;
  if (steps.length === 0) return;
  append(result, h("h3", {}, t("provenance")));
  const list = h("ul", { class: "provenance" });
  for (const p of steps) {
    const text =
      p.kind === "product-registered"
        ? t("pr_registered", {
            product: p.productId.toString(),
            by: p.details.registeredBy ?? "",
            controller: p.details.controller ?? "",
          })
        : t("pr_other", { kind: `${p.kind} ${Object.values(p.details).join(" ")}` });
    append(
      list,
      h(
        "li",
        {},
        h(
          "time",
          { datetime: new Date(p.timestamp * 1000).toISOString() },
          formatDate(p.timestamp),
        ),
        " ",
        text,
      ),
    );
  }
  append(result, list);
}

async function renderTrust(): Promise<void> {
  const anchors = await trustAnchors();
  byId("trust-now").textContent =
    anchors.length === 0 ? "" : t("trustNow", { list: anchors.map(describeTrust).join("; ") });
}

// ------------------------------------------------------------------ wiring

let scanner: Scanner | undefined;

async function toggleScan(): Promise<void> {
  const scanStatus = byId("scan-status");
  if (scanner !== undefined) {
    scanner.stop();
    scanner = undefined;
    applyStatic();
    return;
  }
  if (!cameraAvailable()) {
    scanStatus.textContent = t("scanUnsupported");
    return;
  }
  try {
    scanner = await startScan(byId<HTMLVideoElement>("video"), (text) => {
      scanner = undefined;
      applyStatic();
      handleLinkText(text);
    });
    scanStatus.textContent = t("scanLooking");
  } catch {
    scanStatus.textContent = t("scanDenied");
  }
  applyStatic();
}

function wire(): void {
  byId("lang-en").addEventListener("click", () => switchLang("en"));
  byId("lang-de").addEventListener("click", () => switchLang("de"));
  byId<HTMLFormElement>("by-id").addEventListener("submit", (event) => {
    event.preventDefault();
    void lookUpLicense(byId<HTMLInputElement>("license-id").value);
  });
  byId<HTMLFormElement>("by-key").addEventListener("submit", (event) => {
    event.preventDefault();
    void lookUpKey(
      byId<HTMLInputElement>("product-id").value,
      byId<HTMLInputElement>("license-key").value,
    );
  });
  const file = byId<HTMLInputElement>("file");
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    if (chosen !== undefined) void verifyCertificateFile(chosen);
  });
  const drop = byId("drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const dropped = event.dataTransfer?.files[0];
    if (dropped !== undefined) void verifyCertificateFile(dropped);
  });
  byId("scan").addEventListener("click", () => void toggleScan());
  window.addEventListener("popstate", () => void fromLocation());
  window.addEventListener("hashchange", () => void fromLocation());
}

/**
 * What the address bar asks for: `?license=`, `?verify=<link>`, or a link's own parameters; the
 * same after `#` instead of `?` (a fragment never reaches the server that hosts the page).
 */
function locationParams(): URLSearchParams {
  const q = new URLSearchParams(location.search);
  for (const [name, value] of new URLSearchParams(location.hash.slice(1))) {
    if (!q.has(name)) q.set(name, value);
  }
  return q;
}

async function fromLocation(initial = false): Promise<void> {
  const q = locationParams();
  const verify = q.get("verify");
  if (verify !== null) return lookUpLink(verify);
  if (q.has("blockHash")) return lookUpLink(`${VERIFY_LINK_SCHEME}verify?${q.toString()}`);
  const license = q.get("license");
  if (license !== null) {
    byId<HTMLInputElement>("license-id").value = license;
    return lookUpLicense(license, q.get("registry") ?? undefined);
  }
  // On load, a lookup the visitor already started (a file dropped while the page loaded) stands.
  if (initial && lookupSerial !== 0) return;
  view = { kind: "empty" };
  render();
}

async function start(): Promise<void> {
  const q = locationParams();
  const asked = q.get("lang");
  setLang(asked === "de" || asked === "en" ? asked : preferredLang());
  applyStatic();
  wire();
  const config = await servedConfig();
  const stored = localStorage.getItem("ll-rpc");
  const askedRpc = q.get("rpc")?.trim();
  rpcInput.value = askedRpc ?? config.rpcUrl ?? stored ?? "http://127.0.0.1:8545";
  // A link's RPC is the visitor's only once the visitor edits the field (or it is the page's).
  if (askedRpc !== undefined && askedRpc !== config.rpcUrl && askedRpc !== stored) {
    rpcFromLink = askedRpc;
  }
  rpcInput.addEventListener("input", () => (rpcFromLink = undefined));
  try {
    // Opening a certificate's web+licenseledger: link in this page, where the browser allows it.
    navigator.registerProtocolHandler?.(
      "web+licenseledger",
      `${location.origin}${location.pathname}?verify=%s`,
    );
  } catch {
    // not allowed here (e.g. http on another host than localhost): links still work as ?verify=
  }
  markReady();
  void renderTrust();
  await fromLocation(true);
}

void start();
