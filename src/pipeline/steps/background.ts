/**
 * Step 15, background (spec 3.7): `bg` under an image that has alpha. Opaque: flattened, alpha
 * dropped; semi-transparent: the reference's composite, alpha kept; greyscale: flattened onto the
 * colour's luminance. Runs before the mask, so mask corners stay transparent (`mbg` fills them).
 */
import type { Step } from '../image.js';
import { spaceOf } from '../image.js';
import { transformPixels } from '../in-memory.js';
import { compositeBackground } from '../pixels.js';

export const background: Step = async (image, plan) => {
  const colour = plan.bg;
  if (colour === undefined || !image.hasAlpha) return image;
  const space = spaceOf(image);
  // The reference's semi-transparent composite is no sharp operation; one rule for all cases.
  return transformPixels(image, (pixels) => compositeBackground(pixels, colour, space));
};
