/**
 * Mask shapes (spec 3.5): the exact outline of each shape on a frame, the box `mtrim` crops to, and
 * the SVG documents the mask step composites (the cut-out, and the `mbg` surround as an even-odd
 * path). Pure code: no sharp in here.
 */
import type { MaskShape, Rgba } from '../plan/types.js';
import { roundHalfAwayFromZero, type Frame, type Offset, type Rect, type Size } from './geometry.js';

export type Point = readonly [number, number];

/** A shape in frame coordinates. */
export type Outline =
  | { readonly kind: 'ellipse'; readonly cx: number; readonly cy: number; readonly rx: number; readonly ry: number }
  | { readonly kind: 'polygon'; readonly points: readonly Point[] };

export interface MaskGeometry {
  readonly outline: Outline;
  /** The shape's box, what `mtrim` crops to. */
  readonly box: Size;
}

/** Star points alternate between the outer radius and this fraction of it. */
const STAR_INNER = 0.382;
/** Heart samples `t = -π + 0.02·i`, i = 0..314. */
const HEART_SAMPLES = 315;

/** Vertices of a regular polygon or star: the first points up (down with `turned`). */
function polygonPoints(corners: number, turned: boolean, inner: number, centre: Point, radius: number): Point[] {
  return Array.from({ length: corners }, (_, i) => {
    const angle = (i * 2 * Math.PI) / corners - Math.PI / 2 + (turned ? Math.PI : 0);
    const r = i % 2 === 0 ? radius : radius * inner;
    return [centre[0] + r * Math.cos(angle), centre[1] + r * Math.sin(angle)] as const;
  });
}

function heartPoints(radius: number): Point[] {
  return Array.from({ length: HEART_SAMPLES }, (_, i) => {
    const t = -Math.PI + 0.02 * i;
    const x = 16 * Math.sin(t) ** 3;
    const y = 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t);
    return [radius + x * radius, radius - y * radius] as const;
  });
}

function rawPoints(shape: Exclude<MaskShape, 'circle' | 'ellipse'>, centre: Point, radius: number): Point[] {
  switch (shape) {
    case 'triangle':
      return polygonPoints(3, false, 1, centre, radius);
    case 'triangle-180':
      return polygonPoints(3, true, 1, centre, radius);
    case 'square':
      return polygonPoints(4, false, 1, centre, radius);
    case 'pentagon':
      return polygonPoints(5, false, 1, centre, radius);
    case 'pentagon-180':
      return polygonPoints(5, true, 1, centre, radius);
    case 'hexagon':
      return polygonPoints(6, false, 1, centre, radius);
    case 'star':
      return polygonPoints(10, false, STAR_INNER, centre, radius);
    case 'heart':
      return heartPoints(radius);
  }
}

/**
 * Scales the points uniformly until their box touches the frame on the limiting axis and centres
 * that box. Like the reference, the box is first rounded to whole pixels (origin and size).
 */
function fitToFrame(points: readonly Point[], frame: Frame): MaskGeometry {
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const left = roundHalfAwayFromZero(Math.min(...xs));
  const top = roundHalfAwayFromZero(Math.min(...ys));
  const width = roundHalfAwayFromZero(Math.max(...xs) - Math.min(...xs));
  const height = roundHalfAwayFromZero(Math.max(...ys) - Math.min(...ys));
  const scale = Math.min(frame.width / width, frame.pageHeight / height);
  const dx = frame.width / 2 - (left * scale + (width * scale) / 2);
  const dy = frame.pageHeight / 2 - (top * scale + (height * scale) / 2);
  return {
    outline: { kind: 'polygon', points: points.map(([x, y]) => [x * scale + dx, y * scale + dy] as const) },
    box: { width: roundHalfAwayFromZero(width * scale), height: roundHalfAwayFromZero(height * scale) },
  };
}

/** Spec 3.5 geometry on a frame of W×P: `m = min(W,P)`, `R = m/2`, centred. */
export function maskGeometry(shape: MaskShape, frame: Frame): MaskGeometry {
  const { width: W, pageHeight: P } = frame;
  const m = Math.min(W, P);
  const radius = m / 2;
  if (shape === 'ellipse') {
    return { outline: { kind: 'ellipse', cx: W / 2, cy: P / 2, rx: W / 2, ry: P / 2 }, box: { width: W, height: P } };
  }
  if (shape === 'circle') {
    return { outline: { kind: 'ellipse', cx: W / 2, cy: P / 2, rx: radius, ry: radius }, box: { width: m, height: m } };
  }
  return fitToFrame(rawPoints(shape, [W / 2, P / 2], radius), frame);
}

/**
 * Spec 3.5 `mtrim`: the centred shape box, when it is smaller than the frame; never for an ellipse
 * (it always fills the frame).
 */
export function maskTrimRect(shape: MaskShape, frame: Frame, box: Size): Rect | undefined {
  if (shape === 'ellipse' || (box.width >= frame.width && box.height >= frame.pageHeight)) return undefined;
  return {
    left: roundHalfAwayFromZero((frame.width - box.width) / 2),
    top: roundHalfAwayFromZero((frame.pageHeight - box.height) / 2),
    width: box.width,
    height: box.height,
  };
}

/** Three decimals are far below a pixel and keep the documents short and deterministic. */
function num(value: number): string {
  return String(Math.round(value * 1000) / 1000 + 0);
}

/** SVG path data of the outline, moved by `-offset` (for a frame cropped at `offset`). */
export function outlinePath(outline: Outline, offset: Offset = { left: 0, top: 0 }): string {
  if (outline.kind === 'ellipse') {
    const { cx, cy, rx, ry } = outline;
    const arc = `a${num(rx)} ${num(ry)} 0 1 0`;
    return `M${num(cx - rx - offset.left)} ${num(cy - offset.top)} ${arc} ${num(2 * rx)} 0 ${arc} ${num(-2 * rx)} 0 Z`;
  }
  const points = outline.points.map(([x, y]) => `${num(x - offset.left)} ${num(y - offset.top)}`);
  return `M${points.join(' L')} Z`;
}

function svgDocument(size: Size, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}">${body}</svg>`;
}

/** Opaque inside the shape, transparent outside: composited with `dest-in` it cuts the shape out. */
export function cutoutSvg(outline: Outline, size: Size, offset?: Offset): string {
  return svgDocument(size, `<path d="${outlinePath(outline, offset)}" fill="#000"/>`);
}

/** `colour` everywhere outside the shape: the frame rectangle minus the shape, by the even-odd rule. */
export function surroundSvg(outline: Outline, size: Size, colour: Rgba, offset?: Offset): string {
  const [r, g, b, a] = colour;
  const frame = `M0 0 h${size.width} v${size.height} h-${size.width} Z`;
  const fill = `fill="rgb(${r},${g},${b})" fill-opacity="${num(a / 255)}"`;
  return svgDocument(size, `<path d="${outlinePath(outline, offset)} ${frame}" fill-rule="evenodd" ${fill}/>`);
}
