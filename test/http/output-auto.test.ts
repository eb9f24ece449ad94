/** `output=auto` (extension): the format follows the Accept header, the cache follows the format. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { serviceWithOrigin, u } from '../helpers/service.js';

const env = serviceWithOrigin();

const path = () => `/?url=${u(`${env.origin.base}/fixtures/Landscape_1.jpg`)}&w=120&output=auto`;

test('a browser accepting AVIF gets AVIF, with Vary: Accept', async () => {
  const res = await env.service.request(path(), { headers: { accept: 'image/avif,image/webp,*/*' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/avif');
  assert.equal(res.headers.get('vary'), 'Accept');
  const meta = await sharp(res.body).metadata();
  assert.equal(meta.format, 'heif');
  assert.equal(meta.width, 120);
});

test('WebP-only clients get WebP; others the source format', async () => {
  const webp = await env.service.request(path(), { headers: { accept: 'image/webp,*/*' } });
  assert.equal(webp.headers.get('content-type'), 'image/webp');
  const plain = await env.service.request(path(), { headers: { accept: '*/*' } });
  assert.equal(plain.headers.get('content-type'), 'image/jpeg');
  assert.equal(plain.headers.get('vary'), 'Accept');
});

test('the cache key holds the chosen format, so auto shares entries with the explicit spelling', async () => {
  const explicit = await env.service.request(`/?url=${u(`${env.origin.base}/fixtures/Landscape_1.jpg`)}&w=120&output=webp`);
  assert.equal(explicit.headers.get('x-cache'), 'HIT');
  assert.equal(explicit.headers.get('vary'), null, 'explicit formats do not vary');
  const again = await env.service.request(path(), { headers: { accept: 'image/avif' } });
  assert.equal(again.headers.get('x-cache'), 'HIT');
  assert.equal(env.origin.hitsFor('/fixtures/Landscape_1.jpg'), 3);
});
