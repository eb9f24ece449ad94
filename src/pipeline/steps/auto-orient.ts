/**
 * EXIF auto-orientation (spec 2a, 3.6 "Required"): the image is made upright before anything else
 * looks at it, so `w`/`h`, percentages and the cover/contain boxes refer to the upright image.
 * The turn is queued, not computed: the resize step moves it behind the resize (see `queue`),
 * which keeps shrink-on-load for camera JPEGs.
 */
import type { Step } from '../image.js';
import { fromExif, isUpright } from '../dihedral.js';
import { applyOrientation } from './orientation.js';

export const autoOrient: Step = async (image) => {
  const upright = fromExif(image.input.metadata.orientation);
  if (isUpright(upright)) return image;
  return applyOrientation(image, upright);
};
