/**
 * The cache as the service sees it: a bounded memory tier in front of the cacache disk tier, entries
 * that expire after CACHE_TTL_S whatever the browser max-age, a disk tier kept under CACHE_MAX_BYTES
 * by evicting the least recently used entries, and purging by key or by source.
 */
import type { Logger } from '../log.js';
import { DiskLedger } from './disk-ledger.js';
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

export class ImageCache {
  readonly disk: DiskCache;
  private readonly memory: MemoryTier;
  private readonly ledger = new DiskLedger();
  private readonly pending = new Set<Promise<unknown>>();
  private evicting = false;
  private closed = false;
  /** Resolves once the ledger knows what was on disk at start. */
  readonly loaded: Promise<void>;

  constructor(private readonly options: ImageCacheOptions) {
    this.disk = new DiskCache(options.dir);
    this.memory = new MemoryTier(options.memoryBytes);
    this.loaded = this.track(this.load());
  }

  private async load(): Promise<void> {
    try {
      const found = await this.disk.list();
      found.sort((a, b) => a.meta.createdAt - b.meta.createdAt);
      this.ledger.preload(found.map((e) => [e.key, { size: e.size, source: e.meta.source, integrity: e.integrity }]));
      this.options.log.info({ entries: this.ledger.size, bytes: this.ledger.bytes }, 'disk cache indexed');
      await this.evictIfNeeded();
    } catch (error) {
      this.options.log.warn({ err: error }, 'disk cache index could not be read; starting empty');
    }
  }

  private expired(entry: CacheEntry, now = Date.now()): boolean {
    return entry.meta.createdAt + this.options.ttlMs <= now;
  }

  /** The memory tier alone, synchronously: lets the HTTP layer answer hot hits without a promise. */
  peek(key: string): CacheEntry | undefined {
    const hot = this.memory.get(key);
    if (!hot || this.expired(hot)) return undefined;
    this.ledger.touch(key);
    return hot;
  }

  async get(key: string): Promise<{ entry: CacheEntry; tier: CacheTier } | undefined> {
    const hot = this.memory.get(key);
    if (hot) {
      if (!this.expired(hot)) {
        this.ledger.touch(key);
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
      this.ledger.remove(key);
      return undefined;
    }
    if (this.expired(stored)) {
      await this.remove(key);
      return undefined;
    }
    this.ledger.touch(key);
    this.memory.set(key, stored);
    return { entry: stored, tier: 'disk' };
  }

  /** Stores an entry: in memory at once, on disk in the background (see `flush`). */
  put(key: string, entry: CacheEntry): void {
    this.memory.set(key, entry);
    // After close, work that was still in flight must not start new writes into the directory.
    if (this.closed) return;
    this.track(
      this.disk
        .put(key, entry.data, entry.meta)
        .then(async (integrity) => {
          this.ledger.record(key, { size: entry.data.length, source: entry.meta.source, integrity });
          await this.evictIfNeeded();
        })
        .catch((error: unknown) => this.options.log.warn({ err: error, key }, 'cache write failed')),
    );
  }

  /** Removes one variant from both tiers; returns how many entries existed. */
  async remove(key: string): Promise<number> {
    const inMemory = this.memory.delete(key);
    const known = this.ledger.remove(key);
    const integrity = known?.integrity ?? (await this.disk.integrityOf(key).catch(() => undefined));
    const onDisk = known !== undefined || integrity !== undefined;
    if (onDisk) await this.disk.remove(key, integrity);
    return inMemory || onDisk ? 1 : 0;
  }

  /** Removes every variant of one source (by its source hash); returns how many were removed. */
  async removeSource(source: string): Promise<number> {
    await this.loaded;
    const keys = new Set([...this.ledger.keysOfSource(source), ...this.memory.keysOfSource(source)]);
    let removed = 0;
    for (const key of keys) removed += await this.remove(key);
    return removed;
  }

  private async evictIfNeeded(): Promise<void> {
    if (this.evicting || this.ledger.bytes <= this.options.maxBytes) return;
    this.evicting = true;
    try {
      const victims = this.ledger.victims(Math.floor(this.options.maxBytes * EVICT_TO));
      for (const [key, entry] of victims) {
        this.ledger.remove(key);
        this.memory.delete(key);
        const integrity = entry.integrity ?? (await this.disk.integrityOf(key).catch(() => undefined));
        await this.disk.remove(key, integrity).catch((error: unknown) => this.options.log.warn({ err: error, key }, 'eviction failed'));
      }
      this.options.log.debug({ evicted: victims.length, bytes: this.ledger.bytes }, 'disk cache evicted');
    } finally {
      this.evicting = false;
    }
  }

  /** Reclaims content no entry points to (left by a crash) with cacache's verify. */
  async reclaim(): Promise<number> {
    const { reclaimedBytes } = await this.disk.reclaim();
    return reclaimedBytes;
  }

  stats(): { memoryBytes: number; memoryEntries: number; diskBytes: number; diskEntries: number } {
    return { memoryBytes: this.memory.bytes, memoryEntries: this.memory.size, diskBytes: this.ledger.bytes, diskEntries: this.ledger.size };
  }

  /** Stops disk writes and waits for those under way (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
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
