/**
 * The uWebSockets.js front end: routes a request to its handler. Handlers copy what they need from
 * the request synchronously (uWS invalidates it when the callback returns) and answer through a
 * ResponseWriter, which knows when the client has gone.
 */
import type { HttpRequest, HttpResponse, us_listen_socket } from '@btc-vision/uwebsockets.js';
import type { Logger } from '../log.js';
import type { ImageCache } from '../cache/image-cache.js';
import type { ImageService } from '../service/image-service.js';
import { handlePurge } from './purge-route.js';
import type { RequestResolver } from './resolve-request.js';
import type { StaticSite } from '../playground/index.js';
import { handleImageRequest } from './image-route.js';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { RateLimiter } from '../ratelimit/limiter.js';
import { quotaBody, rateLimitHeaders } from '../ratelimit/headers.js';
import { rateLimitKey } from '../ratelimit/key.js';
import { clientIp } from './client-ip.js';
import type { Observer, RequestRecord, Route } from './observe.js';
import { commonHeaders } from './headers.js';
import { ResponseWriter, type Headers } from './respond.js';
import { statusLine } from './status.js';
import type { UwsModule } from './uws.js';

export interface ServerDeps {
  readonly uws: UwsModule;
  readonly images: ImageService;
  readonly log: Logger;
  /** Resolves when the worker pool can take jobs; /health answers 503 until then. */
  readonly ready: () => boolean;
  readonly build: string;
  readonly cache: ImageCache | undefined;
  /** Undefined disables the purge API. */
  readonly purgeToken: string | undefined;
  readonly resolver: RequestResolver;
  readonly inFlight: InFlight;
  /** Playground, parameter reference and their assets, for requests without `url=`. */
  readonly site: StaticSite;
  readonly metrics: Metrics;
  readonly observer: Observer;
  /** Undefined when rate limiting is off. */
  readonly limiter: RateLimiter | undefined;
  readonly trustProxy: Config['trustProxy'];
  /** VIA_PSEUDONYM: an image request whose Via names it is one of our own fetches come back. */
  readonly viaPseudonym: string;
}

export interface RunningServer {
  readonly port: number;
  /** Stops accepting connections; requests on open connections are still answered. */
  stopListening(): void;
  /** Image requests still being worked on. */
  readonly inFlight: () => number;
  /** Closes every connection. */
  close(): void;
}

/** Counts image requests between arrival and response, for a graceful shutdown. */
export class InFlight {
  count = 0;
  track<T>(work: Promise<T>): Promise<T> {
    this.count += 1;
    return work.finally(() => {
      this.count -= 1;
    });
  }
}

/** The request facts handlers may use after the first await. */
export interface RequestFacts {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** The Accept header, for `output=auto`. */
  readonly accept: string;
  readonly authorization: string;
  /** The Via header, to recognise our own fetches coming back (loops). */
  readonly via: string;
}

const noStore: Headers = [['Cache-Control', 'no-store, must-revalidate']];

/** Sends a JSON body and reports it to the observer. */
function json(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, route: Route, status: number, body: unknown, extra: Headers = [], head = false): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  writer.send(statusLine(status), [...commonHeaders, ['Content-Type', 'application/json'], ...extra], text, head);
  deps.observer.finish(record, route, status, head ? 0 : Buffer.byteLength(text));
}

function handleHealth(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): void {
  const ready = deps.ready();
  json(writer, record, deps, 'health', ready ? 200 : 503, { status: ready ? 'ok' : 'starting', uws: deps.build }, noStore, head);
}

/** Spec 1.5: tells browsers to drop what they cached from this host. */
function handleClearCache(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): void {
  const body = '{"status":"success", "code":200, "message":"Browser cache successfully cleared!"}';
  json(writer, record, deps, 'clear-cache', 200, body, [...noStore, ['Clear-Site-Data', '"cache", "storage"']], head);
}

