/**
 * `PURGE <path>` to a self-hosted HTTP cache (Varnish with a purge rule in its VCL, nginx with a
 * purge module), with the public host as `Host` so the cache finds the object it stored under it.
 * 200 means purged, 404 that it held nothing under that URL (also fine); 5xx is worth retrying.
 */
import { undici } from '../undici.js';
import type { CallOutcome } from './cloudflare.js';

export async function httpCachePurge(cacheBase: string, publicHost: string, target: string, timeoutMs: number): Promise<CallOutcome> {
  const response = await undici.request(`${cacheBase}${target}`, {
    method: 'PURGE',
    headers: { host: publicHost },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  await response.body.dump();
  if ((response.statusCode >= 200 && response.statusCode < 300) || response.statusCode === 404) return { ok: true };
  return { ok: false, retry: response.statusCode >= 500, reason: `HTTP ${response.statusCode}` };
}
