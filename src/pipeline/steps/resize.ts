/**
 * Step 4b, resize (spec 3.1, 3.2): `w`, `h`, `dpr`, `fit`, `we`. The frame size is computed by
 * the spec's formulas and sharp only scales to it, so results match the reference to the pixel.
 * A resize always happens; an identity one costs nothing and keeps later crops after it in sharp.
 */
import { assertOutputPixels, resizeTarget } from '../geometry.js';
import type { Step } from '../image.js';
import { queue } from '../queue.js';

export const resize: Step = async (image, plan) => {
  const frame = resizeTarget(image, image.input.target, plan.fit ?? 'inside', plan.we === true);
  assertOutputPixels(frame, image.pages, image.job.limits.maxOutputPixels);
  const queued = await queue(image, {
    kind: 'resize',
    width: frame.width,
    pageHeight: frame.pageHeight,
    fastShrinkOnLoad: plan.fsol !== false,
  });
  return { ...queued, ...frame };
};
