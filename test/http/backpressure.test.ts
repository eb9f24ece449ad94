/**
 * Load beyond what the box can do is refused early (503 + Retry-After) instead of queued without
 * bound, and a job over the processing time limit is cancelled and frees its worker.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startService, u } from '../helpers/service.js';

let origin: OriginServer;

before(async () => {
  origin = await startOrigin();
});

after(async () => {
  await origin.close();
});

const big = () => u(`${origin.base}/fixtures/2569067123_aca715a2ee_o.jpg`);

test('a full worker queue answers 503 with Retry-After, and the rest are served', async () => {
  // One worker and one place in line: while they are taken, further misses are refused at once.
  const service = await startService({ workers: 1, maxQueue: 1, cacheEnabled: false });
  try {
    const widths = [101, 102, 103, 104, 105, 106];
    const responses = await Promise.all(widths.map((w) => service.request(`/?url=${big()}&w=${w * 20}&output=png`)));
    const refused = responses.filter((res) => res.status === 503);
    const served = responses.filter((res) => res.status === 200);
    assert.ok(refused.length >= 1, `some were refused (statuses ${responses.map((r) => r.status).join(',')})`);
    assert.ok(served.length >= 1, 'some were served');
    assert.equal(refused.length + served.length, widths.length);
    for (const res of refused) {
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(JSON.parse(res.body.toString()).code, 503);
    }
    // Once the burst is over the service takes work again.
    const later = await service.request(`/?url=${big()}&w=107`);
    assert.equal(later.status, 200);
  } finally {
    await service.close();
  }
});

test('a job over PROCESS_TIMEOUT_S is cancelled with the spec error and the worker is free again', async () => {
  const service = await startService({ workers: 1, processTimeoutS: 1, cacheEnabled: false });
  try {
    // Enlarging the 6-megapixel photo to 60 megapixels and compressing it hard takes far more than 1 s.
    const slow = await service.request(`/?url=${big()}&w=9000&h=6600&fit=fill&output=png&l=9`);
    assert.equal(slow.status, 400);
    const { message } = JSON.parse(slow.body.toString()) as { message: string };
    assert.match(message, /^libvips error: Maximum image processing time of 1 second exceeded with \d+ seconds?\. Operation was canceled after \d+% completion$/);
    const next = await service.request(`/?url=${big()}&w=64`);
    assert.equal(next.status, 200);
    assert.equal((await sharp(next.body).metadata()).width, 64);
  } finally {
    await service.close();
  }
});

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('a queued job whose client went away leaves the line: never processed, its place goes to a live request', async () => {
  const service = await startService({ workers: 1, maxQueue: 1, cacheEnabled: false });
  const { pool, images } = service.app;
  try {
    const before = { ...images.counts };
    // The only worker busy on a slow job...
    const running = service.request(`/?url=${big()}&w=2020&output=png`);
    await until(() => images.counts.fetches > before.fetches && pool.queueSize === 0, 'the first job runs');
    // ...and the only place in line taken by a request whose client then leaves.
    const leaving = new AbortController();
    const gone = service.request(`/?url=${big()}&w=2040&output=png`, { signal: leaving.signal }).catch(() => 'aborted');
    await until(() => pool.queueSize === 1, 'the second job waits');
    leaving.abort();
    assert.equal(await gone, 'aborted');
    await until(() => pool.queueSize === 0, 'the abandoned job left the line', 2000);
    // The line has room again: a live request waits there instead of getting 503.
    const live = await service.request(`/?url=${big()}&w=300`);
    assert.equal(live.status, 200);
    assert.equal((await running).status, 200);
    assert.equal(images.counts.processed - before.processed, 2, 'the abandoned job never ran');
  } finally {
    await service.close();
  }
});
