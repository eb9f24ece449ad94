/**
 * How a rate-limit decision is shown to clients: the X-RateLimit-* headers (on 429 and on
 * `GET /quota`) and the body of `GET /quota` (spec 1.5, spacing as the public service writes it).
 */
import type { Decision } from './gcra.js';

export function rateLimitHeaders(decision: Decision): [string, string][] {
  const headers: [string, string][] = [
    ['X-RateLimit-Limit', String(decision.limit)],
    ['X-RateLimit-Remaining', String(decision.remaining)],
    ['X-RateLimit-Reset', String(decision.resetS)],
  ];
  if (decision.retryAfterS !== undefined) headers.push(['Retry-After', String(decision.retryAfterS)]);
  return headers;
}

/** `{"X-RateLimit-Limit":2500, "X-RateLimit-Remaining":2500, "X-RateLimit-Reset":0}` */
export function quotaBody(decision: Decision): string {
  return `{"X-RateLimit-Limit":${decision.limit}, "X-RateLimit-Remaining":${decision.remaining}, "X-RateLimit-Reset":${decision.resetS}}`;
}
