import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BodyMemory } from '../../src/buffers.js';
import { configWith, type Cidr } from '../../src/config.js';
import { ServiceError, type ErrorCode } from '../../src/errors.js';
import { ByteBudget } from '../../src/origin/byte-budget.js';
import { fetchOrigin, originOptionsFrom, type OriginOptions } from '../../src/origin/fetch.js';
import { closeOriginAgents, guardedConnector, type ResolveAll } from '../../src/origin/guarded-agent.js';

// Every server here listens on loopback and every URL points at loopback: no other traffic, ever.

interface Seen {
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly headerNames: readonly string[];
}

interface Origin {
  readonly base: string;
  readonly port: number;
  readonly seen: Seen[];
  connections: number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, origin: Origin) => void;

async function startOrigin(handler: Handler, host = '127.0.0.1', port = 0): Promise<Origin> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  const origin: Origin = {
    base: `http://${host}:${bound}`,
    port: bound,
    seen: [],
    connections: 0,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', () => (origin.connections += 1));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const headerNames = req.rawHeaders.filter((_, index) => index % 2 === 0).map((name) => name.toLowerCase());
    origin.seen.push({ url: req.url ?? '', headers: req.headers, headerNames });
    handler(req, res, origin);
  });
  return origin;
}

/** Writes `text` every `ms` until the client goes away (the timer never outlives the response). */
function trickle(res: ServerResponse, text: string, ms: number): void {
  const timer = setInterval(() => res.write(text), ms);
  res.on('close', () => clearInterval(timer));
}

async function withOrigin<T>(handler: Handler, run: (origin: Origin) => Promise<T>): Promise<T> {
  const origin = await startOrigin(handler);
  try {
    return await run(origin);
  } finally {
    await origin.close();
  }
}

const loopbackOne: readonly Cidr[] = [{ address: '127.0.0.1', prefix: 32, family: 4 }];

