/**
 * The canonical plan: what the query asks the pipeline to do, with aliases resolved, invalid values
 * already clamped or dropped and every default left out. Two queries that mean the same thing yield
 * deep-equal plans, which is what makes the cache key content-addressed.
 *
 * Convention: a field is present only when it changes the output. Booleans are present only as `true`
 * (except `fsol`, whose default is true). Nothing downstream of the parser reads raw query parameters.
 * Enum types and fields come from the parameter table's rows.
 */
import type { IMAGE_FORMATS, PARAMETERS } from './parameters.js';

/** A pixel count, or a fraction (0..1) of the dimension it refers to. */
export type Coordinate = { readonly px: number } | { readonly pct: number };

/** A colour as [red, green, blue, alpha], each 0..255. */
export type Rgba = readonly [number, number, number, number];

type Table = typeof PARAMETERS;

/** The table's enum parameters. */
export type EnumKey = { [K in keyof Table]: Table[K] extends { readonly type: 'enum' } ? K : never }[keyof Table];

/** The canonical values of an enum parameter, as its row lists them. */
export type EnumValue<K extends EnumKey> = Table[K]['values'][number];

export type Fit = EnumValue<'fit'>;
export type Position = EnumValue<'a'>;
export type MaskShape = EnumValue<'mask'>;
export type Filter = EnumValue<'filt'>;

/** Encoded image formats pixproxy can be asked for. */
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/**
 * `json` is metadata, `blurhash` a placeholder string (extension), `auto` picks from the Accept header
 * (extension; the HTTP layer replaces it by the chosen concrete format before the key is computed).
 */
export type OutputFormat = EnumValue<'output'>;

/**
 * One plan field per enum parameter, present only when it is not the row's default: `fit` absent
 * means `inside`, `a` absent `center`, `output` absent the format of the origin (4.3).
 */
export type EnumFields = { readonly [K in EnumKey]?: Exclude<EnumValue<K>, Table[K]['default']> };

/** Rectangle crop (cx, cy, cw, ch). Present when any of the four was given, even invalid. */
export interface CropRect {
  readonly x?: Coordinate;
  readonly y?: Coordinate;
  readonly w?: Coordinate;
  readonly h?: Coordinate;
}

export interface Plan extends EnumFields {
  // Size and fit (3.1, 3.2)
  readonly w?: Coordinate;
  readonly h?: Coordinate;
  /** Device pixel ratio in [0, 8], present only when != 1. */
  readonly dpr?: number;
  readonly we?: true;
  readonly cbg?: Rgba;

  // Alignment and crop (3.3)
  /** Focal point, present only with a = 'focal' and when != 0.5. */
  readonly fpx?: number;
  readonly fpy?: number;
  readonly crop?: CropRect;
  readonly precrop?: true;

  // Trim (3.4)
  /** Tolerance 1..254. */
  readonly trim?: number;
  readonly tbg?: Rgba;

  // Mask (3.5)
  readonly mtrim?: true;
  readonly mbg?: Rgba;

  // Orientation (3.6)
  /** User rotation in degrees, normalised to 1..359. */
  readonly ro?: number;
  readonly rbg?: Rgba;
  readonly flip?: true;
  readonly flop?: true;

  // Adjustments (3.7)
  /** Linear brightness -100..100, non-zero. */
  readonly bri?: number;
  /** Modulate brightness multiplier, != 1. */
  readonly mod?: number;
  readonly sat?: number;
  /** Hue rotation 1..359. */
  readonly hue?: number;
  /** Contrast -100..100, non-zero. */
  readonly con?: number;
  /** Gamma 1..3. */
  readonly gam?: number;
  /** Sharpen sigma, or 'mild' for the fixed 3x3 kernel. */
  readonly sharp?: number | 'mild';
  readonly sharpf?: number;
  readonly sharpj?: number;
  readonly start?: Rgba;
  readonly stop?: Rgba;
  /** Blur sigma, or 'mild' for the 3x3 box blur. */
  readonly blur?: number | 'mild';
  readonly tint?: Rgba;
  readonly bg?: Rgba;

  // Output (3.8, 3.10)
  readonly q?: number;
  readonly l?: number;
  readonly af?: true;
  readonly il?: true;
  readonly ll?: true;
  /** Start page, 0..100000, or -1 (largest) / -2 (smallest). Absent means 0. */
  readonly page?: number;
  /** Number of pages, >= 1 or -1 for all. Absent means 1. */
  readonly n?: number;
  readonly loop?: number;
  readonly delay?: readonly number[];
  /** Present only as false (fast shrink-on-load is the default). */
  readonly fsol?: false;
  /** Extension: keep the ICC profile of the source in the output. */
  readonly icc?: true;
}

/** Delivery keys: handled by the HTTP layer, never part of the pipeline or the cache key. */
export interface Delivery {
  /** The normalised origin URL (spec 1.3). */
  readonly url: string;
  /** Normalised redirect target on error, or 'origin' for `default=1`. */
  readonly fallback?: string | 'origin';
  readonly filename?: string;
  readonly base64?: true;
  /** Seconds, 86400..31536000. */
  readonly maxAge: number;
}

export interface ParsedRequest {
  readonly delivery: Delivery;
  readonly plan: Plan;
}

/** What the parser makes of a query string. */
export type ParseOutcome =
  | { readonly kind: 'request'; readonly request: ParsedRequest }
  /** No `url=` pair: not an API call (landing page). */
  | { readonly kind: 'no-url' }
  /**
   * `url=` present but unusable (`code` says why: unparsable, or a unix socket target); `fallback` is
   * a parsable `default=` URL to redirect to, if any.
   */
  | { readonly kind: 'invalid-url'; readonly code: 'INVALID_URL' | 'UNIX_SOCKET'; readonly fallback?: string };
