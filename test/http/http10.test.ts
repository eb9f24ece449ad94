/**
 * Issue 13: HTTP/1.0 clients, and the `uWebSockets: 20` header, on the uWS build that runs here.
 *
 * - 20.30 (@trufflesuite, the build for glibc < 2.38) only accepts `HTTP/1.1` in the request line:
 *   on `GET / HTTP/1.0` its parser waits for more bytes, the handler is never called, and nothing
 *   in JavaScript can answer (uWS owns the socket). That is what `curl --http1.0` timing out is.
 * - 20.57 (@btc-vision, used in Docker; not loadable here, glibc 2.36) carries uWS's own page
 *   "505 HTTP Version Not Supported ... This server does not support HTTP/1.0" in its binary: uWS
 *   of that generation refuses HTTP/1.0 request lines itself, again before any JavaScript runs.
 * So the fix is HTTP10_BRIDGE (src/http/http10-bridge.ts), a relay in front of uWS, tested below
 * on raw sockets; and the deploy/ fronts speak HTTP/1.1 upstream (`proxy_http_version 1.1`), as
 * Cloudflare does.
 *
 * `uWebSockets: 20` is written by uWS's writeMark() on every response, after our headers; it is
 * skipped only when the native loop is "silent" (LoopData::noMark, set by C++ Loop::setSilent) or
 * the addon is compiled with UWS_HTTPRESPONSE_NO_WRITEMARK. Neither build exposes setSilent to
 * JavaScript, so it cannot be removed from here; deploy/nginx.conf hides it (proxy_hide_header). It
 * is the same for every client, so it is harmless in a shared cache.
 *
 * On Bun, Bun.serve answers HTTP/1.0 itself (HTTP10_BRIDGE is ignored there) and writes no
 * `uWebSockets` header; the bridge tests then run against Bun.serve directly, which must give the
 * same answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawExchange } from '../helpers/raw-http.js';
import { onBun } from '../../src/runtime.js';
import { undici } from '../../src/undici.js';
import { startService, type TestService } from '../helpers/service.js';

let service: TestService;
let build = '';
before(async () => {
  service = await startService();
  build = (JSON.parse((await service.request('/health')).body.toString()) as { uws: string }).uws;
});
after(async () => service.close());

const legacy = (): boolean => build.includes('20.30');

describe('HTTP/1.0', () => {
  test('newer uWS builds refuse HTTP/1.0 themselves (505) or, like 20.30, never answer; Bun.serve answers it', async () => {
    const exchange = await rawExchange(service.app.port, 'GET /health HTTP/1.0\r\nHost: x\r\n\r\n', { timeoutMs: 1500 });
    if (onBun) {
      assert.equal(exchange.responses[0]?.status, 200, exchange.raw);
      return;
    }
    assert.ok(exchange.raw === '' || exchange.raw.startsWith('HTTP/1.1 505'), exchange.raw);
  });

  test('20.30 never calls the handler for HTTP/1.0: measured, not fixable from JavaScript', async (t) => {
    if (!legacy()) {
      t.skip(`not the 20.30 build (${build})`);
      return;
    }
    const exchange = await rawExchange(service.app.port, 'GET /health HTTP/1.0\r\nHost: x\r\n\r\n', { timeoutMs: 1500 });
    assert.equal(exchange.raw, '', 'not a byte in 1.5 s');
    assert.equal(exchange.closed, false, 'and the connection is left open (uWS closes it after its 10 s idle timeout)');
    // The same request as HTTP/1.1 on the same server is answered at once.
    const modern = await rawExchange(service.app.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 1500, expect: 1 });
    assert.equal(modern.responses[0]?.status, 200);
    t.todo('HTTP/1.0 needs the 20.57 build or a front speaking HTTP/1.1 (deploy/nginx.conf)');
  });
});

describe('HTTP10_BRIDGE', () => {
  let bridged: TestService;
  before(async () => {
    bridged = await startService({ http10Bridge: true, rateLimitMax: 1 });
  });
  after(async () => bridged.close());

  test('an HTTP/1.0 request gets a Content-Length answer, then the connection closes', async () => {
    const exchange = await rawExchange(bridged.app.port, 'GET /health HTTP/1.0\r\nHost: x\r\n\r\n', { timeoutMs: 3000 });
    assert.equal(exchange.responses.length, 1, exchange.raw);
    const [response] = exchange.responses;
    assert.equal(response?.status, 200);
    assert.equal(response?.headers.get('transfer-encoding'), undefined, 'never chunked');
    assert.equal(Number(response?.headers.get('content-length')), response?.body.length);
    assert.match(response?.body.toString() ?? '', /"status":"ok"/);
    assert.ok(exchange.closed && !exchange.reset, 'closed cleanly after the answer, as HTTP/1.0 expects');
  });

  test('HTTP/1.0 HEAD, and an HTTP/1.0 request split across writes', async () => {
    // A HEAD answer ends with its headers, so the client is done then; 20.30 leaves the connection
    // open after endWithoutBody (closed at its idle timeout), which an HTTP/1.0 client ignores.
    const head = await rawExchange(bridged.app.port, 'HEAD /health HTTP/1.0\r\n\r\n', { timeoutMs: 1000 });
    assert.match(head.raw, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n$/);
    const split = await rawExchange(bridged.app.port, 'GET /hea', { timeoutMs: 3000, more: ['lth HTTP/1.', '0\r\nHost: x\r\n\r\n'], gapMs: 50 });
    assert.equal(split.responses[0]?.status, 200, split.raw);
    assert.ok(split.closed);
  });

  test('HTTP/1.1 passes through: keep-alive, several requests on one connection', async () => {
    const exchange = await rawExchange(bridged.app.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n', {
      timeoutMs: 3000,
      expect: 2,
      more: ['GET /health HTTP/1.1\r\nHost: x\r\n\r\n'],
      gapMs: 100,
    });
    assert.deepEqual(exchange.responses.map((r) => r.status), [200, 200]);
    assert.equal(exchange.closed, false);
  });

  test('the client address survives the hop (PROXY protocol): the limit is per client', async () => {
    // The package itself: Bun's built-in `undici` ignores localAddress.
    const { Agent, request } = undici;
    const statusFrom = async (address: string, w: number): Promise<number> => {
      const agent = new Agent({ localAddress: address });
      try {
        const res = await request(`http://127.0.0.1:${bridged.app.port}/?url=${encodeURIComponent('http://127.0.0.1:9/none.jpg')}&w=${w}`, { dispatcher: agent });
        await res.body.dump();
        return res.statusCode;
      } finally {
        await agent.close();
      }
    };
    // RATE_LIMIT_MAX=1: a client's second miss is refused, another client's first is not.
    assert.notEqual(await statusFrom('127.0.0.21', 1), 429);
    assert.equal(await statusFrom('127.0.0.21', 2), 429);
    assert.notEqual(await statusFrom('127.0.0.22', 3), 429);
  });
});

describe('the uWebSockets header', () => {
  test('is written by uWS itself on every response (the build here included)', { skip: onBun && 'Bun.serve is not uWebSockets.js: it writes no such header' }, async () => {
    const exchange = await rawExchange(service.app.port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 1500, expect: 1 });
    assert.equal(exchange.responses[0]?.headers.get('uwebsockets'), '20');
  });
});
