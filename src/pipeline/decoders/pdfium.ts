/**
 * A thin binding to PDFium compiled to WebAssembly (the module shipped by `@hyzyla/pdfium`),
 * using PDFium's C API directly. The package's own classes load (and parse) a page just to read
 * its size and never close pages they did not render, which would leak WebAssembly memory in a
 * long-lived worker; here every page is closed and sizes come from the page tree alone.
 *
 * The module (4 MB of WebAssembly) is compiled on first use, once per worker thread.
 */
import type { Size } from '../geometry.js';

/** The part of PDFium's C API used here (fpdfview.h), as exported by the Emscripten build. */
interface PdfiumModule {
  _FPDF_InitLibrary(): void;
  _FPDF_LoadMemDocument(data: number, size: number, password: number): number;
  _FPDF_CloseDocument(document: number): void;
  _FPDF_GetPageCount(document: number): number;
  _FPDF_GetPageSizeByIndexF(document: number, index: number, size: number): number;
  _FPDF_LoadPage(document: number, index: number): number;
  _FPDF_ClosePage(page: number): void;
  _FPDFBitmap_CreateEx(width: number, height: number, format: number, buffer: number, stride: number): number;
  _FPDFBitmap_FillRect(bitmap: number, left: number, top: number, width: number, height: number, color: number): void;
  _FPDF_RenderPageBitmap(
    bitmap: number,
    page: number,
    left: number,
    top: number,
    width: number,
    height: number,
    rotate: number,
    flags: number,
  ): void;
  _FPDFBitmap_Destroy(bitmap: number): void;
  wasmExports: { malloc(size: number): number; free(pointer: number): void };
  /** Replaced when the memory grows: read it after every allocation. */
  HEAPU8: Uint8Array;
}

const FUNCTIONS = [
  '_FPDF_InitLibrary',
  '_FPDF_LoadMemDocument',
  '_FPDF_CloseDocument',
  '_FPDF_GetPageCount',
  '_FPDF_GetPageSizeByIndexF',
  '_FPDF_LoadPage',
  '_FPDF_ClosePage',
  '_FPDFBitmap_CreateEx',
  '_FPDFBitmap_FillRect',
  '_FPDF_RenderPageBitmap',
  '_FPDFBitmap_Destroy',
] as const;

function isPdfiumModule(value: unknown): value is PdfiumModule {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const exports = record.wasmExports as Record<string, unknown> | undefined;
  return (
    FUNCTIONS.every((name) => typeof record[name] === 'function') &&
    record.HEAPU8 instanceof Uint8Array &&
    typeof exports?.malloc === 'function' &&
    typeof exports.free === 'function'
  );
}

/** fpdfview.h */
const FPDFBitmap_BGRA = 4;
const FPDF_ANNOT = 0x01;
/** Byte order R, G, B, A instead of PDFium's native B, G, R, A. */
const FPDF_REVERSE_BYTE_ORDER = 0x10;
const OPAQUE_WHITE = 0xffffffff;

let pending: Promise<PdfiumModule> | undefined;

function pdfium(): Promise<PdfiumModule> {
  pending ??= import('@hyzyla/pdfium').then(async ({ PDFiumModule }) => {
    const module: unknown = await PDFiumModule({});
    if (!isPdfiumModule(module)) throw new Error('@hyzyla/pdfium: unexpected module shape');
    module._FPDF_InitLibrary();
    return module;
  });
  return pending;
}

/** Thrown when PDFium cannot open the bytes (damaged beyond repair, or encrypted). */
export class PdfUnreadable extends Error {}

export interface PdfDocument {
  readonly pageCount: number;
  /** Page size in points (1/72 inch), as floats. */
  pageSize(index: number): Size;
  /** The page painted on white at exactly `size` pixels, RGBA. */
  render(index: number, size: Size): Buffer;
}

/** Runs `use` on the parsed document and always frees it (PDFium memory is not collected). */
export async function withPdf<T>(input: Uint8Array, use: (document: PdfDocument) => T | Promise<T>): Promise<T> {
  const module = await pdfium();
  const { malloc, free } = module.wasmExports;
  const data = malloc(Math.max(input.length, 1));
  if (data === 0) throw new Error('PDFium: out of memory');
  module.HEAPU8.set(input, data);
  const handle = module._FPDF_LoadMemDocument(data, input.length, 0);
  try {
    if (handle === 0) throw new PdfUnreadable('PDFium could not open the document');
    return await use(pdfDocument(module, handle));
  } finally {
    if (handle !== 0) module._FPDF_CloseDocument(handle);
    free(data);
  }
}

function pdfDocument(module: PdfiumModule, handle: number): PdfDocument {
  const { malloc, free } = module.wasmExports;
  return {
    pageCount: Math.max(module._FPDF_GetPageCount(handle), 0),

    pageSize(index: number): Size {
      const pointer = malloc(8);
      try {
        if (!module._FPDF_GetPageSizeByIndexF(handle, index, pointer)) throw new PdfUnreadable(`no page ${index}`);
        const view = new DataView(module.HEAPU8.buffer, pointer, 8);
        return { width: view.getFloat32(0, true), height: view.getFloat32(4, true) };
      } finally {
        free(pointer);
      }
    },

    render(index: number, { width, height }: Size): Buffer {
      const bytes = width * height * 4;
      const pixels = malloc(bytes);
      if (pixels === 0) throw new Error(`PDFium: no memory for ${width}x${height} pixels`);
      const page = module._FPDF_LoadPage(handle, index);
      const bitmap = page === 0 ? 0 : module._FPDFBitmap_CreateEx(width, height, FPDFBitmap_BGRA, pixels, width * 4);
      try {
        if (page === 0) throw new PdfUnreadable(`page ${index} cannot be loaded`);
        if (bitmap === 0) throw new Error('PDFium: cannot create a bitmap');
        module._FPDFBitmap_FillRect(bitmap, 0, 0, width, height, OPAQUE_WHITE);
        module._FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, FPDF_ANNOT | FPDF_REVERSE_BYTE_ORDER);
        return Buffer.from(module.HEAPU8.subarray(pixels, pixels + bytes));
      } finally {
        if (bitmap !== 0) module._FPDFBitmap_Destroy(bitmap);
        if (page !== 0) module._FPDF_ClosePage(page);
        free(pixels);
      }
    },
  };
}
