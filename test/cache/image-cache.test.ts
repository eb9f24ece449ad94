/**
 * The cache across a restart: hits from disk before the index is read, the index read from
 * cacache's bucket files, and eviction and purging that stay right while it is being read.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cacache from 'cacache';
import { ImageCache } from '../../src/cache/image-cache.js';
import { parseBucket, readIndex, type FoundEntry } from '../../src/cache/index-reader.js';
import type { CachedMeta, CacheEntry } from '../../src/cache/store.js';
import { createLogger } from '../../src/log.js';

const key = (n: number | string): string => createHash('sha256').update(`k${n}`).digest('hex');
const source = (n: number | string): string => createHash('sha256').update(`src${n}`).digest('hex');

let bodies = 0;
/** Every body is distinct: cacache shares the content of byte-identical entries. */
function entry(size: number, src: string, createdAt = Date.now()): CacheEntry {
  const meta: CachedMeta = { v: 1, contentType: 'image/png', extension: 'png', width: 1, height: 1, canonicalUrl: 'http://x/y.png', upstreamBytes: 1, createdAt, source: src };
  const data = Buffer.alloc(size, 7);
  data.writeUInt32BE((bodies += 1) >>> 0, 0);
  return { meta, data };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixproxy-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

function open(options: { maxBytes?: number; memoryBytes?: number } = {}): ImageCache {
  return new ImageCache({ dir, maxBytes: options.maxBytes ?? 1e9, memoryBytes: options.memoryBytes ?? 0, ttlMs: 3_600_000, log: createLogger('silent') });
}

/** Writes entries through a first process's cache, then closes it. */
async function fill(entries: ReadonlyArray<readonly [string, CacheEntry]>): Promise<void> {
  const cache = open();
  await cache.loaded;
  for (const [k, e] of entries) cache.put(k, e);
  await cache.close();
}

describe('index reader', () => {
  test('parses a bucket: the last valid line per key wins, bad checksums and deletions honoured', () => {
    const line = (value: object): string => {
      const json = JSON.stringify(value);
      return `\n${createHash('sha1').update(json).digest('hex')}\t${json}`;
    };
    const meta = entry(10, source(1)).meta;
    const text =
      line({ key: key(1), integrity: 'sha512-a', size: 10, metadata: meta }) +
      line({ key: key(1), integrity: 'sha512-b', size: 20, metadata: meta }) +
      `\n0000\t${JSON.stringify({ key: key(1), integrity: 'sha512-c', size: 30, metadata: meta })}` +
      line({ key: key(2), integrity: 'sha512-d', size: 40, metadata: meta }) +
      line({ key: key(2), integrity: null }) +
      line({ key: 'foreign', integrity: 'sha512-e', size: 50, metadata: {} }) +
      '\n{"truncated';
    const found: FoundEntry[] = [];
    const counts = parseBucket(text, (e) => found.push(e));
    assert.deepEqual(found, [{ key: key(1), size: 20, source: source(1), writtenAt: meta.createdAt }]);
    assert.deepEqual(counts, { entries: 1, skipped: 3 });
  });

  test('reads every entry cacache wrote, and nothing from a missing directory', async () => {
    const written = Array.from({ length: 50 }, (_, i) => [key(i), entry(100 + i, source(i % 5))] as const);
    await fill(written);
    const found = new Map<string, FoundEntry>();
    const result = await readIndex(dir, (e) => found.set(e.key, e), { batch: 4 });
    assert.equal(result.entries, 50);
    assert.equal(result.files, 50);
    for (const [k, e] of written) assert.deepEqual(found.get(k), { key: k, size: e.data.length, source: e.meta.source, writtenAt: e.meta.createdAt });
    assert.deepEqual(await readIndex(join(dir, 'nowhere'), () => assert.fail('nothing to find')), { files: 0, entries: 0, skipped: 0 });
  });
});

describe('image cache across a restart', () => {
  test('a variant written before a restart is a disk hit at once, before the index is read', async () => {
    await fill([[key('a'), entry(1000, source('a'))]]);
    const cache = open();
    try {
      assert.ok(cache.stats().indexing, 'the index is still being read');
      const hit = await cache.get(key('a'));
      assert.equal(hit?.tier, 'disk');
      assert.equal(hit?.entry.data.length, 1000);
      await cache.loaded;
      assert.deepEqual({ entries: cache.stats().diskEntries, bytes: cache.stats().diskBytes }, { entries: 1, bytes: 1000 });
      assert.equal(cache.indexReport?.entries, 1);
    } finally {
      await cache.close();
    }
  });

  test('the index counts what was on disk; eviction after reading it keeps the bound and spares what was used', async () => {
    // Ten entries of 1000 bytes written a second apart: 0 is the oldest.
    const t0 = Date.now() - 60_000;
    await fill(Array.from({ length: 10 }, (_, i) => [key(i), entry(1000, source(i), t0 + i * 1000)] as const));
    const cache = open({ maxBytes: 6_500 });
    try {
      // Used right after the restart, before the index was read: the most recent now.
      assert.equal((await cache.get(key(0)))?.tier, 'disk');
      await cache.loaded;
      await cache.flush();
      const { diskBytes, diskEntries } = cache.stats();
      // Under the bound (eviction goes down to 90 % of it, and may start while the index is read,
      // once what is known exceeds the bound, among what is known).
      assert.ok(diskBytes <= 6_500 && diskBytes >= 4_000, `disk bytes ${diskBytes}`);
      assert.equal(diskEntries * 1000, diskBytes);
      // What eviction removed is gone from cacache's index too, and the index agrees with it.
      const listed = Object.keys(await cacache.ls(dir));
      assert.equal(listed.length, diskEntries);
      assert.ok(listed.includes(key(0)), 'the entry used after the restart is kept');
      for (const k of listed) assert.equal((await cache.get(k))?.tier, 'disk');
    } finally {
      await cache.close();
    }
  });

  test('purging a source after a restart removes its variants from disk, and only them', async () => {
    await fill([
      [key(1), entry(10, source('x'))],
      [key(2), entry(10, source('x'))],
      [key(3), entry(10, source('y'))],
    ]);
    const cache = open();
    try {
      // Asked while the index is still being read: waits for it rather than missing entries.
      assert.equal(await cache.removeSource(source('x')), 2);
      assert.equal(await cache.get(key(1)), undefined);
      assert.equal(await cache.get(key(2)), undefined);
      assert.ok(await cache.get(key(3)));
      assert.equal(cache.stats().diskEntries, 1);
    } finally {
      await cache.close();
    }
  });

  test('closing while the index is being read stops reading', async () => {
    await fill(Array.from({ length: 200 }, (_, i) => [key(i), entry(10, source(i))] as const));
    const cache = open();
    await cache.close();
    assert.ok((cache.indexReport?.entries ?? 0) < 200, 'stopped early');
    // Nothing was deleted by stopping.
    assert.equal((await readdir(join(dir, 'index-v5'))).length > 0, true);
  });

  test('a bucket appended by another writer after the restart is still found when used', async () => {
    await fill([[key(1), entry(10, source(1))]]);
    const cache = open();
    try {
      await cache.loaded;
      await cacache.put(dir, key(2), Buffer.alloc(20), { metadata: entry(20, source(2)).meta });
      assert.equal((await cache.get(key(2)))?.tier, 'disk');
      assert.equal(cache.stats().diskEntries, 2);
      assert.equal(cache.stats().diskBytes, 30);
      await appendFile(join(dir, 'ignored.txt'), 'not part of the index');
    } finally {
      await cache.close();
    }
  });
});

describe('purging while the entry is still being written', () => {
  for (const memoryBytes of [0, 1e6]) test(`a source purged right after its miss stays purged once the disk write lands (memory tier ${memoryBytes} bytes)`, async () => {
    const cache = open({ memoryBytes });
    await cache.loaded;
    try {
      // The miss stores its entry (memory at once, disk in the background) and the purge comes
      // before the disk write has finished: the write must not bring the entry back.
      cache.put(key('racing'), entry(64, source('racing')));
      assert.equal(await cache.removeSource(source('racing')), 1);
      await cache.flush();
      assert.equal(await cache.get(key('racing')), undefined, 'neither tier serves it');
    } finally {
      await cache.close();
    }
  });
});
