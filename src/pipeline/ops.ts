/**
 * The vocabulary of the pipeline: the sharp operations steps queue as data, and how each one
 * becomes its sharp call. Scheduling them (schedule.ts) and running them (run.ts) live elsewhere.
 */
import type { Matrix3x3, OverlayOptions, Sharp } from 'sharp';
import type { Rgba } from '../plan/types.js';
import type { Edges, Rect } from './geometry.js';
import { asSharpCalls, type Orientation } from './dihedral.js';

export type Op =
  /** Resize each frame to exactly this size (spec 3.1: we compute the size, sharp just scales). */
  | { readonly kind: 'resize'; readonly width: number; readonly pageHeight: number; readonly fastShrinkOnLoad: boolean }
  | { readonly kind: 'orient'; readonly orientation: Orientation }
  /** libvips smartcrop, through sharp's `fit: cover` at scale 1. */
  | {
      readonly kind: 'smartcrop';
      readonly width: number;
      readonly height: number;
      readonly strategy: 'entropy' | 'attention';
    }
  /** Applied to every frame. */
  | { readonly kind: 'extract'; readonly rect: Rect }
  /** Applied to every frame. */
  | { readonly kind: 'extend'; readonly edges: Edges; readonly background: Rgba }
  /** Arbitrary angle, clockwise; the canvas grows to the rotated box. Single frames only. */
  | { readonly kind: 'rotate'; readonly angle: number; readonly background: Rgba }
  /** Gaussian blur with this sigma, or sharp's mild 3x3 box blur. */
  | { readonly kind: 'blur'; readonly sigma: number | 'mild' }
  /** Recombination of the RGB bands (alpha untouched). */
  | { readonly kind: 'recomb'; readonly matrix: Matrix3x3 }
  /** LCh multiply/rotate of the colour bands (alpha untouched). */
  | { readonly kind: 'modulate'; readonly brightness: number; readonly saturation: number; readonly hue: number }
  /** libvips sharpen (L of LAB) with sigma and slopes, or sharp's mild 3x3 kernel. */
  | { readonly kind: 'sharpen'; readonly sigma: number | 'mild'; readonly flat: number; readonly jagged: number }
  /** Layers over the whole strip, each tiled from one frame-sized image (a mask's SVG). */
  | { readonly kind: 'composite'; readonly layers: readonly Layer[] }
  /** Adds `offset` to every colour band (alpha untouched). */
  | { readonly kind: 'linear'; readonly offset: number }
  | { readonly kind: 'removeAlpha' }
  /** Inverts the colour bands (alpha untouched). */
  | { readonly kind: 'negate' }
  /**
   * Converts to greyscale as the pixels are read (sharp's pipeline colour space), so only as the
   * first operation of a pass; the image's `space` becomes 'b-w'.
   */
  | { readonly kind: 'greyscale' };

/** One frame-sized layer of a composite, repeated down the strip. */
export interface Layer {
  readonly svg: string;
  readonly blend: 'dest-in' | 'over';
}

export function applyOp(pipeline: Sharp, op: Op): Sharp {
  switch (op.kind) {
    case 'resize':
      return pipeline.resize(op.width, op.pageHeight, { fit: 'fill', fastShrinkOnLoad: op.fastShrinkOnLoad });
    case 'orient': {
      const calls = asSharpCalls(op.orientation);
      const mirrored = calls.flop ? pipeline.flop() : pipeline;
      return calls.rotate === 0 ? mirrored : mirrored.rotate(calls.rotate);
    }
    case 'smartcrop':
      return pipeline.resize(op.width, op.height, { fit: 'cover', position: op.strategy });
    case 'extract':
      return pipeline.extract(op.rect);
    case 'extend':
      return pipeline.extend({ ...op.edges, background: sharpColour(op.background) });
    case 'rotate':
      return pipeline.rotate(op.angle, { background: sharpColour(op.background) });
    case 'blur':
      return op.sigma === 'mild' ? pipeline.blur() : pipeline.blur(op.sigma);
    case 'recomb':
      return pipeline.recomb(op.matrix);
    case 'modulate':
      return pipeline.modulate({ brightness: op.brightness, saturation: op.saturation, hue: op.hue });
    case 'sharpen':
      return op.sigma === 'mild'
        ? pipeline.sharpen()
        : pipeline.sharpen({ sigma: op.sigma, m1: op.flat, m2: op.jagged });
    case 'composite':
      return pipeline.composite(op.layers.map(overlay));
    case 'linear':
      return pipeline.linear(1, op.offset);
    case 'removeAlpha':
      return pipeline.removeAlpha();
    case 'negate':
      return pipeline.negate({ alpha: false });
    case 'greyscale':
      return pipeline.pipelineColourspace('b-w');
  }
}

function sharpColour([r, g, b, a]: Rgba): { r: number; g: number; b: number; alpha: number } {
  return { r, g, b, alpha: a / 255 };
}

/** Tiled from the top-left corner, so a frame-sized layer lands on every frame of a strip. */
function overlay(layer: Layer): OverlayOptions {
  return { input: Buffer.from(layer.svg), blend: layer.blend, tile: true, left: 0, top: 0 };
}

