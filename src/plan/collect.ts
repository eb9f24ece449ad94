/**
 * First pass over the API keys: parse each value by its type and keep the FIRST value per key (spec
 * 1.2, gotcha 1), including keys filled indirectly by deprecated forms. Like REF, every pair is read
 * and each key it fills is stored only if still empty, so `t=fit&we=false` keeps `we` and
 * `fpx=0.9&a=focal-10-10` keeps `fpx=0.9`. No range checks or defaults here (see interpret.ts).
 */
import { PARAMETERS, enumValue } from './parameters.js';
import type { ParamKey, ParameterSpec } from './parameters.js';
import type { ApiPair } from './tokenise.js';
import type { Coordinate, Rgba } from './types.js';
import {
  SENTINEL,
  boolValue,
  colourValue,
  coordinateValue,
  floatValue,
  listValue,
  parseCFloat,
  parseCInt,
} from './values.js';
import type { IntFailure } from './values.js';

/** An integer, or why there is none (bare keys read as `no-digits`). */
export type IntSlot = number | IntFailure;
/** A coordinate, or `invalid` (REF's Coordinate::INVALID). */
export type CoordinateSlot = Coordinate | 'invalid';

type Table = typeof PARAMETERS;

type SlotFor<S> = S extends { readonly type: 'bool' }
  ? boolean
  : S extends { readonly type: 'int' }
    ? IntSlot
    : S extends { readonly type: 'float' }
      ? number
      : S extends { readonly type: 'coordinate' }
        ? CoordinateSlot
        : S extends { readonly type: 'colour' }
          ? Rgba
          : S extends { readonly type: 'enum'; readonly values: readonly (infer V)[] }
            ? V | null
            : S extends { readonly type: 'list'; readonly slot: 'float' }
              ? number
              : S extends { readonly type: 'list'; readonly slot: 'ints' }
                ? IntSlot[]
                : never;

type SlotKey = { [K in ParamKey]: SlotFor<Table[K]> extends never ? never : K }[ParamKey];

/** What the query says per key, before ranges, defaults and cross-parameter rules. */
export type Collected = { -readonly [K in SlotKey]?: SlotFor<Table[K]> };

type KeysOfType<T> = { [K in ParamKey]: Table[K]['type'] extends T ? K : never }[ParamKey];

function hasType<T extends Table[ParamKey]['type']>(key: ParamKey, type: T): key is KeysOfType<T> & SlotKey {
  return PARAMETERS[key].type === type;
}

type IntListKey = { [K in ParamKey]: Table[K] extends { readonly slot: 'ints' } ? K : never }[ParamKey];

function isIntList(key: ParamKey): key is IntListKey {
  const spec: ParameterSpec = PARAMETERS[key];
  return spec.type === 'list' && spec.slot === 'ints';
}

/** Stores a value unless the key already has one: the first occurrence wins. */
function setOnce<K extends SlotKey>(collected: Collected, key: K, value: Exclude<Collected[K], undefined>): void {
  if (collected[key] === undefined) collected[key] = value;
}

/** `a=focal-X-Y` / `a=crop-X-Y`: X and Y are 0..100 percent; a missing or out-of-range part is 0.5. */
function collectFocalShorthand(collected: Collected, raw: string): void {
  const dash = raw.indexOf('-');
  if (dash < 0) return;
  const focal = [0.5, 0.5];
  listValue(raw.slice(dash + 1), 2, parseCInt, '-').forEach((part, index) => {
    if (typeof part === 'number' && part >= 0 && part <= 100) focal[index] = part / 100;
  });
  setOnce(collected, 'fpx', focal[0] ?? 0.5);
  setOnce(collected, 'fpy', focal[1] ?? 0.5);
}

/** `sharp=S` is the sigma; `sharp=F,J` and `sharp=F,J,S` fill the slopes (flat, jagged) first. */
function collectSharp(collected: Collected, raw: string | undefined): void {
  const values = listValue(raw, PARAMETERS.sharp.maxItems, floatValue);
  if (values.length === 1) {
    setOnce(collected, 'sharp', values[0] ?? SENTINEL);
    return;
  }
  const [flat, jagged, sigma] = values;
  if (flat !== undefined) setOnce(collected, 'sharpf', flat);
  if (jagged !== undefined) setOnce(collected, 'sharpj', jagged);
  if (sigma !== undefined) setOnce(collected, 'sharp', sigma);
}

/** `mod=B,S,H`: brightness, then saturation and hue (hue truncated to an int, as REF casts it). */
function collectModulate(collected: Collected, raw: string | undefined): void {
  const items = listValue(raw, PARAMETERS.mod.maxItems, parseCFloat);
  const [brightness, saturation, hue] = items;
  if (items.length > 0) setOnce(collected, 'mod', brightness ?? SENTINEL);
  if (items.length > 1) setOnce(collected, 'sat', saturation ?? SENTINEL);
  // REF would store -1 for a garbage hue; garbage hue means "not given" here (spec 3.0 SHOULD).
  if (items.length > 2) {
    setOnce(collected, 'hue', hue !== undefined && Number.isFinite(hue) ? Math.trunc(hue) : 'no-digits');
  }
}

/** Deprecated `crop=W,H,X,Y`: integers only (no percentages); fewer than four values → ignored. */
function collectCropShorthand(collected: Collected, raw: string | undefined): void {
  const values = listValue(raw, PARAMETERS.crop.maxItems, parseCInt);
  if (values.length !== 4) return;
  const [w, h, x, y] = values.map((value): Coordinate => ({ px: typeof value === 'number' ? value : SENTINEL }));
  if (w) setOnce(collected, 'cw', w);
  if (h) setOnce(collected, 'ch', h);
  if (x) setOnce(collected, 'cx', x);
  if (y) setOnce(collected, 'cy', y);
}

/** The rules of deprecated and combined forms that fill other keys; the table's types do the rest. */
function collectPair(collected: Collected, { key, raw }: ApiPair): void {
  const text = raw ?? '-1';
  switch (key) {
    case 'fit':
      // API 4 `t=fit` and `t=squaredown` meant "without enlargement" too.
      if (text === 'fit' || text === 'squaredown') setOnce(collected, 'we', true);
      break;
    case 'a':
      if (enumValue(PARAMETERS.a, text) === 'focal') collectFocalShorthand(collected, text);
      break;
    case 'sharp':
      collectSharp(collected, raw);
      return;
    case 'mod':
      collectModulate(collected, raw);
      return;
    case 'crop':
      collectCropShorthand(collected, raw);
      return;
    default:
      break;
  }
  if (hasType(key, 'bool')) setOnce(collected, key, boolValue(raw));
  else if (hasType(key, 'int')) setOnce(collected, key, parseCInt(raw));
  else if (hasType(key, 'float')) setOnce(collected, key, floatValue(raw));
  else if (hasType(key, 'coordinate')) setOnce(collected, key, coordinateValue(raw) ?? 'invalid');
  else if (hasType(key, 'colour')) setOnce(collected, key, colourValue(raw));
  else if (hasType(key, 'enum')) setOnce(collected, key, enumValue(PARAMETERS[key], text));
  else if (isIntList(key)) setOnce(collected, key, listValue(raw, PARAMETERS[key].maxItems, parseCInt));
}

export function collect(pairs: readonly ApiPair[]): Collected {
  const collected: Collected = {};
  for (const pair of pairs) collectPair(collected, pair);
  return collected;
}
