/**
 * The image that flows through the steps: a sharp pipeline, the operations queued on it, and the
 * facts the steps need (frame size, frames, alpha), kept up to date by the steps themselves so no
 * step has to ask sharp.
 *
 * sharp runs its operations in a fixed internal order (extract-before-resize, resize, mirror and
 * rotate, canvas crop, extract, extend, ...), whatever the call order. Steps therefore queue
 * operations as data; `queue` appends an operation only where sharp's order matches the
 * pipeline's, merges it with the previous one when both can become one sharp call, and otherwise
 * materialises the pixels (to raw, in memory) and starts a fresh sharp pipeline on them. On the
 * common path (load, orient, resize, crop, letterbox, save) nothing is materialised: one pass,
 * with sharp's shrink-on-load.
 *
 * The adjustments after the geometry (spec 2, steps 6-16) are sharp calls too, each at its place
 * in sharp's chain (blur, recomb, modulate, sharpen, composite, linear, negate, ...); the same rule
 * decides whether they share the pass. What sharp cannot do, or does differently from the spec
 * (the contrast, gamma, duotone and tint tables, the reference's background composite), runs in
 * JS on the raw pixels (`transformPixels`); consecutive transforms reuse the pixels in memory.
 * An arbitrary rotation is computed at once (`queueMeasured`): only libvips knows its exact size.
 */
import sharp, { type Matrix3x3, type Metadata, type OverlayOptions, type Sharp } from 'sharp';
import type { Plan, Rgba } from '../plan/types.js';
import type { Edges, Frame, Rect } from './geometry.js';
import { asSharpCalls, compose, isUpright, swapsAxes, type Orientation } from './orientation.js';
import { fromSharpError, timeoutError } from './sharp-errors.js';
import type { InputType, PipelineLimits } from './types.js';

export type Op =
  /** Resize each frame to exactly this size (spec 3.1: we compute the size, sharp just scales). */
  | { readonly kind: 'resize'; readonly width: number; readonly pageHeight: number; readonly fastShrinkOnLoad: boolean }
  | { readonly kind: 'orient'; readonly orientation: Orientation }
  /** libvips smartcrop, through sharp's `fit: cover` at scale 1. */
  | {
      readonly kind: 'smartcrop';
      readonly width: number;
      readonly height: number;
      readonly strategy: 'entropy' | 'attention';
    }
  /** Applied to every frame. */
  | { readonly kind: 'extract'; readonly rect: Rect }
  /** Applied to every frame. */
  | { readonly kind: 'extend'; readonly edges: Edges; readonly background: Rgba }
  /** Arbitrary angle, clockwise; the canvas grows to the rotated box. Single frames only. */
  | { readonly kind: 'rotate'; readonly angle: number; readonly background: Rgba }
  /** Gaussian blur with this sigma, or sharp's mild 3x3 box blur. */
  | { readonly kind: 'blur'; readonly sigma: number | 'mild' }
  /** Recombination of the RGB bands (alpha untouched). */
  | { readonly kind: 'recomb'; readonly matrix: Matrix3x3 }
  /** LCh multiply/rotate of the colour bands (alpha untouched). */
  | { readonly kind: 'modulate'; readonly brightness: number; readonly saturation: number; readonly hue: number }
  /** libvips sharpen (L of LAB) with sigma and slopes, or sharp's mild 3x3 kernel. */
  | { readonly kind: 'sharpen'; readonly sigma: number | 'mild'; readonly flat: number; readonly jagged: number }
  /** Layers over the whole strip, each tiled from one frame-sized image (a mask's SVG). */
  | { readonly kind: 'composite'; readonly layers: readonly Layer[] }
  /** Adds `offset` to every colour band (alpha untouched). */
  | { readonly kind: 'linear'; readonly offset: number }
  | { readonly kind: 'removeAlpha' }
  /** Inverts the colour bands (alpha untouched). */
  | { readonly kind: 'negate' }
  /**
   * Converts to greyscale as the pixels are read (sharp's pipeline colour space), so only as the
   * first operation of a pass; the image's `space` becomes 'b-w'.
   */
  | { readonly kind: 'greyscale' };

/** One frame-sized layer of a composite, repeated down the strip. */
export interface Layer {
  readonly svg: string;
  readonly blend: 'dest-in' | 'over';
}

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

/** sharp's internal order of the operations we use (pipeline.cc). */
const Stage = {
  pipelineSpace: 0,
  preExtract: 1,
  resize: 2,
  orient: 3,
  canvasCrop: 4,
  rotate: 5,
  postExtract: 6,
  extend: 7,
  blur: 8,
  recomb: 9,
  modulate: 10,
  sharpen: 11,
  composite: 12,
  linear: 13,
  removeAlpha: 14,
  // The output colour space comes here (`run`).
  negate: 15,
} as const;

const usesResize = (op: Op): boolean => op.kind === 'resize' || op.kind === 'smartcrop';

