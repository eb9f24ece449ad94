/**
 * The HTTP front end: routes a request to its handler. Handlers copy what they need from the
 * request synchronously (uWS invalidates it when the callback returns) and answer through a
 * ResponseWriter, which knows when the client has gone. On Node uWebSockets.js serves, its request
 * and response objects passed straight through; on Bun, Bun.serve behind a small adapter
 * (bun-front.ts) with the same shapes (front.ts).
 */
import type { us_listen_socket } from '@btc-vision/uwebsockets.js';
import { ServiceError, errorBody } from '../errors.js';
import type { FrontRequest, FrontResponse } from './front.js';
import { listenOnBun } from './bun-front.js';
import { handlePurge } from './purge-route.js';
import { handleImageRequest } from './image-route.js';
import { quotaBody, rateLimitHeaders } from '../ratelimit/headers.js';
import { rateLimitKey } from '../ratelimit/key.js';
import { bearerMatches } from './bearer.js';
import { clientIp } from './client-ip.js';
import { inspectHead, type HeadProblem } from './request-guard.js';
import { PeerAddressText } from './peer-address.js';
import type { RequestRecord, Route } from './observe.js';
import { commonHeaders } from './headers.js';
import { ResponseWriter, markClosing, type HeaderList } from './respond.js';
import { statusLine } from './status.js';
import type { ListenWithOptions } from './uws.js';
import { createServer as createNetServer } from 'node:net';
import { startHttp10Bridge } from './http10-bridge.js';
import type { RequestFacts, ServerDeps } from './context.js';

export { InFlight, type Front, type RequestFacts, type ServedRequest, type ServerDeps } from './context.js';

export interface RunningServer {
  readonly port: number;
  /** Stops accepting connections; requests on open connections are still answered. */
  stopListening(): void;
  /** Image requests still being worked on. */
  readonly inFlight: () => number;
  /** Closes every connection. */
  close(): void;
}

const noStore: HeaderList = [['Cache-Control', 'no-store, must-revalidate']];

/** Sends a JSON body and reports it to the observer. */
function json(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, route: Route, status: number, body: unknown, extra: HeaderList = [], head = false): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  writer.send(statusLine(status), [...commonHeaders, ['Content-Type', 'application/json'], ...extra], text, head);
  deps.observer.finish(record, route, status, head ? 0 : Buffer.byteLength(text));
}

function handleHealth(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): void {
  const status = deps.draining?.() ? 'draining' : deps.ready() ? 'ok' : 'starting';
  json(writer, record, deps, 'health', status === 'ok' ? 200 : 503, { status, uws: deps.build }, noStore, head);
}

/**
 * Which endpoints a listener serves. `all`: everything on one port (no ADMIN_PORT). With ADMIN_PORT,
 * the `public` listener answers 404 for /metrics and the `admin` one serves only the operator
 * endpoints (/metrics, /health, the purge API).
 */
export type ListenerRole = 'all' | 'public' | 'admin';

const operatorPaths = new Set(['/metrics', '/health', '/cache', '/cache/variant']);

function notFound(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): void {
  json(writer, record, deps, 'other', 404, errorBody(new ServiceError('NOT_FOUND')), noStore, head);
}

/** Spec 1.5: tells browsers to drop what they cached from this host. */
function handleClearCache(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): void {
  const body = '{"status":"success", "code":200, "message":"Browser cache successfully cleared!"}';
  json(writer, record, deps, 'clear-cache', 200, body, [...noStore, ['Clear-Site-Data', '"cache", "storage"']], head);
}

/** The caller's rate-limit numbers, without counting this request (spec 1.5). */
async function handleQuota(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean): Promise<void> {
  if (!deps.limiter) {
    json(writer, record, deps, 'quota', 404, errorBody(new ServiceError('RATE_LIMIT_DISABLED')), noStore, head);
    return;
  }
  const decision = await deps.limiter.peek(rateLimitKey(record.ip));
  json(writer, record, deps, 'quota', 200, quotaBody(decision), [...noStore, ...rateLimitHeaders(decision)], head);
}

async function handleMetrics(writer: ResponseWriter, record: RequestRecord, deps: ServerDeps, head: boolean, authorization: string): Promise<void> {
  if (deps.metricsToken !== undefined && !bearerMatches(authorization, deps.metricsToken)) {
    json(writer, record, deps, 'metrics', 401, errorBody(new ServiceError('UNAUTHORIZED')), [...noStore, ['WWW-Authenticate', 'Bearer']], head);
    return;
  }
  const text = await deps.metrics.render();
  writer.send(statusLine(200), [['Content-Type', deps.metrics.contentType], ...noStore], text, head);
  deps.observer.finish(record, 'metrics', 200, head ? 0 : Buffer.byteLength(text));
}

