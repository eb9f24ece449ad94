/**
 * The API route: `/?url=<source>&<params>` (any path, spec 1.1). Parses the query into a plan, asks
 * the image service for the variant and writes it out, or writes the spec's JSON error (or the
 * `default=` redirect).
 */
import { ServiceError, asServiceError, errorBody } from '../errors.js';
import { withOutputFormat } from '../plan/canonical.js';
import { parseQuery } from '../plan/parse.js';
import type { Delivery, Plan } from '../plan/types.js';
import { negotiateFormat } from './negotiate.js';
import { base64Body, commonHeaders, successHeaders } from './headers.js';
import type { Headers, ResponseWriter } from './respond.js';
import type { RequestFacts, ServerDeps } from './server.js';
import { statusLine } from './status.js';
import { landingPage } from './landing.js';

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

export async function handleImageRequest(writer: ResponseWriter, facts: RequestFacts, deps: ServerDeps): Promise<void> {
  const head = facts.method === 'head';
  const outcome = parseQuery(facts.query);
  if (outcome.kind === 'no-url') {
    writer.send(statusLine(200), [['Content-Type', 'text/html; charset=utf-8']], landingPage, head);
    return;
  }
  if (outcome.kind === 'invalid-url') {
    sendError(writer, new ServiceError(outcome.code), outcome.fallback, head);
    return;
  }
  const { delivery } = outcome.request;
  // `output=auto` becomes the concrete format before the key is computed, so the cache stores one
  // entry per format (not per Accept header) and shares it with the explicit spelling.
  const negotiated = outcome.request.plan.output === 'auto';
  const plan: Plan = negotiated ? withOutputFormat(outcome.request.plan, negotiateFormat(facts.accept)) : outcome.request.plan;
  const vary: Headers = negotiated ? [['Vary', 'Accept']] : [];
  try {
    const served = await deps.images.serve(delivery.url, plan, writer.signal);
    if (writer.gone) return;
    const body = delivery.base64 ? base64Body(served.meta, served.data) : served.data;
    writer.send(statusLine(200), [...successHeaders(served.meta, delivery, served.cache), ...vary], body, head);
  } catch (thrown) {
    if (writer.gone) return;
    const error = asServiceError(thrown);
    if (error.status >= 500) deps.log.error({ err: thrown, url: delivery.url }, 'request failed');
    sendError(writer, error, fallbackFor(delivery, error), head, vary);
  }
}
