/**
 * Memory hits of one URL, many times over: the hit path reuses what it built (the header list per
 * second, and on Bun the Response itself, cloned), so every answer is checked whole. Same bytes as
 * the miss, the headers of their own second (Expires moves on), and HEAD, 304 and a GET after them
 * still right (a reused answer is not spent by the one before).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { serviceWithOrigin, u } from '../helpers/service.js';

const started = serviceWithOrigin();
const MAX_AGE_S = 31536000;

/** Expires minus Date, in seconds: the max-age when Expires is of the answer's own second. */
function expiresAhead(headers: Headers): number {
  return (Date.parse(headers.get('expires') ?? '') - Date.parse(headers.get('date') ?? '')) / 1000;
}

test('repeated memory hits: the miss bytes, the headers of their own second, HEAD and 304 between them', async () => {
  const { service, origin } = started;
  const path = `/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=60`;
  const miss = await service.request(path);
  assert.equal(miss.headers.get('x-cache'), 'MISS');
  assert.equal((await sharp(miss.body).metadata()).width, 60);
  const etag = miss.headers.get('etag') ?? '';

  const check = async (): Promise<Headers> => {
    const hit = await service.request(path);
    assert.equal(hit.status, 200);
    assert.equal(hit.headers.get('x-cache'), 'HIT');
    assert.deepEqual(hit.body, miss.body, 'the same bytes as the miss');
    assert.equal(hit.headers.get('content-length'), String(miss.body.length));
    assert.equal(hit.headers.get('etag'), etag);
    assert.equal(hit.headers.get('link'), miss.headers.get('link'), 'a value with ; and = stays whole');
    assert.ok(Math.abs(expiresAhead(hit.headers) - MAX_AGE_S) <= 1, `Expires is of this answer's second: ${hit.headers.get('expires')} at ${hit.headers.get('date')}`);
    return hit.headers;
  };

  const early = [await check(), await check(), await check()];
  const head = await service.request(path, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers.get('content-length'), String(miss.body.length));
  const revalidated = await service.request(path, { headers: { 'if-none-match': etag } });
  assert.equal(revalidated.status, 304);
  assert.equal(revalidated.body.length, 0);
  await check();

  // The next second: a new header list, and a new reused answer built from it.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const later = [await check(), await check(), await check()];
  const firstExpires = Date.parse(early[0]?.get('expires') ?? '');
  for (const headers of later) assert.ok(Date.parse(headers.get('expires') ?? '') > firstExpires, 'Expires moved on with the clock');
  assert.equal((await sharp((await service.request(path)).body).metadata()).width, 60);
});
