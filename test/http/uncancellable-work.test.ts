/**
 * Issue 10, finding 1: work that times out must stop for real. librsvg cannot be cancelled, and
 * terminating a worker thread does not stop native code running inside it, so a few tiny SVGs once
 * kept both cores busy for minutes and took gigabytes after their answers. Each test here sends
 * such documents through HTTP (loopback origin), then checks what the box is left doing: answers
 * within PROCESS_TIMEOUT_S + 5 s, CPU (this process and its children) idle within 10 s, peak
 * memory under 1.5 GiB, and /health and a normal resize still fine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { busyCores, childPids, procAvailable, watchPeakResident } from '../helpers/process-usage.js';
import { startService, u, type TestService } from '../helpers/service.js';

const TIMEOUT_S = 3;
const WORKERS = 2;
const GIB = 2 ** 30;

/** The outside report's 212-byte document: one 8000x8000 rectangle under a huge blur. */
const blurBomb =
  '<svg xmlns="http://www.w3.org/2000/svg" width="8000" height="8000">' +
  '<filter id="f"><feGaussianBlur stdDeviation="1000"/></filter>' +
  '<rect width="8000" height="8000" fill="red" filter="url(#f)"/></svg>';

/** Small enough to pass the filtered-size limit, but each of its 30 blurs costs seconds. */
function slowFilters(): string {
  const rects = Array.from({ length: 30 }, (_, i) => `<rect x="${i}" width="2800" height="2800" fill="#${(i * 8).toString(16).padStart(2, '0')}0000" filter="url(#f)"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="2800" height="2800"><filter id="f"><feGaussianBlur stdDeviation="40"/></filter>${rects}</svg>`;
}

/** Cores busy, sampled each second until idle or `withinS` has passed; returns the last sample and when. */
async function settle(withinS: number): Promise<{ cores: number; afterS: number }> {
  const started = performance.now();
  let cores = Infinity;
  while ((performance.now() - started) / 1000 < withinS) {
    cores = await busyCores(1000);
    if (cores < 0.25) break;
  }
  return { cores, afterS: (performance.now() - started) / 1000 };
}

describe('work that libvips cannot cancel is stopped for real', { skip: procAvailable ? false : 'needs /proc (Linux) to watch CPU and memory' }, () => {
  let origin: OriginServer;
  let service: TestService;

  before(async () => {
    origin = await startOrigin();
    // Four copies of each under distinct names: four separate jobs, not one shared by single flight.
    for (let i = 0; i < 4; i++) {
      origin.serve(`blur-bomb-${i}.svg`, Buffer.from(blurBomb), 'image/svg+xml');
      origin.serve(`slow-filters-${i}.svg`, Buffer.from(slowFilters()), 'image/svg+xml');
    }
    service = await startService({ processTimeoutS: TIMEOUT_S, workers: WORKERS });
  });
  after(async () => {
    await service.close();
    await origin.close();
  });

  async function fourAtOnce(name: string): Promise<{ replies: Awaited<ReturnType<TestService['request']>>[]; slowestS: number; peakGiB: number; mostChildren: number }> {
    const peak = watchPeakResident();
    let mostChildren = 0;
    const counter = setInterval(() => (mostChildren = Math.max(mostChildren, childPids().length)), 100);
    const started = performance.now();
    let slowestS = 0;
    try {
      const replies = await Promise.all(
        Array.from({ length: 4 }, async (_, i) => {
          const reply = await service.request(`/?url=${u(`${origin.base}/generated/${name}-${i}.svg`)}`);
          slowestS = Math.max(slowestS, (performance.now() - started) / 1000);
          return reply;
        }),
      );
      return { replies, slowestS, peakGiB: peak.stop() / GIB, mostChildren };
    } finally {
      clearInterval(counter);
      peak.stop();
    }
  }

  async function stillServing(): Promise<void> {
    const started = performance.now();
    const health = await service.request('/health');
    assert.equal(health.status, 200);
    assert.ok(performance.now() - started < 500, `/health in ${(performance.now() - started).toFixed(0)} ms`);
    const resized = await service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=100&output=png`);
    assert.equal(resized.status, 200);
    assert.equal(resized.body.readUInt32BE(16), 100, 'a normal resize still works');
  }

  test('four 212-byte blur bombs are refused before rendering: fast, no memory, nothing left running', async (t) => {
    const { replies, slowestS, peakGiB } = await fourAtOnce('blur-bomb');
    for (const reply of replies) {
      assert.equal(reply.status, 400, reply.body.toString());
      assert.match(JSON.parse(reply.body.toString()).message as string, /SVG filter effects are rendered up to 8000000 pixels, not 8000x8000/);
    }
    assert.ok(slowestS < TIMEOUT_S + 5, `answered within ${slowestS.toFixed(1)} s`);
    assert.ok(peakGiB < 1.5, `peak RSS ${peakGiB.toFixed(2)} GiB`);
    const { cores, afterS } = await settle(10);
    t.diagnostic(`slowest answer ${slowestS.toFixed(2)} s, peak RSS ${peakGiB.toFixed(2)} GiB, ${cores.toFixed(2)} cores busy ${afterS.toFixed(1)} s after`);
    assert.ok(cores < 0.25, `CPU idle within 10 s of the last answer (still ${cores.toFixed(2)} cores after ${afterS.toFixed(1)} s)`);
    await stillServing();
  });

  test('renders that pass the limits but run past the deadline are killed, and counted until they stop', async (t) => {
    const { replies, slowestS, peakGiB, mostChildren } = await fourAtOnce('slow-filters');
    for (const reply of replies) {
      assert.equal(reply.status, 400, reply.body.toString());
      assert.match(JSON.parse(reply.body.toString()).message as string, /Maximum image processing time of 3 seconds exceeded/);
    }
    assert.ok(slowestS < 2 * TIMEOUT_S + 5, `the last of four (two at a time) answered within ${slowestS.toFixed(1)} s`);
    assert.ok(peakGiB < 1.5, `peak RSS ${peakGiB.toFixed(2)} GiB`);
    assert.ok(mostChildren <= WORKERS, `at most one renderer per worker (${mostChildren} seen)`);
    const { cores, afterS } = await settle(10);
    t.diagnostic(`slowest answer ${slowestS.toFixed(2)} s, peak RSS ${peakGiB.toFixed(2)} GiB, at most ${mostChildren} renderers, ${cores.toFixed(2)} cores busy ${afterS.toFixed(1)} s after`);
    assert.ok(cores < 0.25, `CPU idle within 10 s of the last answer (still ${cores.toFixed(2)} cores after ${afterS.toFixed(1)} s)`);
    await stillServing();
  });

  test('an ordinary SVG still renders, at the size asked for', async () => {
    const reply = await service.request(`/?url=${u(`${origin.base}/fixtures/check.svg`)}&w=120&output=png`);
    assert.equal(reply.status, 200, reply.body.toString());
    assert.equal(reply.body.readUInt32BE(16), 120);
  });
});
