/**
 * Splits the raw query string (spec 1.2) into the two families of keys. Values stay raw (still
 * percent-encoded); only the value parsers know the two places where an encoded `#`/`%` matters.
 */
import { MAX_KEY_LENGTH, SYNONYMS, isDeliveryKey, isParamKey } from './parameters.js';
import type { DeliveryKey, ParamKey } from './parameters.js';

/** One API key as given: synonym resolved, `raw` undefined for a bare key without `=`. */
export interface ApiPair {
  readonly key: ParamKey;
  readonly raw: string | undefined;
}

export type DeliveryValues = Partial<Record<DeliveryKey, string>>;

/** Only ASCII letters fold: the HTTP layer matched these keys byte-wise in nginx. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

/**
 * Delivery keys: case-insensitive key, the first `key=` pair at the start of the query or right after
 * `&` wins, the value runs to the next `&`. `?url` without `=` does not count.
 */
export function deliveryValues(rawQuery: string): DeliveryValues {
  const found: DeliveryValues = {};
  for (const segment of rawQuery.split('&')) {
    const eq = segment.indexOf('=');
    if (eq < 0) continue;
    const key = asciiLower(segment.slice(0, eq));
    if (isDeliveryKey(key) && found[key] === undefined) found[key] = segment.slice(eq + 1);
  }
  return found;
}

/**
 * API keys in query order: case-sensitive, at most 8 characters, delivery keys (exact spelling)
 * skipped, synonyms mapped, unknown keys dropped (so cache busters like `v=123` are harmless).
 */
export function apiPairs(rawQuery: string): ApiPair[] {
  const pairs: ApiPair[] = [];
  for (const segment of rawQuery.split('&')) {
    const eq = segment.indexOf('=');
    const given = eq < 0 ? segment : segment.slice(0, eq);
    if (given === '' || given.length > MAX_KEY_LENGTH || isDeliveryKey(given)) continue;
    const key = SYNONYMS.get(given) ?? given;
    if (!isParamKey(key)) continue;
    pairs.push({ key, raw: eq < 0 ? undefined : segment.slice(eq + 1) });
  }
  return pairs;
}
