/**
 * Prometheus metrics (prom-client) for `GET /metrics`. Each `Metrics` owns its own Registry rather
 * than prom-client's global one, so several services in one test process never collide.
 *
 * The recording methods are called on the hot path (a memory hit is answered inside the uWS
 * handler). prom-client hashes the label object on every labelled `inc`, even through a bound child,
 * so the labelled counters are kept here as plain numbers in maps built once per label set, and
 * handed to prom-client only when scraped. Gauges describing state (the worker queue) are read at
 * scrape time too.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type CacheResult = 'hit' | 'miss';
export type CacheTier = 'memory' | 'disk' | 'none';

export interface MetricsOptions {
  /** Jobs waiting for a worker, read at each scrape. */
  readonly queueDepth?: () => number;
  /** prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC); on by default. */
  readonly processMetrics?: boolean;
}

/** Seconds: hits are sub-millisecond, a large AVIF encode can take several seconds. */
const PROCESSING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds: a nearby CDN answers in milliseconds, FETCH_TIMEOUT_MS defaults to a minute. */
const FETCH_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A labelled counter's value for one label set, counted here and reported at scrape time. */
interface Tally {
  readonly labels: Readonly<Record<string, string>>;
  count: number;
}

/** A counter whose values live in `tallies`; prom-client copies them on each scrape. */
function tallyCounter(registry: Registry, name: string, help: string, labelNames: readonly string[], tallies: () => Iterable<Tally>): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const tally of tallies()) this.inc(tally.labels, tally.count);
    },
  });
}

export class Metrics {
  readonly registry = new Registry();

  private readonly requests = new Map<string, Map<number, Tally>>();
  private readonly cache: Readonly<Record<CacheResult, Readonly<Record<CacheTier, Tally>>>>;
  private responseBytes = 0;
  private readonly processing: Histogram;
  private readonly originFetch: Histogram;
  private readonly rateLimitBlocks: Counter;
  private readonly cdnPurges: Counter;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    tallyCounter(this.registry, 'pixproxy_http_requests_total', 'HTTP requests answered, by route and status code.', ['route', 'status'], () =>
      [...this.requests.values()].flatMap((byStatus) => [...byStatus.values()]),
    );
    const responseBytes: Tally = { labels: {}, count: 0 };
    tallyCounter(this.registry, 'pixproxy_http_response_bytes_total', 'Bytes of HTTP response bodies sent.', [], () => {
      responseBytes.count = this.responseBytes;
      return [responseBytes];
    });
    const tally = (result: CacheResult, tier: CacheTier): Tally => ({ labels: { result, tier }, count: 0 });
    const tiers = (result: CacheResult): Record<CacheTier, Tally> => ({ memory: tally(result, 'memory'), disk: tally(result, 'disk'), none: tally(result, 'none') });
    const cache = { hit: tiers('hit'), miss: tiers('miss') };
    this.cache = cache;
    // The series that can happen are shown from the start at 0, so a hit ratio is defined before
    // any traffic; the odd ones (a miss "from memory") only if they ever happen.
    const expected = new Set([cache.hit.memory, cache.hit.disk, cache.miss.none]);
    const all = [...Object.values(cache.hit), ...Object.values(cache.miss)];
    tallyCounter(
      this.registry,
      'pixproxy_cache_requests_total',
      'Image lookups by cache result, and the tier that answered a hit (none for a miss).',
      ['result', 'tier'],
      () => all.filter((t) => t.count > 0 || expected.has(t)),
    );
    this.processing = new Histogram({
      name: 'pixproxy_processing_seconds',
      help: 'Time a worker spent running the image pipeline for one variant.',
      buckets: PROCESSING_BUCKETS,
      registers,
    });
    this.originFetch = new Histogram({
      name: 'pixproxy_origin_fetch_seconds',
      help: 'Time to download one origin image, redirects included.',
      buckets: FETCH_BUCKETS,
      registers,
    });
    this.rateLimitBlocks = new Counter({
      name: 'pixproxy_ratelimit_blocks_total',
      help: 'Requests refused by the rate limiter.',
      registers,
    });
    this.cdnPurges = new Counter({
      name: 'pixproxy_cdn_purge_requests_total',
      help: 'Purge requests sent to CDNs and HTTP caches, by target and outcome (ok, retried, failed: given up).',
      labelNames: ['target', 'outcome'],
      registers,
    });
    const queueDepth = options.queueDepth;
    new Gauge({
      name: 'pixproxy_worker_queue_depth',
      help: 'Image jobs waiting for a worker thread.',
      registers,
      collect() {
        this.set(queueDepth ? queueDepth() : 0);
      },
    });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** One answered HTTP request: `route` from a small fixed set (image, health, metrics, purge...). */
  request(route: string, status: number, bytes: number): void {
    let byStatus = this.requests.get(route);
    if (!byStatus) {
      byStatus = new Map();
      this.requests.set(route, byStatus);
    }
    const tally = byStatus.get(status);
    if (tally) tally.count += 1;
    else byStatus.set(status, { labels: { route, status: String(status) }, count: 1 });
    this.responseBytes += bytes;
  }

  /** One image lookup: a hit with the tier that answered it, or a miss (`tier` 'none'). */
  cacheResult(result: CacheResult, tier: CacheTier): void {
    this.cache[result][tier].count += 1;
  }

  observeProcessing(seconds: number): void {
    this.processing.observe(seconds);
  }

  observeOriginFetch(seconds: number): void {
    this.originFetch.observe(seconds);
  }

  rateLimitBlocked(): void {
    this.rateLimitBlocks.inc();
  }

  /** One purge call to a CDN or HTTP cache: `outcome` ok, retried (will try again) or failed (gave up). */
  cdnPurge(target: 'cloudflare' | 'http-cache', outcome: 'ok' | 'retried' | 'failed'): void {
    this.cdnPurges.inc({ target, outcome });
  }

  /** The Prometheus text exposition of every metric, for the `/metrics` response body. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The `Content-Type` of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
