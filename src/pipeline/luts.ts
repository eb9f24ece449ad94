/**
 * Lookup tables for 8-bit pixels (spec 3.7): sigmoidal contrast, gamma and the duotone gradient,
 * and applying a table to raw pixels. Pure code, so every entry can be checked without images.
 * Pixels in memory are always 8-bit (the pipeline converts 16-bit input), so 256 entries suffice.
 */
import type { Rgba } from '../plan/types.js';
import { labToSrgb, lightness, luminanceOfLinear, srgbToLab, toLinear } from './cielab.js';
import type { RawPixels } from './image.js';

/** One output value per input value 0..255. */
export type Lut = Uint8Array;

const MAX = 255;

/**
 * libvips casts floats to integers by truncation; float noise must not cost an exact value (the
 * endpoints 0 and 255 must survive, spec 8.18), hence the tiny nudge.
 */
function castUchar(value: number): number {
  return Math.min(MAX, Math.max(0, Math.trunc(value + 1e-9)));
}

/**
 * Spec 3.7 `con`: sigmoidal contrast of strength `c = con * 0.3` around the midpoint 0.5, as the
 * reference builds it (ImageMagick's formula, normalised so that 0 and max stay put).
 */
export function contrastLut(con: number): Lut {
  const c = con * 0.3;
  const lut = new Uint8Array(MAX + 1);
  if (c > 0) {
    const x = (u: number): number => 1 / (1 + Math.exp(c * (0.5 - u)));
    const low = x(0);
    const high = x(1);
    for (let i = 0; i <= MAX; i++) lut[i] = castUchar(((x(i / MAX) - low) / (high - low)) * MAX);
  } else {
    const a = -c;
    // x runs from `low` to `1 - low`; 1 - x is computed from the other end, not by subtraction,
    // which would lose the digits that keep the last entry at max.
    const low = 1 / (1 + Math.exp(a * 0.5));
    const span = 1 - 2 * low;
    for (let i = 0; i <= MAX; i++) {
      const x = low + (i / MAX) * span;
      const rest = low + (1 - i / MAX) * span;
      lut[i] = castUchar((0.5 - Math.log(rest / x) / a) * MAX);
    }
  }
  return lut;
}

/** Spec 3.7 `gam`: `out = max * (in / max)^gamma`, which darkens (libvips `gamma`, exponent 1/gamma). */
export function gammaLut(gamma: number): Lut {
  const lut = new Uint8Array(MAX + 1);
  for (let i = 0; i <= MAX; i++) lut[i] = castUchar((i / MAX) ** gamma * MAX);
  return lut;
}

/** One sRGB colour per grey level. */
export type ColourLut = readonly (readonly [number, number, number])[];

/**
 * Spec 3.7 `filt=duotone`: grey level i becomes the colour at i/255 on the straight line from
 * `start` (black) to `stop` (white) in CIELAB, converted back to 8-bit sRGB. Alpha is ignored.
 */
export function duotoneLut(start: Rgba, stop: Rgba): ColourLut {
  const from = srgbToLab([start[0], start[1], start[2]]);
  const to = srgbToLab([stop[0], stop[1], stop[2]]);
  return Array.from({ length: MAX + 1 }, (_, i) => {
    const t = i / MAX;
    const lab = [0, 1, 2].map((band) => t * (to[band] ?? 0) + (1 - t) * (from[band] ?? 0));
    const [r, g, b] = labToSrgb([lab[0] ?? 0, lab[1] ?? 0, lab[2] ?? 0]);
    const clip = (value: number): number => Math.min(MAX, Math.max(0, Math.round(value)));
    return [clip(r), clip(g), clip(b)] as const;
  });
}

/** Steps of relative luminance in a tint table: finer than 8-bit sRGB even next to black. */
const TINT_LEVELS = 16384;

/** Output colours by luminance level (RGB triples), built by `tintLut`. */
export interface TintLut {
  readonly colours: Uint8Array;
  /** Linear light of each 8-bit band value. */
  readonly linear: Float64Array;
}

/**
 * Spec 3.7 `tint`: each pixel keeps its CIELAB lightness L and takes the a, b of the colour. As L
 * depends only on luminance, the output is tabulated by luminance level.
 */
export function tintLut(colour: Rgba): TintLut {
  const [, a, b] = srgbToLab([colour[0], colour[1], colour[2]]);
  const colours = new Uint8Array(TINT_LEVELS * 3);
  for (let level = 0; level < TINT_LEVELS; level++) {
    const rgb = labToSrgb([lightness(level / (TINT_LEVELS - 1)), a, b]);
    rgb.forEach((value, band) => {
      colours[level * 3 + band] = Math.min(MAX, Math.max(0, Math.round(value)));
    });
  }
  const linear = Float64Array.from({ length: MAX + 1 }, (_, value) => toLinear(value));
  return { colours, linear };
}

/** Tints sRGB pixels through `lut`; alpha is kept. */
export function applyTint(pixels: RawPixels, lut: TintLut): RawPixels {
  const { data, channels } = pixels;
  const { colours, linear } = lut;
  const output = Buffer.from(data);
  for (let i = 0; i < data.length; i += channels) {
    const band = (offset: number): number => linear[data[i + offset] ?? 0] ?? 0;
    const y = luminanceOfLinear(band(0), band(1), band(2));
    const level = Math.min(TINT_LEVELS - 1, Math.round(y * (TINT_LEVELS - 1))) * 3;
    output[i] = colours[level] ?? 0;
    output[i + 1] = colours[level + 1] ?? 0;
    output[i + 2] = colours[level + 2] ?? 0;
  }
  return { data: output, channels };
}

/** Maps every band (`all`, alpha included) or only the colour bands through `lut`. */
export function applyLut(pixels: RawPixels, lut: Lut, bands: 'all' | 'colour'): RawPixels {
  const { data, channels } = pixels;
  const output = Buffer.from(data);
  const alphaBand = bands === 'colour' && channels === 4 ? 3 : -1;
  for (let i = 0; i < output.length; i++) {
    if (i % channels !== alphaBand) output[i] = lut[output[i] ?? 0] ?? 0;
  }
  return { data: output, channels };
}

/**
 * Maps grey pixels through a colour table. The input is greyscale stored as sRGB (equal bands),
 * so the first band is the grey level; alpha is kept.
 */
export function applyColourLut(pixels: RawPixels, lut: ColourLut): RawPixels {
  const { data, channels } = pixels;
  const output = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i += channels) {
    const [r, g, b] = lut[data[i] ?? 0] ?? [0, 0, 0];
    output[i] = r;
    output[i + 1] = g;
    output[i + 2] = b;
    if (channels === 4) output[i + 3] = data[i + 3] ?? 0;
  }
  return { data: output, channels };
}
