/**
 * Only the libvips loaders of the formats pixproxy reads may run. libvips can read many more formats
 * than the API supports (its own `.v` format, matrix/CSV text, FITS, and whatever a build includes),
 * each one more parser exposed to bytes from any origin; sniffing in the pipeline already sends only
 * supported formats to sharp, and this makes libvips itself refuse the rest.
 *
 * Blocking is process-wide: libvips is loaded once per process, so calling this in one worker
 * thread applies to every thread, the main one included. The file and source variants of the
 * allowed formats stay open for that reason (tools and tests read fixtures by path); every input the
 * service handles arrives as a buffer.
 *
 * What this sharp build (0.35, libvips 8.18) has, found by trying: buffer loaders for JPEG, PNG,
 * WebP, TIFF, GIF (nsgif), SVG (librsvg) and HEIF/AVIF, plus UltraHDR (libuhdr, blocked: such files
 * are plain JPEGs to the JPEG loader) and a file/source loader for libvips' own `.v` format
 * (blocked). No PPM, FITS, Radiance, matrix, CSV, PDF, JPEG 2000, JPEG XL, OpenSlide or
 * ImageMagick loader is compiled in. PDF, HEIC, ICO, BMP and Radiance HDR are decoded
 * in JavaScript/WebAssembly and handed to sharp as raw pixels, which involves no loader at all.
 */

/** The libvips loader classes left open, by family (each with its File, Buffer and Source subclasses). */
export const ALLOWED_LOADERS = [
  'VipsForeignLoadJpeg',
  'VipsForeignLoadPng',
  'VipsForeignLoadWebp',
  'VipsForeignLoadTiff',
  'VipsForeignLoadNsgif',
  'VipsForeignLoadSvg',
  'VipsForeignLoadHeif',
] as const;

/** Every loader is blocked first; then the allowed families are opened again. */
export const BLOCKED_LOADERS = ['VipsForeignLoad'] as const;

/** The part of sharp's API this needs (sharp's default export satisfies it). */
export interface OperationBlocker {
  block(options: { operation: string[] }): void;
  unblock(options: { operation: string[] }): void;
}

/**
 * Leaves only the supported formats' loaders usable. Idempotent; call once per process (or per
 * worker, which is harmless) before any untrusted input is decoded.
 */
export function restrictLoaders(sharp: OperationBlocker): void {
  sharp.block({ operation: [...BLOCKED_LOADERS] });
  sharp.unblock({ operation: [...ALLOWED_LOADERS] });
}
