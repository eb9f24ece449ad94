/**
 * Value parsers for API parameters (spec 3.0), reproducing how the reference implementation reads a
 * raw (not percent-decoded) value: C `stoi`/`stof` prefix parsing, `-1` sentinels for garbage, ARGB
 * colours. Pure functions; they never throw.
 */
import type { Coordinate, Rgba } from './types.js';
import { namedColourHex } from './colours.js';

/** Numbers above this are "crazy" in REF (VIPS_MAX_COORD) and treated as invalid, not clamped. */
export const MAX_NUMERIC = 10_000_000;

/** What REF stores for a bare key or a value it cannot parse. */
export const SENTINEL = -1;

/** Why an integer could not be read; the trim parameter treats the two differently (spec 3.4). */
export type IntFailure = 'no-digits' | 'out-of-range';

export const TRANSPARENT: Rgba = Object.freeze([0, 0, 0, 0] as const);

// C isspace() in the "C" locale: what strtol/strtof skip before the number.
const C_SPACE = '[ \\t\\n\\v\\f\\r]*';
const INT_PREFIX = new RegExp(`^${C_SPACE}([+-]?)([0-9]+)`);
const INF_PREFIX = new RegExp(`^${C_SPACE}([+-]?)inf(?:inity)?`, 'i');
const NAN_PREFIX = new RegExp(`^${C_SPACE}[+-]?nan`, 'i');
const HEX_FLOAT_PREFIX = new RegExp(
  `^${C_SPACE}([+-]?)0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)(?:[pP]([+-]?[0-9]+))?`,
);
const DEC_FLOAT_PREFIX = new RegExp(`^${C_SPACE}([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)`);

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const FLT_MIN_NORMAL = 1.1754943508222875e-38;

/** -0 and 0 must not make two plans differ (deepEqual and Object.is tell them apart). */
function noNegativeZero(value: number): number {
  return value === 0 ? 0 : value;
}

/**
 * C `std::stoi` plus REF's upper bound: leading whitespace and sign, then digits up to the first
 * non-digit (`300px` → 300, `1.9` → 1, `1e3` → 1). A bare key arrives as `undefined`.
 */
export function parseCInt(raw: string | undefined): number | IntFailure {
  if (raw === undefined) return 'no-digits';
  const match = INT_PREFIX.exec(raw);
  if (!match) return 'no-digits';
  const digits = (match[2] ?? '').replace(/^0+(?=[0-9])/, '');
  // More than 10 significant digits cannot fit an int32; this also keeps Number() exact.
  if (digits.length > 10) return 'out-of-range';
  const value = (match[1] === '-' ? -1 : 1) * Number(digits);
  if (value < INT32_MIN || value > INT32_MAX || value > MAX_NUMERIC) return 'out-of-range';
  return noNegativeZero(value);
}

/** Integer as REF stores it: the number, or -1 for a bare key or garbage (spec 3.0). */
export function intValue(raw: string | undefined): number {
  const parsed = parseCInt(raw);
  return typeof parsed === 'number' ? parsed : SENTINEL;
}

function hexDigitsValue(digits: string): number {
  let value = 0;
  for (const ch of digits) value = value * 16 + Number.parseInt(ch, 16);
  return value;
}

function parseHexFloat(sign: string, body: string, exponent: string | undefined): number {
  const [whole = '', fraction = ''] = body.split('.');
  const mantissa = hexDigitsValue(whole) + (fraction === '' ? 0 : hexDigitsValue(fraction) / 16 ** fraction.length);
  const value = mantissa * 2 ** Number(exponent ?? '0');
  return sign === '-' ? -value : value;
}

/**
 * C `std::stof` plus REF's upper bound, or undefined where REF throws (no number, float overflow or
 * underflow, > 10000000) and for `nan` (spec 3.0 SHOULD). `inf` parses; `-inf` is a (useless) number.
 * Values stay doubles: rounding to float32 would only make plans harder to read.
 */
