/**
 * The purge API (an extension the public service never shipped): with PURGE_TOKEN set,
 * `DELETE /cache?url=<source>` removes every cached variant of a source and
 * `DELETE /cache/variant?url=<source>&<params>` the one variant those parameters name.
 * Both answer `{"status":"success","removed":N}` (plus `"cdnUrls":N`, the URLs passed on to the
 * CDN and HTTP caches when those are configured); a missing or wrong token gets 401.
 */
import type { ImageCache } from '../cache/image-cache.js';
import { ServiceError, errorBody } from '../errors.js';
import { withOutputFormat } from '../plan/canonical.js';
import { cacheKey, sourceKey } from '../plan/key.js';
import { parseQuery } from '../plan/parse.js';
import type { ImageFormat, Plan } from '../plan/types.js';
import { bearerMatches } from './bearer.js';
import { commonHeaders } from './headers.js';
import type { ResponseWriter } from './respond.js';
import { statusLine } from './status.js';
import type { ServedUrls } from '../cdn/served-urls.js';
import type { CdnPurger } from '../cdn/purger.js';

export interface PurgeDeps {
  readonly cache: ImageCache | undefined;
  readonly token: string;
  /** With a CDN or HTTP caches in front: the URLs each variant was served under, and who purges them. */
  readonly front?: { readonly urls: ServedUrls; readonly purger: CdnPurger };
}

/** The variants one plan may be stored as: `output=auto` may have produced any negotiated format. */
function variantPlans(plan: Plan): Plan[] {
  if (plan.output !== 'auto') return [plan];
  const formats: (ImageFormat | undefined)[] = ['avif', 'webp', undefined];
  return formats.map((format) => withOutputFormat(plan, format));
}

function sendJson(writer: ResponseWriter, status: number, body: string, extra: ReadonlyArray<readonly [string, string]> = []): void {
  writer.send(statusLine(status), [...commonHeaders, ['Content-Type', 'application/json'], ['Cache-Control', 'no-store'], ...extra], body);
}

export async function handlePurge(
  writer: ResponseWriter,
  facts: { path: string; query: string; authorization: string },
  deps: PurgeDeps,
): Promise<number> {
  if (!bearerMatches(facts.authorization, deps.token)) {
    sendJson(writer, 401, errorBody(new ServiceError('BEARER_INVALID')), [
      ['WWW-Authenticate', 'Bearer'],
    ]);
    return 401;
  }
  const outcome = parseQuery(facts.query);
  if (outcome.kind !== 'request') {
    sendJson(writer, 400, errorBody(new ServiceError(outcome.kind === 'invalid-url' ? outcome.code : 'INVALID_URL')));
    return 400;
  }
  const { delivery, plan } = outcome.request;
  const whole = facts.path === '/cache';
  const keys = whole ? [] : variantPlans(plan).map((variant) => cacheKey(delivery.url, variant));
  let removed = 0;
  if (deps.cache) {
    if (whole) {
      removed = await deps.cache.removeSource(sourceKey(delivery.url));
    } else {
      for (const key of keys) removed += await deps.cache.remove(key);
    }
  }
  // After our own copy is gone, so a CDN that refetches at once gets the new one.
  let front = 0;
  if (deps.front) {
    const urls = whole ? deps.front.urls.takeSource(delivery.url) : deps.front.urls.takeVariants(delivery.url, keys);
    deps.front.purger.purge(urls);
    front = urls.length;
  }
  sendJson(writer, 200, deps.front ? JSON.stringify({ status: 'success', removed, cdnUrls: front }) : JSON.stringify({ status: 'success', removed }));
  return 200;
}
