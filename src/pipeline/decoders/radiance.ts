/**
 * Radiance RGBE ("HDR", spec 4.1: read natively by libvips, so type `unknown`, delivered as PNG).
 * No npm package reads it well on its own, and the format is small: a text header, a resolution
 * line, then scanlines of 4-byte pixels (mantissas R, G, B and a shared exponent), run-length
 * coded. Pixels become linear light and then 8-bit sRGB the way libvips turns its float scRGB
 * into sRGB: the sRGB transfer curve, everything above 1.0 clipped.
 */
import type { Decoder } from './decoder.js';
import { ascii, assertInputPixels, notReadable, rawMetadata, rawSource, startsWith } from './raw.js';

const MAGICS = [ascii('#?RADIANCE'), ascii('#?RGBE')];
const isRadiance = (head: Buffer): boolean => MAGICS.some((magic) => startsWith(head, magic));

/** The header is a few lines of text; anything longer is not a Radiance file. */
const MAX_HEADER_BYTES = 64 * 1024;

interface Layout {
  readonly width: number;
  readonly height: number;
  /** Rows run bottom to top ("+Y"), columns right to left ("-X"). */
  readonly bottomUp: boolean;
  readonly rightToLeft: boolean;
  readonly xyz: boolean;
  /** Where the pixel data starts. */
  readonly dataAt: number;
}

function readLayout(input: Buffer): Layout {
  const end = Math.min(input.length, MAX_HEADER_BYTES);
  let at = 0;
  let xyz = false;
  // Header lines up to an empty line.
  for (;;) {
    const newline = input.indexOf(0x0a, at);
    if (newline === -1 || newline >= end) throw notReadable();
    const line = input.toString('latin1', at, newline).trim();
    at = newline + 1;
    if (line === '') break;
    if (line.startsWith('FORMAT=')) {
      const format = line.slice('FORMAT='.length);
      if (format === '32-bit_rle_xyze') xyz = true;
      else if (format !== '32-bit_rle_rgbe') throw notReadable();
    }
  }
  const newline = input.indexOf(0x0a, at);
  if (newline === -1 || newline >= end) throw notReadable();
  // Only row-major layouts ("±Y height ±X width"); column-major files are rare and not read.
  const resolution = /^([+-])Y\s+(\d+)\s+([+-])X\s+(\d+)$/.exec(input.toString('latin1', at, newline).trim());
  if (resolution === null) throw notReadable();
  const [, ySign, height, xSign, width] = resolution;
  const layout = {
    width: Number(width),
    height: Number(height),
    bottomUp: ySign === '+',
    rightToLeft: xSign === '-',
    xyz,
    dataAt: newline + 1,
  };
  if (!(layout.width > 0 && layout.height > 0)) throw notReadable();
  return layout;
}

/**
 * One scanline of RGBE pixels into `row` (width x 4 bytes); returns where the next one starts.
 * Decodes new-style run-length scanlines and flat ones with old-style repeats. Truncated data
 * leaves the rest of the row as it was (zero): best effort, spec 2.1.
 */
function readScanline(input: Buffer, at: number, row: Uint8Array, width: number): number {
  const newStyle =
    width >= 8 &&
    width < 0x8000 &&
    at + 4 <= input.length &&
    input[at] === 2 &&
    input[at + 1] === 2 &&
    ((input[at + 2] ?? 0) << 8 | (input[at + 3] ?? 0)) === width;
  if (newStyle) {
    let position = at + 4;
    for (let channel = 0; channel < 4; channel++) {
      let x = 0;
      while (x < width && position < input.length) {
        const count = input[position++] ?? 0;
        if (count > 128) {
          const value = input[position++] ?? 0;
          for (let n = count - 128; n > 0 && x < width; n--) row[x++ * 4 + channel] = value;
        } else {
          for (let n = count; n > 0 && x < width && position < input.length; n--) {
            row[x++ * 4 + channel] = input[position++] ?? 0;
          }
          if (count === 0) return input.length; // a zero-length run: corrupt, stop here
        }
      }
    }
    return position;
  }
  // Flat pixels; (1, 1, 1, n) repeats the previous pixel n << shift times.
  let position = at;
  let shift = 0;
  let x = 0;
  while (x < width && position + 4 <= input.length) {
    const [r, g, b, e] = [input[position] ?? 0, input[position + 1] ?? 0, input[position + 2] ?? 0, input[position + 3] ?? 0];
    position += 4;
    if (r === 1 && g === 1 && b === 1) {
      if (x === 0) continue;
      for (let n = e << shift; n > 0 && x < width; n--, x++) row.copyWithin(x * 4, (x - 1) * 4, x * 4);
      shift += 8;
      continue;
    }
    row[x * 4] = r;
    row[x * 4 + 1] = g;
    row[x * 4 + 2] = b;
    row[x * 4 + 3] = e;
    x++;
    shift = 0;
  }
  return position;
}

