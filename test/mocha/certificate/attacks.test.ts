import { deflateSync } from "node:zlib";

import { expect } from "chai";
import { ZeroAddress, id, parseEther } from "ethers";
import { PDFDocument, PDFHexString, PDFName, StandardFonts, rgb } from "pdf-lib";

import {
  LedgerError,
  LicenseLedger,
  VERDICT_EXIT_CODES,
  certificateAsV1,
  certificateFromPdf,
  certificatePdf,
  certificateToJson,
  type Certificate,
  type TrustedDeployment,
} from "@license-ledger/sdk";
import {
  LicenseRegistry__factory,
  MockFakeMarket__factory,
} from "../../../typechain-types/index.js";
import { ADMIN_DELAY, ROLES, VOLUME_TERMS } from "../../helpers/constants.js";
import { resoldLicenseFixture } from "../../helpers/certificates.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { tempDir } from "../../helpers/sdk.js";

const { loadFixture } = networkHelpers;

/** The verdict of `input` against exactly the deployments `trusted`. */
const verify = (input: Parameters<typeof LicenseLedger.verify>[1], trusted: TrustedDeployment[]) =>
  LicenseLedger.verify(ethers.provider, input, { trusted });

/**
 * The refusal `call` throws, with the CPU time this process spent on it (`ms`, user plus system:
 * other processes on a loaded machine do not inflate it, as they do wall time, which only gets a
 * loose bound here).
 */
async function refusalOf(call: Promise<unknown>): Promise<{ error: LedgerError; ms: number }> {
  const started = Date.now();
  const cpu = process.cpuUsage();
  try {
    await call;
  } catch (error) {
    expect(error).to.be.instanceOf(LedgerError);
    const { user, system } = process.cpuUsage(cpu);
    expect(Date.now() - started, "wall time of a refusal").to.be.below(5_000);
    return { error: error as LedgerError, ms: Math.round((user + system) / 1000) };
  }
  throw new Error("the hostile input was accepted");
}

