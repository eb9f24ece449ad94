/**
 * Second pass: each collected value on its own, with the spec's range, default and invalid rules
 * (section 3), read from the parameter's row: its value type, range, default, `bare`, `specials`
 * and, where the type's rule does not fit, its named `normalise` rule. A value that means the
 * default is left out; rules that involve several parameters are in canonical.ts.
 */
import type { Collected, CoordinateSlot, IntSlot } from './collect.js';
import { PARAMETERS, isParamKey } from './parameters.js';
import type { ColourSpec, EnumSpec, NumberSpec, ParameterSpec, ParamKey } from './parameters.js';
import type { Coordinate, CropRect, EnumKey, EnumValue, Plan, Rgba } from './types.js';
import { SENTINEL, colourValue } from './values.js';

export type Mutable<T> = { -readonly [K in keyof T]?: T[K] };
export type DraftPlan = Mutable<Plan>;

/** A plan field's value; an enum's default (`center`) is a value too, dropped by `field`. */
type PlanValue = Exclude<DraftPlan[keyof DraftPlan], undefined> | EnumValue<EnumKey>;
type Slot = Collected[keyof Collected];

function inRange(spec: { readonly min?: number; readonly max?: number }, value: number): boolean {
  return value >= (spec.min ?? -Infinity) && value <= (spec.max ?? Infinity);
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

function isIntSlot(slot: Slot): slot is IntSlot {
  return typeof slot === 'number' || slot === 'no-digits' || slot === 'out-of-range';
}

function isValueOf(spec: EnumSpec, slot: Slot): slot is EnumValue<EnumKey> {
  return typeof slot === 'string' && spec.values.includes(slot);
}

function isColour(slot: Slot): slot is Rgba {
  return Array.isArray(slot) && slot.length === 4 && slot.every((item) => typeof item === 'number');
}

function isCoordinate(slot: Slot): slot is Coordinate {
  return typeof slot === 'object' && slot !== null && !Array.isArray(slot);
}

/** What an int slot means: bare and garbage are the row's `bare`, "not given", or REF's -1. */
function intReading(spec: NumberSpec, slot: IntSlot): number | undefined {
  if (typeof slot === 'number') return slot;
  if (spec.bare === 'not given') return undefined;
  return slot === 'no-digits' && typeof spec.bare === 'number' ? spec.bare : SENTINEL;
}

function intField(spec: NumberSpec, slot: IntSlot): number | undefined {
  const value = intReading(spec, slot);
  if (value === undefined) return undefined;
  if (spec.normalise === 'degrees') return normaliseDegrees(value) === 0 ? undefined : normaliseDegrees(value);
  const valid = inRange(spec, value) || (spec.specials ?? []).includes(value);
  return valid && value !== spec.default ? value : undefined;
}

function floatField(spec: ParameterSpec & { readonly min?: number; readonly max?: number }, value: number): number | 'mild' | undefined {
  const bare = 'bare' in spec ? spec.bare : undefined;
  // A filter strength: 0 is off, a value in range is the sigma, anything else the mild variant.
  if (spec.normalise === 'sigma') return value === 0 ? undefined : inRange(spec, value) ? value : 'mild';
  // With a documented bare value (gam): 0 is off, anything out of range that value.
  if (typeof bare === 'number') return value === 0 ? undefined : inRange(spec, value) ? value : bare;
  // Out of range means the default (REF's "outside → default" rule), which is left out.
  return inRange(spec, value) && value !== spec.default ? value : undefined;
}

function colourField(spec: ColourSpec, colour: Rgba): Rgba | undefined {
  switch (spec.normalise) {
    case 'any-but-default':
      return colour.every((channel) => channel === 0) ? undefined : colour;
    case 'chroma':
      return colour[3] === 0 ? undefined : opaque(colour);
    case 'opaque':
      // Duotone ignores alpha, so an invalid (transparent black) colour is plain black.
      return opaque(colour).join() === opaque(colourValue(spec.default ?? undefined)).join() ? undefined : opaque(colour);
    default:
      // Alpha 0 means "none".
      return colour[3] === 0 ? undefined : colour;
  }
}

/** w/h: only a positive size counts; 0, negatives and garbage mean "not given" (3.1). */
function size(slot: Coordinate): Coordinate | undefined {
  return ('px' in slot ? slot.px : slot.pct) > 0 ? slot : undefined;
}

/** The plan value of one parameter, by its row; undefined leaves the field out. */
function field(spec: ParameterSpec, slot: Slot): PlanValue | undefined {
  if (slot === undefined || slot === null) return undefined;
  switch (spec.type) {
    case 'bool':
      return slot === !spec.default ? slot : undefined;
    case 'enum':
      return isValueOf(spec, slot) && slot !== spec.default ? slot : undefined;
    case 'int':
      return isIntSlot(slot) ? intField(spec, slot) : undefined;
    case 'float':
      return typeof slot === 'number' ? floatField(spec, slot) : undefined;
    case 'coordinate':
      return isCoordinate(slot) ? size(slot) : undefined;
    case 'colour':
      return isColour(slot) ? colourField(spec, slot) : undefined;
    case 'list': {
      if (spec.slot === 'float') return typeof slot === 'number' ? floatField(spec, slot) : undefined;
      if (spec.slot === 'none' || !Array.isArray(slot) || slot.length === 0) return undefined;
      const items = slot.filter(isIntSlot).map(sentinelInt);
      // One negative (or unparsable) item voids the whole list (3.10).
      return items.every((item) => inRange(spec, item)) ? items : undefined;
    }
  }
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

/** Table keys with a plan field of their own, in table order. */
const FIELD_KEYS: readonly (ParamKey & keyof Collected)[] = Object.keys(PARAMETERS)
  .filter(isParamKey)
  .filter((key): key is ParamKey & keyof Collected => {
    const spec: ParameterSpec = PARAMETERS[key];
    return spec.partOf === undefined && !(spec.type === 'list' && spec.slot === 'none');
  });

export function interpret(c: Collected): DraftPlan {
  const plan: DraftPlan = {};
  for (const key of FIELD_KEYS) {
    const value = field(PARAMETERS[key], c[key]);
    // The row's type decides the value's; sealPlan checks every plan against the same table.
    if (value !== undefined) Object.assign(plan, { [key]: value });
  }
  const rect = crop(c);
  if (rect !== undefined) plan.crop = rect;
  return plan;
}
