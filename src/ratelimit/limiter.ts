/**
 * Rate limiting per client: the interface the HTTP layer uses, and the in-process implementation.
 *
 * The in-process limiter keeps one small GCRA state per client in a bounded LRU: a flood of
 * distinct addresses evicts the least recently seen clients instead of growing memory, and an
 * entry expires on its own as soon as its state is back to "never seen" (allowance full, no ban),
 * so an idle client costs nothing. An evicted client simply starts again with a full allowance.
 */
import { LRUCache } from 'lru-cache';
import { decide, msUntilNeutral, type Decision, type GcraParams, type GcraState } from './gcra.js';

export type { Decision } from './gcra.js';

export interface RateLimiter {
  /** Counts one request of `client` (an IP, or the key from `rateLimitKey`) and decides on it. */
  consume(client: string): Promise<Decision>;
  /** The same numbers without counting anything (`GET /quota`). */
  peek(client: string): Promise<Decision>;
  close(): Promise<void>;
}

export interface MemoryRateLimiterOptions {
  readonly params: GcraParams;
  /** Clients remembered at once (default 100000, some 25-40 MB when full); the least recently seen go first. */
  readonly maxClients?: number;
  /** Milliseconds clock; replaceable for tests. */
  readonly now?: () => number;
}

export const DEFAULT_MAX_CLIENTS = 100_000;

function publicPart(decision: Decision & { state: GcraState }): Decision {
  const { state: _state, ...rest } = decision;
  return rest;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly params: GcraParams;
  private readonly now: () => number;
  private readonly states: LRUCache<string, GcraState>;

  constructor(options: MemoryRateLimiterOptions) {
    this.params = options.params;
    this.now = options.now ?? Date.now;
    this.states = new LRUCache<string, GcraState>({
      max: options.maxClients ?? DEFAULT_MAX_CLIENTS,
      // Expiry runs on the limiter's clock, so a test's fake clock expires entries too.
      perf: { now: this.now },
      // Read the clock on every access rather than caching it for a millisecond behind a timer.
      ttlResolution: 0,
      // Expired entries are dropped when met or evicted; `max` bounds them meanwhile without a timer each.
      ttlAutopurge: false,
    });
  }

  consume(client: string): Promise<Decision> {
    const now = this.now();
    const decision = decide(this.states.get(client), now, this.params, { count: true });
    const ttl = msUntilNeutral(decision.state, now);
    if (ttl > 0) this.states.set(client, decision.state, { ttl: Math.ceil(ttl) });
    else this.states.delete(client);
    return Promise.resolve(publicPart(decision));
  }

  peek(client: string): Promise<Decision> {
    const decision = decide(this.states.get(client), this.now(), this.params, { count: false });
    return Promise.resolve(publicPart(decision));
  }

  /** Clients currently remembered, after forgetting those back to neutral (for tests and metrics). */
  get size(): number {
    this.states.purgeStale();
    return this.states.size;
  }

  close(): Promise<void> {
    this.states.clear();
    return Promise.resolve();
  }
}
