/**
 * Step 14, tint (spec 3.7): `tint` keeps each pixel's CIELAB lightness and takes the colour's a, b
 * (chroma); alpha kept. A greyscale output stays grey, as in the reference, which converts back.
 */
import type { Step } from '../image.js';
import { spaceOf } from '../image.js';
import { transformPixels } from '../in-memory.js';
import { applyTint, tintLut } from '../luts.js';

export const tint: Step = async (image, plan) => {
  if (plan.tint === undefined || spaceOf(image) === 'b-w') return image;
  const lut = tintLut(plan.tint);
  // sharp's tint scales the chroma down towards black and white; the spec's does not: in memory.
  return transformPixels(image, (pixels) => applyTint(pixels, lut));
};
