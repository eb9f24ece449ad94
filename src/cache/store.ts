/**
 * The on-disk cache: cacache under CACHE_DIR, one entry per content-addressed key. Each entry keeps
 * what a response needs (content type, extension, dimensions, canonical link) so a hit is answered
 * from the stored bytes without ever decoding the image.
 *
 * cacache writes content to a temporary file and renames it into place, and its index lines carry
 * their own checksum, so a crash mid-write leaves no entry that could be served half-written.
 */
import { readFile } from 'node:fs/promises';
import cacache from 'cacache';

/** What is stored beside the bytes. Versioned so a format change never misreads old entries. */
export interface CachedMeta {
  readonly v: 1;
  readonly contentType: string;
  /** Extension for Content-Disposition; absent for JSON/text outputs. */
  readonly extension?: string;
  readonly width: number;
  readonly height: number;
  /** The origin's canonical URL for the `Link` header. */
  readonly canonicalUrl: string;
  /** Bytes received from the origin, for `X-Upstream-Response-Length`. */
  readonly upstreamBytes: number;
  /** Unix milliseconds when the entry was produced. */
  readonly createdAt: number;
  /** Source URL hash, so every variant of one source can be found (purge). */
  readonly source: string;
}

export interface CacheEntry {
  readonly meta: CachedMeta;
  readonly data: Buffer;
}

function isCachedMeta(value: unknown): value is CachedMeta {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.v === 1 &&
    typeof m.contentType === 'string' &&
    (m.extension === undefined || typeof m.extension === 'string') &&
    typeof m.width === 'number' &&
    typeof m.height === 'number' &&
    typeof m.canonicalUrl === 'string' &&
    typeof m.upstreamBytes === 'number' &&
    typeof m.createdAt === 'number' &&
    typeof m.source === 'string'
  );
}

export class DiskCache {
  constructor(readonly dir: string) {}

  /**
   * Reads an entry, or undefined when absent. The bytes are read straight from the content file
   * (the path comes from the index) instead of through cacache's verifying reader: hashing every hit
   * would cost more CPU than the rest of the hit path. The size is still checked.
   */
  async get(key: string): Promise<CacheEntry | undefined> {
    const info = await cacache.get.info(this.dir, key);
    if (!info || !isCachedMeta(info.metadata)) return undefined;
    let data: Buffer;
    try {
      data = await readFile(info.path);
    } catch {
      return undefined; // content reclaimed by `verify` or removed by hand: a miss, not an error
    }
    if (info.size !== undefined && data.length !== info.size) return undefined;
    return { meta: info.metadata, data };
  }

  async put(key: string, data: Buffer, meta: CachedMeta): Promise<void> {
    await cacache.put(this.dir, key, data, { metadata: meta });
  }

  async remove(key: string): Promise<void> {
    await cacache.rm.entry(this.dir, key);
  }
}
