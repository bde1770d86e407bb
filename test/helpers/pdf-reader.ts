/**
 * Opens a PDF as a reader would, with npm packages only (no system PDF tools): pdf.js (Firefox's
 * PDF engine) for the pages, their text and the attachments, and MuPDF (WebAssembly) to render
 * the pages to PNG. Both are loaded on first use.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import type { PDFDocumentProxy, TextItem } from "pdfjs-dist/types/src/display/api.js";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
type MuPdf = typeof import("mupdf");

let pdfjs: Promise<PdfJs> | undefined;
let mupdf: Promise<MuPdf> | undefined;

/** pdf.js's metrics for the 14 standard fonts, which the certificate uses (none is embedded). */
const STANDARD_FONTS = `${join(dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "standard_fonts")}/`;

/** Opens `pdf` with pdf.js, runs `use` on it and closes it again. */
async function withPdfJs<T>(
  pdf: Uint8Array,
  use: (doc: PDFDocumentProxy) => Promise<T>,
): Promise<T> {
  const { getDocument, VerbosityLevel } = await (pdfjs ??=
    import("pdfjs-dist/legacy/build/pdf.mjs"));
  const task = getDocument({
    data: new Uint8Array(pdf), // a copy: pdf.js takes over (detaches) the buffer it is given
    standardFontDataUrl: STANDARD_FONTS,
    useSystemFonts: false,
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    return await use(await task.promise);
  } finally {
    await task.destroy();
  }
}

export interface PdfPage {
  /** The visible area (crop box) in points, as a viewer shows it at 100 %. */
  width: number;
  height: number;
}

/** The PDF's pages and their sizes in points. */
export async function pdfPages(pdf: Uint8Array): Promise<PdfPage[]> {
  return withPdfJs(pdf, async (doc) => {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const { width, height } = (await doc.getPage(n)).getViewport({ scale: 1 });
      pages.push({ width, height });
    }
    return pages;
  });
}

/**
 * The text a reader sees, one string per page: pdf.js's text pieces (it leaves out the glyphs
 * that lie off the page, as poppler's pdftotext does), gathered into lines by their baseline,
 * top to bottom, each line left to right. Pieces on one line are joined with a space where a gap
 * separates them on the page; each line ends with "\n".
 */
export async function pdfText(pdf: Uint8Array): Promise<string[]> {
  return withPdfJs(pdf, async (doc) => {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const pieces = (await page.getTextContent()).items
        .filter((item): item is TextItem => "str" in item && item.str.trim() !== "")
        .map((item) => ({
          text: item.str,
          x: item.transform[4] as number,
          y: item.transform[5] as number,
          width: item.width,
          size: Math.max(item.height, 1),
        }))
        .sort((a, b) => b.y - a.y || a.x - b.x);
      const lines: (typeof pieces)[] = [];
      for (const piece of pieces) {
        const line = lines.at(-1);
        if (line !== undefined && Math.abs(line[0]!.y - piece.y) < piece.size / 3) line.push(piece);
        else lines.push([piece]);
      }
      pages.push(
        lines
          .map((line) => {
            line.sort((a, b) => a.x - b.x);
            let text = "";
            let end = -Infinity;
            for (const piece of line) {
              const gap = piece.x - end > piece.size * 0.15;
              if (text !== "" && gap && !/\s$/.test(text) && !/^\s/.test(piece.text)) text += " ";
              text += piece.text;
              end = piece.x + piece.width;
            }
            return `${text}\n`;
          })
          .join(""),
      );
    }
    return pages;
  });
}

/** The files attached to the PDF (its EmbeddedFiles), by file name, with their bytes. */
export async function pdfAttachments(pdf: Uint8Array): Promise<Map<string, Uint8Array>> {
  return withPdfJs(pdf, async (doc) => {
    const files = new Map<string, Uint8Array>();
    for (const [id, attachment] of (await doc.getAttachments()) ?? []) {
      const content = attachment.content ?? (await doc.getAttachmentContent(id));
      if (content !== null && content !== undefined) files.set(attachment.filename, content);
    }
    return files;
  });
}

/** Renders every page with MuPDF at `dpi` dots per inch, as opaque RGB PNG images. */
export async function renderPages(pdf: Uint8Array, dpi: number): Promise<Buffer[]> {
  const m = await (mupdf ??= import("mupdf"));
  const doc = m.Document.openDocument(new Uint8Array(pdf), "application/pdf");
  try {
    const pngs: Buffer[] = [];
    for (let n = 0; n < doc.countPages(); n++) {
      const page = doc.loadPage(n);
      const pixmap = page.toPixmap(
        m.Matrix.scale(dpi / 72, dpi / 72),
        m.ColorSpace.DeviceRGB,
        false,
        true,
      );
      pngs.push(Buffer.from(pixmap.asPNG()));
      pixmap.destroy();
      page.destroy();
    }
    return pngs;
  } finally {
    doc.destroy();
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngImage {
  width: number;
  height: number;
  /** The share of pixels that are not (near) white: 0 for a blank page. */
  ink: number;
}

/** Decodes a PNG (with MuPDF) and measures it: its size in pixels and how much of it is inked. */
export async function pngImage(png: Uint8Array): Promise<PngImage> {
  if (Buffer.compare(Buffer.from(png.subarray(0, 8)), PNG_SIGNATURE) !== 0) {
    throw new Error("not a PNG image");
  }
  const m = await (mupdf ??= import("mupdf"));
  const image = new m.Image(new Uint8Array(png));
  const pixmap = image.toPixmap();
  try {
    const width = pixmap.getWidth();
    const height = pixmap.getHeight();
    const colors = pixmap.getNumberOfComponents();
    const channels = colors + pixmap.getAlpha();
    const stride = pixmap.getStride();
    const pixels = pixmap.getPixels();
    let inked = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = y * stride + x * channels;
        for (let c = 0; c < colors; c++) {
          if (pixels[at + c]! < 224) {
            inked++;
            break;
          }
        }
      }
    }
    return { width, height, ink: inked / (width * height) };
  } finally {
    pixmap.destroy();
    image.destroy();
  }
}
