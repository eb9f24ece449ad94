/**
 * A job past the pool's hard limit has its thread terminated; native code inside that thread runs
 * on until it returns. The job must hold its place until the thread has really exited, so that
 * no more work runs at once than there are workers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageWorkerPool } from '../../src/workers/pool.js';
import { parsePlan } from '../../src/plan/parse.js';

test('a terminated job keeps its worker place until its thread has exited', async () => {
  const pool = new ImageWorkerPool({
    workers: 1,
    maxQueue: 4,
    limits: { maxInputPixels: 1e6, maxOutputPixels: 1e6, maxPages: 1, timeoutSeconds: 1, enabledOutputs: ['png'] },
    filename: new URL('./blocking-worker.js', import.meta.url).href,
  });
  await pool.ready;
  try {
    const started = performance.now();
    const first = pool.process(Buffer.alloc(8), parsePlan('output=png')).catch((error: unknown) => ({ error, at: performance.now() - started }));
    // Queued behind the first: it may start only once the first's thread is gone.
    const second = pool.process(Buffer.alloc(8), parsePlan('output=png')).then(
      () => performance.now() - started,
      () => performance.now() - started,
    );
    const firstDone = await first;
    assert.ok('error' in firstDone);
    // The hard limit fires at 1 s + 2 s of grace; the blocked thread only exits when `sleep 6` ends.
    assert.ok(firstDone.at >= 5500, `the first job answered at ${firstDone.at.toFixed(0)} ms, before its thread stopped`);
    assert.ok((await second) >= 5500, 'the job queued behind it started only after that');
  } finally {
    await pool.close();
  }
});
