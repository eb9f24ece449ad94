/**
 * `output=blurhash` (pixproxy extension): the BlurHash placeholder string of the processed image
 * (its first frame), computed with the `blurhash` package from a copy that fits inside 32x32,
 * which is all the few cosine components can describe.
 *
 * Components: about 12 in all, as in BlurHash's recommended 4x3, shared out by the aspect ratio
 * so that detail is even across both axes: x = round(sqrt(12 r)), y = round(sqrt(12 / r)) for a
 * frame of aspect r = width / height, each within 1..9 (the format's range). 4:3 gives 4x3, 3:4
 * gives 3x4, a square 3x3, 16:9 5x3, a 4:1 panorama 7x2.
 *
 * A BlurHash has no alpha: transparent areas are flattened onto white, the usual page colour.
 */
import { encode } from 'blurhash';
import sharp from 'sharp';
import type { Size } from './geometry.js';

/** The frame is reduced to fit inside this box before encoding. */
const SAMPLE_BOX = 32;
const TOTAL_COMPONENTS = 12;
const MAX_COMPONENTS = 9;

const clampComponents = (value: number): number => Math.min(Math.max(Math.round(value), 1), MAX_COMPONENTS);

export function blurhashComponents({ width, height }: Size): { x: number; y: number } {
  const aspect = width / height;
  return { x: clampComponents(Math.sqrt(TOTAL_COMPONENTS * aspect)), y: clampComponents(Math.sqrt(TOTAL_COMPONENTS / aspect)) };
}

/** Raw pixels of the processed image: a strip of frames, any band count sharp can read. */
export interface ProcessedPixels {
  readonly data: Buffer;
  readonly width: number;
  readonly pageHeight: number;
  readonly channels: 1 | 2 | 3 | 4;
}

export async function blurhashOf(pixels: ProcessedPixels): Promise<string> {
  const { data, width, pageHeight, channels } = pixels;
  const firstFrame = data.subarray(0, width * pageHeight * channels);
  const { data: sample, info } = await sharp(firstFrame, { raw: { width, height: pageHeight, channels } })
    .flatten({ background: '#ffffff' })
    .resize(SAMPLE_BOX, SAMPLE_BOX, { fit: 'inside' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { x, y } = blurhashComponents({ width, height: pageHeight });
  return encode(new Uint8ClampedArray(sample.buffer, sample.byteOffset, sample.length), info.width, info.height, x, y);
}
