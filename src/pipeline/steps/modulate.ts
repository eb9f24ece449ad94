/**
 * Step 8, modulate (spec 3.7): `mod` (brightness), `sat`, `hue`, in LCh on the colour bands,
 * alpha untouched. Any one of them given, the others keep their neutral values.
 */
import type { Step } from '../image.js';
import { queue } from '../queue.js';

export const modulate: Step = async (image, plan) => {
  if (plan.mod === undefined && plan.sat === undefined && plan.hue === undefined) return image;
  return queue(image, { kind: 'modulate', brightness: plan.mod ?? 1, saturation: plan.sat ?? 1, hue: plan.hue ?? 0 });
};
