/**
 * ImageService with fakes for the origin and the worker pool: hits, misses, single flight of
 * variants and of downloads, admission, and the download gates. No HTTP, no sharp, no threads.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setImmediate as tick, setTimeout as delay } from 'node:timers/promises';
import { ImageCache } from '../../src/cache/image-cache.js';
import { Gate, KeyedGate } from '../../src/concurrency/gate.js';
import { ServiceError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { sourceKey } from '../../src/plan/key.js';
import type { Plan } from '../../src/plan/types.js';
import { ImageService, type ImageServiceDeps, type OriginBody } from '../../src/service/image-service.js';
import type { PoolOutput } from '../../src/workers/pool.js';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })));
});

async function realCache(): Promise<ImageCache> {
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-service-test-'));
  dirs.push(dir);
  const cache = new ImageCache({ dir, maxBytes: 1 << 20, memoryBytes: 1 << 20, ttlMs: 60_000, log: createLogger('silent') });
  await cache.loaded;
  return cache;
}

interface Fakes {
  readonly deps: ImageServiceDeps;
  readonly fetched: string[];
  /** Bodies the fake worker received, with the plan. */
  readonly processed: { body: Buffer; plan: Plan }[];
  released: number;
  /** Resolve to let the pending downloads finish. */
  readonly downloads: Promise<void>;
  finishDownloads(): void;
}

function fakes(overrides: Partial<ImageServiceDeps> = {}, holdDownloads = false): Fakes {
  let finish: () => void = () => undefined;
  const downloads = holdDownloads ? new Promise<void>((resolve) => (finish = resolve)) : Promise.resolve();
  const state: Fakes = {
    fetched: [],
    processed: [],
    released: 0,
    downloads,
    finishDownloads: () => finish(),
    deps: {
      cache: undefined,
      fetchGate: new Gate(4, 16),
      fetchOrigin: async (url): Promise<OriginBody> => {
        state.fetched.push(url);
        await downloads;
        // A body of its own, as the real fetcher returns.
        const body = Buffer.allocUnsafeSlow(5);
        body.write('bytes');
        return { body, canonicalUrl: `${url}#canonical`, bytesReceived: 5, release: () => (state.released += 1) };
      },
      process: async (input, plan): Promise<PoolOutput> => {
        state.processed.push({ body: input, plan });
        await tick();
        return { data: Buffer.from(`out ${JSON.stringify(plan)}`), contentType: 'image/png', extension: 'png', width: 2, height: 3, inputType: 'png' };
      },
      ...overrides,
    },
  };
  return state;
}

const live = (): AbortSignal => new AbortController().signal;

/** Waits until `done` holds (a cache lookup on disk comes first), failing after five seconds. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) assert.fail('never happened');
    await delay(1);
  }
}
const URL_A = 'https://example.com/a.jpg';
/** Cache keys are hex SHA-256, as the HTTP layer makes them (plan/key.ts). */
const key = (name: string): string => createHash('sha256').update(name).digest('hex');

