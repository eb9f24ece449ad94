/**
 * The in-memory pixel paths: computing the queued operations into raw pixels and continuing from
 * them, for what sharp has no operation for, would reorder, or can only do frame by frame.
 */
import sharp, { type Sharp } from 'sharp';
import type { Frame } from './geometry.js';
import type { PipelineImage, RawPixels } from './image.js';
import { run, runSharp } from './run.js';

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
export function fromPixels(image: PipelineImage, pixels: RawPixels, frame: Frame, computed: boolean): PipelineImage {
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

