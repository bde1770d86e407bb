/**
 * `npm run test:web`: the verification page in Chromium against the demo chain on anvil. Each
 * case drives the built page as a buyer would and reads what it shows; axe-core checks the main
 * views for WCAG 2.1 A/AA violations in both languages. Screenshots go to web/test-results/.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import axe from "axe-core";
import type { Browser, BrowserContext, Page } from "playwright-core";

import {
  DEMO_LICENSE_KEY,
  startAnvil,
  startDemoChain,
  type DemoChain,
} from "../scripts/demo-chain.js";
import { ARTIFACTS, launchChromium, servePage, startLogLimitingProxy } from "./harness.js";

let demo: DemoChain;
let browser: Browser;
let server: Server;
let pageUrl: string;

before(async () => {
  demo = await startDemoChain();
  const served = await servePage(demo.rpcUrl, [demo.record]);
  server = served.server;
  pageUrl = served.url;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
  await demo?.stop();
});

async function open(
  query = "",
  locale = "en-US",
  bypassCSP = false,
): Promise<{ page: Page; context: BrowserContext }> {
  // bypassCSP only for axe, which is injected as an inline script the page's CSP forbids.
  const context = await browser.newContext({
    locale,
    viewport: { width: 1100, height: 900 },
    bypassCSP,
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${pageUrl}${query}`);
  return { page, context };
}

/** Waits for a verdict or an error, and returns the checks by id. */
async function verdict(page: Page): Promise<Record<string, { status: string; text: string }>> {
  await page.waitForSelector("[data-verdict], [data-error]", { timeout: 60_000 });
  const checks = await page.$$eval("[data-check]", (items) =>
    items.map((li) => ({
      id: li.getAttribute("data-check") ?? "",
      status: li.getAttribute("data-status") ?? "",
      text: li.textContent ?? "",
    })),
  );
  return Object.fromEntries(checks.map((c) => [c.id, { status: c.status, text: c.text }]));
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** axe-core in the page: WCAG 2.0/2.1 A and AA rules; returns the violations' ids. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  // Runs in the page (this file is type-checked without the DOM library).
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: typeof axe }).axe.run("html", {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    }),
  );
  assert.ok(results.passes.length > 10, "axe ran its rules");
  return results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}

async function dropFile(page: Page, name: string, bytes: Uint8Array | string, type: string) {
  await page.setInputFiles("#file", {
    name,
    mimeType: type,
    buffer: Buffer.from(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes),
  });
}

/**
 * Chooses a file made in the page (not sent through the driver, so the time is the page's): 33 or
 * 17 MiB of spaces (`huge.json`, `big.json`) or JSON nested 200,000 deep (`deep.json`).
 */
async function chooseGeneratedFile(page: Page, name: string): Promise<void> {
  await page.evaluate((which) => {
    const g = globalThis as unknown as {
      DataTransfer: new () => { items: { add(f: unknown): void }; files: unknown };
      File: new (parts: unknown[], name: string, o: { type: string }) => unknown;
      Event: new (type: string) => unknown;
      document: {
        querySelector(s: string): { files: unknown; dispatchEvent(e: unknown): void };
      };
    };
    const MiB = 1024 * 1024;
    const body =
      which === "deep.json"
        ? "[".repeat(200_000) + "]".repeat(200_000)
        : new Uint8Array((which === "huge.json" ? 33 : 17) * MiB).fill(32);
    const dt = new g.DataTransfer();
    dt.items.add(new g.File([body], which, { type: "application/json" }));
    const input = g.document.querySelector("#file");
    input.files = dt.files;
    input.dispatchEvent(new g.Event("change"));
  }, name);
}

