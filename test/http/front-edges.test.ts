/**
 * The front end against requests meant to slip past it or take it down (issue 10): proxy headers sent
 * as several lines, pipelining, oversized request heads, conflicting message framing. Raw sockets on
 * loopback, since fetch neither sends nor shows these. After each, /health still answers at once
 * and a normal resize still works.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { getRequest, rawExchange } from '../helpers/raw-http.js';
import { startService, u, type TestService } from '../helpers/service.js';
import { onBun } from '../../src/runtime.js';

let origin: OriginServer;

before(async () => {
  origin = await startOrigin();
});

after(async () => {
  await origin.close();
});

const src = (name: string): string => u(`${origin.base}/fixtures/${name}`);

/** /health answers within a second and a resize still works: the service is still up. */
async function assertStillServing(service: TestService, width: number): Promise<void> {
  const started = performance.now();
  const health = await service.request('/health');
  assert.equal(health.status, 200);
  assert.ok(performance.now() - started < 1000, 'health answered quickly');
  const image = await service.request(`/?url=${src('Landscape_1.jpg')}&w=${width}`);
  assert.equal(image.status, 200, image.body.toString().slice(0, 200));
  assert.match(image.headers.get('content-type') ?? '', /^image\//);
}

describe('X-Forwarded-For sent as several header lines', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ trustProxy: 'x-forwarded-for', rateLimitMax: 1, rateLimitWindowS: 600, rateLimitBanS: 3600 });
  });
  after(async () => service.close());

  test('the line the proxy appended decides: a banned client cannot walk past with its own first line', async () => {
    const banned = '203.0.113.9';
    const first = await rawExchange(service.app.port, getRequest(`/?url=${src('Landscape_1.jpg')}&w=31`, [['X-Forwarded-For', banned]]), { expect: 1 });
    assert.equal(first.responses[0]?.status, 200, first.raw.slice(0, 300));
    const over = await rawExchange(service.app.port, getRequest(`/?url=${src('Landscape_1.jpg')}&w=32`, [['X-Forwarded-For', banned]]), { expect: 1 });
    assert.equal(over.responses[0]?.status, 429, 'over the limit');

    // The client writes a line of its own; its proxy (HAProxy) appends the address it saw.
    const forged = getRequest(`/?url=${src('Landscape_1.jpg')}&w=33`, [['X-Forwarded-For', '198.51.100.7'], ['X-Forwarded-For', banned]]);
    const walked = await rawExchange(service.app.port, forged, { expect: 1 });
    assert.equal(walked.responses[0]?.status, 429, `still banned (got ${walked.raw.slice(0, 200)})`);
  });

  test('still serving afterwards', async () => {
    // A request without the header is the socket's address, which has its own allowance.
    await assertStillServing(service, 34);
  });
});

