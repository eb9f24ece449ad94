/**
 * Formats this sharp build decodes itself. The magic-byte tests follow libvips' own `is_a`
 * checks, narrowed where the build cannot decode a variant (HEIF is read only when AV1-coded).
 */
import { constants, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import type { InputType } from '../types.js';
import type { DecodeRequest, Decoder } from './index.js';

function startsWith(head: Buffer, bytes: readonly number[], at = 0): boolean {
  return head.length >= at + bytes.length && bytes.every((byte, index) => head[at + index] === byte);
}

const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

const isJpeg = (head: Buffer): boolean => startsWith(head, [0xff, 0xd8, 0xff]);
const isPng = (head: Buffer): boolean => startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isGif = (head: Buffer): boolean => startsWith(head, ascii('GIF8'));
const isWebp = (head: Buffer): boolean => startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8);

/** Classic TIFF ("II*\0", "MM\0*") and BigTIFF ("II+\0", "MM\0+"). */
const isTiff = (head: Buffer): boolean =>
  [ascii('II*\0'), ascii('MM\0*'), ascii('II+\0'), ascii('MM\0+')].some((magic) => startsWith(head, magic));

/** ISO-BMFF `ftyp` box whose major or compatible brands say AVIF (HEVC-coded HEIF is not readable here). */
function isAvif(head: Buffer): boolean {
  if (head.length < 16 || !startsWith(head, ascii('ftyp'), 4)) return false;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brands = [head.toString('latin1', 8, 12)];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brands.push(head.toString('latin1', offset, offset + 4));
  return brands.some((brand) => brand === 'avif' || brand === 'avis');
}

/** How far into an SVG document `<svg` may appear (libvips: 1000 bytes, after an XML prolog or comment). */
const SVG_HEADER_BYTES = 1000;

/** libvips' rules: the start is plain ASCII text and `<svg` appears early. gzip-compressed SVG too. */
function isSvg(head: Buffer): boolean {
  let text = head;
  if (startsWith(text, [0x1f, 0x8b])) {
    try {
      // The head is a truncated gzip stream: decode what is there.
      text = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: SVG_HEADER_BYTES });
    } catch {
      return false;
    }
  }
  if (startsWith(text, [0xef, 0xbb, 0xbf])) text = text.subarray(3);
  const start = text.subarray(0, 24);
  if (start.length === 0 || !start.every((byte) => byte >= 0x09 && byte <= 0x7f)) return false;
  return text.toString('latin1', 0, SVG_HEADER_BYTES).toLowerCase().includes('<svg');
}

function nativeDecoder(
  type: InputType,
  sniff: (head: Buffer) => boolean,
  pages: { readonly multiPage: boolean; readonly uniformPages: boolean },
): Decoder {
  return {
    type,
    ...pages,
    sniff,
    open: async (input: Buffer, request: DecodeRequest) => () =>
      sharp(input, {
        // Best effort (spec 2.1): decode corrupt or truncated data as far as it goes.
        failOn: 'none',
        sequentialRead: true,
        limitInputPixels: request.maxInputPixels,
        ...(pages.multiPage ? { page: request.page, pages: request.pages } : {}),
      }),
  };
}

const singlePage = { multiPage: false, uniformPages: true } as const;
const animation = { multiPage: true, uniformPages: true } as const;
const document = { multiPage: true, uniformPages: false } as const;

export const nativeDecoders: readonly Decoder[] = [
  nativeDecoder('jpeg', isJpeg, singlePage),
  nativeDecoder('png', isPng, singlePage),
  nativeDecoder('webp', isWebp, animation),
  nativeDecoder('gif', isGif, animation),
  nativeDecoder('tiff', isTiff, document),
  nativeDecoder('heif', isAvif, document),
  nativeDecoder('svg', isSvg, singlePage),
];
