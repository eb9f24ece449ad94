/**
 * Loop count and frame delays of an output (spec 3.10, 4.2 item 6): the plan's `loop` and `delay`,
 * else those of the loaded frames of the source. A single `delay` applies to every frame.
 */
import type { Plan } from '../plan/types.js';
import type { Animation } from './encoders.js';
import type { PipelineImage } from './image.js';

/** The plan's delays for `frames` frames, when it sets them. */
export function plannedDelays(plan: Plan, frames: number): readonly number[] | undefined {
  const { delay } = plan;
  if (delay === undefined) return undefined;
  const [only] = delay;
  return delay.length === 1 && only !== undefined ? Array.from({ length: frames }, () => only) : delay;
}

export function animationOf(image: PipelineImage, plan: Plan): Animation {
  const meta = image.input.metadata;
  const { page } = image.input;
  // The source's metadata lists the delays of all its frames; keep those that were loaded.
  const sourceDelay =
    meta.delay !== undefined && meta.delay.length >= page + image.pages
      ? meta.delay.slice(page, page + image.pages)
      : meta.delay;
  const loop = plan.loop ?? meta.loop;
  const delay = plannedDelays(plan, image.pages) ?? sourceDelay;
  return { ...(loop === undefined ? {} : { loop }), ...(delay === undefined ? {} : { delay }) };
}
