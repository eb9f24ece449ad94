/**
 * Step 1, load (spec 2.1, 4.1, 4.2): recognise the format by its magic bytes, choose the pages,
 * read what they declare, enforce the input pixel and page limits, and only then decode. Vector
 * formats (SVG, PDF) are rendered at the resolution the output needs (spec 3.1).
 */
import type { Metadata } from 'sharp';
import { ServiceError } from '../../errors.js';
import type { Plan } from '../../plan/types.js';
import { findDecoder, type DecodeRequest, type Decoder, type PageSelection } from '../decoders/index.js';
import { resizeTarget, resolveTargetSize, type Frame, type TargetSize } from '../geometry.js';
import type { Job, PipelineImage } from '../image.js';
import { fromExif, swapsAxes } from '../dihedral.js';
import { pyramidLevel } from '../pyramid.js';
import { fromSharpError } from '../sharp-errors.js';
import type { PipelineLimits } from '../types.js';

/** A header read: a failure here means the input cannot be read at all. */
async function readHeader<T>(read: () => Promise<T>, job: Job): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    const mapped = fromSharpError(error, {
      decoding: true,
      maxInputPixels: job.limits.maxInputPixels,
      timeoutSeconds: job.limits.timeoutSeconds,
      startedAt: job.startedAt,
    });
    if (mapped.code === 'INPUT_PIXELS') throw mapped;
    throw new ServiceError('NOT_READABLE', undefined, { cause: error });
  }
}

function tooManyPages(limits: PipelineLimits): ServiceError {
  return new ServiceError('TOO_MANY_PAGES', String(limits.maxPages));
}

function request(selection: PageSelection, limits: PipelineLimits, scale = 1, job?: Job): DecodeRequest {
  const clock = job === undefined ? undefined : { timeoutSeconds: limits.timeoutSeconds, startedAt: job.startedAt };
  return { ...selection, maxInputPixels: limits.maxInputPixels, scale, ...(clock ? { clock } : {}) };
}

/** Spec 4.2 item 1: `page=-1` is the largest page, `-2` the smallest (the first one wins ties). */
async function pickPage(decoder: Decoder, input: Buffer, largest: boolean, job: Job): Promise<number> {
  const first = { page: 0, pages: 1, primary: false };
  const header = await readHeader(() => decoder.header(input, request(first, job.limits)), job);
  if ((header.pages ?? 1) > job.limits.maxPages) throw tooManyPages(job.limits);
  if (decoder.uniformPages) return 0;
  const sizes = await readHeader(() => decoder.pageSizes(input), job);
  let chosen = 0;
  sizes.forEach((size, page) => {
    const best = sizes[chosen];
    const area = size.width * size.height;
    if (best !== undefined && (largest ? area > best.width * best.height : area < best.width * best.height)) chosen = page;
  });
  return chosen;
}

async function selectPages(decoder: Decoder, input: Buffer, plan: Plan, job: Job): Promise<PageSelection> {
  if (!decoder.multiPage) return { page: 0, pages: 1, primary: false };
  const primary = plan.page === undefined && plan.n === undefined;
  if (primary && decoder.type === 'tiff') {
    const level = pyramidLevel(await readHeader(() => decoder.pageSizes(input), job), plan);
    if (level !== undefined) return { page: level, pages: 1, primary: false };
  }
  const pages = plan.n ?? 1;
  const page = plan.page ?? 0;
  if (page === -1 || page === -2) {
    return { page: await pickPage(decoder, input, page === -1, job), pages, primary: false };
  }
  if (page > 0 || pages > 1) {
    // Asking libvips for a page beyond the end costs time in proportion to the page number (and
    // cannot be cancelled): count the pages from the first one's header and refuse at once.
    const first = await readHeader(() => decoder.header(input, request({ page: 0, pages: 1, primary: false }, job.limits)), job);
    const total = first.pages ?? 1;
    if (page >= total || (pages !== -1 && page + pages > total)) throw new ServiceError('NOT_READABLE');
  }
  return { page, pages, primary };
}

/** Frames in the loaded strip: several only when they share one size (`pageHeight`). */
function framesOf(metadata: Metadata): number {
  const { height, pageHeight } = metadata;
  return pageHeight !== undefined && pageHeight > 0 && pageHeight < height && height % pageHeight === 0
    ? height / pageHeight
    : 1;
}

/** Smallest and largest vector scale: sharp's density range is 1-100000 dpi. */
const MIN_SCALE = 1 / 72;
const MAX_SCALE = 100_000 / 72;

/**
 * Spec 3.1: vectors are rasterised at the output resolution, never enlarged from 72 dpi. The
 * scale makes a frame about the size the resize step will produce (which then only corrects the
 * rounding). Not with `precrop` (its crop is in 72-dpi pixels) nor when the resize will refuse
 * the size anyway (the output limit, checked there).
 */
function vectorScale(plan: Plan, frame: Frame, target: TargetSize, frames: number, limits: PipelineLimits): number {
  if (plan.precrop === true) return 1;
  if (target.w === 0 && target.h === 0) return 1;
  const output = resizeTarget(frame, target, plan.fit ?? 'inside', plan.we === true);
  if (output.width * output.pageHeight * frames > limits.maxOutputPixels) return 1;
  const scale = Math.max(output.width / frame.width, output.pageHeight / frame.pageHeight);
  return Math.min(Math.max(scale, MIN_SCALE), MAX_SCALE);
}

export async function load(input: Buffer, plan: Plan, job: Job): Promise<PipelineImage> {
  const decoder = findDecoder(input);
  if (decoder === undefined) throw new ServiceError('NOT_AN_IMAGE');
  const { limits } = job;

  const selection = await selectPages(decoder, input, plan, job);
  // Pages beyond the end make the header fail: "not readable" (spec 4.2 item 3).
  const metadata = await readHeader(() => decoder.header(input, request(selection, limits)), job);

  // The order of these checks is the reference's: pixels of the whole strip, then pages.
  if (metadata.width * metadata.height > limits.maxInputPixels) {
    throw new ServiceError('INPUT_PIXELS', String(limits.maxInputPixels));
  }
  const requested = !decoder.multiPage
    ? 1
    : selection.pages === -1
      ? Math.max((metadata.pages ?? 1) - selection.page, 1)
      : selection.pages;
  if (requested > limits.maxPages) throw tooManyPages(limits);

  const pages = framesOf(metadata);
  const declared = { width: metadata.width, pageHeight: metadata.height / pages };
  const upright = swapsAxes(fromExif(metadata.orientation))
    ? { width: declared.pageHeight, pageHeight: declared.width }
    : declared;

  // Spec 2b-2e, once for every step: the requested size against the upright frame.
  const target = resolveTargetSize(plan, upright);
  const scale = decoder.vector ? vectorScale(plan, upright, target, pages, limits) : 1;
  let source;
  try {
    source = await decoder.open(input, request(selection, limits, scale, job));
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError('NOT_READABLE', undefined, { cause: error });
  }
  // What was decoded: a vector at its rendering size, raw pixels with their real bands.
  const decoded = scale !== 1 || metadata.format === 'raw' ? await readHeader(() => source().metadata(), job) : metadata;

  return {
    source,
    ops: [],
    width: decoded.width,
    pageHeight: decoded.height / pages,
    pages,
    hasAlpha: decoded.hasAlpha,
    grey: decoded.channels <= 2,
    input: { type: decoder.type, metadata, page: selection.page, frame: upright, target },
    job,
    materialisations: 0,
  };
}