/** The caller's rate-limit numbers, without counting this request (spec 1.5). */
async function handleQuota(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): Promise<void> {
  if (!deps.limiter) {
    json(writer, record, deps, 'quota', 404, { status: 'error', code: 404, message: 'Rate limiting is disabled' }, noStore, head);
    return;
  }
  const decision = await deps.limiter.peek(rateLimitKey(record.ip));
  json(writer, record, deps, 'quota', 200, quotaBody(decision), [...noStore, ...rateLimitHeaders(decision)], head);
}

async function handleMetrics(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): Promise<void> {
  const text = await deps.metrics.render();
  writer.send(statusLine(200), [['Content-Type', deps.metrics.contentType], ...noStore], text, head);
  deps.observer.finish(record, 'metrics', 200, head ? 0 : Buffer.byteLength(text));
}

function logFailure(deps: ServerDeps, what: string): (error: unknown) => void {
  return (error: unknown) => deps.log.error({ err: error }, `${what} failed`);
}

function dispatch(res: HttpResponse, req: HttpRequest, deps: ServerDeps): void {
  const facts: RequestFacts = {
    method: req.getMethod().toLowerCase(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    accept: req.getHeader('accept'),
    authorization: req.getHeader('authorization'),
    via: req.getHeader('via'),
  };
  const socketIp = Buffer.from(res.getRemoteAddressAsText()).toString();
  const record: RequestRecord = {
    ip: clientIp(socketIp, deps.trustProxy, deps.trustProxy ? req.getHeader(deps.trustProxy) : ''),
    method: facts.method,
    started: performance.now(),
  };
  const head = facts.method === 'head';
  if (facts.method === 'get' || head) {
    switch (facts.path) {
      case '/health':
        handleHealth(new ResponseWriter(res), record, deps, head);
        return;
      case '/clear-cache':
        handleClearCache(new ResponseWriter(res), record, deps, head);
        return;
      case '/clear-cache/': {
        new ResponseWriter(res).send(statusLine(301), [['Location', '/clear-cache']], '', head);
        deps.observer.finish(record, 'clear-cache', 301, 0);
        return;
      }
      case '/quota':
        handleQuota(new ResponseWriter(res), record, deps, head).catch(logFailure(deps, 'quota'));
        return;
      case '/metrics':
        handleMetrics(new ResponseWriter(res), record, deps, head).catch(logFailure(deps, 'metrics'));
        return;
      default:
        // The image route manages the response itself: hits are answered synchronously.
        handleImageRequest(res, facts, record, deps);
        return;
    }
  }
  const writer = new ResponseWriter(res);
  if (facts.method === 'delete' && deps.purgeToken !== undefined && (facts.path === '/cache' || facts.path === '/cache/variant')) {
    handlePurge(writer, facts, { cache: deps.cache, token: deps.purgeToken }).then(
      (status) => deps.observer.finish(record, 'purge', status, 0),
      (error: unknown) => {
        deps.log.error({ err: error }, 'purge failed');
        json(writer, record, deps, 'purge', 500, { status: 'error', code: 500, message: 'purge failed' });
      },
    );
    return;
  }
  writer.send(statusLine(405), [['Allow', 'GET, HEAD'], ['Content-Type', 'text/plain']], 'Method Not Allowed');
  deps.observer.finish(record, 'other', 405, 0);
}

export function startServer(deps: ServerDeps, host: string, port: number): Promise<RunningServer> {
  const app = deps.uws.App();
  app.any('/*', (res, req) => dispatch(res, req, deps));
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket: us_listen_socket | false) => {
      if (!socket) {
        reject(new Error(`cannot listen on ${host}:${port}`));
        return;
      }
      let listening = true;
      // Closing a listen socket twice frees it twice (a segfault in uWS): close it once.
      const stopListening = (): void => {
        if (!listening) return;
        listening = false;
        deps.uws.us_listen_socket_close(socket);
      };
      resolve({
        port: deps.uws.us_socket_local_port(socket),
        stopListening,
        inFlight: () => deps.inFlight.count,
        close: () => {
          stopListening();
          app.close?.();
        },
      });
    });
  });
}
