/**
 * Formats this sharp build decodes itself. The magic-byte tests follow libvips' own `is_a`
 * checks, narrowed where the build cannot decode a variant (HEIF is read only when AV1-coded).
 */
import { constants, gunzipSync } from 'node:zlib';
import { ServiceError } from '../../errors.js';
import sharp, { type SharpOptions } from 'sharp';
import type { Size } from '../geometry.js';
import type { InputType } from '../types.js';
import type { DecodeRequest, Decoder } from './index.js';
import { ascii, startsWith } from './raw.js';

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
      // The head is a truncated gzip stream: decode what is there. Only its first 512 bytes, so a
      // highly compressed start cannot inflate to more than about half a megabyte.
      text = gunzipSync(head.subarray(0, 512), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  if (startsWith(text, [0xef, 0xbb, 0xbf])) text = text.subarray(3);
  const start = text.subarray(0, 24);
  if (start.length === 0 || !start.every((byte) => byte >= 0x09 && byte <= 0x7f)) return false;
  return text.toString('latin1', 0, SVG_HEADER_BYTES).toLowerCase().includes('<svg');
}

/**
 * librsvg keeps a few kilobytes per element and accepts a million of them: 100,000 tiny elements
 * (3 MB of text) cost ~330 MB. Documents with more elements than this are refused before parsing.
 */
const MAX_SVG_ELEMENTS = 50_000;
/** A gzip-compressed SVG is inflated at most this far to count (beyond it is refused too). */
const MAX_SVG_TEXT_BYTES = 32 * 1024 * 1024;

function assertSvgBudget(input: Buffer): void {
  let text = input;
  if (startsWith(input, [0x1f, 0x8b])) {
    try {
      text = gunzipSync(input, { maxOutputLength: MAX_SVG_TEXT_BYTES });
    } catch {
      throw new ServiceError('NOT_READABLE');
    }
  }
  let elements = 0;
  for (let at = text.indexOf(0x3c); at !== -1; at = text.indexOf(0x3c, at + 1)) {
    elements += 1;
    if (elements > MAX_SVG_ELEMENTS) throw new ServiceError('NOT_READABLE');
  }
}

/** libvips renders SVG at 72 dpi unless told otherwise. */
const SVG_DPI = 72;

interface PageKind {
  readonly multiPage: boolean;
  readonly uniformPages: boolean;
  readonly vector: boolean;
}

function nativeDecoder(type: InputType, sniff: (head: Buffer) => boolean, kind: PageKind): Decoder {
  const options = (request: DecodeRequest, limitInputPixels: number | false): SharpOptions => ({
    // Best effort (spec 2.1): decode corrupt or truncated data as far as it goes.
    failOn: 'none',
    sequentialRead: true,
    limitInputPixels,
    // Without `page`/`n` libvips loads the primary image of a HEIF file.
    ...(kind.multiPage && !request.primary ? { page: request.page, pages: request.pages } : {}),
    ...(kind.vector && request.scale !== 1 ? { density: SVG_DPI * request.scale } : {}),
  });
  return {
    type,
    ...kind,
    sniff,
    header: async (input, request) => {
      if (type === 'svg') assertSvgBudget(input);
      return sharp(input, options({ ...request, scale: 1 }, request.maxInputPixels)).metadata();
    },
    async pageSizes(input: Buffer): Promise<readonly Size[]> {
      const first = await sharp(input, { failOn: 'none' }).metadata();
      const total = kind.multiPage ? (first.pages ?? 1) : 1;
      const sizes: Size[] = [{ width: first.width, height: first.height }];
      for (let page = 1; page < total; page++) {
        const header = await sharp(input, { failOn: 'none', page }).metadata();
        sizes.push({ width: header.width, height: header.height });
      }
      return sizes;
    },
    // A vector rendered at the output resolution may have more pixels than the input limit allows:
    // the limit applies at 72 dpi (checked on the header), the output limit to the rendering.
    open: async (input, request) => () =>
      sharp(input, options(request, kind.vector && request.scale > 1 ? false : request.maxInputPixels)),
  };
}

const singlePage = { multiPage: false, uniformPages: true, vector: false } as const;
const animation = { multiPage: true, uniformPages: true, vector: false } as const;
const document = { multiPage: true, uniformPages: false, vector: false } as const;
const vector = { multiPage: false, uniformPages: true, vector: true } as const;

export const nativeDecoders: readonly Decoder[] = [
  nativeDecoder('jpeg', isJpeg, singlePage),
  nativeDecoder('png', isPng, singlePage),
  nativeDecoder('webp', isWebp, animation),
  nativeDecoder('gif', isGif, animation),
  nativeDecoder('tiff', isTiff, document),
  nativeDecoder('heif', isAvif, document),
  nativeDecoder('svg', isSvg, vector),
];