describe('ImageService', () => {
  test('without a cache every request is produced: fetched, processed, described', async () => {
    const f = fakes();
    const service = new ImageService(f.deps);
    const served = await service.serve({ url: URL_A, plan: { w: { px: 10 } }, key: key('k1') }, live());
    assert.equal(served.cache, 'MISS');
    assert.equal(served.tier, undefined);
    assert.equal(served.data.toString(), 'out {"w":{"px":10}}');
    assert.equal(served.meta.contentType, 'image/png');
    assert.equal(served.meta.canonicalUrl, `${URL_A}#canonical`);
    assert.equal(served.meta.upstreamBytes, 5);
    assert.equal(served.meta.source, sourceKey(URL_A));
    assert.deepEqual([served.meta.width, served.meta.height], [2, 3]);
    assert.deepEqual(f.fetched, [URL_A]);
    assert.equal(f.released, 1, 'the body goes back to the download budget once processed');
    await service.serve({ url: URL_A, plan: {}, key: key('k1') }, live());
    assert.deepEqual(service.counts, { fetches: 2, processed: 2, hits: 0, misses: 2 });
  });

  test('a miss is stored; the next request is a memory hit that costs no fetch', async () => {
    const cache = await realCache();
    const f = fakes({ cache });
    const service = new ImageService(f.deps);
    assert.equal(service.peek(key('k1')), undefined);
    const miss = await service.serve({ url: URL_A, plan: {}, key: key('k1') }, live());
    assert.equal(miss.cache, 'MISS');
    const peeked = service.peek(key('k1'));
    assert.equal(peeked?.tier, 'memory');
    const hit = await service.serve({ url: URL_A, plan: {}, key: key('k1') }, live());
    assert.equal(hit.cache, 'HIT');
    assert.deepEqual(hit.data, miss.data);
    assert.equal(f.fetched.length, 1);
    assert.deepEqual(service.counts, { fetches: 1, processed: 1, hits: 2, misses: 1 });
    await cache.close();
  });

  test('identical concurrent misses share one fetch and one processing job', async () => {
    const cache = await realCache();
    const f = fakes({ cache }, true);
    const service = new ImageService(f.deps);
    const request = { url: URL_A, plan: {}, key: key('same') };
    const results = Promise.all([1, 2, 3].map(() => service.serve(request, live())));
    await until(() => f.fetched.length > 0);
    assert.deepEqual(service.inFlight, { variants: 1, sources: 1 });
    f.finishDownloads();
    const served = await results;
    assert.ok(served.every((image) => image.cache === 'MISS' && image.data.equals(served[0]?.data ?? Buffer.alloc(0))));
    assert.equal(f.fetched.length, 1);
    assert.equal(f.processed.length, 1);
    assert.deepEqual(service.inFlight, { variants: 0, sources: 0 });
    await cache.close();
  });

  test('a request whose disk lookup outlasts the production it missed is served that result, not a second fetch', async () => {
    const cache = await realCache();
    const f = fakes({ cache });
    const service = new ImageService(f.deps);
    const request = { url: URL_A, plan: {}, key: key('late') };
    // The second lookup answers "not on disk" only after the first request's production is done
    // (its result in memory, nothing in flight): a slow disk under load.
    const lookup = cache.get.bind(cache);
    let release: () => void = () => undefined;
    const firstDone = new Promise<void>((resolve) => (release = resolve));
    let lookups = 0;
    cache.get = async (k) => {
      lookups += 1;
      if (lookups === 1) return lookup(k);
      const missed = await lookup(k);
      await firstDone;
      return missed;
    };
    const pending = service.serve(request, live());
    const second = service.serve(request, live());
    const first = await pending;
    release();
    const late = await second;
    assert.equal(first.cache, 'MISS');
    assert.equal(f.fetched.length, 1, 'fetched once');
    assert.equal(f.processed.length, 1, 'processed once');
    assert.deepEqual(late.data, first.data);
    assert.equal(late.cache, 'HIT');
    await cache.close();
  });

  test('variants of one source share its download; each job gets a body of its own', async () => {
    const f = fakes({}, true);
    const service = new ImageService(f.deps);
    const results = Promise.all([
      service.serve({ url: URL_A, plan: { w: { px: 10 } }, key: key('v1') }, live()),
      service.serve({ url: URL_A, plan: { w: { px: 20 } }, key: key('v2') }, live()),
    ]);
    await until(() => f.fetched.length > 0);
    f.finishDownloads();
    await results;
    assert.equal(f.fetched.length, 1);
    assert.equal(f.processed.length, 2);
    const [first, second] = f.processed.map((job) => job.body);
    assert.ok(first && second && first !== second && first.buffer !== second.buffer, 'one original, one copy');
    assert.ok(first.equals(second));
    assert.equal(f.released, 1, 'only the original counts against the download budget');
  });

  test('admission runs after the cache missed and can refuse before anything is fetched', async () => {
    const f = fakes();
    const service = new ImageService(f.deps);
    const refuse = async (): Promise<void> => {
      throw new ServiceError('RATE_LIMITED');
    };
    await assert.rejects(service.serve({ url: URL_A, plan: {}, key: key('k') }, live(), refuse), (error: unknown) => error instanceof ServiceError && error.code === 'RATE_LIMITED');
    assert.equal(f.fetched.length, 0);

    const cache = await realCache();
    const cached = fakes({ cache });
    const withCache = new ImageService(cached.deps);
    await withCache.serve({ url: URL_A, plan: {}, key: key('k') }, live());
    let admitted = 0;
    await withCache.serve({ url: URL_A, plan: {}, key: key('k') }, live(), async () => {
      admitted += 1;
    });
    assert.equal(admitted, 0, 'a hit is never counted against the client');
    await cache.close();
  });

  test('a failing download reaches the caller, and nothing is processed', async () => {
    const f = fakes({
      fetchOrigin: async () => {
        throw new ServiceError('ORIGIN_TIMEOUT');
      },
    });
    const service = new ImageService(f.deps);
    await assert.rejects(service.serve({ url: URL_A, plan: {}, key: key('k') }, live()), (error: unknown) => error instanceof ServiceError && error.code === 'ORIGIN_TIMEOUT');
    assert.equal(f.processed.length, 0);
  });

  test('downloads take their host slot, then a global one', async () => {
    const order: string[] = [];
    class RecordingGate extends KeyedGate {
      override run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
        order.push(`host ${key}`);
        return super.run(key, async () => {
          order.push('global');
          return task();
        }, signal);
      }
    }
    const f = fakes({ hostGate: { gate: new RecordingGate(1, 4), hostOf: (url) => new URL(url).host } });
    const service = new ImageService(f.deps);
    await service.serve({ url: URL_A, plan: {}, key: key('k') }, live());
    assert.deepEqual(order, ['host example.com', 'global']);
    assert.deepEqual(f.fetched, [URL_A]);
  });

  test('a full download line refuses at once with OVERLOADED', async () => {
    const f = fakes({ fetchGate: new Gate(1, 0) }, true);
    const service = new ImageService(f.deps);
    const first = service.serve({ url: URL_A, plan: {}, key: key('k1') }, live());
    await until(() => f.fetched.length > 0);
    await assert.rejects(
      service.serve({ url: 'https://example.com/b.jpg', plan: {}, key: key('k2') }, live()),
      (error: unknown) => error instanceof ServiceError && error.code === 'OVERLOADED',
    );
    f.finishDownloads();
    await first;
  });
});
