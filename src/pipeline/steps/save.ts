/**
 * Step 17, save (spec 3.8, 4.2 item 6, 4.3, 4.4): pick the encoder, check it is enabled, run the
 * queued operations and encode. `output=json` describes the image without computing its pixels.
 */
import type { ImageFormat, Plan } from '../../plan/types.js';
import { encoderOf, type Animation, type Encoder } from '../encoders.js';
import type { PipelineImage } from '../image.js';
import { run } from '../image.js';
import { jsonDescription } from '../json.js';
import { chooseOutput, saverDisabled, type SaveFormat } from '../output-format.js';
import type { PipelineOutput } from '../types.js';

/** The encoder for `format`, 'json', or SAVER_DISABLED when configuration or this build rule it out. */
function saverFor(format: SaveFormat, enabled: readonly (ImageFormat | 'json')[]): Encoder | 'json' {
  const saver = (candidate: SaveFormat): Encoder | 'json' | undefined => {
    if (candidate === 'blurhash' || !enabled.includes(candidate)) return undefined;
    return candidate === 'json' ? 'json' : encoderOf(candidate);
  };
  const chosen = saver(format);
  if (chosen === undefined) throw saverDisabled(format, (candidate) => saver(candidate) !== undefined);
  return chosen;
}

/**
 * Loop and frame delays of an animated output: the plan's, or those of the loaded frames of the
 * source (whose metadata lists the delays of all its frames).
 */
function animationOf(image: PipelineImage, plan: Plan): Animation | undefined {
  if (image.pages <= 1) return undefined;
  const meta = image.input.metadata;
  const { page } = image.input;
  const sourceDelay =
    meta.delay !== undefined && meta.delay.length >= page + image.pages
      ? meta.delay.slice(page, page + image.pages)
      : meta.delay;
  const loop = plan.loop ?? meta.loop;
  const delay = (plan.delay?.length === 1 ? plan.delay[0] : plan.delay) ?? sourceDelay;
  return { ...(loop === undefined ? {} : { loop }), ...(delay === undefined ? {} : { delay }) };
}

export async function save(image: PipelineImage, plan: Plan): Promise<PipelineOutput> {
  const format = chooseOutput(plan.output, image.input.type, image.hasAlpha);
  const saver = saverFor(format, image.job.limits.enabledOutputs);
  const facts = { width: image.width, height: image.pageHeight * image.pages, inputType: image.input.type };

  if (saver === 'json') {
    return { ...facts, data: Buffer.from(jsonDescription(image, plan)), contentType: 'application/json', extension: undefined };
  }
  const animation = animationOf(image, plan);
  const data = await run(image, (pipeline) => saver.encode(pipeline, plan, animation).toBuffer());
  return { ...facts, data, contentType: saver.contentType, extension: saver.extension };
}
