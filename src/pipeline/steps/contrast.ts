/**
 * Step 9, contrast (spec 3.7): `con`, a sigmoidal curve through a lookup table applied to every
 * band, alpha included (its endpoints stay put, so opaque stays opaque).
 */
import type { Step } from '../image.js';
import { transformPixels } from '../in-memory.js';
import { applyLut, contrastLut } from '../luts.js';

export const contrast: Step = async (image, plan) => {
  if (plan.con === undefined) return image;
  const lut = contrastLut(plan.con);
  // sharp has no sigmoidal contrast: the table is applied to the pixels in memory.
  return transformPixels(image, (pixels) => applyLut(pixels, lut, 'all'));
};
