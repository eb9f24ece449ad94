/**
 * Step 16, mask (spec 3.5): `mask` keeps the pixels inside a centred shape, `mbg` fills the
 * outside, `mtrim` crops to the shape's box. Every frame of an animation gets the same shape.
 */
import { TRANSPARENT } from '../../plan/values.js';
import type { Layer, Step } from '../image.js';
import { queue } from '../queue.js';
import { cutoutSvg, maskGeometry, maskTrimRect, surroundSvg } from '../mask-shape.js';
import { extractFrames } from '../queue.js';

export const mask: Step = async (image, plan) => {
  const shape = plan.mask;
  if (shape === undefined) return image;
  const frame = { width: image.width, pageHeight: image.pageHeight };
  const { outline, box } = maskGeometry(shape, frame);
  const surround = plan.mbg ?? TRANSPARENT;
  const opaqueSurround = surround[3] === 255;

  // Cropping to the shape first gives the same pixels as cropping after, and sharp extracts before
  // it composites: one pass. The shape is then drawn shifted by the crop's origin.
  const rect = plan.mtrim === true ? maskTrimRect(shape, frame, box) : undefined;
  const cropped = rect === undefined ? image : await extractFrames(image, rect);
  const offset = rect ?? { left: 0, top: 0 };
  const size = { width: cropped.width, height: cropped.pageHeight };

  const layers: Layer[] = [];
  // An opaque surround on an opaque image hides the outside anyway: nothing to cut out.
  if (!opaqueSurround || image.hasAlpha) layers.push({ svg: cutoutSvg(outline, size, offset), blend: 'dest-in' });
  if (surround[3] > 0) layers.push({ svg: surroundSvg(outline, size, surround, offset), blend: 'over' });
  const masked = await queue(cropped, { kind: 'composite', layers });

  if (!opaqueSurround || image.hasAlpha) return { ...masked, hasAlpha: true };
  // Compositing gave the image an alpha band that is opaque everywhere: drop it again (spec 3.5).
  const opaque = await queue(masked, { kind: 'removeAlpha' });
  return { ...opaque, hasAlpha: false };
};
