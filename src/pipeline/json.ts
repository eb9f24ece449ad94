/**
 * `output=json` (spec 4.4): the processed image described as compact JSON, keys in the spec's
 * order, optional keys only when known. `format` is the input's type; sizes are the output's.
 */
import type { Plan } from '../plan/types.js';
import { plannedDelays } from './animation.js';
import { channelsOf, spaceOf, type PipelineImage } from './image.js';
import { fromExif, isUpright } from './dihedral.js';

/** sharp reports rounded dpi; the reference reports only densities above 1 pixel/mm (25.4 dpi). */
const DEFAULT_DPI = 25;

/**
 * The reference drops the EXIF tag only when it turns or mirrors; a tag that needs no turning
 * (1, or an unknown value) and no user `ro`/`flip`/`flop` stays attached.
 */
function remainingOrientation(tag: number | undefined, plan: Plan): number {
  const userTurns = (plan.ro !== undefined && plan.ro % 90 === 0) || plan.flip === true || plan.flop === true;
  return tag === undefined || userTurns || !isUpright(fromExif(tag)) ? 0 : tag;
}

/**
 * The reference reports a page height whenever its loader set one: GIF always, animated WebP, and
 * any strip of several frames. sharp reports it only for strips.
 */
function pageHeightKnown(image: PipelineImage): boolean {
  const { type, metadata } = image.input;
  return (
    metadata.pageHeight !== undefined ||
    image.pages > 1 ||
    type === 'gif' ||
    (type === 'webp' && (metadata.pages ?? 1) > 1)
  );
}

export function jsonDescription(image: PipelineImage, plan: Plan): string {
  const meta = image.input.metadata;
  // `loop` and `delay` are set on the image before it is described (spec 3.10).
  const loop = plan.loop ?? meta.loop;
  const delay = plannedDelays(plan, image.pages) ?? meta.delay;
  const description = {
    format: image.input.type,
    width: image.width,
    height: image.pageHeight * image.pages,
    // Every run converts to 8-bit sRGB, or to greyscale after `filt=greyscale`.
    space: spaceOf(image),
    channels: channelsOf(image),
    depth: 'uchar',
    ...(meta.density !== undefined && meta.density > DEFAULT_DPI ? { density: meta.density } : {}),
    ...(meta.chromaSubsampling === undefined ? {} : { chromaSubsampling: meta.chromaSubsampling }),
    isProgressive: meta.isProgressive,
    ...(meta.isPalette && meta.bitsPerSample !== undefined ? { paletteBitDepth: meta.bitsPerSample } : {}),
    ...(meta.pages === undefined ? {} : { pages: meta.pages }),
    ...(pageHeightKnown(image) ? { pageHeight: image.pageHeight } : {}),
    ...(loop === undefined ? {} : { loop }),
    ...(delay === undefined ? {} : { delay }),
    ...(meta.pagePrimary === undefined ? {} : { pagePrimary: meta.pagePrimary }),
    hasProfile: meta.hasProfile,
    hasAlpha: image.hasAlpha,
    orientation: remainingOrientation(meta.orientation, plan),
  };
  return JSON.stringify(description);
}
