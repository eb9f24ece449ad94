/**
 * The API route: `/?url=<source>&<params>` (any path, spec 1.1). Resolves the query into a plan and
 * key; a hit in the memory tier is answered right inside the uWS handler, anything else goes the
 * asynchronous way (disk, or fetch and process) and ends in the image or the spec's JSON error
 * (or the `default=` redirect). Only requests that miss the cache count against the rate limit.
 */
import { ServiceError, asServiceError, errorBody } from '../errors.js';
import { carriesVia } from '../origin/via.js';
import type { AccessEntry } from '../log.js';
import type { Delivery } from '../plan/types.js';
import { rateLimitHeaders } from '../ratelimit/headers.js';
import { rateLimitKey } from '../ratelimit/key.js';
import type { Decision } from '../ratelimit/limiter.js';
import type { ServedImage } from '../service/image-service.js';
import { base64Body, commonHeaders, etagFor, successHeaders } from './headers.js';
import { HitHeaders } from './hit-headers.js';
import type { RequestRecord } from './observe.js';
import type { ResolvedRequest } from './resolve-request.js';
import type { FrontResponse } from './front.js';
import { ResponseWriter, sendNotModifiedNow, sendNow, type HeaderList } from './respond.js';
import { explicitLocation } from './auto-redirect.js';
import { isNotModified, notModifiedHeaders, type Conditions } from './validators.js';
import type { RequestFacts, ServerDeps } from './context.js';
import { statusLine } from './status.js';

type ImageRequest = Extract<ResolvedRequest, { kind: 'request' }>;

const OK = statusLine(200);
const NOT_MODIFIED = statusLine(304);
const hitHeaders = new HitHeaders();

function errorHeaders(error: ServiceError, extra: HeaderList): HeaderList {
  return [
    ...commonHeaders,
    ['Content-Type', 'application/json'],
    ...extra,
    // Back-pressure: tell well-behaved clients and CDNs when to come back.
    ...(error.code === 'OVERLOADED' ? ([['Retry-After', '1']] as const) : []),
  ];
}

/** Sends the spec's JSON error (or the `default=` redirect); returns the status and body size. */
function sendError(writer: ResponseWriter, error: ServiceError, fallback: string | undefined, head: boolean, extra: HeaderList = []): [number, number] {
  const body = errorBody(error);
  if (fallback !== undefined) {
    // The body keeps the original status in its `code`; only the status line becomes 302.
    writer.send(statusLine(302), [...errorHeaders(error, extra), ['Location', fallback]], body, head);
    return [302, body.length];
  }
  writer.send(statusLine(error.status), errorHeaders(error, extra), body, head);
  return [error.status, body.length];
}

/** Where `default=` sends the client: a URL, the origin itself (`default=1`), or nowhere. */
function fallbackFor(delivery: Delivery, error: ServiceError): string | undefined {
  if (delivery.fallback === undefined) return undefined;
  if (delivery.fallback !== 'origin') return delivery.fallback;
  // Redirecting to the origin would loop for redirect errors (spec 3.9), and for a loop through us.
  return error.code === 'REDIRECT_SELF' || error.code === 'REDIRECT_LIMIT' || error.code === 'LOOP_DETECTED' ? undefined : delivery.url;
}

/** The bytes sent for an image: the image itself, or its data URI for `encoding=base64`. */
function imageBody(served: ServedImage, request: ImageRequest): Uint8Array {
  return request.delivery.base64 ? Buffer.from(base64Body(served.meta, served.data)) : served.data;
}

/** Whether the client (usually a CDN revalidating its copy) already holds these exact bytes. */
function clientHasIt(conditions: Conditions, served: Pick<ServedImage, 'data' | 'meta'>, request: ImageRequest): boolean {
  if (conditions.ifNoneMatch === '' && conditions.ifModifiedSince === '') return false;
  return isNotModified(conditions, etagFor(served.data, request.delivery), served.meta.createdAt);
}

function servedDetails(request: ImageRequest, served: ServedImage): Partial<AccessEntry> {
  return {
    key: request.key,
    url: request.delivery.url,
    cache: served.cache,
    ...(served.tier === undefined ? {} : { tier: served.tier }),
    ...(served.fetchMs === undefined ? {} : { fetchMs: Math.round(served.fetchMs) }),
    ...(served.processMs === undefined ? {} : { processMs: Math.round(served.processMs) }),
  };
}

