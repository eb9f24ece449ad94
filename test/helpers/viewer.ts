/**
 * An image as a viewer shows it: decoded by the format's reference decoder (independent-decode.ts),
 * then turned as the container says (containers.ts), then compared by a difference hash computed
 * here, so no step of the check runs through sharp, the code under test.
 */
import { containerOrientation, sniff, type Sniffed } from './containers.js';
import { decodeFrames, type Decoded } from './independent-decode.js';

export interface Shown {
  readonly format: Sniffed;
  /** The container's orientation (EXIF values; 1 = none). */
  readonly orientation: number;
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/** Applies an EXIF orientation the way viewers display it. */
export function orient(image: Decoded, orientation: number): { width: number; height: number; rgba: Uint8Array } {
  const { width: w, height: h } = image;
  const swaps = orientation >= 5 && orientation <= 8;
  const width = swaps ? h : w;
  const height = swaps ? w : h;
  const source = (x: number, y: number): [number, number] => {
    switch (orientation) {
      case 2: return [w - 1 - x, y];
      case 3: return [w - 1 - x, h - 1 - y];
      case 4: return [x, h - 1 - y];
      case 5: return [y, x];
      case 6: return [y, h - 1 - x];
      case 7: return [w - 1 - y, h - 1 - x];
      case 8: return [w - 1 - y, x];
      default: return [x, y];
    }
  };
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y);
      rgba.set(image.rgba.subarray((sy * w + sx) * 4, (sy * w + sx) * 4 + 4), (y * width + x) * 4);
    }
  }
  return { width, height, rgba };
}

/** The first frame as a viewer shows it. */
export function shown(bytes: Buffer): Shown {
  const format = sniff(bytes);
  const [first] = decodeFrames(bytes, format);
  if (first === undefined) throw new Error('no frame decoded');
  const orientation = containerOrientation(bytes);
  return { format, orientation, ...orient(first, orientation) };
}

/**
 * 64-bit difference hash of a 9x8 greyscale thumbnail (area averages), transparent areas over
 * mid-grey, as test/helpers/dhash.ts does with sharp (its stretch of the luminance changes no
 * comparison between neighbours, so it is left out).
 */
export function viewerHash(image: { width: number; height: number; rgba: Uint8Array }): bigint {
  const cells = new Float64Array(72);
  const counts = new Float64Array(72);
  for (let y = 0; y < image.height; y++) {
    const cy = Math.min(7, Math.floor((y * 8) / image.height));
    for (let x = 0; x < image.width; x++) {
      const cx = Math.min(8, Math.floor((x * 9) / image.width));
      const at = (y * image.width + x) * 4;
      const a = (image.rgba[at + 3] ?? 255) / 255;
      const luma = 0.299 * (image.rgba[at] ?? 0) + 0.587 * (image.rgba[at + 1] ?? 0) + 0.114 * (image.rgba[at + 2] ?? 0);
      cells[cy * 9 + cx] = (cells[cy * 9 + cx] ?? 0) + luma * a + 128 * (1 - a);
      counts[cy * 9 + cx] = (counts[cy * 9 + cx] ?? 0) + 1;
    }
  }
  const grey = Array.from(cells, (sum, i) => sum / Math.max(1, counts[i] ?? 1));
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      hash = (hash << 1n) | ((grey[y * 9 + x] ?? 0) > (grey[y * 9 + x + 1] ?? 0) ? 1n : 0n);
    }
  }
  return hash;
}

export { hammingDistance, SIMILAR } from './dhash.js';
