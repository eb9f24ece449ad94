/**
 * Geometry of the pipeline (spec 2, 3.1-3.3), computed in pure code before any pixel is touched:
 * target sizes, resize dimensions, crop boxes and letterbox offsets. No sharp in here, so every
 * rule can be tested with plain numbers.
 */
import { ServiceError } from '../errors.js';
import type { Coordinate, CropRect, Fit, Position } from '../plan/types.js';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A frame of a (possibly multi-frame) image: width x page height. */
export interface Frame {
  readonly width: number;
  readonly pageHeight: number;
}

export interface Offset {
  readonly left: number;
  readonly top: number;
}

export interface Rect extends Offset, Size {}

/** Requested width/height after step 2 of the spec; 0 means "not given". */
export interface TargetSize {
  readonly w: number;
  readonly h: number;
}

/** Largest value a size or coordinate may take (spec 3.0, libvips VIPS_MAX_COORD). */
export const MAX_COORD = 10_000_000;

/** C's round(): half away from zero (JS Math.round rounds half towards +infinity). */
export function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** Pixels of a coordinate against the dimension it refers to (percentages round half away from zero). */
export function toPixels(coordinate: Coordinate, base: number): number {
  return 'px' in coordinate ? coordinate.px : roundHalfAwayFromZero(coordinate.pct * base);
}

/**
 * Spec 2b-2e: `w`/`h` resolved against the loaded upright frame, multiplied by `dpr`, rounded and
 * clamped. Invalid or non-positive sizes count as not given (0).
 */
export function resolveTargetSize(
  request: { readonly w?: Coordinate; readonly h?: Coordinate; readonly dpr?: number },
  loaded: Frame,
): TargetSize {
  const resolve = (coordinate: Coordinate | undefined, base: number): number => {
    if (coordinate === undefined) return 0;
    const pixels = toPixels(coordinate, base);
    if (!(pixels > 0)) return 0;
    const scaled = request.dpr === undefined ? pixels : roundHalfAwayFromZero(pixels * request.dpr);
    return clamp(scaled, 0, MAX_COORD);
  };
  return { w: resolve(request.w, loaded.width), h: resolve(request.h, loaded.pageHeight) };
}

/**
 * Spec 3.1: the frame size the resize step produces, with `W`,`P` the current frame. Computed here
 * (not by sharp's fit arithmetic) so that results match the reference to the pixel.
 */
export function resizeTarget(frame: Frame, target: TargetSize, fit: Fit, withoutEnlargement: boolean): Frame {
  const { width: W, pageHeight: P } = frame;
  const { w, h } = target;
  let hs = 1;
  let vs = 1;
  if (w > 0 && h > 0) {
    hs = W / w;
    vs = P / h;
    if (fit === 'cover' || fit === 'outside') hs = vs = Math.min(hs, vs);
    else if (fit === 'inside' || fit === 'contain') hs = vs = Math.max(hs, vs);
  } else if (w > 0) {
    hs = W / w;
    vs = fit === 'fill' ? 1 : hs;
  } else if (h > 0) {
    vs = P / h;
    hs = fit === 'fill' ? 1 : vs;
  }
  if (withoutEnlargement) {
    hs = Math.max(hs, 1);
    vs = Math.max(vs, 1);
  }
  // Never shrink an axis below one pixel.
  hs = Math.min(hs, W);
  vs = Math.min(vs, P);
  return { width: roundHalfAwayFromZero(W / hs), pageHeight: roundHalfAwayFromZero(P / vs) };
}

/** Spec 3.1 / 7: the output pixel limit, checked before resizing and counting every frame. */
export function assertOutputPixels(frame: Frame, pages: number, limit: number): void {
  if (frame.width * frame.pageHeight * pages > limit) throw new ServiceError('OUTPUT_PIXELS', String(limit));
}

/**
 * Top-left corner of `inner` placed inside `outer` by a gravity position (spec 3.3 table; the
 * embed of 3.2 uses it with the roles swapped). Centre offsets truncate. Smart positions and
 * `focal` are handled by their callers and fall back to the centre here.
 */
