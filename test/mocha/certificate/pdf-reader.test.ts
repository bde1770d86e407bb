import { expect } from "chai";
import { PDFDocument, StandardFonts } from "pdf-lib";

import {
  pdfAttachments,
  pdfPages,
  pdfText,
  pngImage,
  renderPages,
} from "../../helpers/pdf-reader.js";

/** The certificate tests read PDFs with these helpers: they must see no more than a reader does. */
describe("certificate: the test helpers that read a PDF", function () {
  it("see the text on each page, line by line, and none of what lies off the page", async function () {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const first = doc.addPage([595.28, 841.89]);
    first.drawText("Holder", { x: 50, y: 700, size: 10, font });
    first.drawText("0xAbC", { x: 150, y: 700, size: 10, font });
    first.drawText("second line", { x: 50, y: 680, size: 10, font });
    first.drawText("cut at the edge", { x: 560, y: 600, size: 10, font });
    first.drawText("below the page", { x: 50, y: -40, size: 10, font });
    doc.addPage([300, 200]).drawText("page two", { x: 20, y: 100, size: 12, font });
    const pdf = await doc.save();

    expect(await pdfText(pdf)).to.deep.equal([
      "Holder 0xAbC\nsecond line\ncut at th\n",
      "page two\n",
    ]);
    expect(await pdfPages(pdf)).to.deep.equal([
      { width: 595.28, height: 841.89 },
      { width: 300, height: 200 },
    ]);
    expect(await pdfAttachments(pdf)).to.deep.equal(new Map());
  });

  it("render a blank page as a blank PNG, and a page with text as an inked one", async function () {
    const doc = await PDFDocument.create();
    doc.addPage([144, 72]);
    doc.addPage([144, 72]).drawText("ink", {
      x: 10,
      y: 20,
      size: 40,
      font: await doc.embedFont(StandardFonts.HelveticaBold),
    });
    const [blank, inked, ...more] = await renderPages(await doc.save(), 72);
    expect(more).to.deep.equal([]);
    expect(await pngImage(blank!)).to.deep.equal({ width: 144, height: 72, ink: 0 });
    const image = await pngImage(inked!);
    expect({ width: image.width, height: image.height }).to.deep.equal({ width: 144, height: 72 });
    expect(image.ink).to.be.within(0.03, 0.5);
    await expectRejection(pngImage(new TextEncoder().encode("not a png image")), "not a PNG image");
  });
});

async function expectRejection(promise: Promise<unknown>, message: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.equal(message);
    return;
  }
  expect.fail("expected a rejection");
}
