/**
 * The decoder registry: which formats pixproxy reads, recognised by their magic bytes only (the
 * origin's Content-Type and the URL's extension are never trusted, spec 1.4). Adding a format
 * means writing one module that exports a Decoder and listing it here.
 *
 * Every decoder answers two questions separately: what the selected pages declare (`header`,
 * no pixels decoded) and the pixels themselves (`open`). The load step checks the limits
 * between the two, so nothing over the limits is ever decoded.
 */
import type { Metadata, Sharp } from 'sharp';
import type { Size } from '../geometry.js';
import type { InputType } from '../types.js';
import { bmpDecoder } from './bmp.js';
import { heicDecoder } from './heic.js';
import { icoDecoder } from './ico.js';
import { nativeDecoders } from './native.js';
import { pdfDecoder } from './pdf.js';
import { radianceDecoder } from './radiance.js';
import { svgDecoder } from './svg.js';

/** Which pages to load (spec 4.2), already resolved: `pages` is >= 1 or -1 for "to the end". */
export interface PageSelection {
  readonly page: number;
  readonly pages: number;
  /**
   * Neither `page` nor `n` was given: formats with a designated primary image (HEIF) load that
   * one, as libvips does.
   */
  readonly primary: boolean;
}

export interface DecodeRequest extends PageSelection {
  /** Largest width x (strip) height the decoder may produce at 72 dpi. */
  readonly maxInputPixels: number;
  /**
   * Vector formats only: render at `scale` x 72 dpi, so that vectors are rasterised at the
   * output resolution (spec 3.1). 1 for everything else.
   */
  readonly scale: number;
  /**
   * The job's time budget, for decoders whose work runs outside libvips' own timeout (a child
   * process) and must be stopped at the deadline.
   */
  readonly clock?: { readonly timeoutSeconds: number; readonly startedAt: number };
}

export interface Decoder {
  /** Type id for origin output and JSON (spec 4.1). */
  readonly type: InputType;
  /** Whether `page`/`n` apply; otherwise one page is loaded. */
  readonly multiPage: boolean;
  /** All pages share one size (animation frames), so `page=-1/-2` need not look at each page. */
  readonly uniformPages: boolean;
  /** Rendered from vectors at any resolution (`DecodeRequest.scale`). */
  readonly vector: boolean;
  /** Whether the first bytes are this format. */
  sniff(head: Buffer): boolean;
  /**
   * What the selected pages declare, at scale 1, without decoding pixels: `width`, `height` of the
   * whole strip, `pageHeight` when the strip has several frames of one size, `pages` in the file,
   * and what else is known for JSON output. Fails (NOT_READABLE) on unreadable input or pages
   * beyond the end.
   */
  header(input: Buffer, request: DecodeRequest): Promise<Metadata>;
  /** Size of every page of the file, header only (for `page=-1/-2`). */
  pageSizes(input: Buffer): Promise<readonly Size[]>;
  /**
   * A factory of sharp pipelines over the selected pages (sharp pipelines are single-use).
   * Decoding must be best-effort (spec 2.1): corrupt data is decoded as far as possible.
   */
  open(input: Buffer, request: DecodeRequest): Promise<() => Sharp>;
}

/** In sniffing order: the native formats first, then those decoded in JavaScript/WebAssembly. */
export const decoders: readonly Decoder[] = [
  ...nativeDecoders,
  svgDecoder,
  heicDecoder,
  pdfDecoder,
  icoDecoder,
  bmpDecoder,
  radianceDecoder,
];

/** How many leading bytes a decoder may look at. */
const SNIFF_BYTES = 4096;

export function findDecoder(input: Buffer): Decoder | undefined {
  const head = input.subarray(0, SNIFF_BYTES);
  return decoders.find((decoder) => decoder.sniff(head));
}