export function gravityOffset(outer: Size, inner: Size, position: Position): Offset {
  const dx = outer.width - inner.width;
  const dy = outer.height - inner.height;
  const centreX = Math.trunc(dx / 2);
  const centreY = Math.trunc(dy / 2);
  switch (position) {
    case 'top':
      return { left: centreX, top: 0 };
    case 'bottom':
      return { left: centreX, top: dy };
    case 'left':
      return { left: 0, top: centreY };
    case 'right':
      return { left: dx, top: centreY };
    case 'top-left':
      return { left: 0, top: 0 };
    case 'top-right':
      return { left: dx, top: 0 };
    case 'bottom-left':
      return { left: 0, top: dy };
    case 'bottom-right':
      return { left: dx, top: dy };
    default:
      return { left: centreX, top: centreY };
  }
}

/**
 * Spec 3.3, alignment crop size for `fit=cover`: the requested box clipped to the frame, or
 * undefined when the frame already has that size (nothing to crop).
 */
export function coverCropSize(frame: Frame, target: TargetSize): Size | undefined {
  const width = target.w > 0 && target.w < frame.width ? target.w : frame.width;
  const height = target.h > 0 && target.h < frame.pageHeight ? target.h : frame.pageHeight;
  if (width === frame.width && height === frame.pageHeight) return undefined;
  return { width, height };
}

export interface FocalPoint {
  readonly fpx: number;
  readonly fpy: number;
  /** The frame as loaded (before trim and user orientation): W0 x H0 of the spec. */
  readonly loaded: Frame;
}

/** Spec 3.3 focal row: centre the crop on the focal point, clamped to the frame. */
export function focalCropOffset(frame: Frame, crop: Size, focal: FocalPoint): Offset {
  const { width: W0, pageHeight: H0 } = focal.loaded;
  const f = Math.min(W0 / crop.width, H0 / crop.height);
  const left = roundHalfAwayFromZero((focal.fpx * W0) / f - crop.width / 2);
  const top = roundHalfAwayFromZero((focal.fpy * H0) / f - crop.height / 2);
  return {
    left: clamp(left, 0, frame.width - crop.width),
    top: clamp(top, 0, frame.pageHeight - crop.height),
  };
}

/** Spec 3.3: the alignment crop box for gravity and focal positions (smart crops are sharp's). */
export function coverCropBox(frame: Frame, crop: Size, position: Position, focal: FocalPoint): Rect {
  const offset =
    position === 'focal'
      ? focalCropOffset(frame, crop, focal)
      : gravityOffset({ width: frame.width, height: frame.pageHeight }, crop, position);
  return { ...offset, ...crop };
}

/** Spec 3.2: the letterbox box for `fit=contain`, or undefined when the frame already fills it. */
export function embedBox(frame: Frame, target: TargetSize): Size | undefined {
  // Never smaller than the frame: a letterbox only ever adds pixels.
  const width = Math.max(target.w > 0 ? target.w : frame.width, frame.width);
  const height = Math.max(target.h > 0 ? target.h : frame.pageHeight, frame.pageHeight);
  if (width === frame.width && height === frame.pageHeight) return undefined;
  return { width, height };
}

export interface Edges {
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
}

/** Spec 3.2: where the frame sits in the letterbox, as the edges to add around it. */
export function embedEdges(
  frame: Frame,
  box: Size,
  position: Position,
  focal: { readonly fpx: number; readonly fpy: number },
): Edges {
  const inner = { width: frame.width, height: frame.pageHeight };
  const { left, top } =
    position === 'focal'
      ? {
          left: roundHalfAwayFromZero((box.width - inner.width) * focal.fpx),
          top: roundHalfAwayFromZero((box.height - inner.height) * focal.fpy),
        }
      : gravityOffset(box, inner, position);
  return {
    top,
    left,
    bottom: box.height - inner.height - top,
    right: box.width - inner.width - left,
  };
}

/**
 * Spec 3.3 rectangle crop: origins outside the frame snap to 0, sizes that are missing, not
 * positive or too large take the remaining area. Percentages refer to the current frame.
 */
export function rectangleCrop(frame: Frame, crop: CropRect): Rect {
  const { width: W, pageHeight: P } = frame;
  const pixels = (coordinate: Coordinate | undefined, base: number): number =>
    coordinate === undefined ? -1 : toPixels(coordinate, base);
  let left = pixels(crop.x, W);
  let top = pixels(crop.y, P);
  if (left < 0 || left >= W) left = 0;
  if (top < 0 || top >= P) top = 0;
  let width = pixels(crop.w, W);
  let height = pixels(crop.h, P);
  if (width <= 0 || width > W - left) width = W - left;
  if (height <= 0 || height > P - top) height = P - top;
  return { left, top, width, height };
}
