/**
 * The one table of API parameters (spec 3, 3.10, 3.11) plus pixproxy's extensions. It is data: the
 * parser reads value types, ranges, defaults, enum spellings and synonyms from here, the plan schema
 * is built from it, and the README parameter table and cache key are meant to be derived from it.
 * The plan's enum types are derived from the rows (types.ts), and interpret.ts turns each collected
 * value into its plan field by the row's type, range, default and `normalise`: a new enum parameter
 * is one row here, one step module and its test. Parameters whose deprecated forms fill other keys
 * (`a=focal-X-Y`, `t=fit`, `crop=`, `sharp=F,J,S`, `mod=B,S,H`) have those rules in collect.ts, as
 * REF has them in its query parser.
 */
import { DUOTONE_START, DUOTONE_STOP } from './defaults.js';

/** Where a parameter comes from: the API version that introduced it (best effort for API 3 era ones),
 *  `docs` for features only the newer public documentation describes, `pixproxy` for extensions. */
export type Since = 'api3' | 'api4' | 'api5' | 'docs' | 'pixproxy';

export type ValueType = 'bool' | 'int' | 'float' | 'coordinate' | 'colour' | 'enum' | 'list';

/**
 * A rule of its own for turning the collected value into the plan's (interpret.ts), where the rule
 * of the value type does not fit. Named rather than a function so the table stays data the plan
 * schema can read (schema.ts):
 * - `degrees`: folded into 0..359; 0 (no turn) is left out.
 * - `sigma`: 0 is off, a value in range the sigma, anything else `'mild'` (the fixed 3x3 kernel).
 * - `any-but-default`: every colour but the default (transparent black), even an invisible one.
 * - `chroma`: only the colour's chroma counts: alpha 0 is none, any other alpha the opaque colour.
 * - `opaque`: alpha is ignored; the opaque default is left out.
 */
export type Normaliser = 'degrees' | 'sigma' | 'any-but-default' | 'chroma' | 'opaque';

interface CommonSpec {
  /** Other keys accepted for this parameter (3.11); first occurrence of either spelling wins. */
  readonly synonyms?: readonly string[];
  /** One line for the README. */
  readonly description: string;
  readonly since: Since;
  /** Not part of the weserv API: pixproxy only. */
  readonly extension?: true;
  /** Still accepted, but a newer spelling exists. */
  readonly deprecated?: true;
  /** How the plan field is derived, when the value type's rule does not fit (interpret.ts). */
  readonly normalise?: Normaliser;
  /** Not a plan field of its own: the value is part of this field (`cx` of `crop`). */
  readonly partOf?: 'crop';
}

export interface BoolSpec extends CommonSpec {
  readonly type: 'bool';
  readonly default: boolean;
}

export interface NumberSpec extends CommonSpec {
  readonly type: 'int' | 'float';
  /** Valid range, inclusive; outside it the parameter falls back as its description says. */
  readonly min?: number;
  readonly max?: number;
  /** null: off / automatic. */
  readonly default: number | null;
  /** What a bare key or garbage means, where the spec gives it a meaning of its own. */
  readonly bare?: number | 'mild' | 'not given';
  /** Values outside `min`..`max` that keep a meaning of their own (`page=-1`: the largest). */
  readonly specials?: readonly number[];
}

export interface CoordinateSpec extends CommonSpec {
  readonly type: 'coordinate';
  readonly default: null;
}

export interface ColourSpec extends CommonSpec {
  readonly type: 'colour';
  /** RRGGBB, or null for none / transparent / derived from the image. */
  readonly default: string | null;
}

export interface EnumSpec extends CommonSpec {
  readonly type: 'enum';
  /** Canonical values (case-sensitive). Unknown values mean the default. */
  readonly values: readonly string[];
  /** Other exact spellings mapped onto a canonical value (deprecated forms, short forms). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Any value starting with the key maps to the canonical value (checked after exact matches). */
  readonly prefixes?: Readonly<Record<string, string>>;
  /** Values that are pixproxy extensions. */
  readonly extensionValues?: readonly string[];
  /** null: nothing (no mask, no filter, the origin's format). */
  readonly default: string | null;
}

export interface ListSpec extends CommonSpec {
  readonly type: 'list';
  readonly itemType: 'int' | 'float';
  readonly maxItems: number;
  /** What the list is stored as: one float (`mod`, `sharp`), the int list itself, or only other keys. */
  readonly slot: 'float' | 'ints' | 'none';
  readonly min?: number;
  readonly max?: number;
  readonly default: number | null;
}

export type ParameterSpec = BoolSpec | NumberSpec | CoordinateSpec | ColourSpec | EnumSpec | ListSpec;

