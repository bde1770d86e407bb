import { deflateSync } from "node:zlib";

import { expect } from "chai";
import { Interface, ZeroAddress, id, parseEther, toQuantity, type Provider } from "ethers";
import { PDFDocument, StandardFonts } from "pdf-lib";

import {
  LedgerError,
  LicenseLedger,
  LicenseMarket__factory,
  LicenseRegistry__factory,
  certificateAsV1,
  certificateToJson,
  type AnyCertificate,
  type Certificate,
  type TrustedDeployment,
} from "@license-ledger/sdk";
import { verifyReport } from "@license-ledger/sdk/cli";
import { resoldLicenseFixture, sampleCertificate } from "../../helpers/certificates.js";
import { HostileRpc, RpcRefusal, rewriteLog, type RawLog } from "../../helpers/hostile-rpc.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { connectLedger } from "../../helpers/sdk.js";

/**
 * An independent review's attacks on the certificate verifier. Each `it` states what the verifier
 * must do; the ones that fail today are attacks that work (see the report on branch
 * verifier-attacks).
 */

const { loadFixture } = networkHelpers;
const REGISTRY = new Interface(LicenseRegistry__factory.abi);
const MARKET = new Interface(LicenseMarket__factory.abi);
const topic = (iface: Interface, name: string): string => iface.getEvent(name)!.topicHash;
const SOLD = topic(MARKET, "LicenseSold");
const SUSPENDED = topic(REGISTRY, "LicenseSuspended");
const PRODUCT_REGISTERED = topic(REGISTRY, "ProductRegistered");
const GET_LICENSE = REGISTRY.getFunction("getLicense")!.selector;

const verify = (input: Parameters<typeof LicenseLedger.verify>[1], trusted: TrustedDeployment) =>
  LicenseLedger.verify(ethers.provider, input, { trusted: [trusted] });

/** The verdict through `provider`, or `refused: <code>` when the verifier refused with a sentence. */
async function verdictThrough(
  provider: Provider,
  cert: AnyCertificate,
  trusted: TrustedDeployment,
): Promise<string> {
  try {
    return (await LicenseLedger.verify(provider, cert, { trusted: [trusted] })).verdict;
  } catch (error) {
    if (error instanceof LedgerError) return `refused: ${error.code}`;
    throw error;
  }
}

/**
 * What `call` did: its verdict, a LedgerError's code, or another error's name (a crash), with the
 * CPU time this process spent meanwhile (`ms`, user plus system) and the wall time (`wallMs`).
 * The bounds below are on CPU time, which other processes on a loaded machine do not inflate;
 * the wall time gets a looser bound of its own.
 */
async function outcome(
  call: () => Promise<{ verdict: string }>,
): Promise<{ what: string; ms: number; wallMs: number }> {
  const started = Date.now();
  const cpu = process.cpuUsage();
  const spent = () => {
    const { user, system } = process.cpuUsage(cpu);
    return { ms: Math.round((user + system) / 1000), wallMs: Date.now() - started };
  };
  try {
    const v = await call();
    return { what: v.verdict, ...spent() };
  } catch (error) {
    const what =
      error instanceof LedgerError
        ? `refused: ${error.code}`
        : `crash: ${(error as Error).name}: ${(error as Error).message.slice(0, 80)}`;
    return { what, ...spent() };
  }
}

const GENUINE = ["current", "superseded", "not-final"];

/** A hostile provider that rewrites the logs of every `eth_getLogs` answer with `edit` (null: drop). */
const logsRewritten = (edit: (log: RawLog) => RawLog | null): HostileRpc =>
  new HostileRpc((method, _params, result) => {
    if (method !== "eth_getLogs" || !Array.isArray(result)) return result;
    return (result as RawLog[]).map(edit).filter((l): l is RawLog => l !== null);
  });

/**
 * The forger's certificate, drawn through the hostile provider: undefined when the SDK refuses to
 * draw it (the provider's answers do not hold together: the attack fails at the first step, and
 * a genuine certificate does not verify through that provider either). Otherwise it must differ
 * from the chain (checked on an honest provider).
 */