/** Linear light 0..1 to an 8-bit sRGB sample. */
function toSrgb(linear: number): number {
  const v = Math.min(Math.max(linear, 0), 1);
  const encoded = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
  return Math.round(encoded * 255);
}

/** Every (mantissa, exponent) pair to 8-bit sRGB: 64 KiB, computed once. */
let lookup: Uint8Array | undefined;

function rgbeToSrgb(): Uint8Array {
  if (lookup === undefined) {
    lookup = new Uint8Array(256 * 256);
    for (let exponent = 1; exponent < 256; exponent++) {
      const scale = 2 ** (exponent - 136);
      for (let mantissa = 0; mantissa < 256; mantissa++) {
        lookup[exponent * 256 + mantissa] = toSrgb((mantissa + 0.5) * scale);
      }
    }
  }
  return lookup;
}

/** CIE XYZ (D65) to linear sRGB. */
const XYZ_TO_RGB = [
  [3.2406, -1.5372, -0.4986],
  [-0.9689, 1.8758, 0.0415],
  [0.0557, -0.204, 1.057],
] as const;

function xyzPixel(rgbe: Uint8Array, at: number, out: Buffer, target: number): void {
  const exponent = rgbe[at + 3] ?? 0;
  const scale = exponent === 0 ? 0 : 2 ** (exponent - 136);
  const xyz = [0, 1, 2].map((band) => ((rgbe[at + band] ?? 0) + 0.5) * scale);
  XYZ_TO_RGB.forEach(([a, b, c], band) => {
    out[target + band] = toSrgb(a * (xyz[0] ?? 0) + b * (xyz[1] ?? 0) + c * (xyz[2] ?? 0));
  });
}

function decode(input: Buffer, layout: Layout): Buffer {
  const { width, height } = layout;
  const table = rgbeToSrgb();
  const out = Buffer.alloc(width * height * 3);
  const row = new Uint8Array(width * 4);
  let at = layout.dataAt;
  for (let line = 0; line < height; line++) {
    row.fill(0);
    at = readScanline(input, at, row, width);
    const y = layout.bottomUp ? height - 1 - line : line;
    for (let column = 0; column < width; column++) {
      const x = layout.rightToLeft ? width - 1 - column : column;
      const target = (y * width + x) * 3;
      if (layout.xyz) {
        xyzPixel(row, column * 4, out, target);
        continue;
      }
      const exponent = row[column * 4 + 3] ?? 0;
      if (exponent === 0) continue;
      for (let band = 0; band < 3; band++) out[target + band] = table[exponent * 256 + (row[column * 4 + band] ?? 0)] ?? 0;
    }
  }
  return out;
}

export const radianceDecoder: Decoder = {
  type: 'unknown',
  multiPage: false,
  uniformPages: true,
  vector: false,
  sniff: isRadiance,

  header: async (input) => {
    const { width, height } = readLayout(input);
    return rawMetadata({ width, height, channels: 3 });
  },

  pageSizes: async (input) => {
    const { width, height } = readLayout(input);
    return [{ width, height }];
  },

  open: async (input, request) => {
    const layout = readLayout(input);
    assertInputPixels(layout, request.maxInputPixels);
    return rawSource({ data: decode(input, layout), width: layout.width, height: layout.height, channels: 3 });
  },
};