function logFailure(deps: ServerDeps, what: string): (error: unknown) => void {
  return (error: unknown) => deps.log.error({ err: error }, `${what} failed`);
}

/**
 * Answers a request the guard refused, then closes the connection: after a framing error nothing
 * that follows on it can be trusted to start a request. The answer goes out on the next turn of
 * the event loop, after uWS has parsed the rest of what arrived with it: a request pipelined
 * behind the refused one then makes uWS drop the connection (it refuses pipelining while a
 * response is pending) instead of serving a request whose start we cannot trust. Alone, the
 * refused request gets its answer and a clean close.
 */
function refuse(res: FrontResponse, record: RequestRecord, deps: ServerDeps, problem: HeadProblem): void {
  const writer = new ResponseWriter(res);
  const body = errorBody(problem);
  setImmediate(() => writer.sendAndClose(statusLine(problem.status), [...commonHeaders, ['Content-Type', 'application/json']], body));
  deps.observer.finish(record, 'other', problem.status, Buffer.byteLength(body));
}

/** The last client address seen, decoded once (the main thread serves every request). */
const peerText = new PeerAddressText();

function dispatch(res: FrontResponse, req: FrontRequest, deps: ServerDeps, role: ListenerRole, bridged: boolean): void {
  const path = req.getUrl();
  const query = req.getQuery() ?? '';
  // One pass over the header lines: the guard's checks and the headers the routes read.
  const inspected = inspectHead(req, path.length + (query === '' ? 0 : query.length + 1), deps.headLimits, deps.trustProxy);
  const { headers } = inspected;
  const facts: RequestFacts = {
    method: req.getMethod().toLowerCase(),
    path,
    query,
    accept: headers.accept,
    authorization: headers.authorization,
    via: headers.via,
    ifNoneMatch: headers.ifNoneMatch,
    ifModifiedSince: headers.ifModifiedSince,
  };
  // Behind the HTTP/1.0 bridge the socket is the bridge's: the client is in its PROXY header.
  const socketIp = (bridged ? peerText.decode(res.getProxiedRemoteAddressAsText()) : '') || peerText.decode(res.getRemoteAddressAsText());
  const record: RequestRecord = {
    ip: clientIp(socketIp, deps.trustProxy, inspected.proxyLines),
    method: facts.method,
    started: performance.now(),
  };
  if (inspected.problem) {
    refuse(res, record, deps, inspected.problem);
    return;
  }
  if (deps.draining?.()) markClosing(res);
  const isHead = facts.method === 'head';
  if ((role === 'admin' && !operatorPaths.has(facts.path)) || (role === 'public' && facts.path === '/metrics')) {
    notFound(new ResponseWriter(res), record, deps, isHead);
    return;
  }
  if (facts.method === 'get' || isHead) {
    switch (facts.path) {
      case '/health':
        handleHealth(new ResponseWriter(res), record, deps, isHead);
        return;
      case '/clear-cache':
        handleClearCache(new ResponseWriter(res), record, deps, isHead);
        return;
      case '/clear-cache/': {
        new ResponseWriter(res).send(statusLine(301), [['Location', '/clear-cache']], '', isHead);
        deps.observer.finish(record, 'clear-cache', 301, 0);
        return;
      }
      case '/quota':
        handleQuota(new ResponseWriter(res), record, deps, isHead).catch(logFailure(deps, 'quota'));
        return;
      case '/metrics':
        handleMetrics(new ResponseWriter(res), record, deps, isHead, facts.authorization).catch(logFailure(deps, 'metrics'));
        return;
      default:
        // The image route manages the response itself: hits are answered synchronously.
        handleImageRequest(res, facts, record, deps);
        return;
    }
  }
  const writer = new ResponseWriter(res);
  if (facts.method === 'delete' && deps.purgeToken !== undefined && (facts.path === '/cache' || facts.path === '/cache/variant')) {
    handlePurge(writer, facts, { cache: deps.cache, token: deps.purgeToken, ...(deps.front ? { front: deps.front } : {}) }).then(
      (status) => deps.observer.finish(record, 'purge', status, 0),
      (error: unknown) => {
        deps.log.error({ err: error }, 'purge failed');
        json(writer, record, deps, 'purge', 500, errorBody(new ServiceError('PURGE_FAILED')));
      },
    );
    return;
  }
  writer.send(statusLine(405), [['Allow', 'GET, HEAD'], ['Content-Type', 'text/plain']], 'Method Not Allowed');
  deps.observer.finish(record, 'other', 405, 0);
}

