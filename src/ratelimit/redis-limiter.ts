/**
 * Rate limiting shared by several boxes through Redis: the same GCRA and ban as gcra.ts, run
 * atomically inside Redis by one Lua script, so every request costs one round trip (EVALSHA, with
 * EVAL when the server has not seen the script yet) and concurrent boxes never race.
 *
 * Clock: the script reads Redis's own `TIME`, so every box judges a client against one clock; with
 * each box's clock, a box whose clock runs ahead would hand out allowance early and one running
 * behind would hold bans longer. (Tests pass their own clock instead, as an argument.)
 *
 * Keys expire (PX) when the client's state is back to neutral, so idle clients vanish.
 *
 * The limiter must never take image serving down: commands time out after `commandTimeoutMs`,
 * nothing queues while Redis is away (the offline queue is off), and on any error the request is
 * let through (fail open) with a warning logged at most once per `warnIntervalMs`. After a failure
 * Redis is left alone for `retryAfterFailureMs` and then tried with one request at a time until it
 * answers: a Redis that hangs costs one timeout per interval, not one per request, and commands
 * waiting for its replies cannot pile up.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { report, type Decision, type GcraParams } from './gcra.js';
import type { RateLimiter } from './limiter.js';

/**
 * KEYS[1]: the client's key. ARGV: limit, windowMs, banMs, count ("1" counts), now (ms; empty: Redis
 * TIME). The state is stored as "<tat> <bannedUntil>" with 17 significant digits so it survives the
 * round trip through text exactly. Returns {allowed, tat, bannedUntil, now}, numbers as text
 * (Redis would truncate Lua numbers to integers). Mirrors `advance` in gcra.ts line for line.
 */
export const GCRA_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local banMs = tonumber(ARGV[3])
local count = ARGV[4] == '1'
local now = tonumber(ARGV[5])
if now == nil then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local interval = window / limit
local slack = math.min(interval / 2, 1)
local tat = 0
local bannedUntil = 0
local stored = redis.call('GET', KEYS[1])
if stored then
  local sep = string.find(stored, ' ', 1, true)
  if sep then
    tat = tonumber(string.sub(stored, 1, sep - 1)) or 0
    bannedUntil = tonumber(string.sub(stored, sep + 1)) or 0
  end
end
if bannedUntil <= now then bannedUntil = 0 end
local allowed = 0
if bannedUntil == 0 then
  local newTat = math.max(tat, now) + interval
  if newTat - now <= window + slack then
    allowed = 1
    if count then tat = newTat end
  elseif count and banMs > 0 then
    bannedUntil = now + banMs
  end
end
if count then
  local ttl = math.ceil(math.max(tat - now, bannedUntil - now))
  if ttl > 0 then
    redis.call('SET', KEYS[1], string.format('%.17g %.17g', tat, bannedUntil), 'PX', ttl)
  elseif stored then
    redis.call('DEL', KEYS[1])
  end
