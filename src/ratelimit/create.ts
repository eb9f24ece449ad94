/** The rate limiter the configuration asks for: none, in-process, or shared through Redis. */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { gcraParams, type GcraParams } from './gcra.js';
import { MemoryRateLimiter, type RateLimiter } from './limiter.js';
import { RedisRateLimiter } from './redis-limiter.js';

/** Undefined when RATE_LIMIT_MAX=0 (rate limiting off). */
export function rateLimitParams(config: Pick<Config, 'rateLimitMax' | 'rateLimitWindowS' | 'rateLimitBanS'>): GcraParams | undefined {
  if (config.rateLimitMax === 0) return undefined;
  return gcraParams(config.rateLimitMax, config.rateLimitWindowS * 1000, config.rateLimitBanS * 1000);
}

export function createRateLimiter(config: Config, log: Logger): RateLimiter | undefined {
  const params = rateLimitParams(config);
  if (params === undefined) return undefined;
  if (config.redisUrl !== undefined) return new RedisRateLimiter({ url: config.redisUrl, params, log });
  return new MemoryRateLimiter({ params });
}
