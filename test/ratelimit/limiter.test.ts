import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gcraParams } from '../../src/ratelimit/gcra.js';
import { quotaBody, rateLimitHeaders } from '../../src/ratelimit/headers.js';
import { MemoryRateLimiter } from '../../src/ratelimit/limiter.js';

const T0 = 1_780_000_000_000;

function fakeClock(start = T0): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

describe('MemoryRateLimiter', () => {
  test('counts per client: one client over the limit does not affect another', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ params: gcraParams(3, 3000, 60_000), now: clock.now });
    for (let i = 0; i < 3; i++) assert.equal((await limiter.consume('192.0.2.1')).allowed, true);
    const refused = await limiter.consume('192.0.2.1');
    assert.deepEqual(refused, { allowed: false, limit: 3, remaining: 0, resetS: 60, retryAfterS: 60 });
    assert.deepEqual(await limiter.consume('192.0.2.2'), { allowed: true, limit: 3, remaining: 2, resetS: 1 });
    assert.deepEqual(await limiter.peek('192.0.2.1'), { allowed: false, limit: 3, remaining: 0, resetS: 60, retryAfterS: 60 });
    clock.advance(60_000);
    assert.equal((await limiter.consume('192.0.2.1')).allowed, true);
  });

  test('peek never counts', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ params: gcraParams(2, 2000, 0), now: clock.now });
    for (let i = 0; i < 10; i++) assert.deepEqual(await limiter.peek('a'), { allowed: true, limit: 2, remaining: 2, resetS: 0 });
    assert.equal(limiter.size, 0, 'a peek stores nothing');
    await limiter.consume('a');
    assert.deepEqual(await limiter.peek('a'), { allowed: true, limit: 2, remaining: 1, resetS: 1 });
  });

  test('memory is bounded: a flood of distinct clients keeps at most maxClients states', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ params: gcraParams(10, 60_000, 0), maxClients: 100, now: clock.now });
    for (let i = 0; i < 5000; i++) await limiter.consume(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(limiter.size, 100);
    // The most recent clients are the ones remembered.
    assert.equal((await limiter.peek('10.0.19.135')).remaining, 9);
    assert.equal((await limiter.peek('10.0.0.1')).remaining, 10);
  });

  test('entries vanish once their state is back to neutral', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ params: gcraParams(10, 10_000, 5000), now: clock.now });
    await limiter.consume('a'); // neutral again after 1 s
    for (let i = 0; i < 11; i++) await limiter.consume('b'); // banned for 5 s
    assert.equal(limiter.size, 2);
    clock.advance(1001);
    assert.equal(limiter.size, 1);
    clock.advance(3998);
    assert.equal(limiter.size, 1, 'the ban is remembered until it ends');
    assert.equal((await limiter.peek('b')).allowed, false);
    clock.advance(5002);
    assert.equal(limiter.size, 0);
    assert.deepEqual(await limiter.peek('b'), { allowed: true, limit: 10, remaining: 10, resetS: 0 });
  });
});

describe('headers', () => {
  test('a refusal shows its numbers and Retry-After', async () => {
    const clock = fakeClock();
    const limiter = new MemoryRateLimiter({ params: gcraParams(1, 10_000, 0), now: clock.now });
    assert.equal((await limiter.consume('a')).remaining, 0);
    const refused = await limiter.consume('a');
    assert.deepEqual(refused, { allowed: false, limit: 1, remaining: 0, resetS: 10, retryAfterS: 10 });
    assert.deepEqual(rateLimitHeaders(refused), [
      ['X-RateLimit-Limit', '1'],
      ['X-RateLimit-Remaining', '0'],
      ['X-RateLimit-Reset', '10'],
      ['Retry-After', '10'],
    ]);
  });

  test('the quota body is spaced as the public service writes it', () => {
    assert.equal(
      quotaBody({ allowed: true, limit: 2500, remaining: 2500, resetS: 0 }),
      '{"X-RateLimit-Limit":2500, "X-RateLimit-Remaining":2500, "X-RateLimit-Reset":0}',
    );
  });
});
