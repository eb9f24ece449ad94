/**
 * A real local origin for HTTP tests, on 127.0.0.1 only. Serves the weserv fixtures under
 * /fixtures/<name> and a few misbehaving routes; counts requests per path so tests can prove that a
 * hit or a shared entry never reached the origin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fixturePath } from './paths.js';

export interface OriginServer {
  readonly base: string;
  readonly port: number;
  /** Requests received per path (query included). */
  readonly hits: Map<string, number>;
  hitsFor(path: string): number;
  /** Serves `body` at `/generated/<name>` from now on (for images a test builds). */
  serve(name: string, body: Buffer, contentType?: string): void;
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse, generated: ReadonlyMap<string, Generated>) => void | Promise<void>;

interface Generated {
  readonly body: Buffer;
  readonly contentType: string;
}

/** Writes `text` every `ms` milliseconds until the client goes away (the timer never outlives it). */
function trickle(res: ServerResponse, text: string, ms: number): void {
  res.on('error', () => undefined);
  const timer = setInterval(() => res.write(text), ms);
  res.on('close', () => clearInterval(timer));
}

const routes: ReadonlyArray<readonly [RegExp, Route]> = [
  [/^\/fixtures\/([\w.-]+)$/, async (req, res) => {
    const name = /^\/fixtures\/([\w.-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    try {
      const data = await readFile(fixturePath(name));
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': data.length });
      res.end(data);
    } catch {
      res.writeHead(404).end('not found');
    }
  }],
  [/^\/slow\/([\w.-]+)$/, async (req, res) => {
    // Answers a fixture after 1.5 s: a request still in flight when the test acts.
    const name = /^\/slow\/([\w.-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const data = await readFile(fixturePath(name));
    res.writeHead(200, { 'Content-Length': data.length }).end(data);
  }],
  [/^\/slow-status\/(\d{3})$/, async (req, res) => {
    // Fails after 500 ms: requests sent together are still all waiting for it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    res.writeHead(Number(/(\d{3})$/.exec(req.url ?? '')?.[1] ?? 500)).end('status');
  }],
  [/^\/status\/(\d{3})$/, (req, res) => {
    res.writeHead(Number(/(\d{3})$/.exec(req.url ?? '')?.[1] ?? 500)).end('status');
  }],
  [/^\/html$/, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end('<!doctype html><html><body>not an image</body></html>');
  }],
  [/^\/empty$/, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': 0 }).end();
  }],
  [/^\/big$/, (_req, res) => {
    // 8 MiB of zeros, chunked: exercises the size cap while streaming.
    res.writeHead(200, { 'Content-Type': 'image/jpeg' });
    const chunk = Buffer.alloc(64 * 1024);
    let sent = 0;
    const write = (): void => {
      while (sent < 128) {
        sent += 1;
        if (!res.write(chunk)) {
          res.once('drain', write);
          return;
        }
      }
      res.end();
    };
    res.on('error', () => undefined);
    write();
  }],
  [/^\/generated\/([\w.-]+)$/, (req, res, generated) => {
    const entry = generated.get(/^\/generated\/([\w.-]+)$/.exec(req.url ?? '')?.[1] ?? '');
    if (!entry) {
      res.writeHead(404).end('not generated');
      return;
    }
    res.writeHead(200, { 'Content-Type': entry.contentType, 'Content-Length': entry.body.length }).end(entry.body);
  }],
  [/^\/trickle\/(\d+)$/, (req, res) => {
    // Headers at once, then one byte every N ms, forever: an idle (N > read timeout) or endless body.
    const ms = Number(/(\d+)$/.exec(req.url ?? '')?.[1] ?? 1000);
    res.writeHead(200, { 'Content-Type': 'image/jpeg' });
    trickle(res, 'x', ms);
  }],
  [/^\/stall$/, (_req, res) => {
    // Never answers: the request waits for headers until someone gives up.
    res.on('error', () => undefined);
  }],
  [/^\/declared-huge$/, (_req, res) => {
    // Claims a terabyte, sends a little, then stalls: the claim alone must end the download.
    res.on('error', () => undefined);
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(2 ** 40) });
    res.write(Buffer.alloc(1024));
  }],
  [/^\/track/, (_req, res) => {
    // What a document's external references would hit; tests assert it is never hit. (As CSS it
    // would paint every rect red.)
    res.writeHead(200, { 'Content-Type': 'text/css' }).end('rect { fill: red !important }');
  }],
  [/^\/redirect\/(.+)$/, (req, res) => {
    const target = decodeURIComponent(/^\/redirect\/(.+)$/.exec(req.url ?? '')?.[1] ?? '/');
    res.writeHead(302, { Location: target }).end();
  }],
];

export async function startOrigin(): Promise<OriginServer> {
  const hits = new Map<string, number>();
  const generated = new Map<string, Generated>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.find(([pattern]) => pattern.test(path));
    if (!route) {
      res.writeHead(404).end('no route');
      return;
    }
    Promise.resolve(route[1](req, res, generated)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    hits,
    hitsFor: (path) => hits.get(path) ?? 0,
    serve: (name, body, contentType = 'application/octet-stream') => {
      generated.set(name, { body, contentType });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
