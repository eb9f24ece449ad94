/**
 * Pyramid TIFF level (spec 3.1 shrink-on-load, 4a): a TIFF whose pages each halve the previous one
 * is one image at several resolutions. The reference loads the smallest level that is still at
 * least the output size and resizes from there, so its arithmetic starts from that level: of the
 * 4000x828 Louvre, `w=500&h=103` loads the 500x103 level and stays 500 wide, where resizing the
 * full page by the fit rules gives 498. Pure code: the sizes come from the decoder's header.
 */
import type { Plan } from '../plan/types.js';
import { resizeTarget, resolveTargetSize, type Size } from './geometry.js';

/** Each page half the previous one (either rounding), at least two levels. */
export function isPyramid(sizes: readonly Size[]): boolean {
  if (sizes.length < 2) return false;
  const halves = (larger: number, smaller: number): boolean => Math.abs(larger / 2 - smaller) <= 1;
  return sizes.every((size, index) => {
    const previous = sizes[index - 1];
    return previous === undefined || (halves(previous.width, size.width) && halves(previous.height, size.height));
  });
}

/** Whether the plan lets the loader pick a level: pixel sizes, and nothing that needs full size. */
function levelApplies(plan: Plan): boolean {
  const pixels = (value: Plan['w']): boolean => value === undefined || 'px' in value;
  const sized = plan.w !== undefined || plan.h !== undefined;
  return sized && pixels(plan.w) && pixels(plan.h) && plan.trim === undefined && plan.gam === undefined && plan.precrop !== true;
}

/** The page to load instead of the first, or undefined to load the first page as usual. */
export function pyramidLevel(sizes: readonly Size[], plan: Plan): number | undefined {
  const [full] = sizes;
  if (full === undefined || !levelApplies(plan) || !isPyramid(sizes)) return undefined;
  const frame = { width: full.width, pageHeight: full.height };
  const output = resizeTarget(frame, resolveTargetSize(plan, frame), plan.fit ?? 'inside', plan.we === true);
  let level: number | undefined;
  sizes.forEach((size, index) => {
    if (index > 0 && size.width >= output.width && size.height >= output.pageHeight) level = index;
  });
  return level;
}