function options(overrides: Partial<OriginOptions> = {}): OriginOptions {
  return {
    ...originOptionsFrom(configWith({ allowPrivateOrigins: loopbackOne })),
    connectTimeoutMs: 1000,
    readTimeoutMs: 1000,
    fetchTimeoutMs: 5000,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  assert.fail('expected the fetch to fail');
}

async function assertFails(promise: Promise<unknown>, code: ErrorCode, message?: string): Promise<ServiceError> {
  const error = await failure(promise);
  assert.equal(error.code, code, `got ${error.code}: ${error.message}`);
  if (message !== undefined) assert.equal(error.message, message);
  return error;
}

after(closeOriginAgents);

describe('fetchOrigin: success', () => {
  test('200 returns the exact bytes in memory the body owns', async () => {
    const image = randomBytes(150_000);
    await withOrigin((_req, res) => res.writeHead(200, { 'Content-Length': image.length }).end(image), async (origin) => {
      const url = `${origin.base}/img.jpg`;
      const response = await fetchOrigin(url, options());
      assert.deepEqual(response.body, image);
      assert.equal(response.bytesReceived, 150_000);
      assert.equal(response.finalUrl, url);
      assert.equal(response.canonicalUrl, url);
      assert.equal(response.body.byteOffset, 0);
      assert.equal(response.body.buffer.byteLength, response.body.length);
    });
  });

  test('small chunked and empty bodies also own their memory', async () => {
    await withOrigin((req, res) => {
      if (req.url === '/empty') {
        res.writeHead(200, { 'Content-Length': 0 }).end();
        return;
      }
      res.writeHead(200);
      res.write('ab');
      res.end('cd');
    }, async (origin) => {
      const small = await fetchOrigin(`${origin.base}/small`, options());
      assert.equal(small.body.toString('latin1'), 'abcd');
      assert.equal(small.body.byteOffset, 0);
      assert.equal(small.body.buffer.byteLength, 4);
      const empty = await fetchOrigin(`${origin.base}/empty`, options());
      assert.equal(empty.body.length, 0);
      assert.equal(empty.bytesReceived, 0);
    });
  });

  test('with reusable memory, sized and chunked bodies land in it, and the next body reuses it', async () => {
    // Both in the 112 KiB capacity class; the second is shorter, so stale bytes of the first follow it.
    const first = randomBytes(112_000);
    const second = randomBytes(100_000);
    const memory = new BodyMemory({ buffers: 4, bytes: 1 << 24, largest: 1 << 24 });
    await withOrigin((req, res) => {
      const body = req.url?.startsWith('/first') ? first : second;
      if (req.url?.endsWith('/chunked')) {
        res.writeHead(200);
        res.write(body.subarray(0, 1000));
        res.end(body.subarray(1000));
      } else {
        res.writeHead(200, { 'Content-Length': body.length }).end(body);
      }
    }, async (origin) => {
      for (const mode of ['sized', 'chunked']) {
        const a = await fetchOrigin(`${origin.base}/first/${mode}`, options({ memory }));
        assert.deepEqual(a.body, first, mode);
        assert.equal(a.body.byteOffset, 0);
        const lent = memory.lend(a.body);
        assert.equal(lent.memory, a.body.buffer, `${mode}: lent as it is, not copied`);
        assert.equal(lent.length, first.length);
        assert.ok(lent.memory.byteLength >= first.length);
        // As a worker would: the memory comes back (a new ArrayBuffer object after a transfer).
        const back = structuredClone(lent.memory, { transfer: [lent.memory] });
        memory.give(back);
        const b = await fetchOrigin(`${origin.base}/second/${mode}`, options({ memory }));
        assert.equal(b.body.buffer, back, `${mode}: the second body reuses the first one's memory`);
        assert.equal(b.body.length, second.length);
        assert.deepEqual(b.body, second, `${mode}: exactly the second body, nothing of the first`);
        assert.equal(memory.idle.buffers, 0);
      }
    });
  });

  test('sends only Host, Connection, User-Agent and Via, and the path verbatim', async () => {
    await withOrigin((_req, res) => res.end('x'), async (origin) => {
      await fetchOrigin(`${origin.base}/a%2Fb/../c%20d?q=1&r=%3F`, options({ userAgent: 'TestAgent/1.0 (+probe)' }));
      const [seen] = origin.seen;
      assert.ok(seen);
      assert.equal(seen.url, '/a%2Fb/../c%20d?q=1&r=%3F');
      assert.deepEqual([...seen.headerNames].sort(), ['connection', 'host', 'user-agent', 'via']);
      assert.equal(seen.headers['user-agent'], 'TestAgent/1.0 (+probe)');
      assert.equal(seen.headers.via, '1.1 pixproxy');
      assert.equal(seen.headers.connection, 'keep-alive');
      assert.equal(seen.headers.host, `127.0.0.1:${origin.port}`);
      assert.equal(seen.headers.cookie, undefined);
      assert.equal(seen.headers['x-forwarded-for'], undefined);
      assert.equal(seen.headers['accept-encoding'], undefined);
    });
  });

  test('originOptionsFrom copies the configured limits', () => {
    const config = configWith({ maxDownloadBytes: 123, maxRedirects: 4, userAgent: 'UA', originHostsDeny: ['bad.example'] });
    assert.deepEqual(originOptionsFrom(config), {
      allowPrivateOrigins: [],
      maxDownloadBytes: 123,
      maxRedirects: 4,
      connectTimeoutMs: 5000,
      readTimeoutMs: 15_000,
      fetchTimeoutMs: 20_000,
      userAgent: 'UA',
      hostsAllow: [],
      hostsDeny: ['bad.example'],
      via: '1.1 pixproxy',
      self: undefined,
      budget: new ByteBudget(256 * 2 ** 20),
    });
  });
});

describe('fetchOrigin: origin status', () => {
  const table: ReadonlyArray<readonly [status: number, code: ErrorCode, message: string]> = [
    [404, 'ORIGIN_STATUS', 'The requested URL returned error: 404'],
    [500, 'ORIGIN_STATUS', 'The requested URL returned error: 500'],
    [418, 'ORIGIN_STATUS', 'The requested URL returned error: 418'],
    [201, 'ORIGIN_STATUS', 'The requested URL returned error: 201'],
    [204, 'ORIGIN_STATUS', 'The requested URL returned error: 204'],
    [206, 'ORIGIN_STATUS', 'The requested URL returned error: 206'],
    [309, 'ORIGIN_STATUS', 'The requested URL returned error: 309'],
    [408, 'ORIGIN_TIMEOUT', 'The requested URL timed out.'],
    [504, 'ORIGIN_TIMEOUT', 'The requested URL timed out.'],
    [502, 'ORIGIN_UNRESOLVABLE', 'The hostname of the origin is unresolvable (DNS) or blocked by policy.'],
    [413, 'ORIGIN_413', 'Response status code: 413 Payload Too Large'],
  ];
  test('every status but 200 and 300-308 fails, with the reference quirks', async () => {
    await withOrigin((req, res) => res.writeHead(Number(req.url?.slice(1))).end('body'), async (origin) => {
      for (const [status, code, message] of table) {
        const error = await assertFails(fetchOrigin(`${origin.base}/${status}`, options()), code, message);
        assert.equal(error.status, 404);
      }
    });
  });

  test('a redirect without Location is "Unable to parse URI"', async () => {
    await withOrigin((_req, res) => res.writeHead(302).end(), async (origin) => {
      await assertFails(fetchOrigin(`${origin.base}/x`, options()), 'INVALID_URL', 'Unable to parse URI');
    });
  });
});

describe('fetchOrigin: redirects', () => {
  function redirectMap(map: Record<string, readonly [number, string]>): Handler {
    return (req, res) => {
      const target = map[req.url ?? ''];
      if (target) res.writeHead(target[0], { Location: target[1] }).end('moved');
      else res.writeHead(200).end(`final ${req.url ?? ''}`);
    };
  }

  test('follows a chain, sends Referer, freezes the canonical URL at the first temporary redirect', async () => {
    const handler = redirectMap({ '/r1': [301, '/r2'], '/r2': [302, '/r3'], '/r3': [301, '/final'] });
    await withOrigin(handler, async (origin) => {
      const response = await fetchOrigin(`${origin.base}/r1`, options());
      assert.equal(response.body.toString(), 'final /final');
      assert.equal(response.finalUrl, `${origin.base}/final`);
      assert.equal(response.canonicalUrl, `${origin.base}/r2`);
      assert.deepEqual(origin.seen.map((seen) => [seen.url, seen.headers.referer]), [
        ['/r1', undefined],
        ['/r2', `${origin.base}/r1`],
        ['/r3', `${origin.base}/r2`],
        ['/final', `${origin.base}/r3`],
      ]);
      assert.deepEqual([...(origin.seen[1]?.headerNames ?? [])].sort(), ['connection', 'host', 'referer', 'user-agent', 'via']);
    });
  });

  test('credentials in the URL are never sent, not even in the Referer', async () => {
    await withOrigin(redirectMap({ '/r1': [302, '/r2'] }), async (origin) => {
      const url = `http://user:secret@127.0.0.1:${origin.port}/r1`;
      const response = await fetchOrigin(url, options());
      assert.equal(response.canonicalUrl, url);
      assert.deepEqual(origin.seen.map((seen) => [seen.url, seen.headers.referer, seen.headers.authorization]), [
        ['/r1', undefined, undefined],
        ['/r2', `${origin.base}/r1`, undefined],
      ]);
    });
  });

  test('permanent redirects move the canonical URL to the final one', async () => {
    await withOrigin(redirectMap({ '/p1': [308, '/p2'], '/p2': [301, '/img'] }), async (origin) => {
      const response = await fetchOrigin(`${origin.base}/p1`, options());
      assert.equal(response.canonicalUrl, `${origin.base}/img`);
      assert.equal(response.finalUrl, `${origin.base}/img`);
    });
  });

  test('a 303 or 307 first pins the canonical URL to the original', async () => {
    await withOrigin(redirectMap({ '/t': [307, '/u'], '/u': [301, '/v'] }), async (origin) => {
      const response = await fetchOrigin(`${origin.base}/t`, options());
      assert.equal(response.canonicalUrl, `${origin.base}/t`);
      assert.equal(response.finalUrl, `${origin.base}/v`);
    });
  });

  test('resolves relative, query-only, scheme-relative and absolute Locations', async () => {
    let port = 0;
    const handler: Handler = (req, res) => {
      const next: Record<string, string> = {
        '/a/b/c': '../d/e',
        '/a/d/e': '?q=1',
        '/a/d/e?q=1': './f',
        '/a/d/f': `//127.0.0.1:${port}/g h`,
        '/g%20h': `http://127.0.0.1:${port}/i#fragment`,
      };
      const location = next[req.url ?? ''];
      if (location === undefined) res.end('done');
      else res.writeHead(302, { Location: location }).end();
    };
    await withOrigin(handler, async (origin) => {
      port = origin.port;
      const response = await fetchOrigin(`${origin.base}/a/b/c`, options());
      assert.equal(response.finalUrl, `${origin.base}/i`);
      assert.deepEqual(origin.seen.map((seen) => seen.url), ['/a/b/c', '/a/d/e', '/a/d/e?q=1', '/a/d/f', '/g%20h', '/i']);
    });
  });

  test('a redirect to the same URL (ignoring case) is refused', async () => {
    await withOrigin(redirectMap({ '/self': [302, '/self'], '/Case': [301, '/case'] }), async (origin) => {
      await assertFails(fetchOrigin(`${origin.base}/self`, options()), 'REDIRECT_SELF', 'Will not follow a redirection to itself');
      await assertFails(fetchOrigin(`${origin.base}/Case`, options()), 'REDIRECT_SELF');
      assert.deepEqual(origin.seen.map((seen) => seen.url), ['/self', '/Case']);
    });
  });

  test('MAX_REDIRECTS redirects are followed; the next redirect response fails', async () => {
    // /hop/<n>/<end> redirects to /hop/<n+1>/<end> until n reaches end.
    const handler: Handler = (req, res) => {
      const [, n = 0, end = 0] = (req.url ?? '').split('/').slice(1).map(Number);
      if (n < end) res.writeHead(302, { Location: `/hop/${n + 1}/${end}` }).end();
      else res.end('arrived');
    };
    await withOrigin(handler, async (origin) => {
      const ten = await fetchOrigin(`${origin.base}/hop/0/10`, options());
      assert.equal(ten.finalUrl, `${origin.base}/hop/10/10`);
      assert.equal(origin.seen.length, 11);

      origin.seen.length = 0;
      await assertFails(fetchOrigin(`${origin.base}/hop/0/11`, options()), 'REDIRECT_LIMIT', 'Will not follow more than 10 redirects');
      assert.equal(origin.seen.length, 11);

      origin.seen.length = 0;
      await assertFails(fetchOrigin(`${origin.base}/hop/0/5`, options({ maxRedirects: 2 })), 'REDIRECT_LIMIT', 'Will not follow more than 2 redirects');
      assert.equal(origin.seen.length, 3);
      await assertFails(fetchOrigin(`${origin.base}/hop/0/1`, options({ maxRedirects: 0 })), 'REDIRECT_LIMIT', 'Will not follow more than 0 redirects');
    });
  });

  test('a redirect from an allowed address to a forbidden one is refused before connecting', async () => {
    const forbidden = await startOrigin((_req, res) => res.end('secret'), '127.0.0.2');
    try {
      await withOrigin((_req, res) => res.writeHead(302, { Location: `${forbidden.base}/secret` }).end(), async (origin) => {
        await assertFails(fetchOrigin(`${origin.base}/go`, options()), 'IP_BLOCKED', 'IP address blocked by policy');
        assert.equal(origin.seen.length, 1);
      });
      assert.equal(forbidden.connections, 0);
    } finally {
      await forbidden.close();
    }
  });
});

describe('fetchOrigin: address policy', () => {
  test('localhost is refused when no private origin is allowed, and the server sees nothing', async () => {
    await withOrigin((_req, res) => res.end('secret'), async (origin) => {
      await assertFails(fetchOrigin(`http://localhost:${origin.port}/x`, options({ allowPrivateOrigins: [] })), 'IP_BLOCKED');
      assert.equal(origin.connections, 0);
      assert.equal(origin.seen.length, 0);
    });
  });

  test('every literal spelling of loopback is refused before connecting', async () => {
    await withOrigin((_req, res) => res.end('secret'), async (origin) => {
      for (const host of ['127.0.0.1', '2130706433', '0177.0.0.1', '0x7f.1', '127.1', '[::ffff:127.0.0.1]', '[::1]']) {
        await assertFails(fetchOrigin(`http://${host}:${origin.port}/x`, options({ allowPrivateOrigins: [] })), 'IP_BLOCKED');
      }
      assert.equal(origin.connections, 0);
    });
  });

  test('allowed ranges are reachable by name and by any spelling', async () => {
    await withOrigin((_req, res) => res.end('ok'), async (origin) => {
      for (const host of ['localhost', '0x7f.1', '2130706433']) {
        const response = await fetchOrigin(`http://${host}:${origin.port}/x`, options());
        assert.equal(response.body.toString(), 'ok');
      }
      assert.equal(origin.seen.length, 3);
    });
  });
});

describe('fetchOrigin: size cap', () => {
  test('a Content-Length over the cap fails before the body is read', async () => {
    await withOrigin((req, res) => {
      const size = Number(req.url?.slice(1));
      res.writeHead(200, { 'Content-Length': size }).end(Buffer.alloc(size, 1));
    }, async (origin) => {
      await assertFails(
        fetchOrigin(`${origin.base}/1001`, options({ maxDownloadBytes: 1000 })),
        'TOO_LARGE',
        'The image is too large to be downloaded. Max image size: 1000 bytes',
      );
      const exact = await fetchOrigin(`${origin.base}/1000`, options({ maxDownloadBytes: 1000 }));
      assert.equal(exact.bytesReceived, 1000);
    });
  });

  test('a chunked body is cut off as soon as it passes the cap', async () => {
    const chunk = Buffer.alloc(16 * 1024, 7);
    const planned = 200;
    let written = 0;
    let closedBeforeEnd: Promise<boolean> = Promise.resolve(false);
    const handler: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' });
      closedBeforeEnd = new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));
      const timer = setInterval(() => {
        if (res.destroyed || written === planned) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        written += 1;
        res.write(chunk);
      }, 5);
    };
    await withOrigin(handler, async (origin) => {
      await assertFails(
        fetchOrigin(`${origin.base}/big`, options({ maxDownloadBytes: 64 * 1024 })),
        'TOO_LARGE',
        'The image is too large to be downloaded. Max image size: 65536 bytes',
      );
      assert.equal(await closedBeforeEnd, true);
      // 5 chunks pass the cap; allow a few more in flight, far from the 200 planned.
      assert.ok(written < 20, `server wrote ${written} chunks before the connection closed`);
    });
  });
});

