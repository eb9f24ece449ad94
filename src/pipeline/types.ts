/**
 * The pipeline's contract: bytes and a plan in, bytes and facts out. Nothing here knows about HTTP,
 * caches or threads, so the same pipeline serves the server's workers, the CLI and the tests.
 */
import type { ImageFormat, Plan } from '../plan/types.js';

/** Limits enforced while processing (spec section 7); configuration decides the values. */
export interface PipelineLimits {
  /** Maximum input pixels, width x whole-strip height. */
  readonly maxInputPixels: number;
  /** Maximum output pixels, checked before resizing. */
  readonly maxOutputPixels: number;
  /** Maximum number of pages/frames loaded. */
  readonly maxPages: number;
  /** Seconds of libvips work before the job is cancelled. */
  readonly timeoutSeconds: number;
  /** Encoders that may be used (spec 4.3 item 4). */
  readonly enabledOutputs: readonly (ImageFormat | 'json')[];
}

/** Input type ids of spec 4.1, used for origin-format output and JSON `format`. */
export type InputType = 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif' | 'svg' | 'pdf' | 'heif' | 'magick' | 'unknown';

export interface PipelineOutput {
  /** Encoded bytes (image, JSON text, or BlurHash text). */
  readonly data: Buffer;
  readonly contentType: string;
  /** File extension for Content-Disposition, or undefined for non-image outputs. */
  readonly extension: ImageFormat | undefined;
  readonly width: number;
  /** The whole strip: `frames` frames of `height / frames` rows each. */
  readonly height: number;
  /** Frames in the output: 1 for a still image, several for an animation (`n`). */
  readonly frames: number;
  readonly inputType: InputType;
}
