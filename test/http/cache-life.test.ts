/**
 * Cache behaviour under concurrency and over time, through HTTP: single flight, server-side expiry,
 * LRU eviction under a small CACHE_MAX_BYTES, the purge API, and hits across a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('single flight', () => {
  let service: TestService;
  before(async () => {
    service = await startService();
  });
  after(async () => service.close());

  test('8 concurrent identical misses: one download, one processing job, same bytes for all', async () => {
    const path = `/?url=${src('2569067123_aca715a2ee_o.jpg')}&w=211`;
    const before = { ...service.app.images.counts };
    const responses = await Promise.all(Array.from({ length: 8 }, () => service.request(path)));
    for (const res of responses) {
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, responses[0]?.body);
    }
    assert.equal(service.app.images.counts.fetches - before.fetches, 1);
    assert.equal(service.app.images.counts.processed - before.processed, 1);
    assert.equal(origin.hitsFor('/fixtures/2569067123_aca715a2ee_o.jpg'), 1);
  });

  test('concurrent different variants of one source download it once and each process', async () => {
    const before = { ...service.app.images.counts };
    const widths = [31, 32, 33, 34, 35];
    const responses = await Promise.all(widths.map((w) => service.request(`/?url=${src('Landscape_2.jpg')}&w=${w}`)));
    responses.forEach((res, i) => assert.equal(res.status, 200, `width ${widths[i]}`));
    assert.equal(service.app.images.counts.fetches - before.fetches, 1);
    assert.equal(service.app.images.counts.processed - before.processed, widths.length);
    assert.equal(origin.hitsFor('/fixtures/Landscape_2.jpg'), 1);
  });

  test('a shared failure reaches every waiter', async () => {
    // A slow failure, so that all four are waiting on it however the machine schedules them.
    const responses = await Promise.all(Array.from({ length: 4 }, () => service.request(`/?url=${u(`${origin.base}/slow-status/503`)}`)));
    for (const res of responses) assert.equal(res.status, 404);
    assert.equal(origin.hitsFor('/slow-status/503'), 1);
  });
});

describe('expiry', () => {
  test('an entry older than CACHE_TTL_S is a miss again, whatever maxage says', async () => {
    const service = await startService({ cacheTtlS: 1 });
    try {
      const path = `/?url=${src('Portrait_5.jpg')}&w=40&maxage=1y`;
      assert.equal((await service.request(path)).headers.get('x-cache'), 'MISS');
      assert.equal((await service.request(path)).headers.get('x-cache'), 'HIT');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await service.request(path)).headers.get('x-cache'), 'MISS');
    } finally {
      await service.close();
    }
  });
});

describe('eviction', () => {
  test('the disk tier stays under CACHE_MAX_BYTES by dropping the least recently used entries', async () => {
    // No memory tier, so every hit below is a disk hit.
    const service = await startService({ cacheMaxBytes: 40_000, cacheMemoryBytes: 0 });
    try {
      await service.app.cache?.loaded;
      const path = (w: number) => `/?url=${src('Landscape_1.jpg')}&w=${w}`;
      const first = await service.request(path(200));
      const entrySize = first.body.length;
      // Four entries fit under the bound, so the seven below must evict.
      assert.ok(entrySize > 5_000 && entrySize < 10_000, `entry size ${entrySize}`);
      // Keep the first one recently used while others push the total over the bound.
      for (const w of [201, 202, 203, 204, 205, 206]) {
        await service.request(path(w));
        await service.app.cache?.flush();
        assert.equal((await service.request(path(200))).headers.get('x-cache'), 'HIT', `w=200 kept after w=${w}`);
      }
      await service.app.cache?.flush();
      const stats = service.app.cache?.stats();
      assert.ok(stats && stats.diskBytes <= 40_000, `disk bytes ${stats?.diskBytes}`);
      assert.equal((await service.request(path(201))).headers.get('x-cache'), 'MISS', 'the oldest unused entry was evicted');
      assert.equal((await service.request(path(206))).headers.get('x-cache'), 'HIT', 'the newest entry is kept');
    } finally {
      await service.close();
    }
  });
});

describe('restart', () => {
  test('a variant cached before a restart is a HIT from disk right after it, without the origin', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'pixproxy-restart-'));
    try {
      const path = `/?url=${src('Portrait_2.jpg')}&w=70`;
      const first = await startService({ cacheDir });
      const miss = await first.request(path);
      assert.equal(miss.headers.get('x-cache'), 'MISS');
      await first.close();
      const fetched = origin.hitsFor('/fixtures/Portrait_2.jpg');
      const second = await startService({ cacheDir });
      try {
        const hit = await second.request(path);
        assert.equal(hit.headers.get('x-cache'), 'HIT');
        assert.deepEqual(hit.body, miss.body);
        assert.equal(origin.hitsFor('/fixtures/Portrait_2.jpg'), fetched);
        await second.app.cache?.loaded;
        assert.equal(second.app.cache?.stats().diskEntries, 1);
      } finally {
        await second.close();
      }
    } finally {
      await rm(cacheDir, { recursive: true, force: true, maxRetries: 5 });
    }
  });
});

describe('purge', () => {
  const token = 'test-purge-token-0123456789';
  let service: TestService;
  before(async () => {
    service = await startService({ purgeToken: token });
  });
  after(async () => service.close());

  const auth = { authorization: `Bearer ${token}` };

  test('a missing or wrong token gets 401 and removes nothing', async () => {
    const path = `/?url=${src('Portrait_6.jpg')}&w=50`;
    await service.request(path);
    const none = await service.request(`/cache?url=${src('Portrait_6.jpg')}`, { method: 'DELETE' });
    assert.equal(none.status, 401);
    const wrong = await service.request(`/cache?url=${src('Portrait_6.jpg')}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer not-the-token-at-all-0000' },
    });
    assert.equal(wrong.status, 401);
    assert.equal((await service.request(path)).headers.get('x-cache'), 'HIT');
  });

  test('DELETE /cache/variant removes exactly the variant its parameters name', async () => {
    const a = `/?url=${src('Portrait_7.jpg')}&w=60`;
    const b = `/?url=${src('Portrait_7.jpg')}&w=61`;
    await service.request(a);
    await service.request(b);
    await service.app.cache?.flush();
    // `width=` is the same variant as `w=`: the canonical plan decides.
    const res = await service.request(`/cache/variant?url=${src('Portrait_7.jpg')}&width=60`, { method: 'DELETE', headers: auth });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body.toString()), { status: 'success', removed: 1 });
    assert.equal((await service.request(a)).headers.get('x-cache'), 'MISS');
    assert.equal((await service.request(b)).headers.get('x-cache'), 'HIT');
  });

  test('DELETE /cache removes every variant of a source and nothing else', async () => {
    const variants = [40, 41, 42].map((w) => `/?url=${src('Portrait_8.jpg')}&w=${w}`);
    const other = `/?url=${src('Portrait_1.jpg')}&w=40`;
    for (const path of [...variants, other]) await service.request(path);
    await service.app.cache?.flush();
    const res = await service.request(`/cache?url=${src('Portrait_8.jpg')}`, { method: 'DELETE', headers: auth });
    assert.deepEqual(JSON.parse(res.body.toString()), { status: 'success', removed: 3 });
    for (const path of variants) assert.equal((await service.request(path)).headers.get('x-cache'), 'MISS');
    assert.equal((await service.request(other)).headers.get('x-cache'), 'HIT');
  });

  test('without PURGE_TOKEN the purge API does not exist', async () => {
    const plain = await startService();
    try {
      const res = await plain.request(`/cache?url=${src('Portrait_8.jpg')}`, { method: 'DELETE', headers: auth });
      assert.equal(res.status, 405);
    } finally {
      await plain.close();
    }
  });
});
