/**
 * The image that flows through the steps: a sharp pipeline, the operations queued on it, and the
 * facts the steps need (frame size, frames, alpha, the target size), kept up to date by the steps
 * themselves so no step has to ask sharp.
 *
 * sharp runs its operations in a fixed internal order, whatever the call order, so steps queue
 * operations as data (ops.ts). `queue` (queue.ts) appends an operation only where sharp's order
 * matches the pipeline's (schedule.ts) and otherwise computes the pixels into memory first
 * (in-memory.ts); run.ts runs a pipeline under the job's deadline. On the common path (load,
 * orient, resize, crop, letterbox, save) nothing is materialised: one pass, with sharp's
 * shrink-on-load.
 *
 * The adjustments after the geometry (spec 2, steps 6-16) are sharp calls too, each at its place
 * in sharp's chain; the same rule decides whether they share the pass. What sharp cannot do, or
 * does differently from the spec (the contrast, gamma, duotone and tint tables, the reference's
 * background composite), runs in JS on the raw pixels (`transformPixels`); consecutive transforms
 * reuse the pixels in memory. An arbitrary rotation is computed at once (`queueMeasured`): only
 * libvips knows its exact size.
 */
import type { Metadata, Sharp } from 'sharp';
import type { Plan } from '../plan/types.js';
import type { Frame, TargetSize } from './geometry.js';
import type { Op } from './ops.js';
import type { InputType, PipelineLimits } from './types.js';

export type { Layer, Op } from './ops.js';

/** Colour space of the encoded output: sRGB, or greyscale (1 band, 2 with alpha) after `filt=greyscale`. */
export type Space = 'srgb' | 'b-w';

/** Pixels in memory: 8-bit sRGB, 3 bands or 4 with alpha, a vertical strip of frames. */
export interface RawPixels {
  readonly data: Buffer;
  readonly channels: 3 | 4;
}

/** What is known about the input once loaded; never changes afterwards. */
export interface InputFacts {
  readonly type: InputType;
  /** sharp's metadata of the loaded pages (for JSON output and animation settings). */
  readonly metadata: Metadata;
  /** First loaded page. */
  readonly page: number;
  /** One loaded frame made upright: what `w`/`h` percentages and focal crops refer to. */
  readonly frame: Frame;
  /** `w`/`h` resolved against `frame` (spec 2b-2e), computed once at load for every step. */
  readonly target: TargetSize;
}

export interface Job {
  readonly limits: PipelineLimits;
  /** `performance.now()` at the start, for the processing time limit. */
  readonly startedAt: number;
}

export interface PipelineImage extends Frame {
  /**
   * A new sharp pipeline over the pixels at the start of `ops` (the decoder's, or raw pixels from a
   * materialisation). A factory because sharp pipelines are mutable and single-use.
   */
  readonly source: () => Sharp;
  readonly ops: readonly Op[];
  /** `width`/`pageHeight` (from Frame), `pages` and `hasAlpha` describe the image after `ops`. */
  readonly pages: number;
  readonly hasAlpha: boolean;
  /** The source pixels are still greyscale (1 or 2 bands); every run converts to sRGB. */
  readonly grey: boolean;
  readonly input: InputFacts;
  readonly job: Job;
  /** How often pixels were computed into memory so far; 0 while still reading the input. */
  readonly materialisations: number;
  /** Absent means 'srgb'. Materialised pixels are always sRGB; 'b-w' is applied when encoding. */
  readonly space?: Space;
  /** The bytes behind `source` when it reads from memory, so raw transforms can chain without sharp. */
  readonly pixels?: RawPixels;
}

export function spaceOf(image: PipelineImage): Space {
  return image.space ?? 'srgb';
}

/** Bands of the encoded output (what JSON `channels` should say). */
export function channelsOf(image: PipelineImage): number {
  return (spaceOf(image) === 'b-w' ? 1 : 3) + (image.hasAlpha ? 1 : 0);
}

/** A processing step: does nothing (returns `image`) unless the plan asks for it. */
export type Step = (image: PipelineImage, plan: Plan) => Promise<PipelineImage>;
