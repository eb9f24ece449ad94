/**
 * Step 4e, rectangle crop (spec 3.3): `cx`, `cy`, `cw`, `ch` on the current image (after the
 * resize, or before it with `precrop`), applied to every frame.
 */
import { rectangleCrop, type Rect } from '../geometry.js';
import type { PipelineImage, Step } from '../image.js';
import { queue } from '../image.js';

/** Cuts every frame down to `rect`; nothing to do when it is the whole frame. */
export async function extractFrames(image: PipelineImage, rect: Rect): Promise<PipelineImage> {
  if (rect.left === 0 && rect.top === 0 && rect.width === image.width && rect.height === image.pageHeight) {
    return image;
  }
  const queued = await queue(image, { kind: 'extract', rect });
  return { ...queued, width: rect.width, pageHeight: rect.height };
}

export const crop: Step = async (image, plan) => {
  // Present when any of the four was given, even an invalid one (spec 3.3).
  if (plan.crop === undefined) return image;
  return extractFrames(image, rectangleCrop(image, plan.crop));
};
