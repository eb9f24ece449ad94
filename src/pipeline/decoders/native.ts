/**
 * Formats this sharp build decodes itself. The magic-byte tests follow libvips' own `is_a`
 * checks, narrowed where the build cannot decode a variant (HEIF is read only when AV1-coded).
 */
import sharp, { type SharpOptions } from 'sharp';
import type { Size } from '../geometry.js';
import type { InputType } from '../types.js';
import type { DecodeRequest, Decoder } from './decoder.js';
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
  });
  return {
    type,
    ...kind,
    sniff,
    header: async (input, request) => {
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
    open: async (input, request) => () => sharp(input, options(request, request.maxInputPixels)),
  };
}

const singlePage = { multiPage: false, uniformPages: true, vector: false } as const;
const animation = { multiPage: true, uniformPages: true, vector: false } as const;
const document = { multiPage: true, uniformPages: false, vector: false } as const;

export const nativeDecoders: readonly Decoder[] = [
  nativeDecoder('jpeg', isJpeg, singlePage),
  nativeDecoder('png', isPng, singlePage),
  nativeDecoder('webp', isWebp, animation),
  nativeDecoder('gif', isGif, animation),
  nativeDecoder('tiff', isTiff, document),
  nativeDecoder('heif', isAvif, document),
];