function stageOf(op: Op, before: readonly Op[]): number {
  switch (op.kind) {
    case 'extract':
      // sharp extracts before the resize unless a resize was requested before the extract.
      return before.some(usesResize) ? Stage.postExtract : Stage.preExtract;
    case 'resize':
      return Stage.resize;
    case 'orient':
      return Stage.orient;
    case 'smartcrop':
      return Stage.canvasCrop;
    case 'extend':
      return Stage.extend;
    case 'greyscale':
      return Stage.pipelineSpace;
    case 'rotate':
    case 'blur':
    case 'recomb':
    case 'modulate':
    case 'sharpen':
    case 'composite':
    case 'linear':
    case 'removeAlpha':
    case 'negate':
      return Stage[op.kind];
  }
}

/** sharp keeps one rotation angle per pipeline: an arbitrary angle would replace a right-angle turn. */
function conflicts(ops: readonly Op[], op: Op): boolean {
  return op.kind === 'rotate' && ops.some((o) => o.kind === 'orient' && asSharpCalls(o.orientation).rotate !== 0);
}

/** The queue with `op` folded into its last operation, when the two are one sharp call. */
function merged(ops: readonly Op[], op: Op): readonly Op[] | undefined {
  const last = ops.at(-1);
  const before = ops.slice(0, -1);
  if (last?.kind === 'extract' && op.kind === 'extract') {
    // A crop of a crop is one crop.
    const rect = { ...op.rect, left: last.rect.left + op.rect.left, top: last.rect.top + op.rect.top };
    return [...before, { kind: 'extract', rect }];
  }
  if (last?.kind === 'orient' && op.kind === 'orient') {
    const orientation = compose(last.orientation, op.orientation);
    return isUpright(orientation) ? before : [...before, { kind: 'orient', orientation }];
  }
  if (last?.kind === 'orient' && op.kind === 'resize' && before.every((o) => stageOf(o, []) < Stage.resize)) {
    // Resizing commutes with right-angle turns and mirrors once its axes are swapped. Orienting
    // after the resize keeps sharp's shrink-on-load (JPEG DCT scaling, SVG rendered at size).
    const resize = swapsAxes(last.orientation) ? { ...op, width: op.pageHeight, pageHeight: op.width } : op;
    return [...before, resize, last];
  }
  return undefined;
}

function fitsAfter(ops: readonly Op[], op: Op): boolean {
  const last = ops.at(-1);
  if (last === undefined) return true;
  // sharp has one resize per pipeline, and a smart crop is a resize.
  if (usesResize(op) && ops.some(usesResize)) return false;
  if (conflicts(ops, op)) return false;
  return stageOf(op, ops) > stageOf(last, ops.slice(0, -1));
}

/**
 * Queues `op` after the operations already queued, so that it acts on the image as the previous
 * steps left it. The caller updates the facts (size, alpha) of the returned image.
 */
export async function queue(image: PipelineImage, op: Op): Promise<PipelineImage> {
  const folded = merged(image.ops, op);
  if (folded) return { ...image, ops: folded };
  if (fitsAfter(image.ops, op)) return { ...image, ops: [...image.ops, op] };
  // sharp would run `op` before something queued earlier: compute what we have first.
  const computed = await materialise(image);
  return { ...computed, ops: [op] };
}

function applyOp(pipeline: Sharp, op: Op): Sharp {
  switch (op.kind) {
    case 'resize':
      return pipeline.resize(op.width, op.pageHeight, { fit: 'fill', fastShrinkOnLoad: op.fastShrinkOnLoad });
    case 'orient': {
      const calls = asSharpCalls(op.orientation);
      const mirrored = calls.flop ? pipeline.flop() : pipeline;
      return calls.rotate === 0 ? mirrored : mirrored.rotate(calls.rotate);
    }
    case 'smartcrop':
      return pipeline.resize(op.width, op.height, { fit: 'cover', position: op.strategy });
    case 'extract':
      return pipeline.extract(op.rect);
    case 'extend':
      return pipeline.extend({ ...op.edges, background: sharpColour(op.background) });
    case 'rotate':
      return pipeline.rotate(op.angle, { background: sharpColour(op.background) });
    case 'blur':
      return op.sigma === 'mild' ? pipeline.blur() : pipeline.blur(op.sigma);
    case 'recomb':
      return pipeline.recomb(op.matrix);
    case 'modulate':
      return pipeline.modulate({ brightness: op.brightness, saturation: op.saturation, hue: op.hue });
    case 'sharpen':
      return op.sigma === 'mild'
        ? pipeline.sharpen()
        : pipeline.sharpen({ sigma: op.sigma, m1: op.flat, m2: op.jagged });
    case 'composite':
      return pipeline.composite(op.layers.map(overlay));
    case 'linear':
      return pipeline.linear(1, op.offset);
    case 'removeAlpha':
      return pipeline.removeAlpha();
    case 'negate':
      return pipeline.negate({ alpha: false });
    case 'greyscale':
      return pipeline.pipelineColourspace('b-w');
  }
}

