/**
 * Step 4e, rectangle crop (spec 3.3): `cx`, `cy`, `cw`, `ch` on the current image (after the
 * resize, or before it with `precrop`), applied to every frame.
 */
import { rectangleCrop } from '../geometry.js';
import type { Step } from '../image.js';
import { extractFrames } from '../queue.js';

export const crop: Step = async (image, plan) => {
  // Present when any of the four was given, even an invalid one (spec 3.3).
  if (plan.crop === undefined) return image;
  return extractFrames(image, rectangleCrop(image, plan.crop));
};
