/**
 * A refusal by the rate limiter as a ServiceError (429, the catalog's RATE_LIMITED) that keeps the
 * decision, so the error response can carry Retry-After and the X-RateLimit-* headers.
 */
import { ServiceError } from '../errors.js';
import type { Decision } from './gcra.js';
import type { RateLimiter } from './limiter.js';

export class RateLimitedError extends ServiceError {
  readonly decision: Decision;

  constructor(decision: Decision) {
    super('RATE_LIMITED');
    this.name = 'RateLimitedError';
    this.decision = decision;
  }
}

/** Counts one request of `client`; throws RateLimitedError when it is refused. */
export async function admit(limiter: RateLimiter, client: string): Promise<Decision> {
  const decision = await limiter.consume(client);
  if (!decision.allowed) throw new RateLimitedError(decision);
  return decision;
}