function sharpColour([r, g, b, a]: Rgba): { r: number; g: number; b: number; alpha: number } {
  return { r, g, b, alpha: a / 255 };
}

/** Tiled from the top-left corner, so a frame-sized layer lands on every frame of a strip. */
function overlay(layer: Layer): OverlayOptions {
  return { input: Buffer.from(layer.svg), blend: layer.blend, tile: true, left: 0, top: 0 };
}

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

/** A fresh sharp pipeline over raw pixels laid out as a vertical strip of frames. */
function fromRaw(data: Buffer, frame: Frame, pages: number, channels: 3 | 4): () => Sharp {
  const height = frame.pageHeight * pages;
  return () => sharp(data, {
    raw: { width: frame.width, height, channels, ...(pages > 1 ? { pageHeight: frame.pageHeight } : {}) },
    // Per-frame operations (resize, extract, extend) need sharp to know the frame count.
    ...(pages > 1 ? { pages: -1 } : {}),
    // Already checked on input; a materialised output may legitimately be larger.
    limitInputPixels: false,
    sequentialRead: true,
  });
}

/** Whether the image is raw pixels already in memory, with nothing queued on them. */
function inMemory(image: PipelineImage): image is PipelineImage & { readonly pixels: RawPixels } {
  return image.ops.length === 0 && image.pixels !== undefined;
}

async function computeRaw(image: PipelineImage): Promise<RawPixels> {
  if (inMemory(image)) return image.pixels;
  const { data, info } = await run(image, (pipeline) => pipeline.raw().toBuffer({ resolveWithObject: true }), 'srgb');
  const channels = info.channels;
  // sharp's info does not always report the final size, so check our facts against the bytes.
  if ((channels !== 3 && channels !== 4) || data.length !== image.width * image.pageHeight * image.pages * channels) {
    const facts = `${image.width}x${image.pageHeight}x${image.pages}`;
    throw new Error(`pipeline facts out of sync: ${facts} vs ${data.length} bytes, ${channels} bands`);
  }
  return { data, channels };
}

/** `image` continuing from `pixels` (a strip of frames of the given size). */
function fromPixels(image: PipelineImage, pixels: RawPixels, frame: Frame, computed: boolean): PipelineImage {
  return {
    ...image,
    source: fromRaw(pixels.data, frame, image.pages, pixels.channels),
    ops: [],
    width: frame.width,
    pageHeight: frame.pageHeight,
    grey: false,
    hasAlpha: pixels.channels === 4,
    pixels,
    materialisations: image.materialisations + (computed ? 1 : 0),
  };
}

/** Computes the queued operations into memory and continues from those pixels. */
export async function materialise(image: PipelineImage): Promise<PipelineImage> {
  return (await withPixels(image)).image;
}

/** `materialise`, also handing over the pixels, for steps that must look at them (trim). */
export async function withPixels(image: PipelineImage): Promise<{ image: PipelineImage; pixels: RawPixels }> {
  if (inMemory(image)) return { image, pixels: image.pixels };
  const pixels = await computeRaw(image);
  return { image: fromPixels(image, pixels, image, true), pixels };
}

/**
 * Applies `transform` to the pixels in memory, for what sharp has no operation for (lookup tables
 * and the reference's own compositing formula). The transform may add or drop the alpha band.
 */
export async function transformPixels(
  image: PipelineImage,
  transform: (pixels: RawPixels) => RawPixels,
): Promise<PipelineImage> {
  const computed = !inMemory(image);
  const output = transform(await computeRaw(image));
  if (output.data.length !== image.width * image.pageHeight * image.pages * output.channels) {
    throw new Error(`pixel transform returned ${output.data.length} bytes of ${output.channels} bands`);
  }
  return fromPixels(image, output, image, computed);
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

/**
 * Applies `transform` to every frame on its own, for the operations sharp can only do on a single
 * image (right-angle rotations and flips of animations). `frame` is the size each frame becomes.
 */
export async function mapFrames(
  image: PipelineImage,
  transform: (frame: Sharp) => Sharp,
  frame: Frame,
): Promise<PipelineImage> {
  const { data, channels } = await computeRaw(image);
  const frameBytes = image.width * image.pageHeight * channels;
  const outputBytes = frame.width * frame.pageHeight * channels;
  const frames = await Promise.all(
    Array.from({ length: image.pages }, async (_, index) => {
      const pixels = data.subarray(index * frameBytes, (index + 1) * frameBytes);
      const input = sharp(pixels, { raw: { width: image.width, height: image.pageHeight, channels } });
      const output = await runSharp(transform(input), image.job, false, (pipeline) => pipeline.raw().toBuffer());
      if (output.length !== outputBytes) throw new Error(`frame ${index}: ${output.length} bytes, expected ${outputBytes}`);
      return output;
    }),
  );
  return fromPixels(image, { data: Buffer.concat(frames), channels }, frame, true);
}

/** A processing step: does nothing (returns `image`) unless the plan asks for it. */
export type Step = (image: PipelineImage, plan: Plan) => Promise<PipelineImage>;
