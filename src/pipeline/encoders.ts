/**
 * Encoder settings per output format (spec 3.8 table). sharp strips all metadata by default,
 * which is what every output needs. JPEG XL is absent: this sharp build cannot write it.
 */
import type { Sharp } from 'sharp';
import type { ImageFormat, Plan } from '../plan/types.js';

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
  /** `animation` is given only for strips of several frames. */
  encode(pipeline: Sharp, plan: Plan, animation: Animation | undefined): Sharp;
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

const encoders: Readonly<Partial<Record<ImageFormat, Encoder>>> = {
  jpg: {
    extension: 'jpg',
    contentType: 'image/jpeg',
    // Alpha is flattened onto black by the JPEG saver itself (spec 4.3 item 3).
    encode: (pipeline, plan) => {
      const quality = plan.q ?? DEFAULT_QUALITY;
      return pipeline.jpeg({
        quality,
        progressive: plan.il === true,
        optimiseCoding: true,
        chromaSubsampling: chromaFor(quality),
      });
    },
  },
  png: {
    extension: 'png',
    // `palette: false`: no quantisation, as the reference (spec 3.8).
    contentType: 'image/png',
    encode: (pipeline, plan) =>
      pipeline.png({
        compressionLevel: plan.l ?? 6,
        progressive: plan.il === true,
        adaptiveFiltering: plan.af === true,
        palette: false,
      }),
  },
  webp: {
    extension: 'webp',
    contentType: 'image/webp',
    encode: (pipeline, plan, animation) =>
      pipeline.webp({
        quality: plan.q ?? DEFAULT_QUALITY,
        lossless: plan.ll === true,
        effort: 4,
        ...animationOptions(animation),
      }),
  },
  avif: {
    extension: 'avif',
    contentType: 'image/avif',
    // Never animated: a strip of frames is saved as one tall image.
    encode: (pipeline, plan) => {
      const quality = plan.q ?? DEFAULT_QUALITY;
      return pipeline.avif({ quality, effort: 4, chromaSubsampling: chromaFor(quality) });
    },
  },
  tiff: {
    extension: 'tiff',
    contentType: 'image/tiff',
    // A strip of frames becomes a multi-page TIFF. `ll` (DOCS) asks for a lossless codec instead
    // of JPEG: deflate with the horizontal predictor, the usual choice for photographs.
    encode: (pipeline, plan) =>
      plan.ll === true
        ? pipeline.tiff({ compression: 'deflate', predictor: 'horizontal' })
        : pipeline.tiff({ quality: plan.q ?? DEFAULT_QUALITY, compression: 'jpeg' }),
  },
  gif: {
    extension: 'gif',
    contentType: 'image/gif',
    // `il` (DOCS): sharp's `progressive` is GIF interlacing.
    encode: (pipeline, plan, animation) =>
      pipeline.gif({ effort: 7, progressive: plan.il === true, ...animationOptions(animation) }),
  },
};

/** The encoder of an image format, if this build has one. */
export function encoderOf(format: ImageFormat): Encoder | undefined {
  return encoders[format];
}
