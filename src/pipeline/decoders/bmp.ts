/**
 * Windows bitmaps (spec 4.1, type `magick`: the reference reads them through ImageMagick), and the
 * bitmaps inside ICO files. Pixels are unpacked by `decode-bmp` (pure JavaScript). That package
 * reads only the classic layout (bottom-up rows right after a 40-byte header and palette), so the
 * header is read here first (for the limits) and the file is re-laid out in that form: rows
 * flipped for top-down files, pixel data taken from where the header says, a short file padded
 * (decoded as far as it goes, spec 2.1).
 *
 * decode-bmp reads 1, 2, 4, 8, 24 and 32 bits per pixel, uncompressed or with the standard 32-bit
 * BGRA bit fields; bmp-pixels.ts reads the rest that ImageMagick reads: RLE8, RLE4, 16 bits per
 * pixel and other bit fields. Not read (NOT_READABLE): JPEG/PNG-in-BMP and OS/2 headers.
 */
import type { Decoder } from './decoder.js';
import { BI_RLE4, BI_RLE8, decodeBitfields, decodeRle, type BmpInfo } from './bmp-pixels.js';
import { ascii, assertInputPixels, notReadable, rawMetadata, rawSource, startsWith, withoutAlpha } from './raw.js';

const FILE_HEADER = 14;
const INFO_HEADER = 40;
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const SUPPORTED_DEPTHS = new Set([1, 2, 4, 8, 16, 24, 32]);

/** 'BM', then an info header size libvips/ImageMagick would accept. */
function isBmp(head: Buffer): boolean {
  if (!startsWith(head, ascii('BM')) || head.length < FILE_HEADER + 4) return false;
  const infoSize = head.readUInt32LE(FILE_HEADER);
  return infoSize === 12 || infoSize === 40 || infoSize === 52 || infoSize === 56 || infoSize === 108 || infoSize === 124;
}

/** Reads an info header at `at`; `rowsHeight` halves the height of ICO bitmaps (image + mask). */
export function readBmpInfo(bytes: Buffer, at: number, icon: boolean): BmpInfo {
  if (bytes.length < at + 16) throw notReadable();
  const headerSize = bytes.readUInt32LE(at);
  if (headerSize === 12) {
    // OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries (not handled by decode-bmp).
    throw notReadable();
  }
  if (headerSize < INFO_HEADER || bytes.length < at + INFO_HEADER) throw notReadable();
  const rawHeight = bytes.readInt32LE(at + 8);
  const height = Math.abs(icon ? Math.trunc(rawHeight / 2) : rawHeight);
  const compression = bytes.readUInt32LE(at + 16);
  const hasMasks = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  const maskCount = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3;
  const masksAt = at + INFO_HEADER;
  const masks =
    hasMasks && bytes.length >= masksAt + maskCount * 4
      ? Array.from({ length: maskCount }, (_, index) => bytes.readUInt32LE(masksAt + index * 4))
      : undefined;
  return {
    width: bytes.readInt32LE(at + 4),
    height,
    topDown: rawHeight < 0,
    depth: bytes.readUInt16LE(at + 14),
    compression,
    colours: bytes.readUInt32LE(at + 32),
    headerSize,
    masks,
  };
}

type Layout = 'classic' | 'rle' | 'bitfields';

/** Who unpacks the pixels: decode-bmp (classic), or bmp-pixels.ts; anything else is refused. */
function layoutOf(info: BmpInfo): Layout {
  if (info.width <= 0 || info.height <= 0 || !SUPPORTED_DEPTHS.has(info.depth)) throw notReadable();
  if ((info.compression === BI_RLE8 && info.depth === 8) || (info.compression === BI_RLE4 && info.depth === 4)) {
    return 'rle';
  }
  const bitFields = info.compression === BI_BITFIELDS || info.compression === BI_ALPHABITFIELDS;
  if (info.depth === 16 && (info.compression === BI_RGB || (bitFields && info.masks !== undefined))) return 'bitfields';
  if (info.compression === BI_RGB) return 'classic';
  if (info.depth === 32 && bitFields && info.masks !== undefined && !standardBgra(info)) return 'bitfields';
  if (standardBgra(info)) return 'classic';
  throw notReadable();
}

function standardBgra(info: BmpInfo): boolean {
  return (
    info.depth === 32 &&
    info.masks !== undefined &&
    info.masks[0] === 0x00ff0000 &&
    info.masks[1] === 0x0000ff00 &&
    info.masks[2] === 0x000000ff &&
    (info.masks[3] === undefined || info.masks[3] === 0 || info.masks[3] === 0xff000000)
  );
}

