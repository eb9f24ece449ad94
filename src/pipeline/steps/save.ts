/**
 * Step 17, save (spec 3.8, 4.2 item 6, 4.3, 4.4): pick the encoder, check it is enabled, run the
 * queued operations and encode. `output=json` describes the image without computing its pixels;
 * `output=blurhash` (extension) computes them and describes them as a BlurHash string.
 */
import type { Sharp } from 'sharp';
import type { ImageFormat, Plan } from '../../plan/types.js';
import { animationOf } from '../animation.js';
import { blurhashOf } from '../blurhash.js';
import { encoderOf, type Animation, type Encoder } from '../encoders.js';
import { spaceOf, type PipelineImage } from '../image.js';
import { run } from '../run.js';
import { jsonDescription } from '../json.js';
import { chooseOutput, saverDisabled, type SaveFormat } from '../output-format.js';
import type { PipelineOutput } from '../types.js';
import { uprightTag } from '../upright-tag.js';

type Saver = Encoder | 'json' | 'blurhash';

/**
 * The encoder for `format`, or SAVER_DISABLED when configuration or this build rule it out.
 * BlurHash is not one of the spec's savers (it is never listed) and is always available.
 */
function saverFor(format: SaveFormat, enabled: readonly (ImageFormat | 'json')[]): Saver {
  if (format === 'blurhash') return 'blurhash';
  const saver = (candidate: SaveFormat): Encoder | 'json' | undefined => {
    if (candidate === 'blurhash' || !enabled.includes(candidate)) return undefined;
    return candidate === 'json' ? 'json' : encoderOf(candidate);
  };
  const chosen = saver(format);
  if (chosen === undefined) throw saverDisabled(format, (candidate) => saver(candidate) !== undefined);
  return chosen;
}

/** RGB sources with an embedded profile whose pixels were never converted: their profile can stay. */
function keepsSourceProfile(image: PipelineImage): boolean {
  const meta = image.input.metadata;
  const rgbSource = meta.space === 'srgb' || meta.space === 'rgb16';
  return meta.hasProfile && rgbSource && spaceOf(image) === 'srgb' && image.materialisations === 0;
}

/**
 * `icc` (extension): keep the source's ICC profile instead of converting to sRGB and stripping
 * it. Only where the pixels are still in the source's space: not for CMYK or greyscale sources
 * (their profile does not describe RGB output), not for greyscale output (`filt=greyscale`), nor
 * once a step computed pixels in memory (those are sRGB already); those outputs are sRGB without a
 * profile, as without `icc`.
 */
function withProfile(pipeline: Sharp, image: PipelineImage, plan: Plan, encoder: Encoder): Sharp {
  return plan.icc === true && encoder.keepsProfile && keepsSourceProfile(image) ? pipeline.keepIccProfile() : pipeline;
}

async function blurhash(image: PipelineImage): Promise<Buffer> {
  const { data, info } = await run(image, (pipeline) => pipeline.raw().toBuffer({ resolveWithObject: true }));
  const { channels } = info;
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) throw new Error(`${channels} bands`);
  return Buffer.from(await blurhashOf({ data, width: info.width, pageHeight: image.pageHeight, channels }));
}

export async function save(image: PipelineImage, plan: Plan): Promise<PipelineOutput> {
  const format = chooseOutput(plan.output, image.input.type, image.hasAlpha);
  const saver = saverFor(format, image.job.limits.enabledOutputs);
  const facts = { width: image.width, height: image.pageHeight * image.pages, frames: image.pages, inputType: image.input.type };

  if (saver === 'json') {
    return { ...facts, data: Buffer.from(jsonDescription(image, plan)), contentType: 'application/json', extension: undefined };
  }
  if (saver === 'blurhash') {
    return { ...facts, data: await blurhash(image), contentType: 'text/plain; charset=utf-8', extension: undefined };
  }
  const animation: Animation | undefined = image.pages > 1 ? animationOf(image, plan) : undefined;
  const data = await run(image, (pipeline) => saver.encode(withProfile(uprightTag(pipeline), image, plan, saver), plan, animation, image.hasAlpha));
  return { ...facts, data, contentType: saver.contentType, extension: saver.extension };
}
