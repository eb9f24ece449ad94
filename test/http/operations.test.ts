/**
 * The operator's controls through HTTP: per-IP rate limiting of uncached requests with its headers
 * and /quota, signed URLs, Prometheus metrics and the access log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { signQuery } from '../../src/signing/signature.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startService, u, type TestService } from '../helpers/service.js';

let origin: OriginServer;

before(async () => {
  origin = await startOrigin();
});

after(async () => {
  await origin.close();
});

const src = (name: string) => u(`${origin.base}/fixtures/${name}`);

describe('rate limiting', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ rateLimitMax: 3, rateLimitWindowS: 600, rateLimitBanS: 3600 });
  });
  after(async () => service.close());

  test('uncached requests count; the one over the limit gets 429 with Retry-After and the numbers', async () => {
    const first = await service.request(`/?url=${src('Landscape_1.jpg')}&w=21`);
    assert.equal(first.status, 200);
    // A success may be stored by a shared cache and replayed to everyone: no per-client numbers.
    assert.equal(first.headers.get('x-ratelimit-limit'), null);
    assert.equal(first.headers.get('x-ratelimit-remaining'), null);
    await service.request(`/?url=${src('Landscape_1.jpg')}&w=22`);
    const third = await service.request(`/?url=${src('Landscape_1.jpg')}&w=23`);
    assert.equal(third.status, 200);
    assert.equal(third.headers.get('x-ratelimit-remaining'), null);

    // Hits are free: repeating a cached variant neither counts nor is refused.
    for (let i = 0; i < 5; i++) {
      const hit = await service.request(`/?url=${src('Landscape_1.jpg')}&w=21`);
      assert.equal(hit.status, 200);
      assert.equal(hit.headers.get('x-cache'), 'HIT');
    }

    const refused = await service.request(`/?url=${src('Landscape_1.jpg')}&w=24`);
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(refused.body.toString()).code, 429);
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(refused.headers.get('cache-control'), 'private, no-store', 'per-client numbers: never stored by a shared cache');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 3500 && retryAfter <= 3600, `banned for about an hour, Retry-After ${retryAfter}`);
    assert.ok(Number(refused.headers.get('x-ratelimit-reset')) >= retryAfter);
  });

  test('GET /quota reports without counting', async () => {
    const a = await service.request('/quota');
    const b = await service.request('/quota');
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('cache-control'), 'no-store, must-revalidate');
    const first = JSON.parse(a.body.toString()) as Record<string, number>;
    const second = JSON.parse(b.body.toString()) as Record<string, number>;
    assert.equal(second['X-RateLimit-Limit'], 3);
    assert.equal(second['X-RateLimit-Remaining'], 0);
    assert.equal(first['X-RateLimit-Remaining'], second['X-RateLimit-Remaining'], 'asking did not count');
    assert.equal(a.headers.get('x-ratelimit-limit'), '3');
  });

  test('RATE_LIMIT_MAX=0 turns it off', async () => {
    const open = await startService({ rateLimitMax: 0 });
    try {
      for (let w = 30; w < 36; w++) assert.equal((await open.request(`/?url=${src('Landscape_2.jpg')}&w=${w}`)).status, 200);
      assert.equal((await open.request('/quota')).status, 404);
    } finally {
      await open.close();
    }
  });
});

describe('signed URLs', () => {
  const key = 'a-signing-key-of-some-length';
  let service: TestService;
  before(async () => {
    service = await startService({ signingKey: key });
  });
  after(async () => service.close());

  test('unsigned, tampered or foreign-key requests get 403; signed ones are served', async () => {
    const query = `url=${src('Portrait_1.jpg')}&w=33`;
    const unsigned = await service.request(`/?${query}`);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.body.toString(), JSON.stringify({ status: 'error', code: 403, message: 'Invalid or missing signature' }));

    const signed = signQuery(query, key);
    assert.equal((await service.request(`/?${signed}`)).status, 200);
    assert.equal((await service.request(`/?${signed.replace('w=33', 'w=34')}`)).status, 403);
    assert.equal((await service.request(`/?${signQuery(query, 'another-key-entirely-0000')}`)).status, 403);
    // The playground and health stay reachable.
    assert.equal((await service.request('/health')).status, 200);
  });
});

describe('metrics and access log', () => {
  const lines: Record<string, unknown>[] = [];
  let service: TestService;
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    service = await startService({}, { access: pino({ base: null }, sink) });
  });
  after(async () => service.close());

  function counter(text: string, name: string, labels: string): number {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  test('/metrics counters move with requests', async () => {
    const before = (await service.request('/metrics')).body.toString();
    const path = `/?url=${src('Portrait_2.jpg')}&w=44`;
    await service.request(path);
    await service.request(path);
    await service.request(`/?url=${u(`${origin.base}/status/404`)}`);
    const res = await service.request('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const after = res.body.toString();
    assert.equal(counter(after, 'pixproxy_http_requests_total', 'route="image",status="200"') - counter(before, 'pixproxy_http_requests_total', 'route="image",status="200"'), 2);
    assert.equal(counter(after, 'pixproxy_http_requests_total', 'route="image",status="404"') - counter(before, 'pixproxy_http_requests_total', 'route="image",status="404"'), 1);
    assert.ok(counter(after, 'pixproxy_cache_requests_total', 'result="hit",tier="memory"') >= 1);
    assert.ok(counter(after, 'pixproxy_cache_requests_total', 'result="miss",tier="none"') >= 1);
    assert.match(after, /pixproxy_processing_seconds_count \d+/);
    assert.match(after, /pixproxy_origin_fetch_seconds_count \d+/);
    assert.match(after, /pixproxy_worker_queue_depth \d+/);
  });

  test('one access line per request, with key, cache result, timings and the client IP', async () => {
    lines.length = 0;
    const path = `/?url=${src('Portrait_3.jpg')}&w=45`;
    await service.request(path);
    await service.request(path);
    const image = lines.filter((l) => l.route === 'image');
    assert.equal(image.length, 2);
    const [miss, hit] = image;
    assert.equal(miss?.cache, 'MISS');
    assert.equal(hit?.cache, 'HIT');
    assert.equal(hit?.tier, 'memory');
    assert.equal(miss?.ip, '127.0.0.1');
    assert.equal(typeof miss?.key, 'string');
    assert.equal(typeof miss?.processMs, 'number');
    assert.equal(typeof miss?.ms, 'number');
    assert.equal(miss?.status, 200);
  });
});
