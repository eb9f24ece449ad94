/** Step 7, brightness (spec 3.7): deprecated `bri`, a linear offset of `bri·2.55` on the colour bands. */
import type { Step } from '../image.js';
import { queue } from '../queue.js';

export const brightness: Step = async (image, plan) => {
  if (plan.bri === undefined) return image;
  return queue(image, { kind: 'linear', offset: plan.bri * 2.55 });
};