describe("the verification page", () => {
  it("looks up a resold license: its checks and its timeline", async () => {
    const { page, context } = await open();
    await page.fill("#license-id", demo.licenses.resold.toString());
    await page.click("#by-id button[type=submit]");
    const checks = await verdict(page);
    for (const id of ["official", "exists", "valid", "resales", "chain"]) {
      assert.equal(checks[id]?.status, "pass", `${id}: ${checks[id]?.text}`);
    }
    assert.equal(checks.certificate?.status, "na");
    assert.match(checks.official!.text, /trust file local-trust\.json/);
    assert.match(checks.resales!.text, /All 2 change\(s\) of hands/);
    const kinds = await page.$$eval(".timeline li", (li) =>
      li.map((x) => x.getAttribute("data-kind")),
    );
    assert.deepEqual(kinds.filter((k) => k === "sold").length, 2);
    assert.ok(kinds.includes("split") && kinds[0] === "issued", kinds.join(","));
    const timeline = await page.textContent(".timeline");
    assert.match(timeline ?? "", /1\.2 ETH/);
    assert.match(timeline ?? "", /declaration relied on: 0x[0-9a-f]{64}/);
    // the split parent is linked
    assert.ok(await page.isVisible(`a[href*="license=${demo.licenses.volume}"]`));
    await shot(page, "resold-license");
    await context.close();
  });

  it("starts a claimed license's chain of title at its run's commit", async () => {
    const { page, context } = await open(`?license=${demo.licenses.claimed}`);
    const checks = await verdict(page);
    for (const id of ["official", "exists", "valid", "chain"]) {
      assert.equal(checks[id]?.status, "pass", `${id}: ${checks[id]?.text}`);
    }
    assert.match(checks.chain!.text, /from the first commit of its issuance run on /);
    const kinds = await page.$$eval(".timeline li", (li) =>
      li.map((x) => x.getAttribute("data-kind")),
    );
    assert.equal(kinds[0], "committed", kinds.join(","));
    assert.ok(kinds.includes("claimed"), kinds.join(","));
    const timeline = await page.textContent(".timeline");
    assert.match(
      timeline ?? "",
      /Committed by 0x[0-9a-fA-F]{40} in issuance run 1 \(3 licenses from/,
    );
    assert.match(timeline ?? "", /https:\/\/publisher\.example\/runs\/2026-12\.leaves\.jsonl/);
    assert.match(timeline ?? "", /Merkle root of the run: 0x[0-9a-f]{64}/);
    assert.match(timeline ?? "", /Claimed from run 1 for 0x[0-9a-fA-F]{40}/);
    assert.doesNotMatch(timeline ?? "", /undefined/);
    await shot(page, "claimed-license");
    await context.close();
  });

  it("finds a license by its key, hashed in the browser", async () => {
    const { page, context } = await open();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.postData() ?? ""));
    await page.fill("#product-id", demo.productId.toString());
    await page.fill("#license-key", DEMO_LICENSE_KEY.toLowerCase());
    await page.click("#by-key button[type=submit]");
    await page.waitForSelector("#result-heading");
    const heading = await page.textContent("#result-heading");
    assert.match(heading ?? "", /2 live license/);
    const links = await page.$$eval("#result a", (a) => a.map((x) => x.textContent));
    assert.deepEqual(links, [`license ${demo.licenses.kept}`, `license ${demo.licenses.resold}`]);
    assert.ok(
      requests.every(
        (body) => !body.toUpperCase().includes("OFFICE-7781") && !body.includes("OFFICE7781"),
      ),
      "the key itself never leaves the browser",
    );
    await context.close();
  });

  for (const [name, key, pattern] of [
    ["revoked", "revoked", /revoked by its publisher/],
    ["suspended", "suspended", /suspended/],
    ["expired", "expired", /term ended/],
  ] as const) {
    it(`flags a ${name} license`, async () => {
      const { page, context } = await open(`?license=${demo.licenses[key]}`);
      const checks = await verdict(page);
      assert.equal(checks.valid?.status, "fail");
      assert.match(checks.valid!.text, pattern);
      assert.equal(await page.getAttribute("[data-verdict]", "data-verdict"), "problems");
      await shot(page, `${name}-license`);
      await context.close();
    });
  }

  it("says who held a license on a date", async () => {
    const { page, context } = await open(`?license=${demo.licenses.resold}`);
    await verdict(page);
    const day = new Date(demo.dealerHeldAt * 1000).toISOString().slice(0, 10);
    await page.fill("#held-date", day);
    await page.click("#held button[type=submit]");
    const dealer = Object.entries(demo.parties).find(([, n]) => n === "dealer")![0];
    assert.match((await page.textContent("#held-answer")) ?? "", new RegExp(`held by ${dealer}`));
    await page.fill("#held-date", "2001-01-01");
    await page.click("#held button[type=submit]");
    assert.match((await page.textContent("#held-answer")) ?? "", /did not exist yet/);
    await context.close();
  });

  it("never says a revoked, split or expired license was simply held after it ended", async () => {
    // A court asking "who held it on date D" must learn the license had ended by then.
    for (const [key, pattern] of [
      ["revoked", /had ended \(revoked on /],
      ["volume", /had ended \(split on /],
      ["expired", /had ended \(expired on /],
    ] as const) {
      const { page, context } = await open(`?license=${demo.licenses[key]}`);
      await verdict(page);
      await page.fill("#held-date", "2999-12-31");
      await page.click("#held button[type=submit]");
      const answer = (await page.textContent("#held-answer")) ?? "";
      assert.match(answer, pattern, `${key}: ${answer}`);
      assert.doesNotMatch(answer, /was held by|holder then is the holder now/, `${key}: ${answer}`);
      await context.close();
    }
    // Before it ended, the holder is named as before.
    const { page, context } = await open(`?license=${demo.licenses.resold}`);
    await verdict(page);
    await page.fill("#held-date", "2999-12-31");
    await page.click("#held button[type=submit]");
    assert.match((await page.textContent("#held-answer")) ?? "", /holder then is the holder now/);
    await context.close();
  });

  it("refuses license numbers that are not a uint256 in words, not as a node failure", async () => {
    for (const id of ["9".repeat(78), "-1", "1e30", "0x10", " 12 34 "]) {
      const { page, context } = await open(`?license=${encodeURIComponent(id)}`);
      await page.waitForSelector("[data-error]", { timeout: 60_000 });
      assert.equal(await page.getAttribute("[data-error]", "data-error"), "bad-input", id);
      await context.close();
    }
  });

  it("verifies a good certificate (JSON and PDF) as genuine, current and final", async () => {
    for (const [name, bytes, type] of [
      ["good.json", demo.certificates.goodJson, "application/json"],
      ["good.pdf", demo.certificates.goodPdf, "application/pdf"],
    ] as const) {
      const { page, context } = await open();
      await dropFile(page, name, bytes, type);
      const checks = await verdict(page);
      assert.equal(checks.certificate?.status, "pass", checks.certificate?.text);
      assert.equal(checks.current?.status, "pass");
      assert.equal(checks.final?.status, "pass");
      if (name.endsWith(".pdf")) {
        assert.match(checks.certificate!.text, /PDF pages are the drawing/);
        await shot(page, "good-certificate");
      }
      await context.close();
    }
  });

  it("says a superseded certificate is genuine but no longer current", async () => {
    const { page, context } = await open();
    await dropFile(page, "old.json", demo.certificates.superseded, "application/json");
    const checks = await verdict(page);
    assert.equal(checks.certificate?.status, "pass");
    assert.equal(checks.current?.status, "fail");
    assert.match(checks.current!.text, /Superseded/);
    await context.close();
  });

  it("refuses a certificate from a look-alike registry as not official", async () => {
    const { page, context } = await open();
    await dropFile(page, "fake.json", demo.certificates.lookAlike, "application/json");
    const checks = await verdict(page);
    assert.equal(checks.certificate?.status, "fail");
    assert.match(checks.certificate!.text, /another registry/);
    await shot(page, "look-alike-certificate");
    await context.close();
  });

  it("refuses a PDF whose pages were redrawn as not genuine", async () => {
    const { page, context } = await open();
    await dropFile(page, "redrawn.pdf", demo.certificates.redrawnPdf, "application/pdf");
    const checks = await verdict(page);
    assert.equal(checks.certificate?.status, "fail");
    assert.match(checks.certificate!.text, /its pages do not show the certificate/);
    await context.close();
  });

  it("opens a certificate's QR link (?verify=) and checks it against the chain", async () => {
    const cert = JSON.parse(demo.certificates.goodJson) as {
      drawnAt: { block: number; blockHash: string };
    };
    const link = `web+licenseledger:verify?chain=${demo.chainId}&registry=${demo.record.contracts.LicenseRegistry.address}&license=${demo.licenses.resold}&block=${cert.drawnAt.block}&blockHash=${cert.drawnAt.blockHash}`;
    const { page, context } = await open(`?verify=${encodeURIComponent(link)}`);
    const checks = await verdict(page);
    assert.equal(checks.link?.status, "pass", checks.link?.text);
    // The same parameters on the page's own address: what a QR code carries once the address
    // book publishes this page (`verifyPage`).
    await page.goto(`${pageUrl}${link.slice(link.indexOf("?"))}`);
    assert.equal((await verdict(page)).link?.status, "pass");
    // ...and after `#`, which the host of the page never sees.
    await page.goto(`${pageUrl}#verify=${encodeURIComponent(link)}`);
    assert.equal((await verdict(page)).link?.status, "pass");
    const forged = link.replace(/blockHash=0x[0-9a-f]{4}/, "blockHash=0x0000");
    await page.goto(`${pageUrl}?verify=${encodeURIComponent(forged)}`);
    const again = await verdict(page);
    assert.equal(again.link?.status, "fail");
    await context.close();
  });

  it("switches to German and back", async () => {
    const { page, context } = await open(`?license=${demo.licenses.resold}`);
    await verdict(page);
    await page.click("#lang-de");
    assert.equal(await page.getAttribute("html", "lang"), "de");
    assert.match((await page.textContent("h1")) ?? "", /Softwarelizenz prüfen/);
    assert.match((await page.textContent("[data-check=valid]")) ?? "", /bestanden/);
    assert.match(
      (await page.textContent("[data-check=official]")) ?? "",
      /Vertrauensquelle: die mit dieser Seite ausgelieferte Vertrauensdatei/,
    );
    assert.match((await page.textContent("#trust-now")) ?? "", /denen diese Seite vertraut/);
    await shot(page, "resold-license-de");
    await page.click("#lang-en");
    assert.match((await page.textContent("h1")) ?? "", /Verify a software license/);
    await context.close();
    const german = await open("", "de-DE");
    assert.equal(await german.page.getAttribute("html", "lang"), "de");
    await german.context.close();
  });

  it("explains an unreachable RPC and an unknown license", async () => {
    const { page, context } = await open(
      `?license=1&rpc=${encodeURIComponent("http://127.0.0.1:9")}`,
    );
    await page.waitForSelector("[data-error]");
    assert.equal(await page.getAttribute("[data-error]", "data-error"), "rpc-down");
    assert.match((await page.textContent("#status")) ?? "", /cannot be reached/);
    await shot(page, "rpc-down");
    await page.goto(`${pageUrl}?license=7000000000001`);
    await page.waitForSelector("[data-error]");
    assert.equal(await page.getAttribute("[data-error]", "data-error"), "unknown-license");
    await context.close();
  });

  it("links transactions to the explorer the address book names", async () => {
    const explorer = "https://explorer.example";
    const served = await servePage(demo.rpcUrl, [{ ...demo.record, explorer }]);
    try {
      const context = await browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await page.goto(`${served.url}?license=${demo.licenses.resold}`);
      await verdict(page);
      const links = await page.$$eval(".timeline .tx a", (a) =>
        a.map((x) => x.getAttribute("href")),
      );
      assert.ok(
        links.length > 0 &&
          links.every((href) =>
            /^https:\/\/explorer\.example\/tx\/0x[0-9a-f]{64}$/.test(href ?? ""),
          ),
        links.join(" "),
      );
      await context.close();
    } finally {
      served.server.close();
    }
  });

  it("says when the RPC serves a network without an official deployment", async () => {
    const other = await startAnvil(11155111);
    try {
      const { page, context } = await open(`?license=1&rpc=${encodeURIComponent(other.url)}`);
      await page.waitForSelector("[data-error]");
      assert.equal(await page.getAttribute("[data-error]", "data-error"), "no-official");
      assert.match((await page.textContent("#status")) ?? "", /chain 11155111/);
      await context.close();
    } finally {
      other.child.kill("SIGTERM");
    }
  });

  it("pages around a provider that caps eth_getLogs, and explains one that refuses them", async () => {
    const capped = await startLogLimitingProxy(demo.rpcUrl, "cap", 3);
    const refusing = await startLogLimitingProxy(demo.rpcUrl, "refuse");
    try {
      const q = (url: string) => `?license=${demo.licenses.resold}&rpc=${encodeURIComponent(url)}`;
      const { page, context } = await open(q(capped.url));
      const checks = await verdict(page);
      assert.equal(checks.chain?.status, "pass", checks.chain?.text);
      await page.goto(`${pageUrl}${q(refusing.url)}`);
      await page.waitForSelector("[data-error]", { timeout: 60_000 });
      assert.equal(await page.getAttribute("[data-error]", "data-error"), "logs-limited");
      await shot(page, "logs-refused");
      await context.close();
    } finally {
      capped.server.close();
      refusing.server.close();
    }
  });

  it("never calls a verdict read through an RPC the link chose trustworthy, nor keeps that RPC", async () => {
    // A forger's link: the official chain id and registry, but its own node (here a faithful
    // proxy; a hostile one could serve a consistent forged history the page cannot detect).
    const hostile = await startLogLimitingProxy(demo.rpcUrl, "cap", 1_000_000);
    try {
      const { page, context } = await open(
        `?license=${demo.licenses.resold}&rpc=${encodeURIComponent(hostile.url)}`,
      );
      const checks = await verdict(page);
      assert.equal(checks.rpc?.status, "fail", checks.rpc?.text);
      assert.match(checks.rpc!.text, /named by the link/);
      assert.equal(await page.getAttribute("[data-verdict]", "data-verdict"), "problems");
      const stored = await page.evaluate(() =>
        (globalThis as unknown as { localStorage: Storage }).localStorage.getItem("ll-rpc"),
      );
      assert.notEqual(stored, hostile.url, "a link's RPC is never remembered");
      // Its "no such license" is no more trustworthy than its "every check passed".
      await page.goto(`${pageUrl}?license=7000000000001&rpc=${encodeURIComponent(hostile.url)}`);
      await page.waitForSelector("[data-error]");
      assert.match((await page.textContent("[data-rpc=link]")) ?? "", /named by the link/);
      await page.goto(
        `${pageUrl}?license=${demo.licenses.resold}&rpc=${encodeURIComponent(hostile.url)}`,
      );
      await verdict(page);
      // The visitor typing that RPC themselves makes it their choice.
      await page.fill("#rpc", hostile.url);
      await page.fill("#license-id", demo.licenses.resold.toString());
      await page.click("#by-id button[type=submit]");
      await page.waitForFunction(() => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): unknown } })
          .document;
        return (
          d.querySelector("[data-verdict]") !== null && d.querySelector("[data-check=rpc]") === null
        );
      });
      assert.equal(await page.getAttribute("[data-verdict]", "data-verdict"), "ok");
      await context.close();
    } finally {
      hostile.server.close();
    }
  });

  it("shows the license of the trusted deployment a certificate or link names, not another's", async () => {
    // An operator trusting two deployments of one chain: a certificate from the second must be
    // shown with the second's license, never the first's license that has the same number.
    const fakeRegistry = demo.lookAlikeRecord.contracts.LicenseRegistry.address;
    // (its certificate was drawn under the name the SDK gives an unnamed chain)
    const second = { ...demo.lookAlikeRecord, network: "chain-31337" };
    const served = await servePage(demo.rpcUrl, [demo.record, second]);
    try {
      const context = await browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await page.goto(served.url);
      await dropFile(page, "second.json", demo.certificates.lookAlike, "application/json");
      const checks = await verdict(page);
      assert.equal(checks.certificate?.status, "pass", checks.certificate?.text);
      assert.ok(checks.official!.text.includes(fakeRegistry), checks.official!.text);
      const cert = JSON.parse(demo.certificates.lookAlike) as {
        drawnAt: { block: number; blockHash: string };
      };
      const link = `web+licenseledger:verify?chain=${demo.chainId}&registry=${fakeRegistry}&license=${demo.lookAlikeLicense}&block=${cert.drawnAt.block}&blockHash=${cert.drawnAt.blockHash}`;
      await page.goto(`${served.url}?verify=${encodeURIComponent(link)}`);
      const viaLink = await verdict(page);
      assert.equal(viaLink.link?.status, "pass", viaLink.link?.text);
      assert.ok(viaLink.official!.text.includes(fakeRegistry), viaLink.official!.text);
      // A link between licenses (split parents and children) keeps to that deployment.
      await page.goto(`${served.url}?license=${demo.lookAlikeLicense}&registry=${fakeRegistry}`);
      const viaId = await verdict(page);
      assert.ok(viaId.official!.text.includes(fakeRegistry), viaId.official!.text);
      await page.goto(`${served.url}?license=1&registry=0x${"ab".repeat(20)}`);
      await page.waitForSelector("[data-error]");
      assert.equal(await page.getAttribute("[data-error]", "data-error"), "bad-input");
      await context.close();
    } finally {
      served.server.close();
    }
  });

  it("never interprets text from a link, a parameter, a file or an error as HTML", async () => {
    const payload = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;
    const { page, context } = await open(
      `?verify=${encodeURIComponent(`web+licenseledger:verify?chain=1&registry=${payload}`)}&lang=${encodeURIComponent(payload)}`,
    );
    await page.waitForSelector("[data-error]");
    assert.equal(await page.getAttribute("[data-error]", "data-error"), "bad-input");
    assert.match((await page.textContent("#result")) ?? "", /<img src=x/, "shown as text");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    // A certificate whose fields carry markup: its differences are shown, as text.
    const forged = demo.certificates.goodJson.replace(/"localhost"/g, JSON.stringify(payload));
    assert.notEqual(forged, demo.certificates.goodJson);
    await dropFile(page, "markup.json", forged, "application/json");
    await page.waitForSelector("[data-verdict], [data-error]", { timeout: 60_000 });
    assert.equal(await page.$$eval("#result img, #result script", (e) => e.length), 0);
    assert.notEqual(await page.title(), "pwned");
    await context.close();
  });

  it("keeps the answer to a file chosen while the page was still loading its trust", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    // The trust file arrives late: the file is chosen before the page knows its RPC and trust.
    await page.route("**/local-trust.json", async (route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
    await page.goto(pageUrl, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("#file", { state: "attached" });
    await chooseGeneratedFile(page, "huge.json");
    await page.waitForSelector("[data-error]", { timeout: 20_000 });
    // Once the trust has arrived, the page's start must not wipe the answer.
    await page.waitForTimeout(2_500);
    assert.equal(await page.getAttribute("[data-error]", "data-error"), "bad-input");
    assert.match((await page.textContent("[data-error] details")) ?? "", /over 32 MiB/);
    await context.close();
  });

  it("refuses huge and deeply nested certificate files quickly, and says why", async () => {
    const { page, context } = await open();
    for (const [name, why] of [
      ["huge.json", /over 32 MiB/],
      ["big.json", /16 MiB/],
      ["deep.json", /levels deep/],
    ] as const) {
      // The file is made in the page (not sent through the driver), so the time is the page's.
      const started = Date.now();
      await chooseGeneratedFile(page, name);
      await page.waitForSelector("[data-error]", { timeout: 20_000 });
      assert.ok(Date.now() - started < 10_000, `${name}: ${Date.now() - started} ms`);
      assert.equal(await page.getAttribute("[data-error]", "data-error"), "bad-input", name);
      assert.match((await page.textContent("#result-heading")) ?? "", /This file/, name);
      // The reason is in view, not folded away.
      assert.equal(await page.getAttribute("[data-error] details", "open"), "", name);
      assert.match((await page.textContent("[data-error] details")) ?? "", why, name);
    }
    await context.close();
  });

  describe("accessibility (axe-core, WCAG 2.1 A/AA)", () => {
    for (const locale of ["en-US", "de-DE"]) {
      it(`has no violations on the start, verdict and error views (${locale})`, async () => {
        const views = [
          ["start", ""],
          ["verdict", `?license=${demo.licenses.resold}`],
          ["error", `?license=1&rpc=${encodeURIComponent("http://127.0.0.1:9")}`],
        ] as const;
        for (const [view, query] of views) {
          const { page, context } = await open(query, locale, true);
          if (view === "start") await page.waitForSelector(".empty");
          else await page.waitForSelector("[data-verdict], [data-error]", { timeout: 60_000 });
          const violations = await axeViolations(page);
          assert.deepEqual(violations, [], `${view} (${locale})`);
          await context.close();
        }
      });
    }
  });

  it("fits a phone and leaves a screenshot for the README", async () => {
    const context = await browser.newContext({
      locale: "en-US",
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
    const page = await context.newPage();
    await page.goto(`${pageUrl}?license=${demo.licenses.resold}`);
    await verdict(page);
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as {
        innerWidth: number;
        document: { documentElement: { scrollWidth: number } };
      };
      return g.document.documentElement.scrollWidth > g.innerWidth;
    });
    assert.equal(overflow, false, "no horizontal scrolling on a phone");
    await shot(page, "phone");
    await context.close();
    const desktop = await open(`?license=${demo.licenses.resold}`);
    await verdict(desktop.page);
    // The README's picture: the top of the page with the verdict (docs/verification-page.png).
    await desktop.page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await desktop.page.screenshot({
      path: join(ARTIFACTS, "verification-page.png"),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1100, height: 1500 },
    });
    await desktop.context.close();
    writeFileSync(join(ARTIFACTS, "page-url.txt"), pageUrl);
  });
});
