/**
 * The query parser: raw query string (the text after `?`, as received) → what the HTTP layer needs
 * (delivery options) and what the pipeline needs (the canonical, validated, frozen plan).
 */
import { ServiceError } from '../errors.js';
import { normaliseSourceUrl } from '../url/normalise.js';
import { canonicalise } from './canonical.js';
import { collect } from './collect.js';
import { maxAgeSeconds } from './duration.js';
import { interpret } from './interpret.js';
import { sealPlan } from './schema.js';
import { apiPairs, deliveryValues } from './tokenise.js';
import type { DeliveryValues } from './tokenise.js';
import type { Delivery, ParseOutcome, Plan } from './types.js';

const NO_URL: ParseOutcome = Object.freeze({ kind: 'no-url' });

/** The normalised URL, or the error code where normalisation fails (spec 1.3). */
function normalised(raw: string): string | { code: 'INVALID_URL' | 'UNIX_SOCKET' } {
  try {
    return normaliseSourceUrl(raw);
  } catch (error) {
    if (error instanceof ServiceError) return { code: error.code === 'UNIX_SOCKET' ? 'UNIX_SOCKET' : 'INVALID_URL' };
    throw error;
  }
}

function normalisedOrUndefined(raw: string): string | undefined {
  const result = normalised(raw);
  return typeof result === 'string' ? result : undefined;
}

/** `default=` (or the deprecated `errorredirect=`, only when `default` is absent): `1` or a URL. */
function fallbackOf(values: DeliveryValues): string | 'origin' | undefined {
  const raw = values.default ?? values.errorredirect;
  if (raw === undefined) return undefined;
  return raw === '1' ? 'origin' : normalisedOrUndefined(raw);
}

/** 1..78 ASCII letters or digits, raw: a `%`-escape makes it invalid (the HTTP layer then uses `image`). */
function validFilename(raw: string | undefined): string | undefined {
  return raw !== undefined && /^[A-Za-z0-9]{1,78}$/.test(raw) ? raw : undefined;
}

/** The canonical plan of a query's API keys alone (no URL needed: also for the CLI and tests). */
export function parsePlan(rawQuery: string): Plan {
  return sealPlan(canonicalise(interpret(collect(apiPairs(rawQuery)))));
}

export function parseQuery(rawQuery: string): ParseOutcome {
  const values = deliveryValues(rawQuery);
  if (values.url === undefined) return NO_URL;
  const fallback = fallbackOf(values);
  const url = normalised(values.url);
  if (typeof url !== 'string') {
    // Redirecting to "the origin" is impossible when the origin URL itself is unusable.
    const target = fallback === 'origin' ? undefined : fallback;
    return Object.freeze({ kind: 'invalid-url', code: url.code, ...(target === undefined ? {} : { fallback: target }) });
  }
  const filename = validFilename(values.filename);
  const delivery: Delivery = Object.freeze({
    url,
    ...(fallback === undefined ? {} : { fallback }),
    ...(filename === undefined ? {} : { filename }),
    ...(values.encoding?.toLowerCase() === 'base64' ? { base64: true as const } : {}),
    maxAge: maxAgeSeconds(values.maxage),
  });
  return Object.freeze({ kind: 'request', request: Object.freeze({ delivery, plan: parsePlan(rawQuery) }) });
}
