/**
 * Encoder settings per output format (spec 3.8 table). sharp strips all metadata by default,
 * which is what every output needs. JPEG XL goes through a WebAssembly encoder (jxl.ts): this
 * sharp build cannot write it.
 */
import type { Sharp } from 'sharp';
import type { ImageFormat, Plan } from '../plan/types.js';
import { encodeJxl } from './jxl.js';

export interface Animation {
  /** 0 = forever. */
  readonly loop?: number;
  /** Milliseconds per frame; one value applies to every frame. */
  readonly delay?: number | readonly number[];
}

export interface Encoder {
  /** For Content-Disposition. */
  readonly extension: ImageFormat;
  readonly contentType: string;
  /** `animation` is given only for strips of several frames; `alpha`: the pixels have an alpha band. */
  encode(pipeline: Sharp, plan: Plan, animation: Animation | undefined, alpha: boolean): Promise<Buffer>;
  /** Whether `icc` can keep the source's profile in this format. */
  readonly keepsProfile: boolean;
}

/** An encoder that is a sharp saver call. */
function sharpSaver(
  extension: ImageFormat,
  contentType: string,
  saver: (pipeline: Sharp, plan: Plan, animation: Animation | undefined, alpha: boolean) => Sharp,
): Encoder {
  return {
    extension,
    contentType,
    keepsProfile: true,
    encode: (pipeline, plan, animation, alpha) => saver(pipeline, plan, animation, alpha).toBuffer(),
  };
}

/** Quality default for jpg, webp, avif and tiff (spec 7); avif differs from sharp's 50. */
const DEFAULT_QUALITY = 80;
/** libvips "auto" chroma subsampling: 4:4:4 from quality 90 up. */
const chromaFor = (quality: number): '4:4:4' | '4:2:0' => (quality >= 90 ? '4:4:4' : '4:2:0');

function animationOptions(animation: Animation | undefined): { loop?: number; delay?: number | number[] } {
  if (animation === undefined) return {};
  const { loop, delay } = animation;
  return {
    ...(loop === undefined ? {} : { loop }),
    ...(delay === undefined ? {} : { delay: typeof delay === 'number' ? delay : [...delay] }),
  };
}

/** zlib level of the reference's PNG saver (spec 3.8). */
const DEFAULT_PNG_LEVEL = 6;

/** `palette: false`: no quantisation, as the reference (spec 3.8). */
function savePng(pipeline: Sharp, plan: Plan, level: number): Promise<Buffer> {
  return pipeline
    .png({ compressionLevel: level, progressive: plan.il === true, adaptiveFiltering: plan.af === true, palette: false })
    .toBuffer();
}

/** `channels` of sharp's raw output: 1-4, else a bug upstream of the encoder. */
async function rawPixels(pipeline: Sharp): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

const encoders: Readonly<Record<ImageFormat, Encoder>> = {
  // Alpha is flattened onto black by the JPEG saver itself (spec 4.3 item 3).
  jpg: sharpSaver('jpg', 'image/jpeg', (pipeline, plan) => {
    const quality = plan.q ?? DEFAULT_QUALITY;
    return pipeline.jpeg({
      quality,
      progressive: plan.il === true,
      optimiseCoding: true,
      chromaSubsampling: chromaFor(quality),
    });
  }),
  png: {
    extension: 'png',
    contentType: 'image/png',
    keepsProfile: true,
    encode: (pipeline, plan) => {
      const level = plan.l ?? DEFAULT_PNG_LEVEL;
      if (level <= DEFAULT_PNG_LEVEL) return savePng(pipeline, plan, level);
      // zlib's levels above 6 only search longer, and with libspng's filters that sometimes
      // compresses worse (up to 7% on the fixtures). A level asked for to save bytes must never
      // cost bytes: encode both and keep the smaller, paying the CPU the level asked to spend.
      return Promise.all([savePng(pipeline.clone(), plan, level), savePng(pipeline, plan, DEFAULT_PNG_LEVEL)]).then(
        ([requested, fallback]) => (requested.length <= fallback.length ? requested : fallback),
      );
    },
  },
  webp: sharpSaver('webp', 'image/webp', (pipeline, plan, animation) =>
    pipeline.webp({
      quality: plan.q ?? DEFAULT_QUALITY,
      lossless: plan.ll === true,
      effort: 4,
      ...animationOptions(animation),
    }),
  ),
  // Never animated: a strip of frames is saved as one tall image.
  avif: sharpSaver('avif', 'image/avif', (pipeline, plan) => {
    const quality = plan.q ?? DEFAULT_QUALITY;
    return pipeline.avif({ quality, effort: 4, chromaSubsampling: chromaFor(quality) });
  }),
  // A strip of frames becomes a multi-page TIFF. `ll` (DOCS) asks for a lossless codec instead
  // of JPEG: deflate with the horizontal predictor, the usual choice for photographs. JPEG-in-TIFF
  // has no alpha band (libvips drops it, and the transparent pixels turn black), so images with
  // alpha get deflate too: TIFF can keep transparency, so it must.
  tiff: sharpSaver('tiff', 'image/tiff', (pipeline, plan, _animation, alpha) =>
    plan.ll === true || alpha
      ? pipeline.tiff({ compression: 'deflate', predictor: 'horizontal' })
      : pipeline.tiff({ quality: plan.q ?? DEFAULT_QUALITY, compression: 'jpeg' }),
  ),
  // `il` (DOCS): sharp's `progressive` is GIF interlacing.
  gif: sharpSaver('gif', 'image/gif', (pipeline, plan, animation) =>
    pipeline.gif({ effort: 7, progressive: plan.il === true, ...animationOptions(animation) }),
  ),
  // Never animated, no ICC profile: see jxl.ts.
  jxl: {
    extension: 'jxl',
    contentType: 'image/jxl',
    keepsProfile: false,
    encode: async (pipeline, plan) =>
      encodeJxl(await rawPixels(pipeline), { quality: plan.q ?? DEFAULT_QUALITY, lossless: plan.ll === true }),
  },
};

/** The encoder of an image format, if this build has one. */
export function encoderOf(format: ImageFormat): Encoder | undefined {
  return encoders[format];
}
