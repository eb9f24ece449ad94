/**
 * What a decoder is: the contract every format module implements and the load step calls. Kept
 * apart from the registry (index.ts), which imports every decoder, so that the decoders can name
 * these types without importing the registry that imports them.
 */
import type { Metadata, Sharp } from 'sharp';
import type { Size } from '../geometry.js';
import type { InputType } from '../types.js';

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
