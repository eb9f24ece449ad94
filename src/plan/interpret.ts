/**
 * Second pass: each collected value on its own, with the spec's range, default and invalid rules
 * (section 3). A value that means the default is left out; rules that involve several parameters are
 * in canonical.ts.
 */
import type { Collected, CoordinateSlot, IntSlot } from './collect.js';
import { PARAMETERS } from './parameters.js';
import type { NumberSpec } from './parameters.js';
import type { Coordinate, CropRect, Plan, Rgba } from './types.js';
import { SENTINEL, colourValue } from './values.js';

export type Mutable<T> = { -readonly [K in keyof T]?: T[K] };
export type DraftPlan = Mutable<Plan>;

function inRange(spec: { readonly min?: number; readonly max?: number }, value: number): boolean {
  return value >= (spec.min ?? -Infinity) && value <= (spec.max ?? Infinity);
}

/** In range, else the parameter's default (REF's "outside → default" rule). */
function orDefault(spec: NumberSpec & { readonly default: number }, value: number): number {
  return inRange(spec, value) ? value : spec.default;
}

/** REF's value for an int: the number, or -1 for a bare key or garbage. */
function sentinelInt(slot: IntSlot): number {
  return typeof slot === 'number' ? slot : SENTINEL;
}

/** Degrees folded into 0..359 (`((d mod 360)+360) mod 360`); 0 means "no rotation". */
function normaliseDegrees(degrees: number): number {
  return (((degrees % 360) + 360) % 360) + 0;
}

function opaque([r, g, b]: Rgba): Rgba {
  return [r, g, b, 255];
}

function isTransparentBlack(colour: Rgba): boolean {
  return colour.every((channel) => channel === 0);
}

/** w/h: only a positive size counts; 0, negatives and garbage mean "not given" (3.1). */
function size(slot: CoordinateSlot | undefined): Coordinate | undefined {
  if (slot === undefined || slot === 'invalid') return undefined;
  return ('px' in slot ? slot.px : slot.pct) > 0 ? slot : undefined;
}

/**
 * cx/cy/cw/ch: invalid, 0 and negative values snap to the defaults (origin 0, extent "the rest"), and
 * so does 100%: an origin at 100% is ≥ the width (→ 0), an extent of 100% is ≥ what remains (→ rest).
 */
function cropField(slot: CoordinateSlot | undefined): Coordinate | undefined {
  if (slot === undefined || slot === 'invalid') return undefined;
  if ('px' in slot) return slot.px > 0 ? slot : undefined;
  return slot.pct > 0 && slot.pct < 1 ? slot : undefined;
}

function crop(collected: Collected): CropRect | undefined {
  const rect: Mutable<CropRect> = {};
  const x = cropField(collected.cx);
  const y = cropField(collected.cy);
  const w = cropField(collected.cw);
  const h = cropField(collected.ch);
  if (x) rect.x = x;
  if (y) rect.y = y;
  if (w) rect.w = w;
  if (h) rect.h = h;
  // A crop of the whole image (every field at its default) is an identity: leave it out.
  return Object.keys(rect).length > 0 ? rect : undefined;
}

/** bri/con/ro/hue: bare or garbage means "not given" (3.0 SHOULD), not REF's -1. */
function givenInt(slot: IntSlot | undefined): number | undefined {
  return typeof slot === 'number' ? slot : undefined;
}

/** A filter strength: 0 is off, a value in range is the sigma, anything else the mild variant. */
function strength(
  spec: { readonly min?: number; readonly max?: number },
  value: number | undefined,
): number | 'mild' | undefined {
  if (value === undefined || value === 0) return undefined;
  return inRange(spec, value) ? value : 'mild';
}

