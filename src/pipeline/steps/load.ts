/**
 * Step 1, load (spec 2.1, 4.1, 4.2): recognise the format by its magic bytes, choose the pages,
 * read the header once, and enforce the input pixel and page limits before any pixel is decoded.
 */
import type { Metadata, Sharp } from 'sharp';
import { ServiceError } from '../../errors.js';
import type { Plan } from '../../plan/types.js';
import { findDecoder, type Decoder, type PageSelection } from '../decoders/index.js';
import type { Job, PipelineImage } from '../image.js';
import { fromExif, swapsAxes } from '../orientation.js';
import { fromSharpError } from '../sharp-errors.js';
import type { PipelineLimits } from '../types.js';

/** Header only: a failure here means the input cannot be read at all. */
async function readHeader(source: Sharp, job: Job): Promise<Metadata> {
  try {
    return await source.metadata();
  } catch (error) {
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

/** Spec 4.2 item 1: `page=-1` is the largest page, `-2` the smallest (the first one wins ties). */
async function pickPage(decoder: Decoder, input: Buffer, largest: boolean, job: Job): Promise<number> {
  const request = { page: 0, pages: 1, maxInputPixels: job.limits.maxInputPixels };
  const first = await readHeader((await decoder.open(input, request))(), job);
  const total = first.pages ?? 1;
  if (total > job.limits.maxPages) throw tooManyPages(job.limits);
  if (decoder.uniformPages) return 0;
  let chosen = 0;
  let chosenArea = first.width * first.height;
  for (let page = 1; page < total; page++) {
    const header = await readHeader((await decoder.open(input, { ...request, page }))(), job);
    const area = header.width * header.height;
    if (largest ? area > chosenArea : area < chosenArea) {
      chosen = page;
      chosenArea = area;
    }
  }
  return chosen;
}

async function selectPages(decoder: Decoder, input: Buffer, plan: Plan, job: Job): Promise<PageSelection> {
  if (!decoder.multiPage) return { page: 0, pages: 1 };
  const pages = plan.n ?? 1;
  const page = plan.page ?? 0;
  if (page === -1 || page === -2) return { page: await pickPage(decoder, input, page === -1, job), pages };
  return { page, pages };
}

export async function load(input: Buffer, plan: Plan, job: Job): Promise<PipelineImage> {
  const decoder = findDecoder(input);
  if (decoder === undefined) throw new ServiceError('NOT_AN_IMAGE');
  const { limits } = job;

  const selection = await selectPages(decoder, input, plan, job);
  const source = await decoder.open(input, { ...selection, maxInputPixels: limits.maxInputPixels });
  // Pages beyond the end make the loader fail here: "not readable" (spec 4.2 item 3).
  const metadata = await readHeader(source(), job);

  // The order of these checks is the reference's: pixels of the whole strip, then pages.
  if (metadata.width * metadata.height > limits.maxInputPixels) {
    throw new ServiceError('INPUT_PIXELS', String(limits.maxInputPixels));
  }
  const pages = selection.pages === -1 ? Math.max((metadata.pages ?? 1) - selection.page, 1) : selection.pages;
  if (pages > limits.maxPages) throw tooManyPages(limits);

  const pageHeight = pages > 1 ? (metadata.pageHeight ?? metadata.height / pages) : metadata.height;
  const upright = swapsAxes(fromExif(metadata.orientation))
    ? { width: pageHeight, pageHeight: metadata.width }
    : { width: metadata.width, pageHeight };
  return {
    source,
    ops: [],
    width: metadata.width,
    pageHeight,
    pages,
    hasAlpha: metadata.hasAlpha,
    grey: metadata.channels <= 2,
    input: { type: decoder.type, metadata, page: selection.page, frame: upright },
    job,
    materialisations: 0,
  };
}
