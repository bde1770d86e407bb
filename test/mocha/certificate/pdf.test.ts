import { expect } from "chai";
import { PDFDict, PDFDocument, PDFHexString, PDFName, StandardFonts } from "pdf-lib";

import {
  CERTIFICATE_ATTACHMENT,
  CERTIFICATE_INFO_KEY,
  LedgerError,
  certificateFromJson,
  certificateFromPdf,
  certificatePdf,
  certificateToJson,
  describeCertificateStep,
  pdfSafe,
} from "@license-ledger/sdk";
import type { Certificate } from "@license-ledger/sdk";
import { expectEveryHolderAndHash, sampleCertificate } from "../../helpers/certificates.js";
import {
  pdfAttachments,
  pdfPages,
  pdfText,
  pngImage,
  renderPages,
} from "../../helpers/pdf-reader.js";

/** An A4 page at the 40 dpi the pages are rendered at: 595.28 x 841.89 pt is 331 x 468 pixels. */
const A4_AT_40_DPI = { width: 331, height: 468 };

/** A rendered page is a PNG of an A4 page at 40 dpi, neither blank nor inked all over. */
async function expectRenderedA4(png: Uint8Array): Promise<void> {
  expect(png.length).to.be.greaterThan(2_000);
  const { width, height, ink } = await pngImage(png);
  expect({ width, height }).to.deep.equal(A4_AT_40_DPI);
  expect(ink, "share of inked pixels").to.be.within(0.01, 0.5);
}

async function refusal(promise: Promise<unknown>): Promise<LedgerError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(LedgerError);
    return error as LedgerError;
  }
  expect.fail("expected a LedgerError");
}

