/**
 * The pipeline turns the pixels upright itself (steps 2a and 4c), so every output must say
 * "orientation 1". libvips copies the input's orientation into the HEIF/AVIF `irot`/`imir` boxes
 * and the TIFF Orientation tag even when all metadata is stripped, so viewers would turn those
 * outputs a second time (issue 11).
 *
 * sharp only sets the output orientation inside `withMetadata()`, which also keeps every metadata
 * block (EXIF with GPS, XMP, ...) and attaches an sRGB profile; neither is wanted. Its option field
 * is set here on its own instead. The orientation tests decode every format as a viewer does, so
 * a sharp upgrade that renames the field fails there, and `uprightTag` throws rather than
 * silently doing nothing.
 */
import type { Sharp } from 'sharp';

interface SharpInternals {
  readonly options?: { withMetadataOrientation?: unknown };
}

export function uprightTag(pipeline: Sharp): Sharp {
  const options = (pipeline as unknown as SharpInternals).options;
  if (options === undefined || typeof options.withMetadataOrientation !== 'number') {
    throw new Error('sharp no longer has options.withMetadataOrientation: see src/pipeline/upright-tag.ts');
  }
  options.withMetadataOrientation = 1;
  return pipeline;
}
