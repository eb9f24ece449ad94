/**
 * Punycode encoder (RFC 3492, section 6.3) for IDN host labels. Only encoding is needed: the
 * normaliser turns non-ASCII labels into `xn--` labels and never reads them back. Written out
 * rather than taken from `node:punycode` (deprecated) or `url.domainToASCII` (UTS #46: it lowercases
 * and maps characters, while the spec keeps the label's code points and case as given).
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 0x80;

/** Bias adaptation, RFC 3492 section 6.1. */
function adapt(delta: number, pointsSoFar: number, firstTime: boolean): number {
  let scaled = firstTime ? Math.floor(delta / DAMP) : Math.floor(delta / 2);
  scaled += Math.floor(scaled / pointsSoFar);
  let k = 0;
  while (scaled > ((BASE - T_MIN) * T_MAX) >> 1) {
    scaled = Math.floor(scaled / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * scaled) / (scaled + SKEW));
}

/** 0..25 → a..z, 26..35 → 0..9. */
function digit(value: number): string {
  return String.fromCharCode(value < 26 ? 0x61 + value : 0x16 + value);
}

/**
 * Encodes one label's code points; the `xn--` prefix is the caller's. Labels are at most a few
 * hundred code points (the host is capped), so plain numbers cannot overflow here.
 */
export function punycodeEncode(codePoints: readonly number[]): string {
  let output = '';
  for (const point of codePoints) if (point < INITIAL_N) output += String.fromCharCode(point);
  const basicCount = output.length;
  if (basicCount > 0) output += '-';

  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  let handled = basicCount;
  while (handled < codePoints.length) {
    let next = Number.POSITIVE_INFINITY;
    for (const point of codePoints) if (point >= n && point < next) next = point;
    delta += (next - n) * (handled + 1);
    n = next;
    for (const point of codePoints) {
      if (point < n) delta += 1;
      if (point !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const threshold = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (q < threshold) break;
        output += digit(threshold + ((q - threshold) % (BASE - threshold)));
        q = Math.floor((q - threshold) / (BASE - threshold));
      }
      output += digit(q);
      bias = adapt(delta, handled + 1, handled === basicCount);
      delta = 0;
      handled += 1;
    }
    delta += 1;
    n += 1;
  }
  return output;
}
