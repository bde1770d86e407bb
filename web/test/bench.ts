/**
 * `npm run bench:web`: time to first verdict on the built page for a license with a short and a
 * long chain of title (about 10 and 1,000 steps) on anvil, and the size of the built page. Writes
 * web/test-results/bench.json.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { JsonRpcProvider, toUtf8Bytes, type Signer } from "ethers";

import { hashDocument, type LicenseLedger } from "@license-ledger/sdk";

import { accounts, connect, deploy, startAnvil } from "../scripts/demo-chain.js";
import { ARTIFACTS, DIST, launchChromium, servePage } from "./harness.js";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** A license that changed hands `resales` times between two holders. */
async function licenseWithResales(
  pub: LicenseLedger,
  a: LicenseLedger,
  b: LicenseLedger,
  productId: bigint,
  resales: number,
): Promise<bigint> {
  const [holderA, holderB] = [await a.account(), await b.account()];
  const { licenseId } = await pub.issue({ productId, holder: holderA, seats: 1 });
  for (let i = 0; i < resales; i++) {
    const [from, to] = i % 2 === 0 ? [a, holderB] : [b, holderA];
    await from.transfer(licenseId, to, hashDocument(toUtf8Bytes(`declaration ${licenseId} ${i}`)));
  }
  return licenseId;
}

const { url: rpcUrl, child } = await startAnvil();
try {
  const provider = new JsonRpcProvider(rpcUrl, undefined, {
    cacheTimeout: -1,
    pollingInterval: 20,
  });
  const [operator, publisher, holderA, holderB, platform] = accounts(provider, 5) as [
    Signer,
    Signer,
    Signer,
    Signer,
    Signer,
  ];
  const record = await deploy(provider, operator, await platform.getAddress(), "localhost");
  const admin = await connect(operator, record);
  await admin.grantRole("publisher", await publisher.getAddress());
  const [pub, a, b] = await Promise.all([
    connect(publisher, record),
    connect(holderA, record),
    connect(holderB, record),
  ]);
  const { productId } = await pub.registerProduct(
    {
      validityDays: 0,
      maxSeatsPerLicense: 10,
      transferable: true,
      splittable: false,
      attestationRequired: false,
    },
    "https://publisher.example/bench",
  );
  const started = Date.now();
  const short = await licenseWithResales(pub, a, b, productId, 5);
  const long = await licenseWithResales(pub, a, b, productId, 500);
  console.log(`chain filled in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const { url, server } = await servePage(rpcUrl, [record]);
  const browser = await launchChromium();
  const results: Record<string, unknown>[] = [];
  for (const [label, licenseId] of [
    ["short", short],
    ["long", long],
  ] as const) {
    const times: number[] = [];
    let steps = 0;
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(`${url}?license=${licenseId}`);
      await page.waitForSelector("[data-verdict], [data-error]", { timeout: 300_000 });
      times.push(Date.now() - t0);
      steps = await page.$$eval(".timeline li", (li) => li.length);
      await context.close();
    }
    times.sort((x, y) => x - y);
    const entry = { license: licenseId.toString(), steps, msMedian: times[1], msRuns: times };
    console.log(
      `${label}: ${steps} steps, first verdict in ${times[1]} ms (runs ${times.join(", ")} ms)`,
    );
    results.push(entry);
  }
  await browser.close();
  server.close();

  let raw = 0;
  let gzip = 0;
  const perFile: Record<string, { raw: number; gzip: number }> = {};
  for (const path of files(DIST)) {
    const bytes = readFileSync(path);
    const z = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzip += z;
    perFile[path.slice(DIST.length + 1)] = { raw: bytes.length, gzip: z };
  }
  console.log(
    `built page: ${(raw / 1024).toFixed(0)} KiB raw, ${(gzip / 1024).toFixed(0)} KiB gzip`,
  );
  for (const [name, size] of Object.entries(perFile)) {
    console.log(
      `  ${name}: ${(size.raw / 1024).toFixed(1)} KiB raw, ${(size.gzip / 1024).toFixed(1)} KiB gzip`,
    );
  }
  writeFileSync(
    join(ARTIFACTS, "bench.json"),
    JSON.stringify({ node: "anvil", verdicts: results, build: { raw, gzip, perFile } }, null, 2) +
      "\n",
  );
} finally {
  child.kill("SIGTERM");
}
