/**
 * What steps call to add an operation: queued where sharp's order allows it (schedule.ts), after
 * computing the pixels into memory otherwise.
 */
import type { Rect } from './geometry.js';
import type { PipelineImage } from './image.js';
import { fromPixels, materialise } from './in-memory.js';
import type { Op } from './ops.js';
import { run } from './run.js';
import { scheduled } from './schedule.js';

/**
 * Queues `op` after the operations already queued, so that it acts on the image as the previous
 * steps left it. The caller updates the facts (size, alpha) of the returned image.
 */
export async function queue(image: PipelineImage, op: Op): Promise<PipelineImage> {
  const ops = scheduled(image.ops, op);
  if (ops) return { ...image, ops };
  // sharp would run `op` before something queued earlier: compute what we have first.
  const computed = await materialise(image);
  return { ...computed, ops: [op] };
}

/** Cuts every frame down to `rect`; nothing to do when it is the whole frame. */
export async function extractFrames(image: PipelineImage, rect: Rect): Promise<PipelineImage> {
  if (rect.left === 0 && rect.top === 0 && rect.width === image.width && rect.height === image.pageHeight) {
    return image;
  }
  const queued = await queue(image, { kind: 'extract', rect });
  return { ...queued, width: rect.width, pageHeight: rect.height };
}

/**
 * Queues `op` and computes the result at once, taking the size sharp reports: for operations
 * whose output size libvips rounds by its own rules (an arbitrary rotation). Single frames only.
 */
export async function queueMeasured(image: PipelineImage, op: Op): Promise<PipelineImage> {
  if (image.pages !== 1) throw new Error(`${op.kind} measures single frames only`);
  const queued = await queue(image, op);
  const { data, info } = await run(queued, (pipeline) => pipeline.raw().toBuffer({ resolveWithObject: true }), 'srgb');
  const { width, height, channels } = info;
  if ((channels !== 3 && channels !== 4) || data.length !== width * height * channels) {
    throw new Error(`${op.kind}: ${data.length} bytes for ${width}x${height}, ${channels} bands`);
  }
  return fromPixels(queued, { data, channels }, { width, pageHeight: height }, true);
}