async function forgedThrough(
  hostile: HostileRpc,
  trust: TrustedDeployment,
  licenseId: bigint,
  genuine: Certificate,
): Promise<Certificate | undefined> {
  const reader = await LicenseLedger.reader(hostile, trust);
  let forged: Certificate;
  try {
    forged = await reader.certificate(licenseId);
  } catch (error) {
    expect(error).to.be.instanceOf(LedgerError);
    expect((error as LedgerError).code).to.equal("HistoryIncomplete");
    expect(await verdictThrough(hostile, genuine, trust)).to.equal("refused: HistoryIncomplete");
    return undefined;
  }
  // The SDK may also read the truth back from the transactions' receipts despite the edited
  // logs: then what it drew is the genuine certificate, and the attack failed.
  if (certificateToJson(forged) === certificateToJson(genuine)) return undefined;
  const honest = await verify(forged, trust);
  expect(honest.verdict, "an honest node: the forged certificate is not genuine").to.equal(
    "not-genuine",
  );
  return forged;
}

describe("certificate verification, attacked (independent review)", function () {
  this.timeout(120_000);

  describe("a hostile RPC provider that rewrites eth_getLogs answers", function () {
    it("a sale's price raised a hundredfold in the LicenseSold log does not verify", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      const hostile = logsRewritten((log) =>
        log.topics[0] === SOLD && log.transactionHash === f.sales[1]!.hash
          ? rewriteLog(MARKET, log, (a) => {
              a.price = (a.price as bigint) * 100n;
              a.paid = (a.paid as bigint) * 100n;
            })
          : log,
      );
      const forged = await forgedThrough(
        hostile,
        trust,
        f.resold,
        await f.ledger.certificate(f.resold),
      );
      if (forged === undefined) return;
      expect(
        forged.steps.find((s) => s.kind === "sold" && s.details.price === "150000000000000000000"),
      ).to.not.equal(undefined);
      expect(await verdictThrough(hostile, forged, trust)).to.not.be.oneOf(GENUINE);
    });

    it("a LicenseSold invented into the transaction of a private transfer does not verify", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      const moved = await f.ledger.transfer(
        f.resold,
        f.stranger.address,
        id("buyer's declaration"),
      );
      const receipt = (await ethers.provider.getTransactionReceipt(moved.hash))!;
      const last = receipt.logs.at(-1)!;
      const fake = MARKET.encodeEventLog(MARKET.getEvent("LicenseSold")!, [
        f.resold,
        f.buyer.address,
        f.stranger.address,
        ZeroAddress,
        parseEther("500"),
        parseEther("500"),
        0n,
        id("no such order"),
      ]);
      const injected: RawLog = {
        address: trust.market!.toLowerCase(),
        topics: fake.topics,
        data: fake.data,
        blockNumber: toQuantity(receipt.blockNumber),
        blockHash: receipt.blockHash,
        transactionHash: receipt.hash,
        transactionIndex: toQuantity(receipt.index),
        logIndex: toQuantity(last.index + 1),
        removed: false,
      };
      const hostile = new HostileRpc((method, params, result) => {
        if (method !== "eth_getLogs" || !Array.isArray(result)) return result;
        const filter = params[0] as { fromBlock: string; toBlock: string };
        const asksSales = JSON.stringify(params).includes(SOLD);
        const covers =
          Number(filter.fromBlock) <= receipt.blockNumber &&
          receipt.blockNumber <= Number(filter.toBlock);
        return asksSales && covers ? [...(result as RawLog[]), injected] : result;
      });
      const forged = await forgedThrough(
        hostile,
        trust,
        f.resold,
        await f.ledger.certificate(f.resold),
      );
      if (forged === undefined) return;
      expect(forged.steps.at(-1)).to.deep.include({ kind: "sold" });
      expect(forged.steps.at(-1)!.details.price).to.equal(parseEther("500").toString());
      expect(await verdictThrough(hostile, forged, trust)).to.not.be.oneOf(GENUINE);
    });

    it("a suspension left out of the logs (the license shown valid, unsuspended) does not verify", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      const publisher = await connectLedger(f.publisher, f);
      await publisher.suspend(f.resold, id("dispute: the dealer's copy is still in use"));
      expect((await f.ledger.certificate(f.resold)).license).to.include({
        suspended: true,
        valid: false,
      });
      const hostile = logsRewritten((log) => (log.topics[0] === SUSPENDED ? null : log));
      const forged = await forgedThrough(
        hostile,
        trust,
        f.resold,
        await f.ledger.certificate(f.resold),
      );
      if (forged === undefined) return;
      expect(forged.license).to.include({ suspended: false, valid: true });
      expect(await verdictThrough(hostile, forged, trust)).to.not.be.oneOf(GENUINE);
    });

    it("a product registration rewritten (another controller, publisher and metadata) does not verify", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      const hostile = logsRewritten((log) =>
        log.topics[0] === PRODUCT_REGISTERED
          ? rewriteLog(REGISTRY, log, (a) => {
              a.controller = f.stranger.address;
              a.publisher = f.stranger.address;
              a.metadataURI = "ipfs://another-product-entirely";
            })
          : log,
      );
      const forged = await forgedThrough(
        hostile,
        trust,
        f.resold,
        await f.ledger.certificate(f.resold),
      );
      if (forged === undefined) return;
      expect(forged.product.controller).to.equal(f.stranger.address);
      expect(await verdictThrough(hostile, forged, trust)).to.not.be.oneOf(GENUINE);
    });

    it("block times the provider puts in its logs (blockTimestamp) are checked, not believed", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      // Every step dated 2020-09-13, years before the license existed.
      const hostile = logsRewritten((log) => ({
        ...log,
        blockTimestamp: toQuantity(1_600_000_000),
      }));
      // The logs' times are not used: the certificate drawn through that node is the true one.
      const reader = await LicenseLedger.reader(hostile, trust);
      const drawn = await reader.certificate(f.resold);
      expect(drawn.holders[0]!.since.timestamp).to.not.equal(1_600_000_000);
      expect(certificateToJson(drawn)).to.equal(
        certificateToJson(await f.ledger.certificate(f.resold)),
      );
    });

    it("a provider that refuses getLicense and leaves out the last sale: the unchecked history is not passed as genuine", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      const hidden = f.sales[1]!.hash;
      const hostile = new HostileRpc((method, params, result) => {
        if (method === "eth_call") {
          const data = String((params[0] as { data?: string; input?: string }).data ?? "");
          if (data.startsWith(GET_LICENSE)) throw new RpcRefusal("missing trie node");
        }
        if (method !== "eth_getLogs" || !Array.isArray(result)) return result;
        return (result as RawLog[]).filter((log) => log.transactionHash !== hidden);
      });
      // The forged certificate says the dealer still holds the license.
      const forged = await forgedThrough(
        hostile,
        trust,
        f.resold,
        await f.ledger.certificate(f.resold),
      );
      if (forged === undefined) return;
      expect(forged.holders.at(-1)!.holder).to.equal(f.dealer.address);
      expect(await verdictThrough(hostile, forged, trust)).to.not.be.oneOf(GENUINE);
    });
  });

  describe("invented transfers (the verifier holds: the registry's move count disagrees)", function () {
    it("a round trip of releases and transfers invented into eth_getLogs answers is refused", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      const cert = await f.ledger.certificate(f.resold);
      const block = await ethers.provider.getBlock(f.sales[1]!.blockNumber);
      const productId = f.resold / 1_000_000_000_000n;
      const fakeTx = id("a transaction the chain never saw");
      const log = (iface: Interface, name: string, args: unknown[], index: number): RawLog => {
        const e = iface.encodeEventLog(iface.getEvent(name)!, args);
        return {
          address: trust.registry.toLowerCase(),
          topics: e.topics,
          data: e.data,
          blockNumber: toQuantity(block!.number),
          blockHash: block!.hash!,
          transactionHash: fakeTx,
          transactionIndex: "0x5",
          logIndex: toQuantity(index),
          removed: false,
        };
      };
      const [buyer, stranger] = [f.buyer.address, f.stranger.address];
      const released = [
        log(REGISTRY, "LicenseReleased", [f.resold, productId, buyer, id("d1")], 100),
        log(REGISTRY, "LicenseReleased", [f.resold, productId, stranger, id("d2")], 102),
      ];
      const transfers = [
        log(REGISTRY, "Transfer", [buyer, stranger, f.resold], 101),
        log(REGISTRY, "Transfer", [stranger, buyer, f.resold], 103),
      ];
      const TRANSFER = topic(REGISTRY, "Transfer");
      const RELEASED = topic(REGISTRY, "LicenseReleased");
      const hostile = new HostileRpc((method, params, result) => {
        if (method === "eth_getTransactionReceipt" && params[0] === fakeTx) {
          return {
            ...(result as object),
            transactionHash: fakeTx,
            blockHash: block!.hash,
            blockNumber: toQuantity(block!.number),
            logs: [released[0], transfers[0], released[1], transfers[1]],
          };
        }
        if (method !== "eth_getLogs" || !Array.isArray(result)) return result;
        const filter = params[0] as { fromBlock: string; toBlock: string; topics: unknown[] };
        if (Number(filter.fromBlock) > block!.number || Number(filter.toBlock) < block!.number) {
          return result;
        }
        const first = JSON.stringify(filter.topics[0]);
        const extra = [
          ...(first.includes(RELEASED) ? released : []),
          ...(first.includes(TRANSFER) ? transfers : []),
        ];
        return [...(result as RawLog[]), ...extra];
      });
      expect(await verdictThrough(hostile, cert, trust)).to.equal("refused: HistoryIncomplete");
    });
  });

  describe("a broken RPC provider's malformed answer", function () {
    it("a log whose data is cut short is refused with a sentence (a LedgerError), not an ethers decoding error", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const cert = await f.ledger.certificate(f.resold);
      const broken = logsRewritten((log) =>
        log.topics[0] === SOLD ? { ...log, data: "0x" } : log,
      );
      const { what } = await outcome(() =>
        LicenseLedger.verify(broken, cert, { trusted: [f.ledger.trust] }),
      );
      expect(what).to.match(/^refused: /);
    });
  });

  describe("finality", function () {
    it("a node that fails to answer for the finalized block does not make an unfinalized certificate current", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const cert = await f.ledger.certificate(f.resold);
      const target = ethers.provider;
      // A public network's node, timing out on the "finalized" tag (a broken or hostile RPC).
      const flaky = new Proxy(target, {
        get(t, property) {
          if (property === "getBlock") {
            return (tag: unknown) =>
              tag === "finalized"
                ? Promise.reject(new Error("request timeout (code=TIMEOUT)"))
                : t.getBlock(tag as number);
          }
          const value = Reflect.get(t, property, t) as unknown;
          return typeof value === "function" ? (value as () => unknown).bind(t) : value;
        },
      });
      const { what } = await outcome(() =>
        LicenseLedger.verify(flaky, cert, { trusted: [f.ledger.trust] }),
      );
      expect(what).to.not.equal("current");
    });
  });

  describe("PDFs", function () {
    it("a version 1 certificate in a PDF whose pages say anything is not current (exit code 0)", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const trust = f.ledger.trust;
      const v1 = certificateAsV1(await f.ledger.certificate(f.resold));
      // The forger's pages: 400 seats, another holder; the genuine data, downgraded, attached.
      const doc = await PDFDocument.create();
      const page = doc.addPage();
      const font = await doc.embedFont(StandardFonts.Helvetica);
      page.drawText(`Certificate of title - license ${v1.license.id}`, {
        x: 50,
        y: 780,
        size: 14,
        font,
      });
      page.drawText(`400 seats, perpetual, held by ${f.stranger.address}`, {
        x: 50,
        y: 750,
        size: 10,
        font,
      });
      await doc.attach(new TextEncoder().encode(certificateToJson(v1)), "certificate.json", {
        mimeType: "application/json",
      });
      const bytes = await doc.save();
      const verdict = await verify(bytes, trust);
      const report = await verifyReport(ethers.provider, bytes, [trust], "forged.pdf");
      expect({ verdict: verdict.verdict, exitCode: report.exitCode }).to.not.deep.equal({
        verdict: "current",
        exitCode: 0,
      });
    });

    it("an object stream that inflates to 256 MiB is refused in under a second", async function () {
      const body = Buffer.alloc(256 * 1024 * 1024, 0x20);
      body.write("2 0 null", 0);
      const packed = deflateSync(body, { level: 9 });
      const head = Buffer.from(
        "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 3 0 R >>\nendobj\n3 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" +
          `4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
      );
      const tail = Buffer.from("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R /Size 5 >>\n%%EOF\n");
      const bytes = new Uint8Array(Buffer.concat([head, packed, tail]));
      expect(bytes.length).to.be.below(300_000);
      const f = await loadFixture(resoldLicenseFixture);
      const { what, ms, wallMs } = await outcome(() => verify(bytes, f.ledger.trust));
      expect(what).to.match(/^refused: /);
      expect(ms, `${bytes.length} bytes took ${ms} ms of CPU`).to.be.below(1_000);
      expect(wallMs, `${bytes.length} bytes took ${wallMs} ms`).to.be.below(5_000);
    });

    it("a small PDF carrying a long (not official) certificate is answered in under a second", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const big = sampleCertificate(3_000);
      const lookalike = { ...big, registry: f.stranger.address, market: null };
      const doc = await PDFDocument.create();
      doc.addPage();
      await doc.attach(new TextEncoder().encode(certificateToJson(lookalike)), "certificate.json", {
        mimeType: "application/json",
      });
      const bytes = await doc.save();
      const { what, ms, wallMs } = await outcome(() => verify(bytes, f.ledger.trust));
      expect(what).to.equal("not-official");
      expect(ms, `${bytes.length} bytes took ${ms} ms of CPU`).to.be.below(1_000);
      expect(wallMs, `${bytes.length} bytes took ${wallMs} ms`).to.be.below(5_000);
    });
  });

  describe("hostile JSON", function () {
    it('a "__proto__" or "valueOf" field gets a verdict (not-genuine), not a TypeError', async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const json = certificateToJson(await f.ledger.certificate(f.resold));
      const withProto = json.replace('"license": {', '"license": {"__proto__": {},');
      const withValueOf = json.replace('"details": {', '"details": {"valueOf": "x",');
      const results = [];
      for (const text of [withProto, withValueOf]) {
        results.push((await outcome(() => verify(text, f.ledger.trust))).what);
      }
      expect(results).to.deep.equal(["not-genuine", "not-genuine"]);
    });

    it("a huge validUntil or an out-of-range timestamp gets a verdict in under a second, not a RangeError", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const cert = await f.ledger.certificate(f.resold);
      // 15 million digits: within the 16 MiB a certificate may take.
      const digits = "9".repeat(15_000_000);
      const huge = { ...cert, license: { ...cert.license, validUntil: digits } };
      const hugeId = { ...cert, license: { ...cert.license, id: digits } };
      const late = {
        ...cert,
        steps: cert.steps.map((s, i) =>
          i === 0 ? { ...s, timestamp: Number.MAX_SAFE_INTEGER } : s,
        ),
      };
      const results = [];
      for (const forged of [huge, late, hugeId]) {
        const { what, ms, wallMs } = await outcome(() =>
          verify(certificateToJson(forged), f.ledger.trust),
        );
        results.push({ what, fast: ms < 1_000 && wallMs < 5_000 });
      }
      // Refused as malformed (values no certificate can hold), quickly, with a sentence.
      expect(results).to.deep.equal([
        { what: "refused: CertificateMalformed", fast: true },
        { what: "refused: CertificateMalformed", fast: true },
        { what: "refused: CertificateMalformed", fast: true },
      ]);
    });
  });
});