end
return {allowed, string.format('%.17g', tat), string.format('%.17g', bannedUntil), string.format('%.17g', now)}
`;

const SCRIPT_SHA = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

export interface RedisRateLimiterOptions {
  readonly url: string;
  readonly params: GcraParams;
  readonly log: Logger;
  /** Longest wait for one decision before failing open (default 150 ms). */
  readonly commandTimeoutMs?: number;
  /** At most one warning per this many ms while Redis fails (default 30000). */
  readonly warnIntervalMs?: number;
  /** After a failure, decisions fail open without asking Redis for this long (default 1000). */
  readonly retryAfterFailureMs?: number;
  /** Key prefix (default `pixproxy:rl:`), to share one Redis with other users. */
  readonly keyPrefix?: string;
  /** Tests only: judge with this clock instead of Redis TIME. */
  readonly now?: () => number;
}

interface ScriptResult {
  readonly allowed: boolean;
  readonly tat: number;
  readonly bannedUntil: number;
  readonly now: number;
}

function parseResult(reply: unknown): ScriptResult {
  if (!Array.isArray(reply) || reply.length !== 4) throw new Error('unexpected reply from the rate-limit script');
  const [allowed, tat, bannedUntil, now] = reply as unknown[];
  const numbers = [tat, bannedUntil, now].map((text) => (typeof text === 'string' ? Number(text) : Number.NaN));
  if (typeof allowed !== 'number' || numbers.some((value) => !Number.isFinite(value))) {
    throw new Error('unexpected reply from the rate-limit script');
  }
  return { allowed: allowed === 1, tat: numbers[0] ?? 0, bannedUntil: numbers[1] ?? 0, now: numbers[2] ?? 0 };
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly params: GcraParams;
  private readonly log: Logger;
  private readonly warnIntervalMs: number;
  private readonly keyPrefix: string;
  private readonly clock: (() => number) | undefined;
  private lastWarnAt = Number.NEGATIVE_INFINITY;
  private failuresSinceWarn = 0;
  private failing = false;
  private readonly retryAfterFailureMs: number;
  /** Until then (performance.now() ms) Redis is not asked; 0 while it works. */
  private restUntil = 0;
  /** A single request is finding out whether Redis is back. */
  private probing = false;

  constructor(options: RedisRateLimiterOptions) {
    this.params = options.params;
    this.log = options.log.child({ module: 'ratelimit' });
    this.warnIntervalMs = options.warnIntervalMs ?? 30_000;
    this.keyPrefix = options.keyPrefix ?? 'pixproxy:rl:';
    this.clock = options.now;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 1000;
    this.redis = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs ?? 150,
      connectTimeout: 1000,
      // Fail at once while disconnected instead of queueing requests behind a dead connection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Keep trying to come back, without hammering a Redis that is down.
      retryStrategy: (times) => Math.min(times * 100, 2000),
      // Concurrent decisions share one write to the socket.
      enableAutoPipelining: true,
    });
    // Without a listener ioredis prints every connection error to stderr itself.
    this.redis.on('error', (error: unknown) => this.failed(error));
    this.redis.on('ready', () => {
      // (Re)connected: ask it again at once rather than after the rest period.
      this.restUntil = 0;
      if (!this.failing) return;
      this.failing = false;
      this.log.info('rate limiter: Redis is reachable again');
    });
  }

  /**
   * Resolves true once connected, false if that takes longer than `timeoutMs`. Until then decisions
   * fail open (nothing is queued), so a process may wait for this at start; it need not.
   */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    try {
      return await new Promise<boolean>((resolve) => {
        onReady = () => resolve(true);
        this.redis.once('ready', onReady);
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
    } finally {
      clearTimeout(timer);
      if (onReady) this.redis.off('ready', onReady);
    }
  }

  consume(client: string): Promise<Decision> {
    return this.decide(client, true);
  }

  peek(client: string): Promise<Decision> {
    return this.decide(client, false);
  }

  private async decide(client: string, count: boolean): Promise<Decision> {
    const { limit, windowMs, banMs } = this.params;
    const failOpen: Decision = { allowed: true, limit, remaining: limit, resetS: 0 };
    const probe = this.restUntil > 0;
    if (probe && (this.probing || performance.now() < this.restUntil)) {
      this.failuresSinceWarn += 1;
      return failOpen;
    }
    this.probing = probe;
    const args = [String(limit), String(windowMs), String(banMs), count ? '1' : '0', this.clock ? String(this.clock()) : ''];
    const key = this.keyPrefix + client;
    try {
      let reply: unknown;
      try {
        reply = await this.redis.evalsha(SCRIPT_SHA, 1, key, ...args);
      } catch (error) {
        // First use on this server (or after SCRIPT FLUSH): EVAL runs the script and caches it.
        if (!isNoScript(error)) throw error;
        reply = await this.redis.eval(GCRA_SCRIPT, 1, key, ...args);
      }
      const result = parseResult(reply);
      this.restUntil = 0;
      return report(result.allowed, { tat: result.tat, bannedUntil: result.bannedUntil }, result.now, this.params);
    } catch (error) {
      this.restUntil = performance.now() + this.retryAfterFailureMs;
      this.failed(error);
      return failOpen;
    } finally {
      if (probe) this.probing = false;
    }
  }

  /** A warning now and then, never one per request: Redis being down must not flood the log. */
  private failed(error: unknown): void {
    this.failing = true;
    this.failuresSinceWarn += 1;
    const now = performance.now();
    if (now - this.lastWarnAt < this.warnIntervalMs) return;
    this.log.warn(
      { err: error, failures: this.failuresSinceWarn },
      'rate limiter: Redis unavailable, letting requests through (fail open)',
    );
    this.lastWarnAt = now;
    this.failuresSinceWarn = 0;
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        // Fall through to a hard disconnect.
      }
    }
    this.redis.disconnect();
  }
}
