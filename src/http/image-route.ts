/**
 * The API route: `/?url=<source>&<params>` (any path, spec 1.1). Resolves the query into a plan and
 * key; a hit in the memory tier is answered right inside the uWS handler, anything else goes the
 * asynchronous way (disk, or fetch and process) and ends in the image or the spec's JSON error
 * (or the `default=` redirect).
 */
import type { HttpResponse } from '@btc-vision/uwebsockets.js';
import { ServiceError, asServiceError, errorBody } from '../errors.js';
import type { Delivery } from '../plan/types.js';
import type { ServedImage } from '../service/image-service.js';
import { base64Body, commonHeaders, successHeaders } from './headers.js';
import type { ResolvedRequest } from './resolve-request.js';
import { ResponseWriter, sendNow, type Headers } from './respond.js';
import type { RequestFacts, ServerDeps } from './server.js';
import { statusLine } from './status.js';

const OK = statusLine(200);

function sendError(writer: ResponseWriter, error: ServiceError, fallback: string | undefined, head: boolean, vary: Headers = []): void {
  const headers: Headers = [
    ...commonHeaders,
    ['Content-Type', 'application/json'],
    ...vary,
    // Back-pressure: tell well-behaved clients and CDNs when to come back.
    ...(error.code === 'OVERLOADED' ? ([['Retry-After', '1']] as const) : []),
  ];
  if (fallback !== undefined) {
    // The body keeps the original status in its `code`; only the status line becomes 302.
    writer.send(statusLine(302), [...headers, ['Location', fallback]], errorBody(error), head);
    return;
  }
  writer.send(statusLine(error.status), headers, errorBody(error), head);
}

/** Where `default=` sends the client: a URL, the origin itself (`default=1`), or nowhere. */
function fallbackFor(delivery: Delivery, error: ServiceError): string | undefined {
  if (delivery.fallback === undefined) return undefined;
  if (delivery.fallback !== 'origin') return delivery.fallback;
  // Redirecting to the origin would loop for redirect errors (spec 3.9).
  return error.code === 'REDIRECT_SELF' || error.code === 'REDIRECT_LIMIT' ? undefined : delivery.url;
}

function imageResponse(served: ServedImage, request: Extract<ResolvedRequest, { kind: 'request' }>): [Headers, Uint8Array] {
  const body = request.delivery.base64 ? Buffer.from(base64Body(served.meta, served.data)) : served.data;
  return [[...successHeaders(served.meta, request.delivery, served.cache), ...request.vary], body];
}

async function serveAsync(writer: ResponseWriter, request: Extract<ResolvedRequest, { kind: 'request' }>, head: boolean, deps: ServerDeps): Promise<void> {
  try {
    const served = await deps.images.serve({ url: request.delivery.url, plan: request.plan, key: request.key }, writer.signal);
    if (writer.gone) return;
    const [headers, body] = imageResponse(served, request);
    writer.send(OK, headers, body, head);
  } catch (thrown) {
    if (writer.gone) return;
    const error = asServiceError(thrown);
    if (error.status >= 500) deps.log.error({ err: thrown, url: request.delivery.url }, 'request failed');
    sendError(writer, error, fallbackFor(request.delivery, error), head, request.vary);
  }
}

export function handleImageRequest(res: HttpResponse, facts: RequestFacts, deps: ServerDeps): void {
  const head = facts.method === 'head';
  const request = deps.resolver.resolve(facts.query, facts.accept);
  if (request.kind === 'request') {
    const hot = deps.images.peek(request.key);
    if (hot) {
      const [headers, body] = imageResponse(hot, request);
      sendNow(res, OK, headers, body, head);
      return;
    }
  }
  const writer = new ResponseWriter(res);
  if (request.kind === 'no-url') {
    // Not an API call (spec 1.1): the playground, the parameter reference and their assets.
    const asset = deps.site.get(facts.path);
    if (asset) {
      writer.send(OK, [['Content-Type', asset.contentType], ['Cache-Control', asset.cacheControl], ['X-Content-Type-Options', 'nosniff']], asset.body, head);
    } else {
      writer.send(statusLine(404), [['Content-Type', 'text/plain; charset=utf-8']], 'Not Found', head);
    }
    return;
  }
  if (request.kind === 'invalid-url') {
    sendError(writer, new ServiceError(request.code), request.fallback, head);
    return;
  }
  deps.inFlight
    .track(serveAsync(writer, request, head, deps))
    .catch((error: unknown) => deps.log.error({ err: error }, 'unhandled error in image route'));
}