describe("certificate verification, attacked", function () {
  describe("a look-alike ledger (the same bytecode, redeployed by a forger)", function () {
    it("is not the official License Ledger, whatever its certificate says, and names what was checked", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const official = f.ledger.trust;
      const forger = f.stranger;
      const fake = await new LicenseRegistry__factory(forger).deploy(
        "License Ledger",
        "LICENSE",
        forger.address,
        ADMIN_DELAY,
      );
      await fake.grantRole(ROLES.PUBLISHER, forger.address);
      const fakeLedger = await LicenseLedger.connect(forger, { registry: await fake.getAddress() });
      const { productId } = await fakeLedger.registerProduct(VOLUME_TERMS, "ipfs://product-terms");
      const { licenseId } = await fakeLedger.issue({
        productId,
        holder: f.buyer.address,
        seats: 400,
      });
      const own = await fakeLedger.certificate(licenseId);
      expect((await fakeLedger.verifyCertificate(own)).verdict, "on its own terms").to.equal(
        "current",
      );
      // Relabelled to look official; as JSON and as a PDF.
      const dressed: Certificate = { ...own, network: { ...own.network, name: official.network } };
      for (const input of [own, dressed, await certificatePdf(dressed)]) {
        const verdict = await verify(input, [official]);
        expect(verdict.verdict).to.equal("not-official");
        expect(VERDICT_EXIT_CODES[verdict.verdict]).to.equal(2);
        expect(verdict).to.include({ official: false, genuine: false });
        expect(verdict.notOfficial[0]).to.equal(
          `not the official License Ledger of ${official.network}: the certificate names the registry ${await fake.getAddress()}, but the official registry is ${official.registry} (${official.source})`,
        );
        expect(verdict.checked).to.include({
          registry: official.registry,
          market: official.market,
          trustSource: official.source,
        });
      }
      // Claiming the official registry instead: its history is checked there, and is not there.
      const claimed = { ...dressed, registry: official.registry, market: official.market };
      const verdict = await verify(claimed, [official]);
      expect(verdict.verdict).to.equal("not-genuine");
      expect(verdict.official).to.equal(true);
    });

    it("is caught when the node serves other code where the address book puts the official one", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const cert = await f.ledger.certificate(f.resold);
      const forked: TrustedDeployment = { ...f.ledger.trust, registryCodeHash: id("other code") };
      const verdict = await verify(cert, [forked]);
      expect(verdict.verdict).to.equal("not-official");
      expect(verdict.notOfficial[0]).to.match(
        /^the registry's code at 0x[0-9a-fA-F]{40} hashes to 0x[0-9a-f]{64}, but .* recorded 0x[0-9a-f]{64} at deployment: the node serves other code there/,
      );
    });

    it("says so when no official deployment is known for the chain", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const cert = await f.ledger.certificate(f.resold);
      const verdict = await LicenseLedger.verify(ethers.provider, cert, {
        deploymentsDir: tempDir(),
      });
      expect(verdict.verdict).to.equal("not-official");
      expect(verdict.checked.registry).to.equal(null);
      expect(verdict.notOfficial).to.deep.equal([
        "no official License Ledger deployment is known for chain 31337: none of the trusted address books is of this chain; for a private deployment, give its address book as the trust file",
      ]);
    });
  });

  describe("invented sales", function () {
    it("a contract emitting LicenseSold is not the market: its certificate is not official", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const fake = await new MockFakeMarket__factory(f.stranger).deploy(f.ledger.trust.registry);
      const cert = await f.ledger.certificate(f.resold);
      const verdict = await verify({ ...cert, market: await fake.getAddress() }, [f.ledger.trust]);
      expect(verdict.verdict).to.equal("not-official");
      expect(verdict.notOfficial[0]).to.include(
        `the certificate counts sales on the market ${await fake.getAddress()}, but the official market is ${f.ledger.trust.market}`,
      );
    });

    it("a LicenseSold with no transfer of the license in its transaction is never a sale, even from a trusted market", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const fake = await new MockFakeMarket__factory(f.stranger).deploy(f.ledger.trust.registry);
      await fake.emitSold(
        f.resold,
        f.buyer.address,
        f.stranger.address,
        ZeroAddress,
        parseEther("500"),
        parseEther("500"),
        0n,
        id("no such order"),
      );
      // A verifier misled into trusting the fake market still sees no 500 ETH sale.
      const misled: TrustedDeployment = {
        ...f.ledger.trust,
        market: await fake.getAddress(),
        marketCodeHash: null,
      };
      const reader = await LicenseLedger.reader(ethers.provider, misled);
      const title = await reader.chainOfTitle(f.resold);
      expect(title.steps.filter((s) => s.kind === "sold")).to.deep.equal([]);
      expect(title.license.holder).to.equal(f.buyer.address);
    });
  });

  describe("fresh, superseded, not final; version 1", function () {
    it("a certificate of a block the network has not finalized is not final (exit code 4)", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const cert = await f.ledger.certificate(f.resold);
      const target = ethers.provider;
      // The node reports an older finalized block, as a public network does for recent blocks.
      const unfinalized = new Proxy(target, {
        get(t, property) {
          if (property === "getBlock") {
            return (tag: unknown) =>
              tag === "finalized" ? t.getBlock(cert.drawnAt.block - 1) : t.getBlock(tag as number);
          }
          const value = Reflect.get(t, property, t) as unknown;
          return typeof value === "function" ? (value as () => unknown).bind(t) : value;
        },
      });
      const verdict = await LicenseLedger.verify(unfinalized, cert, { trusted: [f.ledger.trust] });
      expect(verdict).to.include({ verdict: "not-final", genuine: true, final: false });
      expect(verdict.finalizedBlock).to.equal(cert.drawnAt.block - 1);
      expect(VERDICT_EXIT_CODES[verdict.verdict]).to.equal(4);
    });

    it("a version 1 certificate still verifies, and says it is version 1", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const v1 = certificateAsV1(await f.ledger.certificate(f.resold));
      const json = certificateToJson(v1);
      expect(json).to.include('"version": 1');
      expect(json).not.to.include('"paid"');
      const verdict = await verify(json, [f.ledger.trust]);
      expect(verdict).to.include({ verdict: "current", schemaVersion: 1 });
      const edited = { ...v1, license: { ...v1.license, seats: "400" } };
      expect((await verify(edited, [f.ledger.trust])).verdict).to.equal("not-genuine");
    });
  });

  describe("repainted pages", function () {
    it("a genuine PDF whose pages were redrawn (another holder, 400 seats) is not genuine", async function () {
      const f = await loadFixture(resoldLicenseFixture);
      const cert = await f.ledger.certificate(f.resold);
      const genuine = await certificatePdf(cert);
      expect((await verify(genuine, [f.ledger.trust])).verdict).to.equal("current");

      const doc = await PDFDocument.load(genuine, { updateMetadata: false });
      const page = doc.getPage(0);
      const font = await doc.embedFont(StandardFonts.HelveticaBold);
      page.drawRectangle({ x: 150, y: 560, width: 300, height: 40, color: rgb(1, 1, 1) });
      page.drawText(`Seats 400, held by ${f.stranger.address}`, { x: 150, y: 575, size: 9, font });
      const repainted = await doc.save({ useObjectStreams: false });
      // Its data is untouched: the embedded certificate is the genuine one.
      expect(certificateToJson(await certificateFromPdf(repainted))).to.equal(
        certificateToJson(cert),
      );
      const verdict = await verify(repainted, [f.ledger.trust]);
      expect(verdict).to.include({ verdict: "not-genuine", genuine: false, pages: "differs" });
      expect(verdict.differences[0]).to.match(/^its pages do not show the certificate it carries/);
    });
  });

  describe("hostile files, each refused with a sentence in well under a second", function () {
    /** A one-page PDF whose embedded-files name tree is `tree` (built on the document). */
    async function pdfWithTree(build: (doc: PDFDocument) => unknown): Promise<Uint8Array> {
      const doc = await PDFDocument.create({ updateMetadata: false });
      doc.addPage();
      doc.catalog.set(PDFName.of("Names"), doc.context.obj({ EmbeddedFiles: build(doc) as never }));
      return doc.save();
    }

    it("a name tree listing the same kid twice per level, 40 levels deep", async function () {
      const bytes = await pdfWithTree((doc) => {
        let ref = doc.context.register(
          doc.context.obj({ Names: [PDFHexString.fromText("other.json"), doc.context.obj({})] }),
        );
        for (let i = 0; i < 40; i++)
          ref = doc.context.register(doc.context.obj({ Kids: [ref, ref] }));
        return ref;
      });
      expect(bytes.length).to.be.below(8_000);
      const { error, ms } = await refusalOf(certificateFromPdf(bytes));
      expect(error.code).to.equal("CertificatePdfRefused");
      expect(error.message).to.include("nests deeper than 8 levels");
      expect(ms).to.be.below(1_000);
    });

    it("a shallow tree of repeated kids is read once per node, and holds no certificate", async function () {
      const bytes = await pdfWithTree((doc) => {
        let ref = doc.context.register(doc.context.obj({ Names: [] }));
        for (let i = 0; i < 6; i++) {
          ref = doc.context.register(doc.context.obj({ Kids: Array(50).fill(ref) }));
        }
        return ref;
      });
      const { error, ms } = await refusalOf(certificateFromPdf(bytes));
      expect(error.code).to.equal("CertificateNotInPdf");
      expect(ms).to.be.below(1_000);
    });

    it("an attachment that inflates to 64 MiB (a deflate bomb)", async function () {
      const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
      const bytes = await pdfWithTree((doc) => {
        const raw = doc.context.stream(bomb, { Type: "EmbeddedFile", Filter: "FlateDecode" });
        const file = doc.context.register(raw);
        const spec = doc.context.register(
          doc.context.obj({
            Type: "Filespec",
            F: PDFHexString.fromText("certificate.json"),
            EF: { F: file },
          }),
        );
        return doc.context.obj({ Names: [PDFHexString.fromText("certificate.json"), spec] });
      });
      const { error, ms } = await refusalOf(certificateFromPdf(bytes));
      expect(error.code).to.equal("CertificateTooLarge");
      expect(ms).to.be.below(1_000);
    });

    it("nesting 100,000 levels deep, a truncated certificate and garbage", async function () {
      const deep = new TextEncoder().encode(
        `%PDF-1.7\n1 0 obj\n<< /Type /Catalog /X ${"[".repeat(100_000)}${"]".repeat(100_000)} >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
      );
      const f = await loadFixture(resoldLicenseFixture);
      const genuine = await certificatePdf(await f.ledger.certificate(f.resold));
      const truncated = genuine.subarray(0, Math.floor(genuine.length / 2));
      const garbage = new Uint8Array(100_000);
      for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
      garbage.set(new TextEncoder().encode("%PDF-1.7\n"));
      for (const [name, bytes] of [
        ["deep", deep],
        ["truncated", truncated],
        ["garbage", garbage],
      ] as const) {
        const { error, ms } = await refusalOf(certificateFromPdf(bytes));
        expect(error.code, name).to.be.oneOf([
          "CertificateNotPdf",
          "CertificateNotInPdf",
          "CertificatePdfRefused",
          "CertificateMalformed",
        ]);
        expect(ms, name).to.be.below(1_000);
      }
    });

    it("a file larger than any certificate, and JSON nested deeper than the schema", async function () {
      const huge = new Uint8Array(33 * 1024 * 1024);
      huge.set(new TextEncoder().encode("%PDF-1.7\n"));
      const big = await refusalOf(certificateFromPdf(huge));
      expect(big.error.code).to.equal("CertificateTooLarge");
      expect(big.ms).to.be.below(1_000);
      const nested = `{"schema":"license-ledger-certificate","version":2,"x":${"[".repeat(50_000)}${"]".repeat(50_000)}}`;
      const deep = await refusalOf(verify(nested, []));
      expect(deep.error.message).to.include("nests 17 levels deep");
    });
  });
});
