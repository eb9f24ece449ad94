/**
 * The decoder registry: which formats pixproxy reads, recognised by their magic bytes only (the
 * origin's Content-Type and the URL's extension are never trusted, spec 1.4). Adding a format
 * (PDF, HEIC, BMP, ...) means writing one module that exports a Decoder and listing it here.
 */
import type { Sharp } from 'sharp';
import type { InputType } from '../types.js';
import { nativeDecoders } from './native.js';

/** Which pages to load (spec 4.2), already resolved: `pages` is >= 1 or -1 for "to the end". */
export interface PageSelection {
  readonly page: number;
  readonly pages: number;
}

export interface DecodeRequest extends PageSelection {
  /** Largest width x (strip) height the decoder may produce. */
  readonly maxInputPixels: number;
}

export interface Decoder {
  /** Type id for origin output and JSON (spec 4.1). */
  readonly type: InputType;
  /** Whether `page`/`n` apply; otherwise one page is loaded. */
  readonly multiPage: boolean;
  /** All pages share one size (animation frames), so `page=-1/-2` need not look at each page. */
  readonly uniformPages: boolean;
  /** Whether the first bytes are this format. */
  sniff(head: Buffer): boolean;
  /**
   * Prepares reading `input` and returns a factory of sharp pipelines over the selected pages
   * (sharp pipelines are single-use). Async so that decoders which convert in JavaScript can.
   * Decoding must be best-effort (spec 2.1): corrupt data is decoded as far as possible.
   */
  open(input: Buffer, request: DecodeRequest): Promise<() => Sharp>;
}

/** In sniffing order. */
export const decoders: readonly Decoder[] = [...nativeDecoders];

/** How many leading bytes a decoder may look at. */
const SNIFF_BYTES = 4096;

export function findDecoder(input: Buffer): Decoder | undefined {
  const head = input.subarray(0, SNIFF_BYTES);
  return decoders.find((decoder) => decoder.sniff(head));
}
