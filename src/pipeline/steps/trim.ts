/**
 * Step 3, trim (spec 3.4): `trim`, `tbg`. Runs first, on the full-size image: cuts away the edges
 * that are close to a background colour (the top-left pixel by default). Animations keep their
 * full frame height; only left and right are trimmed.
 */
import sharp from 'sharp';
import type { Rect } from '../geometry.js';
import type { Job, PipelineImage, RawPixels, Step } from '../image.js';
import { withPixels } from '../in-memory.js';
import { runSharp } from '../run.js';
import type { Triple } from '../cielab.js';
import { flatten, topLeftColour } from '../pixels.js';
import { extractFrames } from '../queue.js';

/**
 * libvips `find_trim` through sharp, on the colour bands flattened against the background (what
 * find_trim itself does; sharp's trim would also search the alpha band, the reference does not).
 * A box of zero size (the whole image is background) comes back as the whole image.
 */
async function findTrimBox(
  pixels: RawPixels,
  size: { width: number; height: number },
  background: Triple,
  threshold: number,
  job: Job,
): Promise<Rect> {
  const flat = flatten(pixels, background);
  const [r, g, b] = background;
  const input = sharp(flat.data, { raw: { ...size, channels: 3 }, limitInputPixels: false });
  const { info } = await runSharp(input.trim({ background: { r, g, b }, threshold }), job, false, (pipeline) =>
    pipeline.raw().toBuffer({ resolveWithObject: true }),
  );
  return { left: -(info.trimOffsetLeft ?? 0), top: -(info.trimOffsetTop ?? 0), width: info.width, height: info.height };
}

/**
 * Whether libvips can search the input as it is decoded: one opaque 8-bit sRGB frame without a
 * profile, with nothing queued, so the source's values are the pixels the steps would see.
 */
function streamable(image: PipelineImage): boolean {
  const meta = image.input.metadata;
  return (
    image.ops.length === 0 &&
    image.materialisations === 0 &&
    image.pixels === undefined &&
    image.pages === 1 &&
    !image.hasAlpha &&
    !image.grey &&
    meta.space === 'srgb' &&
    meta.depth === 'uchar' &&
    !meta.hasProfile
  );
}

/**
 * Finds the box while libvips decodes, holding no copy of the image: the top-left pixel first
 * (a sequential decode stops after the first rows), then `find_trim` as the rows stream past. Only
 * one band of the trimmed area is written out, for its size. The crop is then queued on the
 * undecoded input: the pass that follows decodes only down to the box's last row, and a crop before
 * the resize keeps sharp from shrinking on load, as trimming must (spec 4a).
 */
async function streamedTrimBox(image: PipelineImage, tbg: Triple | undefined, threshold: number): Promise<Rect> {
  let background = tbg;
  if (background === undefined) {
    const corner = await runSharp(image.source().extract({ left: 0, top: 0, width: 1, height: 1 }), image.job, true, (pipeline) =>
      pipeline.raw().toBuffer(),
    );
    background = [corner[0] ?? 0, corner[1] ?? 0, corner[2] ?? 0];
  }
  const [r, g, b] = background;
  const { info } = await runSharp(image.source().trim({ background: { r, g, b }, threshold }), image.job, true, (pipeline) =>
    pipeline.extractChannel(0).raw().toBuffer({ resolveWithObject: true }),
  );
  return { left: -(info.trimOffsetLeft ?? 0), top: -(info.trimOffsetTop ?? 0), width: info.width, height: info.height };
}

export const trim: Step = async (image, plan) => {
  if (plan.trim === undefined) return image;
  const height = image.pageHeight * image.pages;
  if (image.width < 3 || height < 3) return image;

  if (streamable(image)) {
    const tbg: Triple | undefined = plan.tbg === undefined ? undefined : [plan.tbg[0], plan.tbg[1], plan.tbg[2]];
    return extractFrames(image, await streamedTrimBox(image, tbg, plan.trim));
  }

  // The box depends on the pixels: compute them (full size; trim precedes every resize).
  const { image: ready, pixels } = await withPixels(image);
  const background: Triple = plan.tbg === undefined ? topLeftColour(pixels) : [plan.tbg[0], plan.tbg[1], plan.tbg[2]];
  // A strip of frames is searched as one image, as the reference does.
  const box = await findTrimBox(pixels, { width: ready.width, height }, background, plan.trim, ready.job);
  const rect = ready.pages > 1 ? { ...box, top: 0, height: ready.pageHeight } : box;
  return extractFrames(ready, rect);
};
