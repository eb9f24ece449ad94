/**
 * Step 4d, alignment (spec 3.3): `fit=cover` crops the resized image to the requested box, placed
 * by `a` (nine positions), a focal point, or libvips' smart crop (entropy/attention).
 */
import { coverCropBox, coverCropSize } from '../geometry.js';
import type { Step } from '../image.js';
import { queue } from '../queue.js';
import { extractFrames } from '../queue.js';

export const alignment: Step = async (image, plan) => {
  if (plan.fit !== 'cover') return image;
  const size = coverCropSize(image, image.input.target);
  if (size === undefined) return image;

  const position = plan.a ?? 'center';
  if (position === 'entropy' || position === 'attention') {
    // Smart crops look at the whole picture, which a strip of frames is not: those get the centre.
    if (image.pages === 1) {
      const queued = await queue(image, { kind: 'smartcrop', ...size, strategy: position });
      return { ...queued, width: size.width, pageHeight: size.height };
    }
  }
  const focal = { fpx: plan.fpx ?? 0.5, fpy: plan.fpy ?? 0.5, loaded: image.input.frame };
  return extractFrames(image, coverCropBox(image, size, position, focal));
};
