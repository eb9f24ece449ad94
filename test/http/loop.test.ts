/**
 * Requests that loop back into pixproxy (issue 10, finding 2): an origin that redirects every fetch
 * to pixproxy itself, with a new `url=` each time, so each level of the loop is a fresh miss that
 * holds a fetch slot while it waits for the next. Two ways back are covered: straight to our own
 * listening address (refused before connecting), and through a relay standing in for a CDN or load
 * balancer (refused by our own `Via` token on the way in). Everything listens on loopback: the
 * service and the origin on 127.0.0.1, the relay on 127.0.0.2.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer, listenOn, TWO_LOOPBACK_HOSTS } from '../helpers/loopback-server.js';
import { fixturePath } from '../helpers/paths.js';
import { startService, u, type TestService } from '../helpers/service.js';
import { assertStillHealthy, timed } from '../helpers/still-healthy.js';

let service: TestService;
let origin: Server;
let originBase: string;
let relay: Server;
let relayBase: string;
const hits = { self: 0, relay: 0, relayed: 0 };
const viaSeen: (string | undefined)[] = [];
let jpeg: Buffer;

/** The next level of the loop: pixproxy (at `base`) asked for the origin's next path. */
function nextLevel(base: string, family: 'self' | 'relay', level: number): string {
  return `${base}/?url=${u(`${originBase}/${family}/${level + 1}`)}&w=10`;
}

before(async () => {
  jpeg = await readFile(fixturePath('320x240.jpg'));
  origin = createServer((req, res) => {
    const url = req.url ?? '/';
    viaSeen.push(req.headers.via);
    const loop = /^\/(self|relay)\/(\d+)$/.exec(url);
    if (loop) {
      const family = loop[1] === 'self' ? 'self' : 'relay';
      hits[family] += 1;
      res.writeHead(302, { Location: nextLevel(family === 'self' ? service.base : relayBase, family, Number(loop[2])) }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
  });
  originBase = await listenOn(origin, '127.0.0.1');
  // A plain forwarding proxy: what a CDN or load balancer in front of pixproxy does, headers and all.
  relay = createServer((req, res) => {
    hits.relayed += 1;
    const headers: IncomingHttpHeaders = { ...req.headers, host: service.base.slice('http://'.length) };
    const upstream = httpRequest(`${service.base}${req.url ?? '/'}`, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    upstream.end();
  });
  relayBase = await listenOn(relay, '127.0.0.2');
  service = await startService({
    allowPrivateOrigins: TWO_LOOPBACK_HOSTS,
  });
});

after(async () => {
  await service.close();
  await Promise.all([closeServer(origin), closeServer(relay)]);
});

interface ErrorBody {
  readonly status: string;
  readonly code: number;
  readonly message: string;
}

function errorOf(reply: { status: number; headers: Headers; body: Buffer }): ErrorBody {
  assert.equal(reply.headers.get('content-type'), 'application/json', reply.body.toString());
  const body = JSON.parse(reply.body.toString()) as ErrorBody;
  assert.deepEqual(Object.keys(body), ['status', 'code', 'message']);
  assert.equal(body.status, 'error');
  assert.equal(body.code, reply.status);
  return body;
}

test('a loop straight back to our listening address is refused before connecting; other misses go on', async (t) => {
  hits.self = 0;
  viaSeen.length = 0;
  const loop = timed(() => service.request(`/?url=${u(`${originBase}/self/0`)}&w=10`, { signal: AbortSignal.timeout(15_000) }));
  // An ordinary miss while the loop runs.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const other = await timed(() => service.request(`/?url=${u(`${originBase}/img/during-self.jpg`)}&w=50`, { signal: AbortSignal.timeout(15_000) }));
  const { result: reply, ms } = await loop;
  assert.equal(other.result.status, 200);
  assert.ok(other.ms < 3000, `an ordinary miss took ${other.ms.toFixed(0)} ms during the loop`);

  t.diagnostic(`self loop: ${hits.self - 1} nested requests, error after ${ms.toFixed(0)} ms, other miss ${other.ms.toFixed(0)} ms`);
  const error = errorOf(reply);
  assert.equal(reply.status, 508, error.message);
  assert.match(error.message, /loop/i);
  // The origin was asked once; pixproxy never asked itself.
  assert.equal(hits.self, 1, `nested requests: ${hits.self - 1}`);
  assert.ok(ms < 10_000, `error after ${ms.toFixed(0)} ms`);
  // Every origin request says who sent it.
  assert.ok(viaSeen.length > 0);
  for (const via of viaSeen) assert.equal(via, '1.1 pixproxy');
  await assertStillHealthy(service, `${originBase}/img/after-self.jpg`, 'after-self');
});

test('a loop through a relay is refused by our own Via token: at most 2 nested requests', async (t) => {
  hits.relay = 0;
  hits.relayed = 0;
  const loop = timed(() => service.request(`/?url=${u(`${originBase}/relay/0`)}&w=10`, { signal: AbortSignal.timeout(15_000) }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const other = await timed(() => service.request(`/?url=${u(`${originBase}/img/during-relay.jpg`)}&w=50`, { signal: AbortSignal.timeout(15_000) }));
  const { result: reply, ms } = await loop;
  assert.equal(other.result.status, 200);
  assert.ok(other.ms < 3000, `an ordinary miss took ${other.ms.toFixed(0)} ms during the loop`);

  t.diagnostic(`relay loop: ${hits.relayed} nested requests, error after ${ms.toFixed(0)} ms, other miss ${other.ms.toFixed(0)} ms`);
  // The nested request was refused with 508, which the outer fetch reports as the origin's status.
  const error = errorOf(reply);
  assert.equal(reply.status, 404);
  assert.equal(error.message, 'The requested URL returned error: 508');
  assert.ok(hits.relayed <= 2, `nested requests: ${hits.relayed}`);
  assert.equal(hits.relay, hits.relayed, 'each nested request that got through asked the origin again');
  assert.ok(ms < 10_000, `error after ${ms.toFixed(0)} ms`);
  await assertStillHealthy(service, `${originBase}/img/after-relay.jpg`, 'after-relay');
});

test('an incoming request carrying our Via token is refused; other Via headers are fine', async () => {
  const looped = await service.request(`/?url=${u(`${originBase}/img/via.jpg`)}&w=20`, { headers: { Via: '1.0 fred, 1.1 PixProxy (pixproxy/0.1)' } });
  assert.equal(looped.status, 508);
  assert.match(errorOf(looped).message, /loop/i);
  const passed = await service.request(`/?url=${u(`${originBase}/img/via.jpg`)}&w=20`, { headers: { Via: '1.0 fred, 1.1 pixproxy-elsewhere, HTTP/1.1 cdn.example' } });
  assert.equal(passed.status, 200);
  // A hit needs no fetch, so it is served whatever the Via header says.
  const hit = await service.request(`/?url=${u(`${originBase}/img/via.jpg`)}&w=20`, { headers: { Via: '1.1 pixproxy' } });
  assert.equal(hit.status, 200);
});