export function parseCFloat(raw: string | undefined): number | undefined {
  if (raw === undefined || NAN_PREFIX.test(raw)) return undefined;
  let value: number;
  let literalInfinity = false;
  const inf = INF_PREFIX.exec(raw);
  const hex = inf ? null : HEX_FLOAT_PREFIX.exec(raw);
  const dec = inf || hex ? null : DEC_FLOAT_PREFIX.exec(raw);
  if (inf) {
    value = inf[1] === '-' ? -Infinity : Infinity;
    literalInfinity = true;
  } else if (hex) {
    value = parseHexFloat(hex[1] ?? '', hex[2] ?? '', hex[3]);
  } else if (dec) {
    value = Number(dec[1]);
  } else {
    return undefined;
  }
  if (Number.isNaN(value)) return undefined;
  // strtof reports ERANGE (and stof throws) when the value does not fit a float.
  if (!literalInfinity && !Number.isFinite(Math.fround(value))) return undefined;
  if (value !== 0 && Math.abs(value) < FLT_MIN_NORMAL) return undefined;
  if (value > MAX_NUMERIC) return undefined;
  return noNegativeZero(value);
}

/** Float as REF stores it: the number, or -1.0 for garbage; a bare key reads `-1` (spec 3.0). */
export function floatValue(raw: string | undefined): number {
  return parseCFloat(raw ?? '-1') ?? SENTINEL;
}

/** `false` only for exactly `false` or `0`: a bare `&we` and even `we=no` are true (gotcha 2). */
export function boolValue(raw: string | undefined): boolean {
  return raw !== 'false' && raw !== '0';
}

/**
 * A size or crop coordinate: a value ending in `%` (or in the still-encoded `%25`) is a percentage
 * 0..100, returned as a fraction; anything else is an integer (prefix parsing). Undefined when invalid
 * (empty, garbage, > 10000000, percentage outside 0..100); a bare key reads `-1`, a pixel value the
 * callers reject.
 */
export function coordinateValue(raw: string | undefined): Coordinate | undefined {
  const text = raw ?? '-1';
  if (text === '') return undefined;
  let percentEnd = -1;
  if (text.endsWith('%')) percentEnd = text.length - 1;
  else if (text.length > 3 && text.endsWith('%25')) percentEnd = text.length - 3;
  if (percentEnd >= 0) {
    const percent = parseCFloat(text.slice(0, percentEnd));
    if (percent === undefined || percent < 0 || percent > 100) return undefined;
    return { pct: noNegativeZero(percent / 100) };
  }
  const px = parseCInt(text);
  return typeof px === 'number' ? { px } : undefined;
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

/**
 * A colour: optional leading `%23` or `#`, case-insensitive, a CSS name (3.12) or 3/4/6/7/8 hex
 * digits. 4 and 8 digits are ARGB with alpha FIRST; 7 digits get an `f` prepended (REF quirk).
 * Anything else is transparent black, which callers read as "none" or "default".
 */
export function colourValue(raw: string | undefined): Rgba {
  let text = raw ?? '-1';
  if (text.startsWith('%23')) text = text.slice(3);
  else if (text.startsWith('#')) text = text.slice(1);
  text = asciiLower(text);
  let hex = namedColourHex(text) ?? text;
  if (!/^[0-9a-f]*$/.test(hex)) return TRANSPARENT;
  switch (hex.length) {
    case 3:
      hex = `ff${hex.replace(/./g, '$&$&')}`;
      break;
    case 4:
      hex = hex.replace(/./g, '$&$&');
      break;
    case 6:
      hex = `ff${hex}`;
      break;
    case 7:
      hex = `f${hex}`;
      break;
    case 8:
      break;
    default:
      return TRANSPARENT;
  }
  const byte = (at: number): number => Number.parseInt(hex.slice(at, at + 2), 16);
  return [byte(2), byte(4), byte(6), byte(0)];
}

/**
 * REF's list tokenizer: comma separated (the deprecated `a=focal-X-Y` uses `-`), empty items skipped,
 * at most `maxItems` items kept; each item goes through `parseItem`. A bare key reads `-1`, an empty
 * value gives no items.
 */
export function listValue<T>(
  raw: string | undefined,
  maxItems: number,
  parseItem: (item: string) => T,
  separator = ',',
): T[] {
  const items: T[] = [];
  for (const item of (raw ?? '-1').split(separator)) {
    if (item === '') continue;
    items.push(parseItem(item));
    if (items.length >= maxItems) break;
  }
  return items;
}