describe('request heads over the limits', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ workers: 1, maxUrlBytes: 8192, maxHeaderBytes: 16_384 });
  });
  after(async () => service.close());

  function assertRefused(exchange: Awaited<ReturnType<typeof rawExchange>>, status: number, message: RegExp): void {
    assert.equal(exchange.responses.length, 1, `one answer (got ${JSON.stringify(exchange.raw.slice(0, 200))}, reset ${exchange.reset})`);
    const [response] = exchange.responses;
    assert.equal(response?.status, status);
    if (onBun && response?.headers.get('content-type') !== 'application/json') {
      // Bun's own parser refuses conflicting or unsupported framing itself, with this status and
      // its own short body, before JavaScript sees the request (as uWS 20.57 does): nothing is
      // served either way, which is what matters; only our JSON wording cannot be given.
      assert.ok(exchange.closed, 'then the connection closes');
      return;
    }
    assert.equal(response?.headers.get('content-type'), 'application/json');
    assert.equal(response?.headers.get('connection'), 'close');
    const body = JSON.parse(response?.body.toString() ?? '') as { status: string; code: number; message: string };
    assert.equal(body.status, 'error');
    assert.equal(body.code, status);
    assert.match(body.message, message);
    assert.ok(exchange.closed && !exchange.reset, 'then a clean close, not a reset');
  }

  test('a request target over MAX_URL_BYTES gets 414, then the connection closes', async () => {
    const target = `/?url=${src('Landscape_1.jpg')}&w=40&pad=${'a'.repeat(9000)}`;
    assertRefused(await rawExchange(service.app.port, getRequest(target)), 414, /URI Too Long/);
    await assertStillServing(service, 41);
  });

  test('beyond uWS\'s own hard limit the connection ends without serving anything', async () => {
    // Measured on 20.30, which has no setting for it: a head over 4 KiB that arrives in several
    // reads is closed (FIN) before our handler runs, and one of about 128 KiB or more in a single
    // read is reset. 20.57 takes UWS_HTTP_MAX_HEADERS_SIZE (set above our limits at load) and
    // answers its own 431 beyond it. Either way nothing is served and the service stays up.
    const huge = await rawExchange(service.app.port, getRequest(`/health?pad=${'a'.repeat(300_000)}`));
    assert.ok(huge.closed);
    assert.ok(huge.responses.every((response) => response.status === 414 || response.status === 431), huge.raw.slice(0, 200));
    await assertStillServing(service, 47);
  });

  test('a target just under the limit is served', async () => {
    const prefix = `/?url=${src('Landscape_1.jpg')}&w=42&pad=`;
    const target = prefix + 'a'.repeat(8192 - prefix.length);
    const exchange = await rawExchange(service.app.port, getRequest(target), { expect: 1 });
    assert.equal(exchange.responses[0]?.status, 200, exchange.raw.slice(0, 200));
  });

  test('headers over MAX_HEADER_BYTES get 431, then the connection closes', async () => {
    const headers = Array.from({ length: 20 }, (_, i) => [`X-Filler-${i}`, 'b'.repeat(1000)] as const);
    assertRefused(await rawExchange(service.app.port, getRequest('/health', headers)), 431, /Request Header Fields Too Large/);
    // One huge line counts the same.
    assertRefused(await rawExchange(service.app.port, getRequest('/health', [['Cookie', 'c'.repeat(20_000)]])), 431, /Header Fields/);
    await assertStillServing(service, 43);
  });

  test('conflicting Content-Length lines get 400 and a close', async () => {
    const request = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello';
    assertRefused(await rawExchange(service.app.port, request), 400, /conflicting Content-Length/);
    await assertStillServing(service, 44);
  });

  test('Transfer-Encoding other than a lone chunked, or beside Content-Length, gets 400 and a close', async () => {
    for (const [headers, message] of [
      [[['Transfer-Encoding', 'chunked, identity']], /unsupported Transfer-Encoding/],
      [[['Transfer-Encoding', 'identity'], ['Transfer-Encoding', 'chunked']], /unsupported Transfer-Encoding/],
    ] as const) {
      const request = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n0\r\n\r\n`;
      assertRefused(await rawExchange(service.app.port, request), 400, message);
    }
    await assertStillServing(service, 45);
  });

  test('framing uWS cannot parse itself is closed without an answer, and never served', async () => {
    // uWS refuses these before or right after our handler: 20.30 by closing the connection (20.57
    // answers its own 400). What matters is that no request is served from them.
    for (const request of [
      'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
      'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5, 0\r\n\r\nhello',
      'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n',
    ]) {
      const exchange = await rawExchange(service.app.port, request);
      assert.ok(exchange.closed, 'closed');
      assert.ok(exchange.responses.every((response) => response.status === 400), `only a 400, if anything: ${exchange.raw.slice(0, 200)}`);
    }
    await assertStillServing(service, 46);
  });

  test('after a framing error nothing pipelined behind it is served', async () => {
    const smuggled = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n' + getRequest('/metrics');
    const exchange = await rawExchange(service.app.port, smuggled);
    assert.ok(exchange.closed, 'the connection is closed');
    assert.ok(exchange.responses.every((response) => response.status !== 200), `nothing served: ${exchange.raw.slice(0, 300)}`);
  });

  test('unambiguous framing is still accepted: a repeated equal Content-Length, a lone chunked body', async () => {
    const equal = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello';
    assert.equal((await rawExchange(service.app.port, equal, { expect: 1 })).responses[0]?.status, 200);
    const chunked = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    assert.equal((await rawExchange(service.app.port, chunked, { expect: 1 })).responses[0]?.status, 200);
  });
});

describe('pipelining behind a miss', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ workers: 1 });
  });
  after(async () => service.close());

  const pipelined = (): string => getRequest(`/?url=${src('Landscape_1.jpg')}&w=51`) + getRequest('/health');

  // Not fixable on uWebSockets.js: when a request arrives while the previous response on the
  // connection is still pending, uWS closes the connection before any handler sees it ("denying
  // async pipelining", HttpContext.h, in every uWS version including the one 20.57 is built from).
  // res.pause() only keeps uWS from reading *later* reads; both requests here arrive in one read,
  // which uWS parses in one go. See README, "uWebSockets.js builds".
  test('both answered, in order', { todo: 'uWS closes a connection that pipelines behind a pending response' }, async () => {
    const exchange = await rawExchange(service.app.port, pipelined(), { expect: 2, timeoutMs: 5000 });
    assert.deepEqual(exchange.responses.map((response) => response.status), [200, 200]);
  });

  test('the connection is closed, nothing is half-served, and the service stays up', async () => {
    const exchange = await rawExchange(service.app.port, pipelined(), { timeoutMs: 5000 });
    assert.ok(exchange.closed);
    // A client retries unanswered requests on a new connection (RFC 9112 9.3.2); a mixed-up or
    // partial answer would be worse than none.
    assert.ok(exchange.responses.length === 0 || exchange.responses.length === 2, exchange.raw.slice(0, 200));
    await assertStillServing(service, 52);
  });

  test('pipelining behind a hit is answered in order (uWS supports synchronous pipelining)', async () => {
    await service.request(`/?url=${src('Landscape_1.jpg')}&w=53`);
    const exchange = await rawExchange(service.app.port, getRequest(`/?url=${src('Landscape_1.jpg')}&w=53`) + getRequest('/health'), { expect: 2 });
    assert.deepEqual(exchange.responses.map((response) => [response.status, response.headers.get('x-cache') ?? null]), [[200, 'HIT'], [200, null]]);
  });
});
