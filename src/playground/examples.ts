/**
 * Example requests for the reference page: one per parameter, on the configured sample image. A
 * value is derived from the parameter's type and range; the override map picks values that show
 * the effect well, with the companion parameters some of them need (`fpx` only acts with
 * `a=focal` and a cover crop, `start` only with `filt=duotone`, ...).
 */
import { PARAMETERS, type ParamKey, type ParameterSpec } from '../plan/parameters.js';

export interface Example {
  /** The value, or null for a bare key (`&flip`). */
  readonly value: string | null;
  /** Other pairs the effect needs, appended after the parameter itself. */
  readonly with?: string;
}

/** Width every example is shown at, unless the example sets `w` itself. */
export const EXAMPLE_WIDTH = 300;

const OVERRIDES: Partial<Record<ParamKey, Example>> = {
  w: { value: '200' },
  h: { value: '150' },
  dpr: { value: '2' },
  fit: { value: 'cover', with: 'h=150' },
  cbg: { value: 'ff6347', with: 'fit=contain&h=300' },
  a: { value: 'top', with: 'fit=cover&h=100' },
  fpx: { value: '0.2', with: 'a=focal&fit=cover&w=100&h=300' },
  fpy: { value: '0.8', with: 'a=focal&fit=cover&h=100' },
  crop: { value: '200,200,100,100' },
  cx: { value: '50%' },
  cy: { value: '50%' },
  cw: { value: '50%' },
  ch: { value: '50%' },
  precrop: { value: null, with: 'cw=50%&ch=50%' },
  trim: { value: '10' },
  tbg: { value: 'ffffff', with: 'trim=10' },
  mask: { value: 'circle' },
  mtrim: { value: null, with: 'mask=circle' },
  mbg: { value: 'ff6347', with: 'mask=circle' },
  ro: { value: '90' },
  rbg: { value: 'ff6347', with: 'ro=30' },
  bri: { value: '30' },
  mod: { value: '1.4' },
  sat: { value: '2' },
  hue: { value: '90' },
  con: { value: '40' },
  gam: { value: '2.2' },
  sharp: { value: '5' },
  sharpf: { value: '2', with: 'sharp=5' },
  sharpj: { value: '20', with: 'sharp=5' },
  filt: { value: 'sepia' },
  start: { value: '000080', with: 'filt=duotone' },
  stop: { value: 'ffd700', with: 'filt=duotone' },
  blur: { value: '5' },
  tint: { value: '4169e1' },
  bg: { value: 'ff6347', with: 'ro=30' },
  output: { value: 'webp' },
  q: { value: '10', with: 'output=jpg' },
  l: { value: '9', with: 'output=png' },
  af: { value: null, with: 'output=png' },
  il: { value: null, with: 'output=jpg' },
  ll: { value: null, with: 'output=webp' },
  page: { value: '-1' },
  n: { value: '-1' },
  loop: { value: '0', with: 'n=-1&output=webp' },
  delay: { value: '100', with: 'n=-1&output=webp' },
  fsol: { value: '0' },
};

/** A value that differs from the default, from the type and range alone (for parameters added later). */
export function derivedExample(spec: ParameterSpec): Example {
  switch (spec.type) {
    case 'bool':
      return { value: spec.default ? '0' : null };
    case 'int':
    case 'float': {
      const low = spec.default ?? spec.min ?? 0;
      const high = spec.max ?? low + 10;
      const middle = low + (high - low) / 2;
      return { value: String(spec.type === 'int' ? Math.round(middle) : middle) };
    }
    case 'coordinate':
      return { value: '50%' };
    case 'colour':
      return { value: 'ff6347' };
    case 'enum':
      return { value: spec.values.find((value) => value !== spec.default) ?? spec.values[0] ?? '' };
    case 'list':
      return { value: String(spec.min ?? 1) };
  }
}

export function exampleFor(key: ParamKey): Example {
  const spec: ParameterSpec = PARAMETERS[key];
  return OVERRIDES[key] ?? derivedExample(spec);
}

/**
 * The source URL as a `url=` value: percent-encoded where the API would misread it (`&`, `#`, `%`,
 * spaces, non-ASCII) but with `:` `/` `?` `=` `,` `@` kept, so the URL stays readable.
 */
export function encodeSourceUrl(source: string): string {
  return encodeURIComponent(source).replace(/%(3A|2F|3F|3D|2C|40)/gi, (match) => decodeURIComponent(match));
}

/** A parameter value: `#` and `%` must be escaped (`%23`, `%25` are what the API expects), commas kept for lists. */
export function encodeParamValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',');
}

function pair(key: string, value: string | null): string {
  return value === null ? key : `${key}=${encodeParamValue(value)}`;
}

/** The query of an example (after `url=`): the parameter, its companions, then the display width. */
export function exampleQuery(key: ParamKey): string {
  const example = exampleFor(key);
  const companions = example.with === undefined ? [] : example.with.split('&');
  const pairs = [pair(key, example.value), ...companions.map((raw) => {
    const [name = '', value] = raw.split('=');
    return pair(name, value ?? null);
  })];
  const setsWidth = key === 'w' || companions.some((raw) => raw.startsWith('w='));
  return [...pairs, ...(setsWidth ? [] : [`w=${EXAMPLE_WIDTH}`])].join('&');
}

/** The path and query of an example image, relative to the pixproxy host. */
export function exampleUrl(sampleUrl: string, key: ParamKey): string {
  return `/?url=${encodeSourceUrl(sampleUrl)}&${exampleQuery(key)}`;
}