const POSITIONS = [
  'center',
  'top',
  'right',
  'bottom',
  'left',
  'top-left',
  'top-right',
  'bottom-left',
  'bottom-right',
  'entropy',
  'attention',
  'focal',
] as const;

const FITS = ['inside', 'outside', 'cover', 'fill', 'contain'] as const;

const MASKS = [
  'circle',
  'ellipse',
  'triangle',
  'triangle-180',
  'pentagon',
  'pentagon-180',
  'hexagon',
  'square',
  'star',
  'heart',
] as const;

const FILTERS = ['greyscale', 'sepia', 'duotone', 'negate'] as const;

export const IMAGE_FORMATS = [
  'jpg',
  'png',
  'gif',
  'tiff',
  'webp',
  'avif',
  'jxl',
] as const;

const OUTPUTS = [...IMAGE_FORMATS, 'json', 'blurhash', 'auto'] as const;

export const PARAMETERS = {
  // Size and fit (3.1, 3.2)
  w: {
    type: 'coordinate',
    synonyms: ['width'],
    default: null,
    description: 'Target width in pixels, or `N%` of the source width.',
    since: 'api3',
  },
  h: {
    type: 'coordinate',
    synonyms: ['height'],
    default: null,
    description: 'Target height in pixels, or `N%` of the source height.',
    since: 'api3',
  },
  dpr: {
    type: 'float',
    min: 0,
    max: 8,
    default: 1,
    description: 'Device pixel ratio: multiplies `w` and `h`.',
    since: 'api5',
  },
  fit: {
    type: 'enum',
    synonyms: ['t'],
    values: FITS,
    // API 4 `t=` spellings; `t=fit` and `t=squaredown` also imply `we` (collect.ts).
    aliases: {
      fit: 'inside',
      fitup: 'inside',
      square: 'cover',
      squaredown: 'cover',
      absolute: 'fill',
      letterbox: 'contain',
    },
    prefixes: { crop: 'cover' },
    default: 'inside',
    description: 'How the image fits the `w`×`h` box.',
    since: 'api5',
  },
  we: {
    type: 'bool',
    default: false,
    description: 'Without enlargement: never upscale.',
    since: 'api5',
  },
  cbg: {
    type: 'colour',
    default: null,
    normalise: 'any-but-default',
    description: 'Letterbox colour for `fit=contain` (default transparent).',
    since: 'api5',
  },

  // Alignment and rectangle crop (3.3)
  a: {
    type: 'enum',
    synonyms: ['align'],
    values: POSITIONS,
    aliases: { t: 'top', b: 'bottom', l: 'left', r: 'right' },
    // `crop-X-Y` (API 3) and `focal-X-Y` (API 5) also set fpx/fpy (collect.ts).
    prefixes: { 'crop-': 'focal', focal: 'focal' },
    default: 'center',
    description: 'Position for `fit=cover` crops and `fit=contain` letterboxing.',
    since: 'api3',
  },
  fpx: {
    type: 'float',
    min: 0,
    max: 1,
    default: 0.5,
    description: 'Horizontal focal point (0..1) for `a=focal`.',
    since: 'api5',
  },
  fpy: {
    type: 'float',
    min: 0,
    max: 1,
    default: 0.5,
    description: 'Vertical focal point (0..1) for `a=focal`.',
    since: 'api5',
  },
  crop: {
    type: 'list',
    itemType: 'int',
    maxItems: 4,
    slot: 'none',
    default: null,
    description: 'Deprecated `crop=W,H,X,Y`: same as `cw`, `ch`, `cx`, `cy`.',
    since: 'api3',
    deprecated: true,
  },
  cx: {
    type: 'coordinate',
    default: null,
    partOf: 'crop',
    description: 'Left edge of the rectangle crop (pixels or %).',
    since: 'api5',
  },
  cy: {
    type: 'coordinate',
    default: null,
    partOf: 'crop',
    description: 'Top edge of the rectangle crop (pixels or %).',
    since: 'api5',
  },
  cw: {
    type: 'coordinate',
    default: null,
    partOf: 'crop',
    description: 'Width of the rectangle crop (pixels or %).',
    since: 'api5',
  },
  ch: {
    type: 'coordinate',
    default: null,
    partOf: 'crop',
    description: 'Height of the rectangle crop (pixels or %).',
    since: 'api5',
  },
  precrop: {
    type: 'bool',
    default: false,
    description: 'Orient and crop before resizing.',
    since: 'api5',
  },

  // Trim (3.4)
  trim: {
    type: 'int',
    min: 1,
    max: 254,
    default: null,
    bare: 10,
    description: 'Trim edges similar to the background, with this tolerance (bare `&trim` = 10).',
    since: 'api3',
  },
  tbg: {
    type: 'colour',
    default: null,
    description: 'Background colour `trim` compares against (default: the top-left pixel).',
    since: 'docs',
  },

  // Mask (3.5)
  mask: {
    type: 'enum',
    synonyms: ['shape'],
    values: MASKS,
    default: null,
    description: 'Keep only the pixels inside this centred shape.',
    since: 'api4',
  },
  mtrim: {
    type: 'bool',
    synonyms: ['strim'],
    default: false,
    description: 'Crop to the bounding box of the mask.',
    since: 'api4',
  },
  mbg: {
    type: 'colour',
    default: null,
    description: 'Colour outside the mask (default transparent).',
    since: 'api4',
  },

  // Orientation (3.6)
  ro: {
    type: 'int',
    synonyms: ['or'],
    default: 0,
    bare: 'not given',
    normalise: 'degrees',
    description: 'Rotate clockwise by this many degrees.',
    since: 'api3',
  },
  rbg: {
    type: 'colour',
    default: null,
    normalise: 'any-but-default',
    description: 'Corner colour for rotations that are not a multiple of 90° (default transparent).',
    since: 'api5',
  },
  flip: {
    type: 'bool',
    default: false,
    description: 'Mirror top to bottom.',
    since: 'api5',
  },
  flop: {
    type: 'bool',
    default: false,
    description: 'Mirror left to right.',
    since: 'api5',
  },

  // Adjustments (3.7)
  bri: {
    type: 'int',
    min: -100,
    max: 100,
    default: 0,
    bare: 'not given',
    description: 'Deprecated linear brightness, -100..100 (prefer `mod`).',
    since: 'api3',
    deprecated: true,
  },
  mod: {
    type: 'list',
    itemType: 'float',
    maxItems: 3,
    slot: 'float',
    min: 0,
    max: 10_000,
    default: 1,
    description: 'Brightness multiplier; `mod=B,S,H` also sets `sat` and `hue`.',
    since: 'api5',
  },
  sat: {
    type: 'float',
    min: 0,
    max: 10_000,
    default: 1,
    description: 'Saturation multiplier.',
    since: 'api5',
  },
  hue: {
    type: 'int',
    default: 0,
    bare: 'not given',
    normalise: 'degrees',
    description: 'Hue rotation in degrees.',
    since: 'api5',
  },
  con: {
    type: 'int',
    min: -100,
    max: 100,
    default: 0,
    bare: 'not given',
    description: 'Contrast, -100..100.',
    since: 'api3',
  },
  gam: {
    type: 'float',
    min: 1,
    max: 3,
    default: null,
    bare: 2.2,
    description: 'Gamma 1..3 (darkens); bare or invalid = 2.2, 0 = off.',
    since: 'api3',
  },
  sharp: {
    type: 'list',
    itemType: 'float',
    maxItems: 3,
    slot: 'float',
    min: 0.000_001,
    max: 10,
    default: null,
    normalise: 'sigma',
    description: 'Sharpen with this sigma; bare or invalid = mild; `sharp=F,J,S` also sets the slopes.',
    since: 'api3',
  },
  sharpf: {
    type: 'float',
    min: 0,
    max: 1_000_000,
    default: 1,
    description: 'Sharpening slope for flat areas.',
    since: 'api3',
  },
  sharpj: {
    type: 'float',
    min: 0,
    max: 1_000_000,
    default: 2,
    description: 'Sharpening slope for jagged areas.',
    since: 'api3',
  },
  filt: {
    type: 'enum',
    values: FILTERS,
    default: null,
    description: 'Colour filter.',
    since: 'api3',
  },
  start: {
    type: 'colour',
    default: DUOTONE_START,
    normalise: 'opaque',
    description: 'Duotone shadow colour.',
    since: 'api5',
  },
  stop: {
    type: 'colour',
    default: DUOTONE_STOP,
    normalise: 'opaque',
    description: 'Duotone highlight colour.',
    since: 'api5',
  },
  blur: {
    type: 'float',
    min: 0.3,
    max: 1000,
    default: null,
    bare: 'mild',
    normalise: 'sigma',
    description: 'Gaussian blur with this sigma; bare or invalid = mild.',
    since: 'api3',
  },
  tint: {
    type: 'colour',
    default: null,
    normalise: 'chroma',
    description: 'Tint with the chroma of this colour.',
    since: 'api5',
  },
  bg: {
    type: 'colour',
    default: null,
    description: 'Background colour for transparent images.',
    since: 'api3',
  },

  // Output (3.8, 3.10)
  output: {
    type: 'enum',
    values: OUTPUTS,
    aliases: { tif: 'tiff', av1: 'avif' },
    extensionValues: ['auto', 'blurhash'],
    default: null,
    description: 'Output format (default: the format of the source).',
    since: 'api3',
  },
  q: {
    type: 'int',
    synonyms: ['quality'],
    min: 1,
    max: 100,
    default: 80,
    description: 'Quality for jpg, webp, avif, tiff and jxl.',
    since: 'api3',
  },
  l: {
    type: 'int',
    synonyms: ['level'],
    min: 0,
    max: 9,
    default: 6,
    description: 'PNG zlib compression level.',
    since: 'api5',
  },
  af: {
    type: 'bool',
    default: false,
    description: 'PNG adaptive row filtering.',
    since: 'api5',
  },
  il: {
    type: 'bool',
    default: false,
    description: 'Progressive JPEG, interlaced PNG or GIF.',
    since: 'api3',
  },
  ll: {
    type: 'bool',
    synonyms: ['lossless'],
    default: false,
    description: 'Lossless WebP, TIFF or JXL.',
    since: 'api5',
  },
  page: {
    type: 'int',
    min: 0,
    max: 100_000,
    default: 0,
    bare: -1,
    specials: [-1, -2],
    description: 'First page/frame to load; -1 largest, -2 smallest.',
    since: 'api5',
  },
  n: {
    type: 'int',
    synonyms: ['pages'],
    min: 1,
    default: 1,
    bare: -1,
    specials: [-1],
    description: 'Number of pages/frames to load; -1 for all.',
    since: 'api5',
  },
  loop: {
    type: 'int',
    min: 0,
    default: null,
    description: 'Animation loop count (0 = forever; default from the source).',
    since: 'api5',
  },
  delay: {
    type: 'list',
    itemType: 'int',
    maxItems: 10_000,
    slot: 'ints',
    min: 0,
    default: null,
    description: 'Frame delays in ms, comma separated (default from the source).',
    since: 'api5',
  },
  fsol: {
    type: 'bool',
    default: true,
    description: 'Fast JPEG shrink-on-load; `fsol=0` for the gentler variant.',
    since: 'api5',
  },
  icc: {
    type: 'bool',
    default: false,
    description: 'Keep the ICC profile of the source in the output.',
    since: 'pixproxy',
    extension: true,
  },
} as const satisfies Record<string, ParameterSpec>;

