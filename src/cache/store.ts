/**
 * The on-disk tier: cacache under CACHE_DIR, one entry per content-addressed key. Each entry keeps
 * what a response needs (content type, extension, dimensions, canonical link) so a hit is answered
 * from the stored bytes without ever decoding the image.
 *
 * Crash safety comes from cacache's format: content is written to a temporary file and renamed into
 * place before the index line is appended, and every index line carries its own checksum, so a kill
 * -9 mid-write leaves at worst an orphaned content file (reclaimed by `reclaim`) and never an entry
 * that points at half-written bytes. Reads verify the content's integrity hash as well. Writes go
 * through entry-writer.ts (the same format, written from a thread with synchronous calls: a tenth of
 * cacache.put's CPU); reads, deletes and `verify` are cacache's own.
 */
import cacache from 'cacache';
import { EntryWriter } from './entry-writer.js';
import { isCachedMeta, type CachedMeta } from './meta.js';

export { isCachedMeta, type CachedMeta } from './meta.js';

export interface CacheEntry {
  readonly meta: CachedMeta;
  readonly data: Buffer;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

export class DiskCache {
  private readonly writer: EntryWriter;

  constructor(readonly dir: string) {
    this.writer = new EntryWriter(dir);
  }

  /** Reads an entry, or undefined when absent, unreadable or failing its integrity check. */
  async get(key: string): Promise<CacheEntry | undefined> {
    try {
      const { data, metadata } = await cacache.get(this.dir, key);
      return isCachedMeta(metadata) ? { meta: metadata, data } : undefined;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') return undefined; // no entry, or its content was reclaimed
      if (code === 'EINTEGRITY' || code === 'EBADSIZE') {
        // Damaged on disk: never serve it, and drop it so the next request rebuilds it.
        await this.remove(key).catch(() => undefined);
        return undefined;
      }
      throw error;
    }
  }

  /** Stores an entry; resolves to the content's integrity string (needed to delete it later). */
  async put(key: string, data: Buffer, meta: CachedMeta): Promise<string> {
    return this.writer.put(key, data, meta);
  }

  /** Waits for the writes under way and stops the writer thread. */
  close(): Promise<void> {
    return this.writer.close();
  }

  /** Removes the index entry (the whole bucket, not a tombstone) and, if given, its content. */
  async remove(key: string, integrity?: string): Promise<void> {
    // `removeFully` is supported by cacache but missing from its type definitions.
    const removeEntry = cacache.rm.entry as (dir: string, key: string, opts: { removeFully: boolean }) => Promise<unknown>;
    await removeEntry(this.dir, key, { removeFully: true });
    // Content is shared by keys whose outputs are byte-identical; a sibling that loses it just
    // becomes a miss (ENOENT above), which is cheaper than tracking references.
    if (integrity !== undefined) await cacache.rm.content(this.dir, integrity).catch(() => undefined);
  }

  /**
   * What the index says of a key without reading its content (one small file read): its content's
   * integrity (needed to delete it) and its source, or undefined when there is no entry.
   */
  async info(key: string): Promise<{ integrity: string; source: string | undefined } | undefined> {
    const info = await cacache.get.info(this.dir, key);
    if (!info) return undefined;
    return { integrity: info.integrity, source: isCachedMeta(info.metadata) ? info.metadata.source : undefined };
  }

  /** cacache's `verify`: removes content no index entry points to and compacts the index. */
  async reclaim(): Promise<{ reclaimedBytes: number }> {
    const stats = (await cacache.verify(this.dir)) as { reclaimedSize?: number };
    return { reclaimedBytes: stats.reclaimedSize ?? 0 };
  }
}
