/**
 * Cloudflare's purge by URL: `POST {base}/zones/{zone_id}/purge_cache` with a bearer API token and
 * `{"files":[...]}`, at most 100 URLs a call (Cloudflare's documented limit per request on every
 * plan). A call succeeds when Cloudflare answers 2xx with `"success": true`; 429 and 5xx are worth
 * retrying, other refusals (a bad token, a bad zone) are not.
 */
import { undici } from '../undici.js';

export const CLOUDFLARE_URLS_PER_CALL = 100;

export interface CloudflareTarget {
  readonly apiBase: string;
  readonly zoneId: string;
  readonly token: string;
}

export type CallOutcome = { readonly ok: true } | { readonly ok: false; readonly retry: boolean; readonly retryAfterMs?: number; readonly reason: string };

export async function cloudflarePurge(target: CloudflareTarget, files: readonly string[], timeoutMs: number): Promise<CallOutcome> {
  const response = await undici.request(`${target.apiBase}/zones/${encodeURIComponent(target.zoneId)}/purge_cache`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ files }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await response.body.text();
  let success = false;
  try {
    const parsed: unknown = JSON.parse(text);
    success = typeof parsed === 'object' && parsed !== null && (parsed as { success?: unknown }).success === true;
  } catch {
    success = false;
  }
  if (response.statusCode >= 200 && response.statusCode < 300 && success) return { ok: true };
  const retry = response.statusCode === 429 || response.statusCode >= 500;
  const after = Number(response.headers['retry-after']);
  return {
    ok: false,
    retry,
    ...(Number.isFinite(after) && after > 0 ? { retryAfterMs: after * 1000 } : {}),
    reason: `HTTP ${response.statusCode}: ${text.slice(0, 200)}`,
  };
}
