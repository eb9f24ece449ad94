/**
 * The cache as the service sees it: a bounded memory tier in front of the cacache disk tier, entries
 * that expire after CACHE_TTL_S whatever the browser max-age, a disk tier kept under CACHE_MAX_BYTES
 * by evicting the least recently used entries, and purging by key or by source.
 *
 * After a restart the disk tier serves hits at once (a hit reads cacache's index for its key
 * itself); the compact index that eviction and purging need is read in the background, a few files
 * at a time (see index-reader.ts and compact-index.ts).
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../log.js';
import { CompactIndex, isIndexableKey } from './compact-index.js';
import { forEachLimit, readIndex } from './index-reader.js';
import { MemoryTier } from './memory.js';
import { DiskCache, type CacheEntry } from './store.js';

export interface ImageCacheOptions {
  readonly dir: string;
  /** Disk tier bound (content bytes). */
  readonly maxBytes: number;
  /** Memory tier bound; 0 disables it. */
  readonly memoryBytes: number;
  /** Server-side lifetime of an entry. */
  readonly ttlMs: number;
  readonly log: Logger;
}

export type CacheTier = 'memory' | 'disk';

/** Evict down to this share of the bound, so eviction runs in batches rather than on every write. */
const EVICT_TO = 0.9;
/** Disk removals in flight at once while evicting. */
const EVICT_CONCURRENCY = 4;

/** How the index was read at start, for logs and the cache-index bench. */
export interface IndexLoadReport {
  readonly entries: number;
  readonly files: number;
  readonly skipped: number;
  readonly ms: number;
}

export class ImageCache {
  readonly disk: DiskCache;
  private readonly memory: MemoryTier;
  private readonly index = new CompactIndex();
  private readonly stopLoading = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();
  /** Disk writes under way, by key: a removal waits for its key's write, or the write would bring it back. */
  private readonly writing = new Map<string, { readonly source: string; readonly landed: Promise<unknown> }>();
  private evicting = false;
  private closed = false;
  /** Resolves once the index knows what was on disk at start (or reading it failed). */
  readonly loaded: Promise<void>;
  private loadReport: IndexLoadReport | undefined;

  constructor(private readonly options: ImageCacheOptions) {
    this.disk = new DiskCache(options.dir);
    this.memory = new MemoryTier(options.memoryBytes);
    this.loaded = this.track(this.load());
  }

  private async load(): Promise<void> {
    const started = performance.now();
    this.index.beginLoad();
    try {
      const result = await readIndex(
        this.options.dir,
        (found) => {
          this.index.addLoaded(found.key, found.size, found.source, found.writtenAt);
          // What is known is a lower bound of what is on disk: over the bound already means evict.
          if (!this.evicting && this.index.bytes > this.options.maxBytes) void this.track(this.evictIfNeeded());
        },
        { signal: this.stopLoading.signal },
      );
      this.loadReport = { entries: result.entries, files: result.files, skipped: result.skipped, ms: Math.round(performance.now() - started) };
      this.options.log.info({ ...this.loadReport, bytes: this.index.bytes, indexBytes: this.index.allocatedBytes() }, 'disk cache indexed');
    } catch (error) {
      this.options.log.warn({ err: error }, 'disk cache index could not be read to the end; counting the entries read so far and those used from now on');
    } finally {
      this.index.endLoad();
    }
    await this.evictIfNeeded();
  }

  /** How long reading the index took, once it is done. */
  get indexReport(): IndexLoadReport | undefined {
    return this.loadReport;
  }

  private expired(entry: CacheEntry, now = Date.now()): boolean {
    return entry.meta.createdAt + this.options.ttlMs <= now;
  }

  /** The memory tier alone, synchronously: lets the HTTP layer answer hot hits without a promise. */
  peek(key: string): CacheEntry | undefined {
    const hot = this.memory.get(key);
    if (!hot || this.expired(hot)) return undefined;
    this.index.touch(key);
    return hot;
  }

  async get(key: string): Promise<{ entry: CacheEntry; tier: CacheTier } | undefined> {
    const hot = this.memory.get(key);
    if (hot) {
      if (!this.expired(hot)) {
        this.index.touch(key);
        return { entry: hot, tier: 'memory' };
      }
      await this.remove(key);
      return undefined;
    }
    let stored: CacheEntry | undefined;
    try {
      stored = await this.disk.get(key);
    } catch (error) {
      // A broken disk must not break serving: a miss, reported.
      this.options.log.warn({ err: error, key }, 'cache read failed');
      return undefined;
    }
    if (!stored) {
      this.index.remove(key);
      return undefined;
    }
    if (this.expired(stored)) {
      await this.remove(key);
      return undefined;
    }
    // Right after a restart the index may not have reached this entry yet: this use counts it.
    if (!this.index.touch(key) && isIndexableKey(key)) this.index.record(key, stored.data.length, stored.meta.source);
    this.memory.set(key, stored);
    return { entry: stored, tier: 'disk' };
  }

