/**
 * Slow origins must not starve everyone (issue 10, finding 3): forty downloads from one host that
 * sends a byte a second used to hold every fetch slot until FETCH_TIMEOUT_MS, so every other miss
 * waited behind them. Downloads per origin host are now bounded (FETCH_CONCURRENCY_PER_HOST), so a
 * miss on another host goes straight through. Loopback only: the trickling origin listens on
 * 127.0.0.1, the fast one on 127.0.0.2 (another host name for the per-host bound).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { loadConfig } from '../../src/config.js';
import { closeServer, listenOn, TWO_LOOPBACK_HOSTS } from '../helpers/loopback-server.js';
import { fixturePath } from '../helpers/paths.js';
import { startService, u, type TestService } from '../helpers/service.js';
import { assertStillHealthy, timed } from '../helpers/still-healthy.js';

let slow: Server;
let slowBase: string;
let fast: Server;
let fastBase: string;
let service: TestService;
/** Responses the trickling origin is sending right now, and the most at once. */
const dripping = { now: 0, most: 0 };

before(async () => {
  const jpeg = await readFile(fixturePath('320x240.jpg'));
  slow = createServer((_req, res) => {
    dripping.now += 1;
    dripping.most = Math.max(dripping.most, dripping.now);
    res.on('error', () => undefined);
    res.writeHead(200, { 'Content-Type': 'image/jpeg' });
    const timer = setInterval(() => res.write('x'), 1000);
    res.on('close', () => {
      clearInterval(timer);
      dripping.now -= 1;
    });
  });
  slowBase = await listenOn(slow, '127.0.0.1');
  fast = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
  });
  fastBase = await listenOn(fast, '127.0.0.2');
  // Production defaults for every fetch limit.
  service = await startService({
    allowPrivateOrigins: TWO_LOOPBACK_HOSTS,
  });
});

after(async () => {
  await service.close();
  await Promise.all([closeServer(slow), closeServer(fast)]);
});

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

test('the whole download is bounded by 20 s by default', () => {
  assert.equal(loadConfig({}).fetchTimeoutMs, 20_000);
});

test('40 trickling downloads from one host leave room for a miss on another host', async (t) => {
  const clients = Array.from({ length: 40 }, () => new AbortController());
  const trickles = clients.map((client, index) =>
    service.request(`/?url=${u(`${slowBase}/drip/${index}.jpg`)}&w=10`, { signal: client.signal }).then(
      (reply) => reply.status,
      () => 'aborted',
    ),
  );
  try {
    await until(() => dripping.now >= 8, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const miss = await timed(() => service.request(`/?url=${u(`${fastBase}/during.jpg`)}&w=50`, { signal: AbortSignal.timeout(10_000) }));
    t.diagnostic(`fast miss on another host with 40 trickles in flight: ${miss.ms.toFixed(0)} ms; trickling downloads at once: ${dripping.now}`);
    assert.equal(miss.result.status, 200);
    assert.ok(miss.ms < 3000, `the fast miss took ${miss.ms.toFixed(0)} ms`);
    assert.ok(dripping.most <= 8, `${dripping.most} downloads from one host at once`);

    // The host's line is full (8 downloading, 32 waiting): one more is refused at once.
    const refused = await timed(() => service.request(`/?url=${u(`${slowBase}/drip/extra.jpg`)}&w=10`, { signal: AbortSignal.timeout(5000) }));
    assert.equal(refused.result.status, 503);
    assert.equal(refused.result.headers.get('retry-after'), '1');
    assert.ok(refused.ms < 1000);

    const health = await timed(() => service.request('/health', { signal: AbortSignal.timeout(5000) }));
    assert.ok(health.ms < 500, `/health took ${health.ms.toFixed(0)} ms`);
  } finally {
    for (const client of clients) client.abort();
    await Promise.all(trickles);
  }
  await until(() => dripping.now === 0, 5000);
  assert.equal(dripping.now, 0, 'abandoned downloads were closed');
  await assertStillHealthy(service, `${fastBase}/after.jpg`, 'after-trickles');
});
