/**
 * Origin bodies' memory makes a round trip: lent to the worker whole (it may be larger than the
 * body), read there as exactly the body, and given back for the next body. The worker must read
 * only the body's bytes: an SVG followed by stale bytes of an earlier body is not a readable document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { BodyMemory } from '../../src/buffers.js';
import { parsePlan } from '../../src/plan/parse.js';
import { ImageWorkerPool } from '../../src/workers/pool.js';

const limits = { maxInputPixels: 1e8, maxOutputPixels: 1e8, maxPages: 4, timeoutSeconds: 20, enabledOutputs: ['png', 'jpg'] } as const;

/** A body of `bytes` in memory from `memory`, the rest of which is filled with junk. */
function bodyIn(memory: BodyMemory, bytes: Buffer): Buffer {
  const body = memory.take(bytes.length);
  new Uint8Array(body.buffer).fill(0x41);
  bytes.copy(body);
  return body;
}

test('a body in reused, larger memory is processed as exactly its bytes, and its memory comes back', async () => {
  const memory = new BodyMemory({ buffers: 4, bytes: 1 << 26, largest: 1 << 26 });
  const pool = new ImageWorkerPool({ workers: 1, maxQueue: 4, limits: { ...limits, enabledOutputs: [...limits.enabledOutputs] }, memory });
  await pool.ready;
  try {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#f00"/></svg>');
    const first = bodyIn(memory, svg);
    const firstMemory = first.buffer;
    assert.ok(firstMemory.byteLength > svg.length, 'the memory is larger than the body');
    const out = await pool.process(first, parsePlan('output=png'));
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [40, 20]);
    assert.deepEqual([...data.subarray(0, 3)], [255, 0, 0]);
    assert.equal(first.length, 0, 'the body was transferred (detached here)');
    assert.equal(memory.idle.buffers, 1, 'the worker gave the memory back');

    // The next body of that size class gets the same memory, stale bytes and all.
    const noise = Buffer.from(Array.from({ length: 160 * 120 * 3 }, (_, i) => (i * 7919) % 251));
    const jpeg = await sharp(noise, { raw: { width: 160, height: 120, channels: 3 } }).jpeg().toBuffer();
    assert.ok(jpeg.length < 65_536, 'in the same (smallest) capacity class as the SVG');
    const second = bodyIn(memory, jpeg);
    assert.equal(memory.idle.buffers, 0, 'reused');
    const resized = await pool.process(second, parsePlan('w=100&output=png'));
    const meta = await sharp(resized.data).metadata();
    assert.deepEqual([meta.width, meta.height], [100, 75]);
    const direct = await sharp(jpeg).resize(100, 75, { fit: 'fill' }).raw().toBuffer();
    const viaPool = await sharp(resized.data).raw().toBuffer();
    assert.deepEqual(viaPool, direct, 'the same pixels as the body alone gives');
  } finally {
    await pool.close();
  }
});