  /** Stores an entry: in memory at once, on disk in the background (see `flush`). */
  put(key: string, entry: CacheEntry): void {
    // The index keeps keys as 32 bytes: anything else is a bug upstream, not an entry to store.
    if (!isIndexableKey(key)) throw new TypeError(`cache keys are hex SHA-256, not ${JSON.stringify(key)}`);
    this.memory.set(key, entry);
    // After close, work that was still in flight must not start new writes into the directory.
    if (this.closed) return;
    const stored = this.disk.put(key, entry.data, entry.meta).then(() => {
      this.index.record(key, entry.data.length, entry.meta.source);
    });
    // Only the write itself: eviction (which may remove keys) comes after, outside what remove waits for.
    const landed = stored.catch(() => undefined);
    this.writing.set(key, { source: entry.meta.source, landed });
    void landed.then(() => {
      if (this.writing.get(key)?.landed === landed) this.writing.delete(key);
    });
    this.track(
      stored.then(() => this.evictIfNeeded()).catch((error: unknown) => this.options.log.warn({ err: error, key }, 'cache write failed')),
    );
  }

  /** Removes one variant from both tiers; returns how many entries existed. */
  async remove(key: string, expectedSource?: string): Promise<number> {
    // A purge right after a miss: its entry may still be on its way to disk, and would be indexed
    // (and served as a HIT) once written. Let the write land first, then remove it.
    const write = this.writing.get(key);
    if (write) await write.landed;
    const info = await this.disk.info(key).catch(() => undefined);
    // A source's candidates are found by a 64-bit hash of it: check before deleting.
    if (expectedSource !== undefined && info?.source !== undefined && info.source !== expectedSource) return 0;
    const inMemory = this.memory.delete(key);
    const known = this.index.remove(key) !== undefined;
    if (info || known) await this.disk.remove(key, info?.integrity);
    return inMemory || known || info ? 1 : 0;
  }

  /**
   * Removes every variant of one source (by its source hash); returns how many were removed.
   * Right after a restart this waits until the index has been read, so that none is missed.
   */
  async removeSource(source: string): Promise<number> {
    await this.loaded;
    const writing = [...this.writing].filter(([, write]) => write.source === source).map(([key]) => key);
    const keys = new Set([...this.index.keysOfSource(source), ...this.memory.keysOfSource(source), ...writing]);
    let removed = 0;
    for (const key of keys) removed += await this.remove(key, source);
    return removed;
  }

  /**
   * Evicts the least recently used entries down to EVICT_TO of the bound, again while the bound is
   * exceeded (entries keep arriving from writes and, after a restart, from the index reader).
   */
  private async evictIfNeeded(): Promise<void> {
    if (this.evicting) return;
    this.evicting = true;
    try {
      while (this.index.bytes > this.options.maxBytes) {
        const evicted = await this.evictOldest(this.index.bytes - Math.floor(this.options.maxBytes * EVICT_TO));
        // Every victim was used meanwhile: they are not the least recent any more; try later.
        if (evicted === 0) break;
      }
    } finally {
      this.evicting = false;
    }
  }

  private async evictOldest(bytesToFree: number): Promise<number> {
    const victims = this.index.oldest(bytesToFree);
    let evicted = 0;
    const order = Array.from({ length: victims.count }, (_, i) => i);
    await forEachLimit(order, EVICT_CONCURRENCY, async (i) => {
      const key = victims.keyAt(i);
      // Used (or removed) since it was chosen: it is no longer among the least recent.
      if (this.index.stampOf(key) !== victims.stamps[i]) return;
      this.index.remove(key);
      this.memory.delete(key);
      evicted += 1;
      try {
        const info = await this.disk.info(key).catch(() => undefined);
        await this.disk.remove(key, info?.integrity);
      } catch (error) {
        this.options.log.warn({ err: error, key }, 'eviction failed');
      }
    });
    this.options.log.debug({ evicted, bytes: this.index.bytes, entries: this.index.size }, 'disk cache evicted');
    return evicted;
  }

  /** Reclaims content no entry points to (left by a crash) with cacache's verify. */
  async reclaim(): Promise<number> {
    const { reclaimedBytes } = await this.disk.reclaim();
    return reclaimedBytes;
  }

  stats(): { memoryBytes: number; memoryEntries: number; diskBytes: number; diskEntries: number; indexBytes: number; indexing: boolean } {
    return {
      memoryBytes: this.memory.bytes,
      memoryEntries: this.memory.size,
      diskBytes: this.index.bytes,
      diskEntries: this.index.size,
      indexBytes: this.index.allocatedBytes(),
      indexing: this.index.loading,
    };
  }

  /** Stops disk writes and waits for those under way (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.stopLoading.abort();
    await this.flush();
    await this.disk.close();
  }

  /** Waits for background writes and evictions (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }
}
