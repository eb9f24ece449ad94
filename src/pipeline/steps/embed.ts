/**
 * Step 5, embed (spec 3.2): `fit=contain` letterboxes every frame into the requested box with
 * `cbg` (transparent by default, which gives the image an alpha channel).
 */
import { embedBox, embedEdges } from '../geometry.js';
import type { Step } from '../image.js';
import { materialise } from '../in-memory.js';
import { queue } from '../queue.js';
import { TRANSPARENT } from '../../plan/values.js';

export const embed: Step = async (image, plan) => {
  if (plan.fit !== 'contain') return image;
  const box = embedBox(image, image.input.target);
  if (box === undefined) return image;

  const edges = embedEdges(image, box, plan.a ?? 'center', { fpx: plan.fpx ?? 0.5, fpy: plan.fpy ?? 0.5 });
  const background = plan.cbg ?? TRANSPARENT;
  // sharp converts the letterbox colour to the colour space of the pixels it extends; greyscale
  // pixels would turn a coloured `cbg` grey, so they are made sRGB first.
  const ready = image.grey ? await materialise(image) : image;
  const queued = await queue(ready, { kind: 'extend', edges, background });
  return {
    ...queued,
    width: box.width,
    pageHeight: box.height,
    // sharp adds an opaque alpha channel first when the colour is not opaque.
    hasAlpha: queued.hasAlpha || background[3] < 255,
  };
};
