/**
 * `maxage` (spec 3.9): how long clients and CDNs may cache a successful response. Parsed like nginx's
 * `ngx_parse_time` in seconds mode, which is what REF uses: `<int><unit>` groups with units in strictly
 * descending order (`1w3d`, `1d12h`), a trailing unit-less number counts as seconds (`86400`, `1d30`).
 */

export const MIN_MAX_AGE = 86_400;
export const MAX_MAX_AGE = 31_536_000;
/** Anything unparsable or outside 1 day..1 year silently becomes this (one year). */
export const DEFAULT_MAX_AGE = MAX_MAX_AGE;

const DAY = 86_400;

/** Units in the only order they may appear; case-sensitive (`M` months, `m` minutes). */
const UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * DAY],
  ['M', 30 * DAY],
  ['w', 7 * DAY],
  ['d', DAY],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
];

/** Seconds, or undefined when the text is not a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  let total = 0;
  let pending: number | undefined;
  let nextUnit = 0;
  let index = 0;
  while (index < text.length) {
    const digits = /^[0-9]+/.exec(text.slice(index));
    if (digits) {
      pending = Number(digits[0]);
      index += digits[0].length;
      continue;
    }
    const unit = UNITS.findIndex(([name]) => name === text[index]);
    // A unit must follow a number and come after every unit already seen.
    if (unit < nextUnit || pending === undefined) return undefined;
    total += pending * (UNITS[unit]?.[1] ?? 0);
    pending = undefined;
    nextUnit = unit + 1;
    index += 1;
  }
  // A trailing unit-less number is seconds (nginx adds it even after an `s` group).
  if (pending !== undefined) total += pending;
  else if (nextUnit === 0) return undefined;
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The `maxage` delivery value in seconds, always within 1 day..1 year. */
export function maxAgeSeconds(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_MAX_AGE;
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined || seconds < MIN_MAX_AGE || seconds > MAX_MAX_AGE) return DEFAULT_MAX_AGE;
  return seconds;
}
