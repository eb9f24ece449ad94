/**
 * What every abuse test asserts last: whatever the hostile traffic did, `/health` still answers
 * quickly and an ordinary resize still works.
 */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { TestService } from './service.js';
import { u } from './service.js';

/** Milliseconds `work` took, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

/**
 * `/health` answers 200 within `healthMs` and `imageUrl` (a JPEG the test serves on loopback) resizes
 * to 100 pixels wide. `tag` makes the resize a miss of its own.
 */
export async function assertStillHealthy(service: TestService, imageUrl: string, tag: string, healthMs = 500): Promise<void> {
  const health = await timed(() => service.request('/health', { signal: AbortSignal.timeout(5000) }));
  assert.equal(health.result.status, 200);
  assert.ok(health.ms < healthMs, `/health took ${health.ms.toFixed(0)} ms`);
  const resized = await service.request(`/?url=${u(imageUrl)}&w=100&v=${tag}`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(resized.status, 200, resized.body.toString().slice(0, 200));
  assert.equal((await sharp(resized.body).metadata()).width, 100);
}
