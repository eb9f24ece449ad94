/**
 * Response headers of spec section 6. Every response carries the CORS/timing headers; successes add
 * caching headers and, as an extension for the shared caches in front of us, the validators ETag and
 * Last-Modified (validators.ts). No Accept-Ranges: ranges are not served.
 *
 * Every header of a success is the same for every client that may receive the copy from a shared
 * cache: nothing here depends on who asked (the rate-limit numbers go on 429s only).
 */
import type { CachedMeta } from '../cache/store.js';
import type { Delivery } from '../plan/types.js';
import { CachePolicy } from './cache-policy.js';
import type { HeaderList } from './respond.js';
import { etagOf } from './validators.js';

/** Per-server choices that shape a success's headers. */
export interface SuccessOptions {
  readonly policy: CachePolicy;
  /** INSTANCE_NAME, sent as `X-Served-By`: which box made the response (the same for everyone). */
  readonly servedBy: string | undefined;
}

export const defaultSuccessOptions: SuccessOptions = { policy: new CachePolicy(), servedBy: undefined };

export const commonHeaders: HeaderList = [
  ['Access-Control-Allow-Origin', '*'],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['Timing-Allow-Origin', '*'],
  ['X-Images-Api', '5'],
];

/**
 * The ETag of what is sent: the stored bytes' tag, or for `encoding=base64` (another representation
 * of the same bytes) that tag marked as such, so the two never share a tag.
 */
export function etagFor(data: Uint8Array, delivery: Delivery): string {
  const tag = etagOf(data);
  return delivery.base64 ? `${tag.slice(0, -1)}.b64"` : tag;
}

/** Headers of a successful image, JSON or base64 response. `data` is the stored output. */
export function successHeaders(
  meta: CachedMeta,
  delivery: Delivery,
  cache: 'HIT' | 'MISS',
  data: Uint8Array,
  options: SuccessOptions = defaultSuccessOptions,
  now = Date.now(),
): HeaderList {
  const headers: (readonly [string, string])[] = [...commonHeaders];
  headers.push(['Content-Type', delivery.base64 ? 'text/plain' : meta.contentType]);
  if (meta.extension !== undefined && !delivery.base64) {
    headers.push(['Content-Disposition', `inline; filename=${delivery.filename ?? 'image'}.${meta.extension}`]);
  }
  headers.push(...options.policy.headers(delivery.maxAge, now));
  headers.push(['ETag', etagFor(data, delivery)]);
  headers.push(['Last-Modified', new Date(meta.createdAt).toUTCString()]);
  headers.push(['Link', `<${meta.canonicalUrl}>; rel="canonical"`]);
  headers.push(['X-Upstream-Response-Length', String(meta.upstreamBytes)]);
  headers.push(['X-Cache', cache]);
  if (options.servedBy !== undefined) headers.push(['X-Served-By', options.servedBy]);
  return headers;
}

/** `encoding=base64`: the body becomes a data URI of the output. */
export function base64Body(meta: CachedMeta, data: Buffer): string {
  return `data:${meta.contentType};base64,${data.toString('base64')}`;
}
