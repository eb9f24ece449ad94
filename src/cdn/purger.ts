/**
 * Passes a purge on to the caches in front: Cloudflare (purge by URL, batched) and any HTTP caches
 * (one `PURGE` per URL). It runs in the background: the purge API answers once our own cache is
 * clean, and the caches in front follow within seconds. Each call is retried with exponential
 * backoff (or after the `Retry-After` Cloudflare sends with a 429); what still fails is logged with
 * the URLs, so an operator can purge them by hand, and counted (pixproxy_cdn_purge_requests_total).
 */
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { CLOUDFLARE_URLS_PER_CALL, cloudflarePurge, type CallOutcome, type CloudflareTarget } from './cloudflare.js';
import { httpCachePurge } from './http-cache.js';

export interface CdnPurgerOptions {
  /** PUBLIC_URL: the URLs a purge names are under it. */
  readonly publicUrl: string;
  readonly cloudflare: CloudflareTarget | undefined;
  readonly httpCaches: readonly string[];
  readonly log: Logger;
  readonly metrics: Pick<Metrics, 'cdnPurge'>;
  /** Calls per batch before giving up (the first included). */
  readonly attempts?: number;
  /** First backoff; doubled after each failed attempt. */
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class CdnPurger {
  private readonly pending = new Set<Promise<void>>();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly origin: string;
  private readonly host: string;

  constructor(private readonly options: CdnPurgerOptions) {
    this.attempts = options.attempts ?? 5;
    this.backoffMs = options.backoffMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const url = new URL(options.publicUrl);
    this.origin = url.origin;
    this.host = url.host;
  }

  /** Starts purging `targets` (paths with their queries, as requested) everywhere; returns at once. */
  purge(targets: readonly string[]): void {
    if (targets.length === 0) return;
    const jobs: Promise<void>[] = [];
    const { cloudflare } = this.options;
    if (cloudflare) {
      const files = targets.map((target) => this.origin + target);
      for (let i = 0; i < files.length; i += CLOUDFLARE_URLS_PER_CALL) {
        const batch = files.slice(i, i + CLOUDFLARE_URLS_PER_CALL);
        jobs.push(this.withRetries('cloudflare', batch, () => cloudflarePurge(cloudflare, batch, this.timeoutMs)));
      }
    }
    for (const cache of this.options.httpCaches) {
      for (const target of targets) {
        jobs.push(this.withRetries('http-cache', [cache + target], () => httpCachePurge(cache, this.host, target, this.timeoutMs)));
      }
    }
    const all = Promise.all(jobs).then(() => undefined);
    this.pending.add(all);
    void all.finally(() => this.pending.delete(all));
  }

  /** Resolves when every purge started so far has succeeded or been given up (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async withRetries(target: 'cloudflare' | 'http-cache', urls: readonly string[], call: () => Promise<CallOutcome>): Promise<void> {
    let delay = this.backoffMs;
    for (let attempt = 1; ; attempt += 1) {
      let outcome: CallOutcome;
      try {
        outcome = await call();
      } catch (error) {
        outcome = { ok: false, retry: true, reason: error instanceof Error ? error.message : String(error) };
      }
      if (outcome.ok) {
        this.options.metrics.cdnPurge(target, 'ok');
        return;
      }
      if (!outcome.retry || attempt >= this.attempts) {
        this.options.metrics.cdnPurge(target, 'failed');
        this.options.log.error({ target, urls, attempts: attempt, reason: outcome.reason }, 'CDN purge failed: purge these URLs by hand');
        return;
      }
      this.options.metrics.cdnPurge(target, 'retried');
      this.options.log.warn({ target, attempt, reason: outcome.reason }, 'CDN purge failed, retrying');
      await sleep(outcome.retryAfterMs ?? delay);
      delay *= 2;
    }
  }
}
