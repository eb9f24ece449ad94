/**
 * The image pipeline: bytes and a plan in, encoded bytes and facts out (spec section 2). Free of
 * HTTP and threads; the workers, the CLI and the tests all call `runPipeline`.
 */
import type { Plan } from '../plan/types.js';
import type { PipelineImage, Step } from './image.js';
import { checkDeadline } from './run.js';
import { alignment } from './steps/alignment.js';
import { autoOrient } from './steps/auto-orient.js';
import { background } from './steps/background.js';
import { blur } from './steps/blur.js';
import { brightness } from './steps/brightness.js';
import { contrast } from './steps/contrast.js';
import { crop } from './steps/crop.js';
import { embed } from './steps/embed.js';
import { filter } from './steps/filter.js';
import { fullDecode } from './steps/full-decode.js';
import { gamma } from './steps/gamma.js';
import { load } from './steps/load.js';
import { mask } from './steps/mask.js';
import { modulate } from './steps/modulate.js';
import { orientation } from './steps/orientation.js';
import { resize } from './steps/resize.js';
import { rotate } from './steps/rotate.js';
import { save } from './steps/save.js';
import { sharpen } from './steps/sharpen.js';
import { tint } from './steps/tint.js';
import { trim } from './steps/trim.js';
import type { PipelineLimits, PipelineOutput } from './types.js';

export type { PipelineLimits, PipelineOutput } from './types.js';

const precrop = (plan: Plan): boolean => plan.precrop === true;

/** `step` in the pipelines where `applies` holds; elsewhere it passes the image through. */
function only(applies: (plan: Plan) => boolean, step: Step): Step {
  return async (image, plan) => (applies(plan) ? step(image, plan) : image);
}

/**
 * Spec section 2, in order, after the load (1) and before the save (17): the one place the order
 * lives (tests run these arrays too). The query is resolved against the image (2) once, at load
 * (`input.target`). With `precrop`, orientation and crop move before the resize (spec 2, step 4).
 */
export const GEOMETRY_STEPS: readonly Step[] = [
  fullDecode, // 4a: no shrink-on-load with `gam`; queued first so it stays in the one pass
  autoOrient, // 2a, 3.6: upright before anything measures the image
  trim, // 3
  only(precrop, orientation), // 4c, precrop order
  only(precrop, crop), // 4e, precrop order
  resize, // 4a + 4b
  only((plan) => !precrop(plan), orientation), // 4c
  alignment, // 4d
  only((plan) => !precrop(plan), crop), // 4e
  embed, // 5
];

export const ADJUSTMENT_STEPS: readonly Step[] = [
  rotate, // 6
  brightness, // 7
  modulate, // 8
  contrast, // 9
  gamma, // 10
  sharpen, // 11
  filter, // 12
  blur, // 13
  tint, // 14
  background, // 15
  mask, // 16
];

export const STEPS: readonly Step[] = [...GEOMETRY_STEPS, ...ADJUSTMENT_STEPS];

export async function runPipeline(input: Buffer, plan: Plan, limits: PipelineLimits): Promise<PipelineOutput> {
  const job = { limits, startedAt: performance.now() };
  let image: PipelineImage = await load(input, plan, job);
  for (const step of STEPS) {
    checkDeadline(job);
    image = await step(image, plan);
  }
  return save(image, plan); // 17
}
