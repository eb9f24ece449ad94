/**
 * The hot tier: the most recently used entries in memory, bounded by bytes, so repeated hits are
 * answered without touching the disk. lru-cache does the bookkeeping (it is what cacache itself uses).
 */
import { LRUCache } from 'lru-cache';
import type { CacheEntry } from './store.js';

/** Per-entry overhead counted on top of the bytes (key, metadata, map nodes), roughly. */
const ENTRY_OVERHEAD = 512;

export class MemoryTier {
  private readonly lru: LRUCache<string, CacheEntry> | undefined;

  constructor(maxBytes: number) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, CacheEntry>({
            maxSize: maxBytes,
            sizeCalculation: (entry) => entry.data.length + ENTRY_OVERHEAD,
          })
        : undefined;
  }

  get(key: string): CacheEntry | undefined {
    return this.lru?.get(key);
  }

  set(key: string, entry: CacheEntry): void {
    // An entry larger than the whole tier is refused by lru-cache; that is what we want.
    this.lru?.set(key, entry);
  }

  delete(key: string): boolean {
    return this.lru?.delete(key) ?? false;
  }

  /** Keys of entries whose source matches (for purging a source from memory). */
  keysOfSource(source: string): string[] {
    const keys: string[] = [];
    if (!this.lru) return keys;
    for (const [key, entry] of this.lru.entries()) if (entry.meta.source === source) keys.push(key);
    return keys;
  }

  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }
}
