/**
 * What happens after a response: one Prometheus count and one access-log line. The client IP goes
 * only into the access log (privacy: the process log never carries it).
 */
import { logAccess, type AccessEntry, type AccessLog } from '../log.js';
import type { Metrics } from '../metrics.js';

export type Route = 'image' | 'health' | 'metrics' | 'quota' | 'purge' | 'clear-cache' | 'site' | 'other';

export interface RequestRecord {
  readonly ip: string;
  readonly method: string;
  /** `performance.now()` at arrival. */
  readonly started: number;
}

export class Observer {
  constructor(
    private readonly metrics: Metrics,
    private readonly access: AccessLog | undefined,
  ) {}

  finish(record: RequestRecord, route: Route, status: number, bytes: number, details: Partial<AccessEntry> = {}): void {
    this.metrics.request(route, status, bytes);
    if (this.access === undefined) return;
    // Always the same shape (absent details as undefined): spreading `details` into a new object
    // gave every call site its own shape, and the hit path paid for it.
    logAccess(this.access, {
      ip: record.ip,
      method: record.method,
      route,
      status,
      bytes,
      ms: Math.round((performance.now() - record.started) * 100) / 100,
      key: details.key,
      cache: details.cache,
      tier: details.tier,
      fetchMs: details.fetchMs,
      processMs: details.processMs,
      url: details.url,
      error: details.error,
    });
  }
}
