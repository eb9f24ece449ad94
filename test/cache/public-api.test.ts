/**
 * The cache through its public API only (peek, get, put, remove, removeSource, stats, flush,
 * close): the tiers, expiry, purging and the disk bound. How it keeps its index is its own affair.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ImageCache, type ImageCacheOptions } from '../../src/cache/image-cache.js';
import type { CacheEntry } from '../../src/cache/store.js';
import { createLogger } from '../../src/log.js';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })));
});

async function directory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-cache-test-'));
  dirs.push(dir);
  return dir;
}

async function cache(options: Partial<ImageCacheOptions> = {}): Promise<ImageCache> {
  const dir = options.dir ?? (await directory());
  const created = new ImageCache({
    dir,
    maxBytes: 1024 * 1024,
    memoryBytes: 1024 * 1024,
    ttlMs: 60_000,
    log: createLogger('silent'),
    ...options,
  });
  await created.loaded;
  return created;
}

/** Keys and source hashes are hex SHA-256, as the service makes them (plan/key.ts). */
const k = (name: string): string => createHash('sha256').update(name).digest('hex');

function entry(text: string, source = k('source-a'), createdAt = Date.now()): CacheEntry {
  return {
    data: Buffer.from(text),
    meta: { v: 1, contentType: 'image/png', extension: 'png', width: 1, height: 1, canonicalUrl: 'https://example.com/a.png', upstreamBytes: 10, createdAt, source },
  };
}

describe('ImageCache', () => {
  test('a put is a memory hit at once, and a disk hit for a cache opened later on the same directory', async () => {
    const dir = await directory();
    const first = await cache({ dir });
    first.put(k('k1'), entry('one'));
    assert.equal(first.peek(k('k1'))?.data.toString(), 'one');
    const hit = await first.get(k('k1'));
    assert.equal(hit?.tier, 'memory');
    await first.close();

    const second = await cache({ dir });
    assert.equal(second.peek(k('k1')), undefined, 'nothing in memory yet');
    const fromDisk = await second.get(k('k1'));
    assert.equal(fromDisk?.tier, 'disk');
    assert.equal(fromDisk?.entry.data.toString(), 'one');
    assert.equal(fromDisk?.entry.meta.source, k('source-a'));
    // Read once, then served from memory.
    assert.equal((await second.get(k('k1')))?.tier, 'memory');
    await second.close();
  });

  test('an unknown key is a miss', async () => {
    const c = await cache();
    assert.equal(c.peek(k('nope')), undefined);
    assert.equal(await c.get(k('nope')), undefined);
    await c.close();
  });

  test('entries older than the lifetime are misses, whatever the tier', async () => {
    const c = await cache({ ttlMs: 1000 });
    c.put(k('old'), entry('stale', k('source-a'), Date.now() - 5000));
    await c.flush();
    assert.equal(c.peek(k('old')), undefined);
    assert.equal(await c.get(k('old')), undefined);
    await c.close();
  });

  test('remove purges one variant from both tiers; removeSource every variant of a source', async () => {
    const c = await cache();
    c.put(k('a1'), entry('a1', k('source-a')));
    c.put(k('a2'), entry('a2', k('source-a')));
    c.put(k('b1'), entry('b1', k('source-b')));
    await c.flush();
    assert.equal(await c.remove(k('a1')), 1);
    assert.equal(await c.remove(k('a1')), 0);
    assert.equal(await c.get(k('a1')), undefined);
    assert.equal(await c.removeSource(k('source-a')), 1);
    assert.equal(await c.get(k('a2')), undefined);
    assert.equal((await c.get(k('b1')))?.entry.data.toString(), 'b1');
    await c.close();
  });

  test('the disk stays under its bound: the least recently used entries go first', async () => {
    const c = await cache({ maxBytes: 1000, memoryBytes: 0 });
    // 300 bytes each, all different (the disk tier stores content by its hash).
    const bytes = (name: string): string => name.padEnd(300, '.');
    c.put(k('first'), entry(bytes('first')));
    await c.flush();
    c.put(k('second'), entry(bytes('second')));
    await c.flush();
    assert.ok(await c.get(k('first')), 'first is read, so second is now the older one');
    c.put(k('third'), entry(bytes('third')));
    await c.flush();
    c.put(k('fourth'), entry(bytes('fourth')));
    await c.flush();
    assert.ok(c.stats().diskBytes <= 1000, `disk bytes ${c.stats().diskBytes}`);
    assert.equal(await c.get(k('second')), undefined);
    for (const kept of ['first', 'third', 'fourth']) assert.ok(await c.get(k(kept)), kept);
    await c.close();
  });

  test('stats count what each tier holds', async () => {
    const c = await cache();
    c.put(k('s1'), entry('12345'));
    await c.flush();
    const stats = c.stats();
    assert.equal(stats.memoryEntries, 1);
    assert.equal(stats.diskEntries, 1);
    assert.equal(stats.diskBytes, 5);
    assert.ok(stats.memoryBytes >= 5);
    await c.close();
  });

  test('after close, a put still answers from memory but writes nothing to disk', async () => {
    const c = await cache();
    await c.close();
    c.put(k('late'), entry('late'));
    assert.equal(c.peek(k('late'))?.data.toString(), 'late');
    await c.flush();
    assert.equal(c.stats().diskEntries, 0);
  });
});
