/**
 * Step 10, gamma (spec 3.7): `gam` darkens the colour bands, `out = max·(in/max)^γ`, after the
 * resize; alpha untouched.
 */
import type { Step } from '../image.js';
import { transformPixels } from '../in-memory.js';
import { applyLut, gammaLut } from '../luts.js';

export const gamma: Step = async (image, plan) => {
  if (plan.gam === undefined) return image;
  const lut = gammaLut(plan.gam);
  // sharp applies its gamma before its resize; the spec wants it after, so on the pixels in memory.
  return transformPixels(image, (pixels) => applyLut(pixels, lut, 'colour'));
};