/** uSockets' listen options (libusockets.h); uWS.js exports the second, under this name, at run time only. */
const LIBUS_LISTEN_DEFAULT = 0;
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

/** What to tell the operator when the port cannot be had. */
async function listenFailure(host: string, port: number, reusePort: boolean): Promise<Error> {
  // uWS reports only "false". Asking the kernel once more through node:net gives the reason (the
  // port is still taken: nothing is listening on our side).
  const code = await new Promise<string | undefined>((resolve) => {
    const probe = createNetServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
  if (code === 'EADDRINUSE') {
    return new Error(
      reusePort
        ? `cannot listen on ${host}:${port}: the port is in use by a process that does not share it (start every instance with LISTEN_REUSE_PORT=true to share it)`
        : `cannot listen on ${host}:${port}: the port is already in use (another pixproxy?). Stop it, choose another PORT, or set LISTEN_REUSE_PORT=true on every instance to share the port on purpose`,
    );
  }
  return new Error(`cannot listen on ${host}:${port}${code === undefined ? '' : ` (${code})`}`);
}

export function startServer(
  deps: ServerDeps,
  host: string,
  port: number,
  options: { reusePort: boolean; role?: ListenerRole; http10Bridge?: boolean } = { reusePort: false },
): Promise<RunningServer> {
  const role = options.role ?? 'all';
  const front = deps.http;
  if (front.kind === 'bun') return startBunServer(deps, host, port, options.reusePort, role);
  const app = front.uws.App();
  const bridged = options.http10Bridge === true;
  app.any('/*', (res, req) => dispatch(res, req, deps, role, bridged));
  // uWS sets SO_REUSEPORT on its listen sockets by default, so a second instance on the same port
  // would start and silently take half the connections. LIBUS_LISTEN_EXCLUSIVE_PORT leaves it off:
  // the kernel then refuses any other bind to the port, atomically, in both directions.
  const listenOptions = options.reusePort && !bridged ? LIBUS_LISTEN_DEFAULT : LIBUS_LISTEN_EXCLUSIVE_PORT;
  // The typings lack the (host, port, options, callback) form that both native builds take.
  const listener = app as unknown as ListenWithOptions;
  // With the HTTP/1.0 bridge, uWS listens on loopback behind it, on a port of the kernel's choice.
  const [uwsHost, uwsPort] = bridged ? ['127.0.0.1', 0] : [host, port];
  return new Promise((resolve, reject) => {
    listener.listen(uwsHost, uwsPort, listenOptions, (socket: us_listen_socket | false) => {
      if (!socket) {
        listenFailure(uwsHost, uwsPort, options.reusePort).then(reject, reject);
        return;
      }
      let listening = true;
      // Closing a listen socket twice frees it twice (a segfault in uWS): close it once.
      const stopListening = (): void => {
        if (!listening) return;
        listening = false;
        front.uws.us_listen_socket_close(socket);
      };
      const running: RunningServer = {
        port: front.uws.us_socket_local_port(socket),
        stopListening,
        inFlight: () => deps.inFlight.count,
        close: () => {
          stopListening();
          app.close?.();
        },
      };
      if (!bridged) {
        resolve(running);
        return;
      }
      startHttp10Bridge(host, port, running.port).then(
        (bridge) =>
          resolve({
            ...running,
            port: bridge.port,
            stopListening: () => {
              bridge.stopListening();
              running.stopListening();
            },
            close: () => {
              bridge.close();
              running.close();
            },
          }),
        (error: unknown) => {
          running.close();
          reject(error instanceof Error && 'code' in error && error.code === 'EADDRINUSE' ? new Error(`cannot listen on ${host}:${port}: the port is already in use`) : error);
        },
      );
    });
  });
}

/**
 * Bun.serve: Bun answers HTTP/1.0 itself, so the HTTP/1.0 bridge is never needed there, and it reads
 * no PROXY protocol header.
 */
async function startBunServer(deps: ServerDeps, host: string, port: number, reusePort: boolean, role: ListenerRole): Promise<RunningServer> {
  let listener: ReturnType<typeof listenOnBun>;
  try {
    listener = listenOnBun((res, req) => dispatch(res, req, deps, role, false), host, port, reusePort);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') throw await listenFailure(host, port, reusePort);
    throw error;
  }
  return { port: listener.port, stopListening: listener.stopListening, inFlight: () => deps.inFlight.count, close: listener.close };
}