describe('fetchOrigin: timeouts and transport failures', () => {
  test('no response headers within the read timeout', async () => {
    await withOrigin(() => undefined, async (origin) => {
      const started = Date.now();
      await assertFails(fetchOrigin(`${origin.base}/hang`, options({ readTimeoutMs: 150 })), 'ORIGIN_TIMEOUT', 'The requested URL timed out.');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 150 && elapsed < 2000, `took ${elapsed} ms`);
    });
  });

  // undici's header and body timers tick about every 500 ms, so a silence is noticed within a
  // second of the timeout: the gaps below are long enough to tell "timed out" from "waited".
  test('a body trickling slower than the idle timeout', async () => {
    await withOrigin((_req, res) => {
      res.writeHead(200);
      res.write('a');
      trickle(res, 'b', 2500);
    }, async (origin) => {
      const started = Date.now();
      await assertFails(fetchOrigin(`${origin.base}/slow`, options({ readTimeoutMs: 150 })), 'ORIGIN_TIMEOUT');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 150 && elapsed < 2000, `took ${elapsed} ms`);
    });
  });

  test('a body trickling fast enough for the idle timeout still meets the whole-fetch deadline', async () => {
    await withOrigin((_req, res) => {
      res.writeHead(200);
      trickle(res, 'b', 20);
    }, async (origin) => {
      const started = Date.now();
      await assertFails(fetchOrigin(`${origin.base}/endless`, options({ readTimeoutMs: 300, fetchTimeoutMs: 250 })), 'ORIGIN_TIMEOUT');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 240 && elapsed < 2000, `took ${elapsed} ms`);
    });
  });

  test('connection refused is "unresolvable"', async () => {
    const closed = await startOrigin(() => undefined);
    const url = `${closed.base}/x`;
    await closed.close();
    await assertFails(
      fetchOrigin(url, options()),
      'ORIGIN_UNRESOLVABLE',
      'The hostname of the origin is unresolvable (DNS) or blocked by policy.',
    );
  });

  test('a connection reset mid-body is "unresolvable"', async () => {
    await withOrigin((req, res) => {
      res.writeHead(200, { 'Content-Length': 100 });
      res.write('partial', () => req.socket.destroy());
    }, async (origin) => {
      await assertFails(fetchOrigin(`${origin.base}/reset`, options()), 'ORIGIN_UNRESOLVABLE');
    });
  });
});

