/**
 * The Redis limiter against a real redis-server on 127.0.0.1 (started here on a free port, without
 * persistence): the same decisions as the in-process limiter, limits shared between instances,
 * keys that expire, and failing open when Redis dies or hangs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Logger } from '../../src/log.js';
import { gcraParams, type GcraParams } from '../../src/ratelimit/gcra.js';
import { MemoryRateLimiter } from '../../src/ratelimit/limiter.js';
import { RedisRateLimiter } from '../../src/ratelimit/redis-limiter.js';
import { redisServerInstalled, startRedis, type RedisServer } from './redis-server.js';

const T0 = 1_780_000_000_000;
const skip = redisServerInstalled ? false : 'redis-server not installed: skipping Redis limiter tests';
if (skip) console.log(`# ${skip}`);

/** A logger whose lines the test can read. */
function capturedLogger(): { log: Logger; lines: () => { level: number; msg: string }[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = pino({ level: 'info' }, stream);
  return { log, lines: () => lines.map((line) => JSON.parse(line) as { level: number; msg: string }) };
}

const silent = pino({ level: 'silent' });

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('RedisRateLimiter', { skip }, () => {
  let server: RedisServer;
  let admin: Redis;
  let prefixCounter = 0;
  /** Every test gets its own key space. */
  const prefix = (): string => `test${(prefixCounter += 1)}:`;

  before(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
  });

  after(async () => {
    admin.disconnect();
    await server.stop();
  });

  test('makes the same decisions as the memory limiter for the same sequence', async () => {
    const cases: GcraParams[] = [gcraParams(5, 5000, 20_000), gcraParams(7, 600_000, 0), gcraParams(18, 1000, 1500)];
    for (const [index, params] of cases.entries()) {
      // At this instant 18 intervals of 1000/18 ms add up to 2 µs more than the window.
      let now = T0 + 13;
      const clock = (): number => now;
      const memory = new MemoryRateLimiter({ params, now: clock });
      const redis = new RedisRateLimiter({ url: server.url, params, log: silent, now: clock, keyPrefix: prefix(), commandTimeoutMs: 10_000 });
      assert.equal(await redis.waitUntilReady(5000), true);
      const random = prng(1000 + index);
      try {
        for (let i = 0; i <= params.limit; i++) {
          assert.deepEqual(await redis.consume('burst'), await memory.consume('burst'), `burst ${i}`);
        }
        for (let step = 0; step < 400; step++) {
          const client = `198.51.100.${Math.floor(random() * 3)}`;
          const roll = random();
          if (roll < 0.3) now += Math.floor(random() * (params.windowMs / 2));
          else if (roll < 0.35) now += params.banMs + params.windowMs;
          const count = random() < 0.85;
          const expected = count ? await memory.consume(client) : await memory.peek(client);
          const actual = count ? await redis.consume(client) : await redis.peek(client);
          assert.deepEqual(actual, expected, `params ${JSON.stringify(params)} step ${step}`);
        }
      } finally {
        await redis.close();
      }
    }
  });

  test('two limiters sharing one Redis share the limit', async () => {
    const params = gcraParams(3, 60_000, 30_000);
    const keyPrefix = prefix();
    const a = new RedisRateLimiter({ url: server.url, params, log: silent, keyPrefix });
    const b = new RedisRateLimiter({ url: server.url, params, log: silent, keyPrefix });
    try {
      assert.deepEqual(await Promise.all([a.waitUntilReady(5000), b.waitUntilReady(5000)]), [true, true]);
      assert.equal((await a.consume('192.0.2.7')).remaining, 2);
      assert.equal((await b.consume('192.0.2.7')).remaining, 1);
      assert.equal((await a.consume('192.0.2.7')).remaining, 0);
      const refused = await b.consume('192.0.2.7');
      assert.equal(refused.allowed, false);
      assert.equal(refused.retryAfterS, 30);
      assert.equal((await a.peek('192.0.2.7')).allowed, false, 'the ban is seen by the other box');
      assert.equal((await a.consume('192.0.2.8')).remaining, 2, 'other clients are untouched');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('uses Redis TIME by default; keys expire when the state is neutral again', async () => {
    const keyPrefix = prefix();
    const limiter = new RedisRateLimiter({ url: server.url, params: gcraParams(10, 2000, 0), log: silent, keyPrefix });
    try {
      assert.equal(await limiter.waitUntilReady(5000), true);
      assert.deepEqual(await limiter.peek('a'), { allowed: true, limit: 10, remaining: 10, resetS: 0 });
      assert.equal(await admin.exists(`${keyPrefix}a`), 0, 'a peek writes nothing');
      assert.deepEqual(await limiter.consume('a'), { allowed: true, limit: 10, remaining: 9, resetS: 1 });
      const ttl = await admin.pttl(`${keyPrefix}a`);
      assert.ok(ttl > 0 && ttl <= 200, `TTL is one emission interval (${ttl} ms)`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await admin.exists(`${keyPrefix}a`), 0, 'the key is gone once idle');
    } finally {
      await limiter.close();
    }
  });

  test('falls back to EVAL when the server has forgotten the script', async () => {
    const limiter = new RedisRateLimiter({ url: server.url, params: gcraParams(2, 1000, 0), log: silent, keyPrefix: prefix() });
    try {
      assert.equal(await limiter.waitUntilReady(5000), true);
      assert.equal((await limiter.consume('a')).remaining, 1);
      await admin.script('FLUSH');
      assert.equal((await limiter.consume('a')).remaining, 0);
      assert.equal((await limiter.consume('a')).allowed, false);
    } finally {
      await limiter.close();
    }
  });

  test('a Redis that hangs: decisions fail open within the command timeout', async () => {
    const own = await startRedis();
    const { log, lines } = capturedLogger();
    const limiter = new RedisRateLimiter({ url: own.url, params: gcraParams(1, 60_000, 0), log, commandTimeoutMs: 100 });
    try {
      assert.equal(await limiter.waitUntilReady(5000), true);
      assert.equal((await limiter.consume('a')).allowed, true);
      assert.equal((await limiter.consume('a')).allowed, false);
      own.freeze();
      const started = performance.now();
      const decision = await limiter.consume('a');
      const took = performance.now() - started;
      assert.deepEqual(decision, { allowed: true, limit: 1, remaining: 1, resetS: 0 });
      assert.ok(took < 400, `failed open in ${took.toFixed(0)} ms`);
      // Redis is left alone for a while: the next requests do not wait for a timeout each.
      const burstStarted = performance.now();
      for (let i = 0; i < 20; i++) assert.equal((await limiter.consume('a')).allowed, true);
      assert.ok(performance.now() - burstStarted < 50, 'failed open at once');
      assert.equal(lines().filter((line) => line.level === 40).length, 1);
      // Thawed: one request probes after the rest period, and limiting resumes.
      own.thaw();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      let resumed = await limiter.consume('a');
      for (let i = 0; i < 20 && resumed.remaining === 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        resumed = await limiter.consume('a');
      }
      assert.equal(resumed.allowed, false, 'the state from before the hang is enforced again');
    } finally {
      own.thaw();
      await limiter.close();
      await own.stop();
    }
  });

  test('Redis stopped mid-test: requests go through, one warning, and limiting resumes when it is back', async () => {
    const own = await startRedis();
    const { log, lines } = capturedLogger();
    const limiter = new RedisRateLimiter({ url: own.url, params: gcraParams(2, 60_000, 0), log, commandTimeoutMs: 150 });
    try {
      assert.equal(await limiter.waitUntilReady(5000), true);
      assert.equal((await limiter.consume('a')).remaining, 1);
      await own.stop();
      const started = performance.now();
      for (let i = 0; i < 50; i++) {
        assert.deepEqual(await limiter.consume('a'), { allowed: true, limit: 2, remaining: 2, resetS: 0 });
      }
      assert.ok(performance.now() - started < 2000, 'no request waits for the dead server');
      const warnings = lines().filter((line) => line.level === 40);
      assert.equal(warnings.length, 1, 'one warning, not one per request');
      assert.match(warnings[0]?.msg ?? '', /fail open/);

      // Back on the same port (empty, no persistence): the client reconnects on its own.
      const revived = await startRedis(own.port);
      try {
        const deadline = Date.now() + 10_000;
        let decision = await limiter.consume('b');
        while (decision.remaining !== 1 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          decision = await limiter.consume('b');
        }
        assert.equal(decision.remaining, 1, 'decisions come from Redis again');
        assert.equal((await limiter.consume('b')).remaining, 0);
        assert.equal((await limiter.consume('b')).allowed, false);
      } finally {
        await limiter.close();
        await revived.stop();
      }
    } finally {
      await limiter.close();
    }
  });
});
