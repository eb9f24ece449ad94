/**
 * Step 11, sharpen (spec 3.7): `sharp` as a sigma with the slopes `sharpf` (flat areas) and
 * `sharpj` (jagged areas), or 'mild' for the fixed 3x3 kernel.
 */
import type { Step } from '../image.js';
import { queue } from '../queue.js';

/** libvips defaults chosen by the spec (m1, m2). */
const FLAT = 1;
const JAGGED = 2;

export const sharpen: Step = async (image, plan) => {
  if (plan.sharp === undefined) return image;
  return queue(image, { kind: 'sharpen', sigma: plan.sharp, flat: plan.sharpf ?? FLAT, jagged: plan.sharpj ?? JAGGED });
};
