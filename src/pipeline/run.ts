/**
 * Running sharp under the job's time limit: the deadline checked between steps and handed to each
 * sharp run, whose failures become ServiceErrors.
 */
import type { Sharp } from 'sharp';
import type { Job, PipelineImage, Space } from './image.js';
import { spaceOf } from './image.js';
import { applyOp } from './ops.js';
import { fromSharpError, timeoutError } from './sharp-errors.js';

/** Seconds left for the next sharp run; throws once the budget is spent. */
export function remainingSeconds(job: Job): number {
  const limit = job.limits.timeoutSeconds;
  const left = limit - (performance.now() - job.startedAt) / 1000;
  if (left <= 0) throw timeoutError(limit, job.startedAt, 0);
  return Math.ceil(left);
}

/** Throws PROCESS_TIMEOUT once the job's time is spent; checked between steps too. */
export function checkDeadline(job: Job): void {
  remainingSeconds(job);
}

/** Runs one sharp pipeline under the time limit, turning its failures into ServiceErrors. */
export async function runSharp<T>(
  pipeline: Sharp,
  job: Job,
  decoding: boolean,
  finish: (pipeline: Sharp) => Promise<T>,
): Promise<T> {
  const seconds = remainingSeconds(job);
  try {
    return await finish(pipeline.timeout({ seconds }));
  } catch (error) {
    throw fromSharpError(error, {
      decoding,
      maxInputPixels: job.limits.maxInputPixels,
      timeoutSeconds: job.limits.timeoutSeconds,
      startedAt: job.startedAt,
    });
  }
}

/**
 * Runs the queued operations and hands the resulting pipeline to `finish` (an encoder, or raw).
 * Pixels leave as 8-bit sRGB (greyscale, CMYK, Lab and 16-bit sources are converted), or as 8-bit
 * greyscale for an image whose `space` is 'b-w'. `space` overrides that: pixels computed into
 * memory stay sRGB, because sharp's raw output of greyscale drops the alpha band.
 */
export function run<T>(
  image: PipelineImage,
  finish: (pipeline: Sharp) => Promise<T>,
  space: Space = spaceOf(image),
): Promise<T> {
  const pipeline = image.ops.reduce(applyOp, image.source()).toColourspace(space);
  return runSharp(pipeline, image.job, image.materialisations === 0, finish);
}

