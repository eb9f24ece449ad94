/**
 * Which encoder a request gets (spec 4.3) and whether it may use it (spec 4.3 item 4, section 5).
 * Pure functions: the facts they need are known before any pixel is encoded.
 */
import { ServiceError } from '../errors.js';
import type { ImageFormat, OutputFormat } from '../plan/types.js';
import type { InputType } from './types.js';

/** What the save step produces. `blurhash` is an extension that has no encoder yet. */
export type SaveFormat = ImageFormat | 'json' | 'blurhash';

/** The order of the "Supported savers" list in the error message (spec 5). */
/** jxl, not in the reference's list, comes last. */
const SAVER_ORDER = ['jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'json', 'jxl'] as const;

/**
 * Spec 4.3: an explicit `output` wins; otherwise the input's format, except that JPEG with alpha
 * (added by a letterbox, mask or rotation) becomes PNG, HEIF/AVIF becomes AVIF, and formats
 * nothing encodes (SVG, PDF, ...) become PNG. `auto` is resolved by the HTTP layer; here it means
 * the origin's format.
 */
export function chooseOutput(requested: OutputFormat | undefined, input: InputType, hasAlpha: boolean): SaveFormat {
  if (requested !== undefined && requested !== 'auto') return requested;
  switch (input) {
    case 'jpeg':
      return hasAlpha ? 'png' : 'jpg';
    case 'webp':
    case 'tiff':
    case 'gif':
      return input;
    case 'heif':
      return 'avif';
    default:
      return 'png';
  }
}

/**
 * Spec 5: the error for a format that is disabled by configuration or has no encoder in this
 * build, listing the formats that would have worked.
 */
export function saverDisabled(format: SaveFormat, usable: (format: SaveFormat) => boolean): ServiceError {
  const supported = SAVER_ORDER.filter(usable).join(', ');
  return new ServiceError('SAVER_DISABLED', `${format} is disabled. Supported savers: ${supported}`);
}
