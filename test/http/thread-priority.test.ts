/**
 * WORKER_NICE: once images have been processed, every libvips thread and the worker threads run at
 * the lower priority, and the event loop's thread keeps its own. Linux keeps nice values per
 * thread and shows them in /proc; elsewhere the setting does nothing and the test is skipped.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startService, u, type TestService } from '../helpers/service.js';

const linux = existsSync('/proc/self/task');

interface ThreadInfo {
  readonly tid: number;
  readonly name: string;
  readonly nice: number;
}

function threads(): ThreadInfo[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesised name start at field 3 (state); nice is field 19.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ tid: Number(tid), name: readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim(), nice: Number(fields[16]) }];
    } catch {
      return [];
    }
  });
}

let origin: OriginServer;
let service: TestService;
/** The process's own nice value (a CI runner may already be above 0); WORKER_NICE=7 puts image threads 7 above it. */
let mainNice = 0;
let workerNice = 7;

before(async () => {
  if (!linux) return;
  mainNice = threads().find((t) => t.tid === process.pid)?.nice ?? 0;
  workerNice = Math.min(19, mainNice + 7);
  origin = await startOrigin();
  service = await startService({ workerNice: 7, workers: 2 });
});

after(async () => {
  if (!linux) return;
  await service.close();
  await origin.close();
});

test('image threads yield to the event loop: libvips and worker threads at WORKER_NICE, the main thread keeps its own', { skip: linux ? false : 'needs Linux /proc' }, async () => {
  const before = new Set(threads().map((t) => t.tid));
  for (const width of [120, 140, 160, 180]) {
    const res = await service.request(`/?url=${u(`${origin.base}/fixtures/Landscape_1.jpg`)}&w=${width}`);
    assert.equal(res.status, 200);
  }
  // The sweep for libvips threads runs every second.
  await new Promise((resolve) => setTimeout(resolve, 1300));
  const all = threads();
  const libvips = all.filter((t) => t.name === 'libvips worker');
  assert.ok(libvips.length > 0, 'libvips started threads');
  for (const thread of libvips) assert.equal(thread.nice, workerNice, `libvips thread ${thread.tid}`);
  const main = all.find((t) => t.tid === process.pid);
  assert.equal(main?.nice, mainNice, 'the event loop keeps its priority');
  // The two worker threads lowered themselves; they are the only other threads at that value.
  const lowered = all.filter((t) => t.name !== 'libvips worker' && t.nice === workerNice);
  assert.equal(lowered.length, 2, `worker threads at ${workerNice}: ${lowered.map((t) => `${t.tid}${before.has(t.tid) ? '' : ' (new)'}`).join(', ')}`);
});
