/** The bench's origin: the weserv fixtures served from memory on loopback, as cheaply as possible. */
import { createServer } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface BenchOrigin {
  readonly base: string;
  close(): Promise<void>;
}

export async function startBenchOrigin(fixturesDir: string): Promise<BenchOrigin> {
  const files = new Map<string, Buffer>();
  for (const name of await readdir(fixturesDir)) {
    if (/\.(jpe?g|png|webp|gif|tiff?)$/i.test(name)) files.set(`/${name}`, await readFile(join(fixturesDir, name)));
  }
  const server = createServer((req, res) => {
    // `/n/<any number>/<name>` serves <name>: as many distinct source URLs as a miss load needs.
    const body = files.get((req.url ?? '').replace(/^\/n\/\d+\//, '/'));
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