export type ParamKey = keyof typeof PARAMETERS;

/** Keys handled by the HTTP layer (1.2); never part of the plan or the cache key. */
export const DELIVERY_KEYS = {
  url: { description: 'The source image URL (required; encode `&` as `%26`).', since: 'api3' },
  default: { description: 'Redirect here on any error; `1` redirects to the source itself.', since: 'api5' },
  errorredirect: { description: 'Deprecated spelling of `default`.', since: 'api3', deprecated: true },
  filename: { description: 'Download name (1-78 letters/digits) before the extension.', since: 'api3' },
  encoding: { description: '`base64`: answer with a data URI as text.', since: 'api3' },
  maxage: { description: 'Cache lifetime, e.g. `7d`, `1w3d`, `86400` (1 day..1 year).', since: 'api5' },
} as const satisfies Record<string, { description: string; since: Since; deprecated?: true }>;

export type DeliveryKey = keyof typeof DELIVERY_KEYS;

/** REF ignores longer keys outright (`lossless` is the longest API key). */
export const MAX_KEY_LENGTH = 8;

export function isParamKey(key: string): key is ParamKey {
  return Object.hasOwn(PARAMETERS, key);
}

export function isDeliveryKey(key: string): key is DeliveryKey {
  return Object.hasOwn(DELIVERY_KEYS, key);
}

/** Synonym → parameter key, built once from the table. */
export const SYNONYMS: ReadonlyMap<string, ParamKey> = new Map(
  Object.entries(PARAMETERS).flatMap(([key, spec]) =>
    'synonyms' in spec && isParamKey(key) ? spec.synonyms.map((synonym) => [synonym, key] as const) : [],
  ),
);

/** Canonical value of an enum parameter for a raw value, or null (the default) when unknown. */
export function enumValue<S extends EnumSpec>(spec: S, raw: string): S['values'][number] | null {
  const known = (value: string | undefined): value is S['values'][number] =>
    value !== undefined && spec.values.includes(value);
  if (known(raw)) return raw;
  const alias = spec.aliases && Object.hasOwn(spec.aliases, raw) ? spec.aliases[raw] : undefined;
  if (known(alias)) return alias;
  for (const [prefix, value] of Object.entries(spec.prefixes ?? {})) {
    if (raw.startsWith(prefix) && known(value)) return value;
  }
  return null;
}
