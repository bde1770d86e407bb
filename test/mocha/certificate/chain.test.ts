import { expect } from "chai";

import { certificateFromPdf, certificatePdf } from "@license-ledger/sdk";
import { expectEveryHolderAndHash, resoldLicenseFixture } from "../../helpers/certificates.js";
import { networkHelpers } from "../../helpers/network.js";
import { pdfText, renderPages } from "../../helpers/pdf-reader.js";

const { loadFixture } = networkHelpers;

describe("certificate: a resold license's PDF, rebuilt from the chain", function () {
  it("renders every holder and transaction of the rebuilt chain of title, and verifies", async function () {
    const f = await loadFixture(resoldLicenseFixture);
    const cert = await f.ledger.certificate(f.resold);
    expect(cert.holders.map((h) => h.holder)).to.deep.equal([
      f.holder.address,
      f.holder.address,
      f.dealer.address,
      f.buyer.address,
    ]);
    const pdf = await certificatePdf(cert);

    expect(await renderPages(pdf, 40)).to.have.length(2);
    const text = (await pdfText(pdf)).join("\f");
    expectEveryHolderAndHash(text, cert);
    for (const sale of f.sales) expect(text).to.contain(sale.hash.toLowerCase());
    expect(text).to.contain(`active, valid (as of block ${cert.drawnAt.block})`);

    const back = await certificateFromPdf(pdf);
    expect(back).to.deep.equal(cert);
    const verdict = await f.ledger.verifyCertificate(back);
    expect(verdict).to.include({
      verdict: "current",
      official: true,
      genuine: true,
      current: true,
      final: true,
    });
    expect(verdict.differences).to.deep.equal([]);
    expect(verdict.changedSince).to.deep.equal([]);
  });
});
