/**
 * Response headers of spec section 6. Every response carries the CORS/timing headers; successes add
 * caching headers; nothing ever sends ETag, Last-Modified or Accept-Ranges (identical URLs always give
 * identical bytes, and the CDN in front does the revalidation).
 */
import type { CachedMeta } from '../cache/store.js';
import type { Delivery } from '../plan/types.js';
import type { Headers } from './respond.js';

export const commonHeaders: Headers = [
  ['Access-Control-Allow-Origin', '*'],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['Timing-Allow-Origin', '*'],
  ['X-Images-Api', '5'],
];

export function cachingHeaders(maxAge: number, now = Date.now()): Headers {
  return [
    ['Cache-Control', `public, max-age=${maxAge}`],
    ['Expires', new Date(now + maxAge * 1000).toUTCString()],
  ];
}

/** Headers of a successful image, JSON or base64 response. */
export function successHeaders(meta: CachedMeta, delivery: Delivery, cache: 'HIT' | 'MISS', now = Date.now()): Headers {
  const headers: (readonly [string, string])[] = [...commonHeaders];
  headers.push(['Content-Type', delivery.base64 ? 'text/plain' : meta.contentType]);
  if (meta.extension !== undefined && !delivery.base64) {
    headers.push(['Content-Disposition', `inline; filename=${delivery.filename ?? 'image'}.${meta.extension}`]);
  }
  headers.push(...cachingHeaders(delivery.maxAge, now));
  headers.push(['Link', `<${meta.canonicalUrl}>; rel="canonical"`]);
  headers.push(['X-Upstream-Response-Length', String(meta.upstreamBytes)]);
  headers.push(['X-Cache', cache]);
  return headers;
}

/** `encoding=base64`: the body becomes a data URI of the output. */
export function base64Body(meta: CachedMeta, data: Buffer): string {
  return `data:${meta.contentType};base64,${data.toString('base64')}`;
}
