/**
 * What happens to an image request once parsed, independent of the HTTP server: look the variant up
 * in the cache tiers, otherwise fetch the origin and process it in a worker, then store the result.
 * Hits never touch the worker pool; nothing here decodes an image.
 *
 * Concurrent requests for one variant share one production, and concurrent productions from one
 * source share one download (single flight), so a burst of identical misses costs one fetch and one
 * processing job.
 */
import type { ImageCache } from '../cache/image-cache.js';
import type { CachedMeta } from '../cache/store.js';
import { sourceKey } from '../plan/key.js';
import type { Plan } from '../plan/types.js';
import type { PoolOutput } from '../workers/pool.js';
import type { Gate, KeyedGate } from '../concurrency/gate.js';
import { SingleFlight } from '../concurrency/single-flight.js';
import { ownedCopy } from '../buffers.js';

export interface OriginBody {
  readonly body: Buffer;
  readonly canonicalUrl: string;
  readonly bytesReceived: number;
  /** Gives the body's memory back to the download budget; called once the body has been processed. */
  readonly release?: () => void;
}

export type FetchOrigin = (url: string, signal: AbortSignal) => Promise<OriginBody>;

/** Where the service reports how long origins and workers took (Prometheus histograms). */
export interface ServiceTimings {
  observeOriginFetch(seconds: number): void;
  observeProcessing(seconds: number): void;
}

export interface ImageServiceDeps {
  /** Undefined when CACHE_ENABLED=false: every request is a miss, and is produced on its own. */
  readonly cache: ImageCache | undefined;
  /** Rejects with the signal's reason if it aborts while the job is still waiting for a worker. */
  readonly process: (input: Buffer, plan: Plan, signal: AbortSignal) => Promise<PoolOutput>;
  readonly fetchOrigin: FetchOrigin;
  /** Bounds concurrent origin downloads. */
  readonly fetchGate: Gate;
  /**
   * Bounds concurrent downloads per origin host, keyed by `hostOf(url)`; a download waits for its
   * host's slot before it takes one of `fetchGate`'s, so one slow host cannot hold them all.
   */
  readonly hostGate?: { readonly gate: KeyedGate; readonly hostOf: (url: string) => string };
  readonly timings?: ServiceTimings;
}

export type CacheStatus = 'HIT' | 'MISS';

/** A request the HTTP layer resolved: source URL, final plan and their cache key. */
export interface VariantRequest {
  readonly url: string;
  readonly plan: Plan;
  readonly key: string;
}

export interface ServedImage {
  readonly data: Buffer;
  readonly meta: CachedMeta;
  readonly cache: CacheStatus;
  /** Which tier answered a hit. */
  readonly tier: 'memory' | 'disk' | undefined;
  readonly key: string;
  /** Milliseconds spent on a miss (shared by every request of a single flight). */
  readonly fetchMs?: number;
  readonly processMs?: number;
}

interface Produced {
  readonly data: Buffer;
  readonly meta: CachedMeta;
  readonly fetchMs: number;
  readonly processMs: number;
}

/**
 * Called before a request is allowed to cost a fetch and a processing job (after the cache missed):
 * the rate limiter's hook. It throws to refuse.
 */
export type Admission = () => Promise<void>;

export class ImageService {
  private readonly variants = new SingleFlight<Produced>();
  // Each waiter's body is transferred to a worker, which detaches it: all but one get a copy. The
  // one with the original gives its memory back to the download budget; copies are not counted.
  private readonly sources = new SingleFlight<OriginBody>((origin, last) =>
    last ? origin : { ...origin, body: ownedCopy(origin.body), release: undefined },
  );
  /** Counters for tests and metrics. */
  readonly counts = { fetches: 0, processed: 0, hits: 0, misses: 0 };

  constructor(private readonly deps: ImageServiceDeps) {}

  /** A memory-tier hit, synchronously, or undefined (then call `serve`). */
  peek(key: string): ServedImage | undefined {
    const entry = this.deps.cache?.peek(key);
    if (!entry) return undefined;
    this.counts.hits += 1;
    return { data: entry.data, meta: entry.meta, cache: 'HIT', tier: 'memory', key };
  }

  async serve({ url, plan, key }: VariantRequest, signal: AbortSignal, admit?: Admission): Promise<ServedImage> {
    const { cache } = this.deps;
    if (!cache) {
      this.counts.misses += 1;
      await admit?.();
      const produced = await this.produce(url, plan, signal);
      return { ...produced, cache: 'MISS', tier: undefined, key };
    }
    const hit = await cache.get(key);
    if (hit) {
      this.counts.hits += 1;
      return { data: hit.entry.data, meta: hit.entry.meta, cache: 'HIT', tier: hit.tier, key };
    }
    // The disk lookup took a while: a production of this key may have finished meanwhile, its result
    // in memory and no longer in flight. Producing again would fetch twice.
    const finishedMeanwhile = this.peek(key);
    if (finishedMeanwhile) return finishedMeanwhile;
    this.counts.misses += 1;
    await admit?.();
    // So may admission (a shared limiter answers over the network); from here to joining or starting
    // the production nothing waits.
    const admittedLate = this.peek(key);
    if (admittedLate) return admittedLate;
    const produced = await this.variants.run(key, signal, async (shared) => {
      const result = await this.produce(url, plan, shared);
      cache.put(key, result);
      return result;
    });
    return { ...produced, cache: 'MISS', tier: undefined, key };
  }

  private async produce(url: string, plan: Plan, signal: AbortSignal): Promise<Produced> {
    const fetchStarted = performance.now();
    const origin = await this.sources.run(url, signal, (shared) => {
      const download = (): Promise<OriginBody> =>
        this.deps.fetchGate.run(async () => {
          this.counts.fetches += 1;
          const started = performance.now();
          const body = await this.deps.fetchOrigin(url, shared);
          this.deps.timings?.observeOriginFetch((performance.now() - started) / 1000);
          return body;
        }, shared);
      const { hostGate } = this.deps;
      return hostGate ? hostGate.gate.run(hostGate.hostOf(url), download, shared) : download();
    });
    const processStarted = performance.now();
    let output: PoolOutput;
    try {
      output = await this.deps.process(origin.body, plan, signal);
    } finally {
      origin.release?.();
    }
    const processMs = performance.now() - processStarted;
    this.deps.timings?.observeProcessing(processMs / 1000);
    this.counts.processed += 1;
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
    return { data: output.data, meta, fetchMs: processStarted - fetchStarted, processMs };
  }

  /** Productions and downloads currently in flight. */
  get inFlight(): { variants: number; sources: number } {
    return { variants: this.variants.size, sources: this.sources.size };
  }
}