describe('fetchOrigin: abort signal', () => {
  test('aborting while waiting rejects with the signal reason', async () => {
    await withOrigin(() => undefined, async (origin) => {
      const controller = new AbortController();
      const reason = new Error('client went away');
      setTimeout(() => controller.abort(reason), 50);
      await assert.rejects(fetchOrigin(`${origin.base}/hang`, options(), controller.signal), (error: unknown) => error === reason);
    });
  });

  test('aborting mid-body rejects with the signal reason', async () => {
    await withOrigin((_req, res) => {
      res.writeHead(200);
      trickle(res, 'b', 10);
    }, async (origin) => {
      const controller = new AbortController();
      const reason = new Error('gone');
      setTimeout(() => controller.abort(reason), 60);
      await assert.rejects(fetchOrigin(`${origin.base}/stream`, options(), controller.signal), (error: unknown) => error === reason);
    });
  });

  test('an already aborted signal sends nothing', async () => {
    await withOrigin((_req, res) => res.end('x'), async (origin) => {
      const reason = new Error('already gone');
      await assert.rejects(fetchOrigin(`${origin.base}/x`, options(), AbortSignal.abort(reason)), (error: unknown) => error === reason);
      assert.equal(origin.connections, 0);
    });
  });
});

describe('guardedConnector', () => {
  function connectVia(resolve: ResolveAll, allow: readonly Cidr[], port: number): Promise<Socket> {
    const connect = guardedConnector({ allow, connectTimeoutMs: 1000 }, resolve);
    return new Promise((done, fail) => {
      connect({ hostname: 'origin.test', host: `origin.test:${port}`, protocol: 'http:', port: String(port) }, (...result) => {
        const [error, socket] = result;
        if (error) fail(error);
        else done(socket);
      });
    });
  }

  test('resolves once, skips forbidden addresses and connects to the checked one', async () => {
    await withOrigin(() => undefined, async (origin) => {
      const decoy = await startOrigin(() => undefined, '127.0.0.2', origin.port);
      try {
        let lookups = 0;
        const resolve: ResolveAll = async () => {
          lookups += 1;
          return ['127.0.0.2', '127.0.0.1'];
        };
        const socket = await connectVia(resolve, loopbackOne, origin.port);
        assert.equal(socket.remoteAddress, '127.0.0.1');
        socket.destroy();
        assert.equal(lookups, 1);
        assert.equal(decoy.connections, 0);
      } finally {
        await decoy.close();
      }
    });
  });

  test('fails over to the next address when one refuses', async () => {
    await withOrigin(() => undefined, async (origin) => {
      const loopback: readonly Cidr[] = [{ address: '127.0.0.0', prefix: 8, family: 4 }];
      const socket = await connectVia(async () => ['127.0.0.3', '127.0.0.1'], loopback, origin.port);
      assert.equal(socket.remoteAddress, '127.0.0.1');
      socket.destroy();
    });
  });

  test('gives up after three addresses', async () => {
    await withOrigin(() => undefined, async (origin) => {
      const loopback: readonly Cidr[] = [{ address: '127.0.0.0', prefix: 8, family: 4 }];
      await assert.rejects(
        connectVia(async () => ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.1'], loopback, origin.port),
        (error: unknown) => error instanceof Error && 'code' in error && error.code === 'ECONNREFUSED',
      );
      assert.equal(origin.connections, 0);
    });
  });

  test('refuses when every resolved address is forbidden', async () => {
    await assert.rejects(
      connectVia(async () => ['127.0.0.2', '::1'], loopbackOne, 9),
      (error: unknown) => error instanceof ServiceError && error.code === 'IP_BLOCKED',
    );
  });
});
