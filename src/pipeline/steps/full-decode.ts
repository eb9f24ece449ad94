/**
 * Spec 4a, 16: `gam` disables shrink-on-load, so the gamma curve sees pixels resized from the full
 * decode (JPEG DCT scaling would average in the wrong order and shift the result).
 *
 * sharp has no switch for it, but never shrinks on load when an extract comes before its resize.
 * An extract of the whole frame changes no pixel, so it is queued first, before the orientation
 * and the resize are; it then stays in the same single pass (stage order of `queue`).
 */
import type { Step } from '../image.js';
import { queue } from '../queue.js';

export const fullDecode: Step = async (image, plan) => {
  if (plan.gam === undefined || image.ops.length > 0 || image.materialisations > 0) return image;
  return queue(image, { kind: 'extract', rect: { left: 0, top: 0, width: image.width, height: image.pageHeight } });
};
