/**
 * The only place where sharp's errors become the spec's (section 5). Every call into sharp goes
 * through `fromSharpError`, so no raw library error leaves the pipeline.
 */
import { ServiceError } from '../errors.js';

export interface ErrorContext {
  /** True while the original bytes are being read: decoder failures are then "not readable". */
  readonly decoding: boolean;
  readonly maxInputPixels: number;
  readonly timeoutSeconds: number;
  /** `performance.now()` when the job started, for the seconds reported on a timeout. */
  readonly startedAt: number;
}

function plural(count: number, word: string): string {
  // The reference pluralises with `count > 1`.
  return `${count} ${word}${count > 1 ? 's' : ''}`;
}

/** Spec 5: the processing time limit message, as the reference words it. */
export function timeoutError(limitSeconds: number, startedAt: number, percent: number): ServiceError {
  const elapsed = Math.max(limitSeconds, Math.floor((performance.now() - startedAt) / 1000));
  return new ServiceError(
    'PROCESS_TIMEOUT',
    `Maximum image processing time of ${plural(limitSeconds, 'second')} exceeded with ${plural(elapsed, 'second')}. ` +
      `Operation was canceled after ${percent}% completion`,
  );
}

/**
 * Messages of libvips loaders and their libraries (and of sharp's input checks): the input itself
 * is bad. Savers' messages ("gifsave: ...") must not match.
 */
const DECODER_FAILURE =
  /corrupt header|unsupported image format|bad page|load|VipsJpeg|vipspng|libpng|tiff2vips|TIFFRead|TIFFFill|premature|truncated|not enough image data/i;

export function fromSharpError(error: unknown, context: ErrorContext): ServiceError {
  if (error instanceof ServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = (message.split('\n')[0] ?? '').trim();

  const timeout = /^timeout: (\d+)% complete/.exec(firstLine);
  if (timeout) return timeoutError(context.timeoutSeconds, context.startedAt, Number(timeout[1]));
  if (firstLine.includes('exceeds pixel limit')) {
    return new ServiceError('INPUT_PIXELS', String(context.maxInputPixels), { cause: error });
  }
  if (context.decoding && DECODER_FAILURE.test(firstLine)) {
    return new ServiceError('NOT_READABLE', undefined, { cause: error });
  }
  return new ServiceError('LIBVIPS', firstLine, { cause: error });
}
