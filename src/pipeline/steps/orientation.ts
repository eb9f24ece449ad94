/**
 * Step 4c, orientation (spec 3.6): the user's right-angle rotation (`ro` a multiple of 90), then
 * `flip`, then `flop`, on the resized upright image. Arbitrary angles are step 6.
 */
import type { PipelineImage, Step } from '../image.js';
import { mapFrames } from '../in-memory.js';
import { queue } from '../queue.js';
import {
  asSharpCalls,
  fromUser,
  isUpright,
  keepsFrameOrder,
  swapsAxes,
  type Orientation,
} from '../dihedral.js';

/** Turns and mirrors the image; every frame on its own when it is a strip of frames. */
export async function applyOrientation(image: PipelineImage, orientation: Orientation): Promise<PipelineImage> {
  const frame = swapsAxes(orientation)
    ? { width: image.pageHeight, pageHeight: image.width }
    : { width: image.width, pageHeight: image.pageHeight };
  if (image.pages > 1 && !keepsFrameOrder(orientation)) {
    const calls = asSharpCalls(orientation);
    return mapFrames(image, (pixels) => (calls.flop ? pixels.flop() : pixels).rotate(calls.rotate), frame);
  }
  const queued = await queue(image, { kind: 'orient', orientation });
  return { ...queued, ...frame };
}

export const orientation: Step = async (image, plan) => {
  const ro = plan.ro !== undefined && plan.ro % 90 === 0 ? plan.ro : 0;
  const requested = fromUser(ro, plan.flip === true, plan.flop === true);
  if (isUpright(requested)) return image;
  return applyOrientation(image, requested);
};
