/**
 * The decoder registry: which formats pixproxy reads, recognised by their magic bytes only (the
 * origin's Content-Type and the URL's extension are never trusted, spec 1.4). Adding a format
 * means writing one module that exports a Decoder and listing it here.
 *
 * Every decoder answers two questions separately: what the selected pages declare (`header`,
 * no pixels decoded) and the pixels themselves (`open`). The load step checks the limits
 * between the two, so nothing over the limits is ever decoded.
 */
import type { Decoder } from './decoder.js';
import { bmpDecoder } from './bmp.js';
import { heicDecoder } from './heic.js';
import { icoDecoder } from './ico.js';
import { nativeDecoders } from './native.js';
import { pdfDecoder } from './pdf.js';
import { radianceDecoder } from './radiance.js';
import { svgDecoder } from './svg.js';

export type { DecodeRequest, Decoder, PageSelection } from './decoder.js';

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
