/**
 * What happens to an image request once parsed, independent of the HTTP server: look the variant up
 * in the cache, otherwise fetch the origin, process it in a worker and store the result.
 * Hits never touch the worker pool; nothing here decodes an image.
 */
import type { Logger } from '../log.js';
import type { CachedMeta, DiskCache } from '../cache/store.js';
import { cacheKey, sourceKey } from '../plan/key.js';
import type { Plan } from '../plan/types.js';
import type { ImageWorkerPool } from '../workers/pool.js';

export interface OriginBody {
  readonly body: Buffer;
  readonly canonicalUrl: string;
  readonly bytesReceived: number;
}

export type FetchOrigin = (url: string, signal: AbortSignal) => Promise<OriginBody>;

export interface ImageServiceDeps {
  /** Undefined when CACHE_ENABLED=false: every request is a miss. */
  readonly cache: DiskCache | undefined;
  readonly pool: Pick<ImageWorkerPool, 'process'>;
  readonly fetchOrigin: FetchOrigin;
  readonly log: Logger;
}

export interface ServedImage {
  readonly data: Buffer;
  readonly meta: CachedMeta;
  readonly cache: 'HIT' | 'MISS';
  readonly key: string;
}

export class ImageService {
  /** Entries still being written to disk, so a repeat request meanwhile is already a hit. */
  private readonly writing = new Map<string, { data: Buffer; meta: CachedMeta }>();
  private readonly pendingWrites = new Set<Promise<void>>();

  constructor(private readonly deps: ImageServiceDeps) {}

  async serve(url: string, plan: Plan, signal: AbortSignal): Promise<ServedImage> {
    const key = cacheKey(url, plan);
    const hit = await this.lookup(key);
    if (hit) return { ...hit, cache: 'HIT', key };

    const origin = await this.deps.fetchOrigin(url, signal);
    const output = await this.deps.pool.process(origin.body, plan);
    const meta: CachedMeta = {
      v: 1,
      contentType: output.contentType,
      ...(output.extension === undefined ? {} : { extension: output.extension }),
      width: output.width,
      height: output.height,
      canonicalUrl: origin.canonicalUrl,
      upstreamBytes: origin.bytesReceived,
      createdAt: Date.now(),
      source: sourceKey(url),
    };
    this.store(key, output.data, meta);
    return { data: output.data, meta, cache: 'MISS', key };
  }

  /** Resolves once every background cache write has finished (for a clean shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.pendingWrites]);
  }

  private async lookup(key: string): Promise<{ data: Buffer; meta: CachedMeta } | undefined> {
    if (!this.deps.cache) return undefined;
    const pending = this.writing.get(key);
    if (pending) return pending;
    try {
      return await this.deps.cache.get(key);
    } catch (error) {
      // A broken cache must not break serving: treat it as a miss and say so.
      this.deps.log.warn({ err: error, key }, 'cache read failed');
      return undefined;
    }
  }

  /** Stored in the background: the client does not wait for the disk. */
  private store(key: string, data: Buffer, meta: CachedMeta): void {
    if (!this.deps.cache) return;
    this.writing.set(key, { data, meta });
    const write = this.deps.cache
      .put(key, data, meta)
      .catch((error: unknown) => {
        this.deps.log.warn({ err: error, key }, 'cache write failed');
      })
      .finally(() => {
        this.writing.delete(key);
        this.pendingWrites.delete(write);
      });
    this.pendingWrites.add(write);
  }
}
