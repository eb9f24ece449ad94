/** Step 13, blur (spec 3.7): `blur` as a Gaussian sigma, or 'mild' for the 3x3 box average. */
import type { Step } from '../image.js';
import { queue } from '../queue.js';

export const blur: Step = async (image, plan) => {
  if (plan.blur === undefined) return image;
  return queue(image, { kind: 'blur', sigma: plan.blur });
};
