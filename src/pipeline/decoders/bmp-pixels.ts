/**
 * The BMP layouts decode-bmp cannot unpack, read here into 8-bit RGBA: run-length encoded palette
 * images (RLE8, RLE4) and bit-field pixels of 16 or 32 bits with any masks (16-bit BI_RGB is the
 * 5-5-5 layout). Short or malformed data decodes as far as it goes (spec 2.1); pixels the runs
 * never reach keep palette entry 0, as ImageMagick (the reference's reader) leaves them.
 */
import type { Size } from '../geometry.js';

/** The facts of a BITMAPINFOHEADER (or a later version) that decoding needs. */
export interface BmpInfo extends Size {
  /** Rows are stored top row first (negative height in the header). */
  readonly topDown: boolean;
  readonly depth: number;
  readonly compression: number;
  readonly colours: number;
  readonly headerSize: number;
  /** Bit masks, when the header or the bytes after it carry them. */
  readonly masks: readonly number[] | undefined;
}

export const BI_RLE8 = 1;
export const BI_RLE4 = 2;

/** Palette entries as BGRx quads; missing entries are black. */
function colourOf(palette: Buffer, index: number): [number, number, number] {
  const at = index * 4;
  return [palette[at + 2] ?? 0, palette[at + 1] ?? 0, palette[at] ?? 0];
}

/** Palette indices of an RLE8/RLE4 bitmap, top row first. */
function rleIndices(data: Buffer, info: BmpInfo): Uint8Array {
  const { width, height } = info;
  const four = info.compression === BI_RLE4;
  const indices = new Uint8Array(width * height);
  let x = 0;
  let row = 0; // counted from the bottom, as stored
  const put = (value: number): void => {
    if (x < width && row < height) indices[(height - 1 - row) * width + x] = value;
    x++;
  };
  for (let at = 0; at + 1 < data.length && row < height; ) {
    const count = data[at] ?? 0;
    const value = data[at + 1] ?? 0;
    at += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) put(four ? (i % 2 === 0 ? value >> 4 : value & 15) : value);
    } else if (value === 0) {
      x = 0;
      row++;
    } else if (value === 1) {
      break;
    } else if (value === 2) {
      x += data[at] ?? 0;
      row += data[at + 1] ?? 0;
      at += 2;
    } else {
      // Absolute run of `value` pixels, padded to a 16-bit boundary.
      const bytes = four ? Math.ceil(value / 2) : value;
      for (let i = 0; i < value; i++) {
        const byte = data[at + (four ? i >> 1 : i)] ?? 0;
        put(four ? (i % 2 === 0 ? byte >> 4 : byte & 15) : byte);
      }
      at += bytes + (bytes % 2);
    }
  }
  return indices;
}

export function decodeRle(data: Buffer, info: BmpInfo, palette: Buffer): Buffer {
  const indices = rleIndices(data, info);
  const rgba = Buffer.alloc(indices.length * 4);
  indices.forEach((index, pixel) => {
    rgba.set([...colourOf(palette, index), 255], pixel * 4);
  });
  return rgba;
}

/** One channel of a bit-field pixel scaled to 8 bits; 255 when the mask is empty (alpha). */
function channel(value: number, mask: number, empty: number): number {
  if (mask === 0) return empty;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((value & mask) >>> shift) * 255) / max);
}

/** 16-bit BI_RGB: 5 bits each of red, green and blue. */
const RGB555 = [0x7c00, 0x03e0, 0x001f, 0] as const;

/** 16- and 32-bit pixels with bit fields (or 16-bit 5-5-5), rows stored as the header says. */
export function decodeBitfields(data: Buffer, info: BmpInfo): { rgba: Buffer; alpha: boolean } {
  const { width, height } = info;
  const [red = 0, green = 0, blue = 0, alphaMask = 0] = info.masks ?? RGB555;
  const bytesPerPixel = info.depth / 8;
  const stride = Math.ceil((width * info.depth) / 32) * 4;
  const rgba = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    const y = info.topDown ? row : height - 1 - row;
    for (let x = 0; x < width; x++) {
      const at = row * stride + x * bytesPerPixel;
      if (at + bytesPerPixel > data.length) break;
      const value = bytesPerPixel === 2 ? data.readUInt16LE(at) : data.readUInt32LE(at);
      rgba.set(
        [channel(value, red, 0), channel(value, green, 0), channel(value, blue, 0), channel(value, alphaMask, 255)],
        (y * width + x) * 4,
      );
    }
  }
  return { rgba, alpha: alphaMask !== 0 };
}
