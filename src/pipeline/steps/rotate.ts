/**
 * Step 6, arbitrary rotation (spec 3.6): `ro` not a multiple of 90 (right angles are the
 * orientation step), with `rbg` in the corners; the canvas grows to the rotated bounding box. A
 * transparent `rbg` gives the image alpha. Animations are left alone.
 */
import { TRANSPARENT } from '../../plan/values.js';
import type { Step } from '../image.js';
import { materialise } from '../in-memory.js';
import { queueMeasured } from '../queue.js';

export const rotate: Step = async (image, plan) => {
  if (plan.ro === undefined || plan.ro % 90 === 0 || image.pages > 1) return image;
  // sharp fills the corners in the pixels' own colour space: greyscale would turn `rbg` grey.
  const ready = image.grey ? await materialise(image) : image;
  // libvips rounds the rotated canvas by its own rules: later steps need the exact size.
  return queueMeasured(ready, { kind: 'rotate', angle: plan.ro, background: plan.rbg ?? TRANSPARENT });
};
