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
  close(): Promise<void>;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

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
  [/^\/redirect\/(.+)$/, (req, res) => {
    const target = decodeURIComponent(/^\/redirect\/(.+)$/.exec(req.url ?? '')?.[1] ?? '/');
    res.writeHead(302, { Location: target }).end();
  }],
];

export async function startOrigin(): Promise<OriginServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes.find(([pattern]) => pattern.test(path));
    if (!route) {
      res.writeHead(404).end('no route');
      return;
    }
    Promise.resolve(route[1](req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    hits,
    hitsFor: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
