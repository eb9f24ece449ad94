/**
 * Colour comparison with upstream references, for the steps a dHash cannot judge (it looks at
 * luminance structure only, so a hue rotation or a tint is invisible to it): the mean absolute
 * difference per band of the two images scaled to the same small size, colours weighted by alpha
 * (the colour of a transparent pixel is invisible and encoders treat it freely).
 */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { PipelineOutput } from '../../src/pipeline/types.js';
import { expectedPath } from '../helpers/paths.js';

/** Mean differences of 8-bit values the references are expected to stay within. */
export const CLOSE_COLOURS = 4;

async function rgbaAt(input: Buffer | string, width: number, height: number): Promise<Buffer> {
  return sharp(input, { pages: 1 })
    .resize(width, height, { fit: 'fill' })
    .ensureAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer();
}

/** The largest per-band mean difference (R, G, B premultiplied, and A) between the first frames. */
export async function colourDifference(actual: Buffer, expected: Buffer | string): Promise<number> {
  const meta = await sharp(expected).metadata();
  const frameHeight = meta.pageHeight ?? meta.height;
  const width = Math.min(meta.width, 160);
  const height = Math.max(1, Math.round((width * frameHeight) / meta.width));
  const [a, b] = await Promise.all([rgbaAt(actual, width, height), rgbaAt(expected, width, height)]);
  const sums = [0, 0, 0, 0];
  for (let i = 0; i < a.length; i += 4) {
    const alphaA = (a[i + 3] ?? 0) / 255;
    const alphaB = (b[i + 3] ?? 0) / 255;
    for (let band = 0; band < 3; band++) {
      sums[band] = (sums[band] ?? 0) + Math.abs((a[i + band] ?? 0) * alphaA - (b[i + band] ?? 0) * alphaB);
    }
    sums[3] = (sums[3] ?? 0) + Math.abs((a[i + 3] ?? 0) - (b[i + 3] ?? 0));
  }
  return Math.max(...sums.map((sum) => sum / (a.length / 4)));
}

/** Asserts the output's colours match an upstream reference in `expected/`. */
export async function assertColours(
  output: PipelineOutput,
  expectedName: string,
  limit = CLOSE_COLOURS,
): Promise<void> {
  const difference = await colourDifference(output.data, expectedPath(expectedName));
  const message = `mean colour difference to ${expectedName} is ${difference.toFixed(2)}, expected < ${limit}`;
  assert.ok(difference < limit, message);
}