async function serveAsync(writer: ResponseWriter, request: ImageRequest, facts: RequestFacts, record: RequestRecord, deps: ServerDeps, looped: boolean): Promise<void> {
  const head = facts.method === 'head';
  let decision: Decision | undefined;
  const { limiter } = deps;
  // Counted only once the cache has missed: hits are free (the public service's rule too).
  const admit = limiter || looped
    ? async (): Promise<void> => {
        // One of our own fetches came back: fetching again would nest one more level. A hit costs
        // no fetch, so only a miss is refused.
        if (looped) throw new ServiceError('LOOP_DETECTED');
        if (!limiter) return;
        decision = await limiter.consume(rateLimitKey(record.ip));
        if (!decision.allowed) {
          deps.metrics.rateLimitBlocked();
          throw new ServiceError('RATE_LIMITED');
        }
      }
    : undefined;
  // The caller's numbers go on the 429 only: a success may be stored by a shared cache and replayed
  // to everyone, so it carries nothing about who asked.
  // The 429 itself carries them, so no shared cache may keep it.
  const limitHeaders = (error: ServiceError): HeaderList =>
    decision && error.code === 'RATE_LIMITED' ? [...rateLimitHeaders(decision), ['Cache-Control', 'private, no-store']] : [];
  try {
    const served = await deps.images.serve({ url: request.delivery.url, plan: request.plan, key: request.key }, writer.signal, admit);
    deps.metrics.cacheResult(served.cache === 'HIT' ? 'hit' : 'miss', served.tier ?? 'none');
    if (writer.gone) return;
    deps.served?.(request, facts);
    const headers = [...successHeaders(served.meta, request.delivery, served.cache, served.data, deps.success), ...request.vary];
    if (clientHasIt(facts, served, request)) {
      writer.sendWithoutBody(NOT_MODIFIED, notModifiedHeaders(headers));
      deps.observer.finish(record, 'image', 304, 0, servedDetails(request, served));
      return;
    }
    const body = imageBody(served, request);
    writer.send(OK, headers, body, head);
    deps.observer.finish(record, 'image', 200, head ? 0 : body.byteLength, servedDetails(request, served));
  } catch (thrown) {
    const error = asServiceError(thrown);
    if (error.status >= 500 && error.code !== 'OVERLOADED' && error.code !== 'LOOP_DETECTED') deps.log.error({ err: thrown, url: request.delivery.url }, 'request failed');
    if (writer.gone) return;
    const [status, bytes] = sendError(writer, error, fallbackFor(request.delivery, error), head, [...request.vary, ...limitHeaders(error)]);
    deps.observer.finish(record, 'image', status, head ? 0 : bytes, { key: request.key, url: request.delivery.url, error: error.code });
  }
}

/** OUTPUT_AUTO=redirect: the negotiated format goes into the URL instead of `Vary: Accept`. */
function redirectToExplicit(writer: ResponseWriter, request: ImageRequest, facts: RequestFacts, record: RequestRecord, deps: ServerDeps, head: boolean): void {
  // Negotiation (negotiate.ts) picks AVIF, WebP or the origin's format (no `output`).
  const format = request.plan.output === 'avif' || request.plan.output === 'webp' ? request.plan.output : undefined;
  const location = explicitLocation(facts.path, facts.query, format, deps.signingKey);
  const headers: HeaderList = [...commonHeaders, ['Location', location], ['Vary', 'Accept'], ['Cache-Control', 'private, no-store'], ['Content-Type', 'text/plain']];
  writer.send(statusLine(302), headers, '', head);
  deps.observer.finish(record, 'image', 302, 0, { url: request.delivery.url });
}

export function handleImageRequest(res: FrontResponse, facts: RequestFacts, record: RequestRecord, deps: ServerDeps): void {
  const head = facts.method === 'head';
  const request = deps.resolver.resolve(facts.query, facts.accept);
  if (request.kind === 'request' && deps.outputAuto === 'redirect' && request.vary.length > 0) {
    redirectToExplicit(new ResponseWriter(res), request, facts, record, deps, head);
    return;
  }
  if (request.kind === 'request') {
    const hot = deps.images.peek(request.key);
    if (hot) {
      const prepared = hitHeaders.get(request, hot.meta, hot.data, deps.success);
      const verbatim = deps.http.kind === 'uws';
      deps.served?.(request, facts);
      if (clientHasIt(facts, hot, request)) {
        sendNotModifiedNow(res, prepared.notModified, verbatim);
        deps.metrics.cacheResult('hit', 'memory');
        deps.observer.finish(record, 'image', 304, 0, { key: request.key, cache: 'HIT', tier: 'memory' });
        return;
      }
      const body = imageBody(hot, request);
      sendNow(res, prepared.ok, body, head, verbatim);
      deps.metrics.cacheResult('hit', 'memory');
      deps.observer.finish(record, 'image', 200, head ? 0 : body.byteLength, { key: request.key, cache: 'HIT', tier: 'memory' });
      return;
    }
  }
  const writer = new ResponseWriter(res);
  switch (request.kind) {
    case 'no-url': {
      // Not an API call (spec 1.1): the playground, the parameter reference and their assets.
      const asset = deps.site.get(facts.path);
      if (asset) {
        writer.send(OK, [['Content-Type', asset.contentType], ['Cache-Control', asset.cacheControl], ['X-Content-Type-Options', 'nosniff']], asset.body, head);
        deps.observer.finish(record, 'site', 200, head ? 0 : asset.body.length);
      } else {
        writer.send(statusLine(404), [['Content-Type', 'text/plain; charset=utf-8']], 'Not Found', head);
        deps.observer.finish(record, 'site', 404, 0);
      }
      return;
    }
    case 'bad-signature': {
      const [status, bytes] = sendError(writer, new ServiceError('SIGNATURE_INVALID'), undefined, head);
      deps.observer.finish(record, 'image', status, bytes, { error: 'SIGNATURE_INVALID' });
      return;
    }
    case 'invalid-url': {
      const [status, bytes] = sendError(writer, new ServiceError(request.code), request.fallback, head);
      deps.observer.finish(record, 'image', status, bytes, { error: request.code });
      return;
    }
    case 'request':
      deps.inFlight
        .track(serveAsync(writer, request, facts, record, deps, carriesVia(facts.via, deps.viaPseudonym)))
        .catch((error: unknown) => deps.log.error({ err: error }, 'unhandled error in image route'));
  }
}