const rowBytes = (info: BmpInfo): number => Math.ceil((info.width * info.depth) / 32) * 4;

function paletteEntries(info: BmpInfo): number {
  if (info.depth > 8) return 0;
  return info.colours === 0 || info.colours > 1 << info.depth ? 1 << info.depth : info.colours;
}

/**
 * The bitmap in the layout decode-bmp reads: 14-byte file header, 40-byte info header, palette,
 * bottom-up rows. Missing bytes (a truncated file) are zero.
 */
function classicLayout(bytes: Buffer, info: BmpInfo, palette: Buffer, pixelsAt: number): Buffer {
  const stride = rowBytes(info);
  const paletteBytes = paletteEntries(info) * 4;
  const start = FILE_HEADER + INFO_HEADER + paletteBytes;
  const out = Buffer.alloc(start + stride * info.height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(start, 10);
  out.writeUInt32LE(INFO_HEADER, 14);
  out.writeInt32LE(info.width, 18);
  out.writeInt32LE(info.height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(info.depth, 28);
  out.writeUInt32LE(BI_RGB, 30);
  out.writeUInt32LE(paletteEntries(info), 46);
  palette.copy(out, FILE_HEADER + INFO_HEADER, 0, paletteBytes);
  for (let row = 0; row < info.height; row++) {
    const from = pixelsAt + row * stride;
    if (from >= bytes.length) break;
    // Stored order is bottom-up unless the header said top-down.
    const target = info.topDown ? info.height - 1 - row : row;
    bytes.copy(out, start + target * stride, from, Math.min(from + stride, bytes.length));
  }
  return out;
}

type DecodeBmp = typeof import('decode-bmp');
let decodeBmp: Promise<DecodeBmp> | undefined;

export function bmpModule(): Promise<DecodeBmp> {
  decodeBmp ??= import('decode-bmp').then((module) => module.default);
  return decodeBmp;
}

/** 32-bit bitmaps whose fourth byte is all zero are opaque (it is "reserved" there, not alpha). */
function meaningfulAlpha(rgba: Buffer): boolean {
  for (let index = 3; index < rgba.length; index += 4) if (rgba[index] !== 0) return true;
  return false;
}

function fileInfo(input: Buffer): BmpInfo {
  const info = readBmpInfo(input, FILE_HEADER, false);
  layoutOf(info);
  return info;
}

export const bmpDecoder: Decoder = {
  type: 'magick',
  multiPage: false,
  uniformPages: true,
  vector: false,
  sniff: isBmp,

  header: async (input) => {
    const info = fileInfo(input);
    const alpha = info.depth === 32 || (info.depth === 16 && (info.masks?.[3] ?? 0) !== 0);
    return rawMetadata({ width: info.width, height: info.height, channels: alpha ? 4 : 3 });
  },

  pageSizes: async (input) => {
    const { width, height } = fileInfo(input);
    return [{ width, height }];
  },

  open: async (input, request) => {
    const info = fileInfo(input);
    assertInputPixels(info, request.maxInputPixels);
    const paletteAt = FILE_HEADER + info.headerSize + (info.compression === BI_BITFIELDS && info.headerSize === INFO_HEADER ? 12 : 0);
    const palette = input.subarray(paletteAt, paletteAt + paletteEntries(info) * 4);
    const pixelsAt = input.length >= 14 ? input.readUInt32LE(10) : 0;
    const { width, height } = info;
    const layout = layoutOf(info);
    if (layout !== 'classic') {
      const data = input.subarray(pixelsAt);
      const { rgba, alpha } = layout === 'rle' ? { rgba: decodeRle(data, info, palette), alpha: false } : decodeBitfields(data, info);
      return alpha && meaningfulAlpha(rgba)
        ? rawSource({ data: rgba, width, height, channels: 4 })
        : rawSource({ data: withoutAlpha(rgba), width, height, channels: 3 });
    }
    const decode = await bmpModule();
    let image;
    try {
      image = decode(classicLayout(input, info, palette, pixelsAt));
    } catch (error) {
      throw notReadable(error);
    }
    const rgba = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    return info.depth === 32 && meaningfulAlpha(rgba)
      ? rawSource({ data: rgba, width, height, channels: 4 })
      : rawSource({ data: withoutAlpha(rgba), width, height, channels: 3 });
  },
};
