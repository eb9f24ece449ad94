/**
 * The front end on Bun: Bun.serve (built on the same uSockets/uWS core as uWebSockets.js) behind the
 * FrontRequest/FrontResponse shapes the routes use. Bun answers a request with a Response object
 * instead of writes on a socket, so the adapter collects the status and headers, and the body write
 * becomes the Response:
 *
 * - Backpressure: Bun writes a Response body itself as the socket drains (uWS's tryEnd/onWritable
 *   inside), so `tryEnd` always completes here and `onWritable` is never needed.
 * - Aborted clients: `request.signal` aborts when the client goes away; the abort handler is only
 *   wired when the handler returned without answering (hits answer at once and never pay for it).
 * - Hits are answered synchronously: the fetch handler returns the Response itself, not a promise.
 *
 * Bun has no types here (no bun-types dependency): the few calls used are declared below.
 */
import type { FrontRequest, FrontResponse } from './front.js';
import { BunResponses } from './bun-responses.js';

interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): unknown;
  requestIP(request: Request): { readonly address: string } | null;
  /** Seconds of inactivity before Bun closes this request's connection; 0 disables it. */
  timeout(request: Request, seconds: number): void;
}

interface BunServeOptions {
  readonly hostname: string;
  readonly port: number;
  readonly reusePort: boolean;
  readonly development: boolean;
  readonly idleTimeout: number;
  fetch(request: Request, server: BunServer): Response | Promise<Response>;
  error(error: Error): Response;
}

interface BunRuntime {
  readonly version: string;
  serve(options: BunServeOptions): BunServer;
}

function bunRuntime(): BunRuntime {
  const bun = (globalThis as { Bun?: BunRuntime }).Bun;
  if (!bun) throw new Error('Bun.serve is only available on Bun');
  return bun;
}

/** Which front end serves, for the start-up log and /health. */
export function bunBuild(): string {
  return `Bun.serve (Bun ${bunRuntime().version})`;
}

const noAddress = new ArrayBuffer(0);
const encoder = new TextEncoder();

/** Request facts from Bun's Request, in uWS's shape. */
class BunRequest implements FrontRequest {
  private readonly path: string;
  private readonly query: string;

  constructor(private readonly request: Request) {
    // `request.url` is absolute (`http://host/path?query`); cut it by hand, no URL object.
    const url = request.url;
    const start = url.indexOf('/', url.indexOf('//') + 2);
    const mark = start === -1 ? -1 : url.indexOf('?', start);
    this.path = start === -1 ? '/' : mark === -1 ? url.slice(start) : url.slice(start, mark);
    this.query = mark === -1 ? '' : url.slice(mark + 1);
  }

  getMethod(): string {
    return this.request.method;
  }

  getUrl(): string {
    return this.path;
  }

  getQuery(): string {
    return this.query;
  }

  getHeader(lowerCaseName: string): string {
    return this.request.headers.get(lowerCaseName) ?? '';
  }

  forEach(callback: (name: string, value: string) => void): void {
    this.request.headers.forEach((value, name) => callback(name, value));
  }
}

const responses = new BunResponses();

/**
 * The client address as uWS gives it (text in an ArrayBuffer), encoded once per address rather
 * than per request: behind a proxy or CDN the same few addresses come back all the time.
 */
let lastAddress = '';
let lastAddressText: ArrayBuffer = noAddress;

function addressText(address: string): ArrayBuffer {
  if (address !== lastAddress) {
    lastAddressText = encoder.encode(address).buffer as ArrayBuffer;
    lastAddress = address;
  }
  return lastAddressText;
}

/** A response collected from uWS-style writes, handed to Bun as one Response. */
class BunResponse implements FrontResponse {
  private statusLine = '200 OK';
  private readonly lines: string[] = [];
  /** The answer, once the route has written it. */
  response: Response | undefined;
  private abortHandler: (() => void) | undefined;
  private settle: ((response: Response) => void) | undefined;

  constructor(
    private readonly request: Request,
    private readonly server: BunServer,
  ) {}

  writeStatus(status: string): this {
    this.statusLine = status;
    return this;
  }

  writeHeader(name: string, value: string): this {
    this.lines.push(name, value);
    return this;
  }

  tryEnd(body: Uint8Array): [boolean, boolean] {
    this.finish(body);
    return [true, true];
  }

  getWriteOffset(): number {
    return 0;
  }

  onWritable(): this {
    return this;
  }

  onAborted(handler: () => void): this {
    this.abortHandler = handler;
    return this;
  }

  endWithoutBody(reportedContentLength?: number): this {
    // HEAD: Bun sends the Content-Length given and no body; a 304 gets none.
    if (reportedContentLength !== undefined) this.lines.push('Content-Length', String(reportedContentLength));
    this.finish(null);
    return this;
  }

  end(body: string, closeConnection = false): this {
    if (closeConnection) this.lines.push('Connection', 'close');
    this.finish(encoder.encode(body));
    return this;
  }

  cork(callback: () => void): this {
    callback();
    return this;
  }

  getRemoteAddressAsText(): ArrayBuffer {
    const address = this.server.requestIP(this.request)?.address;
    return address === undefined ? noAddress : addressText(address);
  }

  getProxiedRemoteAddressAsText(): ArrayBuffer {
    return noAddress;
  }

  private finish(body: Uint8Array | null): void {
    if (this.response) return;
    this.response = responses.build(this.statusLine, this.lines, body);
    this.settle?.(this.response);
  }

  /** The answer still to come: the route is working (a miss). The client may leave meanwhile. */
  later(): Promise<Response> {
    return new Promise((resolve) => {
      this.settle = resolve;
      // Bun's idle timeout would cut a request whose answer takes longer than it (a slow origin,
      // a big image): the service's own time limits apply instead, as on uWS.
      this.server.timeout(this.request, 0);
      const handler = this.abortHandler;
      if (!handler) return;
      const gone = (): void => {
        handler();
        // Nobody will read it; resolving lets Bun release the request.
        if (!this.response) resolve(new Response(null, { status: 499 }));
      };
      const { signal } = this.request;
      if (signal.aborted) gone();
      else signal.addEventListener('abort', gone, { once: true });
    });
  }
}

export type FrontHandler = (res: FrontResponse, req: FrontRequest) => void;

export interface BunListener {
  readonly port: number;
  /** Stops accepting connections; requests on open ones are still answered. */
  stopListening(): void;
  /** Closes every connection. */
  close(): void;
}

/**
 * Listens with Bun.serve. Throws as Bun does when the port cannot be had (`code` EADDRINUSE).
 * Without `reusePort` the port is exclusive (Bun's default): a second instance fails to start.
 */
export function listenOnBun(handler: FrontHandler, host: string, port: number, reusePort: boolean): BunListener {
  const server = bunRuntime().serve({
    hostname: host,
    port,
    reusePort,
    development: false,
    // uWS's HTTP idle timeout: an idle kept-alive connection is closed after 10 s.
    idleTimeout: 10,
    fetch(request, bunServer) {
      const res = new BunResponse(request, bunServer);
      handler(res, new BunRequest(request));
      return res.response ?? res.later();
    },
    error() {
      return new Response('{"status":"error","code":500,"message":"Internal Server Error"}', {
        status: 500,
        headers: [['Content-Type', 'application/json']],
      });
    },
  });
  let listening = true;
  return {
    port: server.port,
    stopListening() {
      if (!listening) return;
      listening = false;
      server.stop(false);
    },
    close() {
      listening = false;
      server.stop(true);
    },
  };
}
