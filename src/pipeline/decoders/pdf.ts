/**
 * PDF (spec 4.1, type `pdf`), rendered by PDFium (WebAssembly, see ./pdfium.ts), the engine
 * libvips' own PDF loader prefers. Pages are 72 dpi x `scale`, so a PDF is rasterised at the
 * output resolution instead of being enlarged from 72 dpi (spec 3.1). As in libvips, pages are
 * painted on white and come out as RGBA, and pages of different sizes stack into one tall image.
 */
import type { Size } from '../geometry.js';
import type { DecodeRequest, Decoder } from './decoder.js';
import { PdfUnreadable, withPdf, type PdfDocument } from './pdfium.js';
import {
  ascii,
  assertInputPixels,
  notReadable,
  pageRange,
  rawMetadata,
  rawSource,
  stackedSize,
  stackFrames,
} from './raw.js';

/** libvips' test: `%PDF` near the start (some files carry junk before their header). */
const HEADER_WINDOW = 1024;
const MAGIC = Buffer.from(ascii('%PDF-'));

const isPdf = (head: Buffer): boolean => head.subarray(0, HEADER_WINDOW).includes(MAGIC);

/** PDF units are points, 1/72 inch: a page at scale 1 is its size in points. */
const PDF_DPI = 72;
const WHITE = [255, 255, 255, 255];

async function readPdf<T>(input: Buffer, use: (document: PdfDocument) => T | Promise<T>): Promise<T> {
  try {
    return await withPdf(input, use);
  } catch (error) {
    throw error instanceof PdfUnreadable ? notReadable(error) : error;
  }
}

/** Page size in pixels at `scale` x 72 dpi, never below one pixel. */
function pixelSize(document: PdfDocument, index: number, scale: number): Size {
  const points = document.pageSize(index);
  return {
    width: Math.max(1, Math.round(points.width * scale)),
    height: Math.max(1, Math.round(points.height * scale)),
  };
}

function selectedSizes(document: PdfDocument, request: DecodeRequest, scale: number): Size[] {
  const { first, count } = pageRange(request, document.pageCount);
  return Array.from({ length: count }, (_, offset) => pixelSize(document, first + offset, scale));
}

export const pdfDecoder: Decoder = {
  type: 'pdf',
  multiPage: true,
  uniformPages: false,
  vector: true,
  sniff: isPdf,

  header: (input, request) =>
    readPdf(input, (document) => {
      const strip = stackedSize(selectedSizes(document, request, 1));
      return rawMetadata({ ...strip, channels: 4, pages: document.pageCount, density: PDF_DPI });
    }),

  pageSizes: (input) =>
    readPdf(input, (document) => Array.from({ length: document.pageCount }, (_, index) => pixelSize(document, index, 1))),

  open: (input, request) =>
    readPdf(input, (document) => {
      assertInputPixels(stackedSize(selectedSizes(document, request, 1)), request.maxInputPixels);
      const { first } = pageRange(request, document.pageCount);
      const frames = selectedSizes(document, request, request.scale).map((size, offset) => ({
        data: document.render(first + offset, size),
        ...size,
        channels: 4 as const,
      }));
      return rawSource(stackFrames(frames, WHITE));
    }),
};
