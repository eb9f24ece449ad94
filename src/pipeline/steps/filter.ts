/**
 * Step 12, filter (spec 3.7): `filt=greyscale` (the output stays greyscale: 1 band, 2 with alpha),
 * `sepia` (a recombination of RGB), `duotone` (greyscale mapped onto a gradient from `start` to
 * `stop` in CIELAB) and `negate` (colour bands inverted, alpha kept).
 */
import type { Matrix3x3 } from 'sharp';
import { DUOTONE_START as START, DUOTONE_STOP as STOP } from '../../plan/defaults.js';
import { colourValue } from '../../plan/values.js';
import type { PipelineImage, Step } from '../image.js';
import { transformPixels } from '../in-memory.js';
import { queue } from '../queue.js';
import { applyColourLut, duotoneLut } from '../luts.js';

const SEPIA: Matrix3x3 = [
  [0.3588, 0.7044, 0.1368],
  [0.299, 0.587, 0.114],
  [0.2392, 0.4696, 0.0912],
];

const DUOTONE_START = colourValue(START);
const DUOTONE_STOP = colourValue(STOP);

/** Greyscale from here on: materialised pixels stay sRGB (equal bands), the output is encoded grey. */
async function greyscale(image: PipelineImage): Promise<PipelineImage> {
  const queued = await queue(image, { kind: 'greyscale' });
  return { ...queued, space: 'b-w' };
}

export const filter: Step = async (image, plan) => {
  switch (plan.filt) {
    case undefined:
      return image;
    case 'greyscale':
      return greyscale(image);
    case 'sepia':
      return queue(image, { kind: 'recomb', matrix: SEPIA });
    case 'negate':
      return queue(image, { kind: 'negate' });
    case 'duotone': {
      const lut = duotoneLut(plan.start ?? DUOTONE_START, plan.stop ?? DUOTONE_STOP);
      // No sharp operation maps grey levels to colours: the table is applied in memory.
      const coloured = await transformPixels(await greyscale(image), (pixels) => applyColourLut(pixels, lut));
      return { ...coloured, space: 'srgb' };
    }
  }
};