export function interpret(c: Collected): DraftPlan {
  const plan: DraftPlan = {};
  const set = <K extends keyof DraftPlan>(key: K, value: DraftPlan[K] | undefined): void => {
    if (value !== undefined) plan[key] = value;
  };

  // Size and fit
  set('w', size(c.w));
  set('h', size(c.h));
  if (c.dpr !== undefined && inRange(PARAMETERS.dpr, c.dpr) && c.dpr !== PARAMETERS.dpr.default) set('dpr', c.dpr);
  if (c.fit && c.fit !== PARAMETERS.fit.default) set('fit', c.fit);
  if (c.we) set('we', true);
  if (c.cbg && !isTransparentBlack(c.cbg)) set('cbg', c.cbg);

  // Alignment and crop
  if (c.a && c.a !== PARAMETERS.a.default) set('a', c.a);
  for (const key of ['fpx', 'fpy'] as const) {
    const value = c[key];
    const spec = PARAMETERS[key];
    if (value !== undefined && orDefault(spec, value) !== spec.default) set(key, value);
  }
  set('crop', crop(c));
  if (c.precrop) set('precrop', true);

  // Trim: bare, empty or non-numeric means the documented 10; other out-of-range values mean off.
  if (c.trim !== undefined) {
    const trim = c.trim === 'no-digits' ? PARAMETERS.trim.bare : c.trim;
    if (typeof trim === 'number' && inRange(PARAMETERS.trim, trim)) set('trim', trim);
  }
  if (c.tbg && c.tbg[3] !== 0) set('tbg', c.tbg);

  // Mask
  if (c.mask) set('mask', c.mask);
  if (c.mtrim) set('mtrim', true);
  if (c.mbg && c.mbg[3] !== 0) set('mbg', c.mbg);

  // Orientation
  const ro = givenInt(c.ro);
  if (ro !== undefined && normaliseDegrees(ro) !== 0) set('ro', normaliseDegrees(ro));
  if (c.rbg && !isTransparentBlack(c.rbg)) set('rbg', c.rbg);
  if (c.flip) set('flip', true);
  if (c.flop) set('flop', true);

  // Adjustments
  for (const key of ['bri', 'con'] as const) {
    const value = givenInt(c[key]);
    if (value !== undefined && inRange(PARAMETERS[key], value) && value !== 0) set(key, value);
  }
  for (const key of ['mod', 'sat'] as const) {
    const value = c[key];
    if (value !== undefined && inRange(PARAMETERS[key], value) && value !== PARAMETERS[key].default) set(key, value);
  }
  const hue = givenInt(c.hue);
  if (hue !== undefined && normaliseDegrees(hue) !== 0) set('hue', normaliseDegrees(hue));
  if (c.gam !== undefined && c.gam !== 0) {
    set('gam', inRange(PARAMETERS.gam, c.gam) ? c.gam : PARAMETERS.gam.bare);
  }
  set('sharp', strength(PARAMETERS.sharp, c.sharp));
  for (const key of ['sharpf', 'sharpj'] as const) {
    const value = c[key];
    const spec = PARAMETERS[key];
    if (value !== undefined && orDefault(spec, value) !== spec.default) set(key, value);
  }
  if (c.filt) set('filt', c.filt);
  for (const key of ['start', 'stop'] as const) {
    const value = c[key];
    // Duotone ignores alpha, so an invalid (transparent black) colour is plain black.
    if (value && opaque(value).join() !== opaque(colourValue(PARAMETERS[key].default)).join()) {
      set(key, opaque(value));
    }
  }
  set('blur', strength(PARAMETERS.blur, c.blur));
  // tint only uses the chroma of its colour: alpha 0 means none, any other alpha is the same tint.
  if (c.tint && c.tint[3] !== 0) set('tint', opaque(c.tint));
  if (c.bg && c.bg[3] !== 0) set('bg', c.bg);

  // Output
  if (c.output) set('output', c.output);
  for (const key of ['q', 'l'] as const) {
    const slot = c[key];
    const spec = PARAMETERS[key];
    if (slot !== undefined && orDefault(spec, sentinelInt(slot)) !== spec.default) set(key, sentinelInt(slot));
  }
  if (c.af) set('af', true);
  if (c.il) set('il', true);
  if (c.ll) set('ll', true);
  if (c.page !== undefined) {
    const page = sentinelInt(c.page);
    const valid = page === -1 || page === -2 || inRange(PARAMETERS.page, page);
    if (valid && page !== PARAMETERS.page.default) set('page', page);
  }
  if (c.n !== undefined) {
    const n = sentinelInt(c.n);
    if (n === -1 || n > PARAMETERS.n.default) set('n', n);
  }
  if (c.loop !== undefined && typeof c.loop === 'number' && inRange(PARAMETERS.loop, c.loop)) set('loop', c.loop);
  if (c.delay !== undefined && c.delay.length > 0) {
    const delays = c.delay.map(sentinelInt);
    // One negative (or unparsable) item voids the whole list (3.10).
    if (delays.every((delay) => inRange(PARAMETERS.delay, delay))) set('delay', delays);
  }
  if (c.fsol === false) set('fsol', false);
  if (c.icc) set('icc', true);
  return plan;
}