describe("certificate: the PDF", function () {
  describe("certificatePdf", function () {
    it("opens in a PDF reader as two A4 pages holding every holder, transaction hash and basis", async function () {
      const cert = sampleCertificate();
      const pdf = await certificatePdf(cert);
      const sizes = (await pdfPages(pdf)).map(
        (p) => `${p.width.toFixed(2)} x ${p.height.toFixed(2)}`,
      );
      expect(sizes).to.deep.equal(["595.28 x 841.89", "595.28 x 841.89"]);
      const pngs = await renderPages(pdf, 40);
      expect(pngs).to.have.length(2);
      for (const png of pngs) await expectRenderedA4(png);

      const pages = await pdfText(pdf);
      expect(pages).to.have.length(2);
      const text = pages.join("\f");
      expectEveryHolderAndHash(text, cert);
      for (const expected of [
        "Certificate of title",
        "License 1000000000003 of product 1",
        "active, valid (as of block 13)",
        "hardhat (chain id 31337)",
        "perpetual, up to 500 seats per license, transferable, splittable, no attestation needed",
        "https://publisher.example/products/office-suite-2024",
        "split from license 1000000000001",
        "current holder - license 1000000000003",
        cert.verification.command,
        "for 1.2 ETH, the buyer paid 1.23 ETH (fee 0.03 ETH)",
      ]) {
        expect(text.replace(/\s+/g, " ")).to.contain(expected);
      }
      expect(pages[0]).to.contain("Page 1 of 2");
      expect(pages[1]).to.contain("Page 2 of 2");
    });

    it("wraps a long history over as many pages as it needs, numbering each", async function () {
      const cert = sampleCertificate(30);
      const pdf = await certificatePdf(cert);
      const pngs = await renderPages(pdf, 40);
      expect(pngs.length).to.be.within(9, 14);
      for (const png of pngs) await expectRenderedA4(png);
      const pages = await pdfText(pdf);
      expect(pages).to.have.length(pngs.length);
      const text = pages.join("\f");
      expectEveryHolderAndHash(text, cert);
      pages.forEach((page, i) => expect(page).to.contain(`Page ${i + 1} of ${pages.length}`));
      expect(text).to.contain(`Holders (${cert.holders.length}), continued`);
      expect(text).to.contain(`Steps (${cert.steps.length}), continued`);
    });

    it("gives the same bytes for the same certificate", async function () {
      const cert = sampleCertificate();
      const first = await certificatePdf(cert);
      const second = await certificatePdf(structuredClone(cert));
      expect(Buffer.from(second).equals(Buffer.from(first))).to.equal(true);
    });

    it("shows text the standard fonts cannot encode as its closest ASCII", async function () {
      const cert = sampleCertificate();
      cert.product.metadataURI =
        "https://\u00e9diteur.example/produits/suite-b\u00far\u043e \u2014 \u201c2024\u201d \u2713";
      cert.network.name = "réseau";
      const pdf = await certificatePdf(cert);
      const text = (await pdfText(pdf)).join("\f");
      expect(text).to.contain('https://editeur.example/produits/suite-bur? - "2024" ?');
      expect(text).to.contain("reseau (chain id 31337)");
      expect(await certificateFromPdf(pdf)).to.deep.equal(cert);
      expect(pdfSafe("Zoë\tß")).to.equal("Zoe ?");
    });

    it("shows a revoked, suspended or ERC-20 sale in words, hiding no recorded value", function () {
      const base = { basis: null };
      expect(
        describeCertificateStep({
          ...base,
          kind: "revoked",
          details: { by: "0xAb", reasonCode: "2" },
        }),
      ).to.equal("revoked for good by 0xAb for fraud");
      expect(
        describeCertificateStep({
          ...base,
          kind: "revoked",
          details: { by: "0xAb", reasonCode: "77" },
        }),
      ).to.equal("revoked for good by 0xAb for reason code 77");
      expect(
        describeCertificateStep({
          ...base,
          kind: "sold",
          details: {
            seller: "0xS",
            buyer: "0xB",
            currency: "0x" + "12".repeat(20),
            price: "250000000",
            fee: "6250000",
          },
        }),
      ).to.equal(
        `sold on the market by 0xS to 0xB for 250000000 base units of the unrecognised token 0x${"12".repeat(20)} (fee 6250000 base units of the unrecognised token 0x${"12".repeat(20)})`,
      );
      expect(
        describeCertificateStep({ ...base, kind: "suspended", details: { by: "0xA", extra: "7" } }),
      ).to.equal("suspended by 0xA on evidence; extra 7");
    });
  });

  describe("certificateFromPdf", function () {
    it("reads back the embedded certificate, equal to the one drawn", async function () {
      const cert = sampleCertificate(3);
      const pdf = await certificatePdf(cert);
      expect(await certificateFromPdf(pdf)).to.deep.equal(cert);
      const attachments = await pdfAttachments(pdf);
      expect([...attachments.keys()]).to.include(CERTIFICATE_ATTACHMENT);
      const attached = new TextDecoder().decode(attachments.get(CERTIFICATE_ATTACHMENT));
      expect(attached).to.equal(certificateToJson(cert));
      expect(certificateFromJson(attached)).to.deep.equal(cert);
    });

    it("keeps one copy of the certificate (the attachment), and still reads a version 1 PDF's information copy", async function () {
      const cert = sampleCertificate();
      const pdf = await PDFDocument.load(await certificatePdf(cert), { updateMetadata: false });
      const info = pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict);
      expect(info.get(PDFName.of(CERTIFICATE_INFO_KEY))).to.equal(undefined);
      // A version 1 PDF whose attachment was stripped: only its information copy is left.
      const v1 = { ...cert, version: 1 } as Record<string, unknown>;
      delete v1.provenance;
      delete v1.currencies;
      delete (v1.license as Record<string, unknown>).moves;
      pdf.catalog.delete(PDFName.of("Names"));
      info.set(PDFName.of(CERTIFICATE_INFO_KEY), PDFHexString.fromText(JSON.stringify(v1)));
      expect(await certificateFromPdf(await pdf.save())).to.deep.equal(v1);
    });

    it("reads a long history's information copy without overflowing (241 steps and more)", async function () {
      const cert = sampleCertificate(300);
      const pdf = await PDFDocument.load(await certificatePdf(cert), { updateMetadata: false });
      const info = pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict);
      pdf.catalog.delete(PDFName.of("Names"));
      info.set(PDFName.of(CERTIFICATE_INFO_KEY), PDFHexString.fromText(certificateToJson(cert)));
      expect(await certificateFromPdf(await pdf.save())).to.deep.equal(cert);
    });

    it("refuses a PDF without a certificate, and bytes that are not a PDF, with a sentence", async function () {
      const doc = await PDFDocument.create();
      doc.addPage().drawText("an invoice", { font: await doc.embedFont(StandardFonts.Helvetica) });
      const plain = await refusal(certificateFromPdf(await doc.save()));
      expect(plain.code).to.equal("CertificateNotInPdf");
      expect(plain.message).to.equal(
        "the PDF holds no License Ledger certificate (no certificate.json attachment): it was not made by License Ledger",
      );
      const junk = await refusal(certificateFromPdf(new TextEncoder().encode("not a pdf at all")));
      expect(junk.code).to.equal("CertificateNotPdf");
      expect(junk.message).to.equal(
        "the file is not a PDF that can be read: give the certificate PDF (or its JSON)",
      );
    });
  });
});
