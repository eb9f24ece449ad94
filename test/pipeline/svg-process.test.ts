/**
 * The SVG rendering child (src/pipeline/svg-process): renders, stops at its deadline or memory
 * budget with the child gone before the caller hears of it, and never outlives the thread that
 * started it, even when that thread is terminated mid-render.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { RenderFailed, RenderStopped, svgRenderer } from '../../src/pipeline/svg-process/renderer.js';
import { childPids, procAvailable } from '../helpers/process-usage.js';

const linuxOnly = procAvailable ? false : 'needs /proc (Linux)';
const small = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#f00"/></svg>');

function slowDocument(size: number): Uint8Array {
  const rects = Array.from({ length: 30 }, (_, i) => `<rect x="${i}" width="${size}" height="${size}" filter="url(#f)"/>`).join('');
  return new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><filter id="f"><feGaussianBlur stdDeviation="30"/></filter>${rects}</svg>`);
}

const roomy = { timeoutMs: 10_000, maxRssBytes: 2 ** 31, threads: 1 };

async function waitUntil(check: () => boolean, withinMs: number): Promise<boolean> {
  const started = performance.now();
  while (performance.now() - started < withinMs) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

test('renders an SVG to RGBA pixels at the asked density', async () => {
  const pixels = await svgRenderer.render({ svg: small, density: 144, limitInputPixels: false }, roomy);
  assert.deepEqual([pixels.width, pixels.height, pixels.channels], [40, 20, 4]);
  assert.deepEqual([...pixels.data.subarray(0, 4)], [255, 0, 0, 255]);
});

test('a document libvips cannot read fails without killing the child', async () => {
  await assert.rejects(
    svgRenderer.render({ svg: new TextEncoder().encode('<svg'), density: 72, limitInputPixels: false }, roomy),
    RenderFailed,
  );
  const again = await svgRenderer.render({ svg: small, density: 72, limitInputPixels: false }, roomy);
  assert.equal(again.width, 20);
});

test('a render past its deadline is killed; the caller hears of it only once the child is gone', { skip: linuxOnly }, async () => {
  const started = performance.now();
  await assert.rejects(
    svgRenderer.render({ svg: slowDocument(2000), density: 72, limitInputPixels: false }, { ...roomy, timeoutMs: 500 }),
    (error: unknown) => error instanceof RenderStopped && error.reason === 'timeout',
  );
  assert.ok(performance.now() - started < 3000);
  assert.equal(childPids().length, 0, 'no child left');
  const next = await svgRenderer.render({ svg: small, density: 72, limitInputPixels: false }, roomy);
  assert.equal(next.width, 20, 'a fresh child renders the next document');
});

test('a render past its memory budget is killed', { skip: linuxOnly }, async () => {
  await assert.rejects(
    svgRenderer.render({ svg: slowDocument(2000), density: 72, limitInputPixels: false }, { ...roomy, maxRssBytes: 120 * 2 ** 20 }),
    (error: unknown) => error instanceof RenderStopped && error.reason === 'memory',
  );
  assert.equal(childPids().length, 0, 'no child left');
});

test('terminating the thread that started a render kills its child', { skip: linuxOnly }, async () => {
  const renderer = new URL('../../src/pipeline/svg-process/renderer.js', import.meta.url).href;
  const document = Buffer.from(slowDocument(2000)).toString('base64');
  const worker = new Worker(
    `import(${JSON.stringify(renderer)}).then(({ svgRenderer }) => {
       require('node:worker_threads').parentPort.postMessage('rendering');
       return svgRenderer.render({ svg: Buffer.from(${JSON.stringify(document)}, 'base64'), density: 72, limitInputPixels: false },
         { timeoutMs: 60000, maxRssBytes: 2 ** 31, threads: 1 });
     });`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  assert.ok(await waitUntil(() => childPids().length > 0, 5000), 'the render started in a child');
  await worker.terminate();
  assert.ok(await waitUntil(() => childPids().length === 0, 3000), `the child went with its thread (left: ${childPids().join(', ')})`);
});
