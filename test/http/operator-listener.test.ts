/**
 * Issue 13: operator endpoints off the public port (ADMIN_PORT), OUTPUT_AUTO=redirect for CDNs that
 * ignore Vary, and a graceful stop whose /health turns 503 first (DRAIN_DELAY_S).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signQuery, verifySignedQuery } from '../../src/signing/signature.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startService, u } from '../helpers/service.js';

let origin: OriginServer;
before(async () => {
  origin = await startOrigin();
});
after(async () => origin.close());

const src = (name: string): string => u(`${origin.base}/fixtures/${name}`);

describe('ADMIN_PORT', () => {
  test('/metrics moves to the admin listener; the public port answers 404 for it', async () => {
    const service = await startService({ adminPort: 0, purgeToken: 'a-purge-token-of-16+' });
    try {
      const admin = `http://127.0.0.1:${service.app.adminPort ?? 0}`;
      assert.ok(service.app.adminPort !== undefined && service.app.adminPort !== service.app.port);
      assert.equal((await service.request('/metrics')).status, 404);
      const scraped = await fetch(`${admin}/metrics`);
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /pixproxy_http_requests_total/);
      assert.equal((await fetch(`${admin}/health`)).status, 200);
      // The admin listener serves nothing else; the public one still serves images and purges.
      assert.equal((await fetch(`${admin}/?url=${src('320x240.jpg')}`)).status, 404);
      assert.equal((await service.request(`/?url=${src('320x240.jpg')}&w=20`)).status, 200);
      const purge = await fetch(`${admin}/cache?url=${src('320x240.jpg')}`, { method: 'DELETE', headers: { authorization: 'Bearer a-purge-token-of-16+' } });
      assert.equal(purge.status, 200);
    } finally {
      await service.close();
    }
  });

  test('without it, /metrics stays on the public port', async () => {
    const service = await startService();
    try {
      assert.equal(service.app.adminPort, undefined);
      assert.equal((await service.request('/metrics')).status, 200);
    } finally {
      await service.close();
    }
  });
});

describe('OUTPUT_AUTO=redirect', () => {
  test('output=auto redirects to the explicit format, uncacheable; the target has no Vary', async () => {
    const service = await startService({ outputAuto: 'redirect' });
    try {
      const path = `/?url=${src('320x240.jpg')}&w=30&output=auto`;
      const webp = await service.request(path, { headers: { accept: 'image/webp,*/*' } });
      assert.equal(webp.status, 302);
      assert.equal(webp.headers.get('location'), `/?url=${src('320x240.jpg')}&w=30&output=webp`);
      assert.equal(webp.headers.get('cache-control'), 'private, no-store');
      const avif = await service.request(path, { headers: { accept: 'image/avif,image/webp' } });
      assert.equal(avif.headers.get('location'), `/?url=${src('320x240.jpg')}&w=30&output=avif`);
      const plain = await service.request(path, { headers: { accept: '*/*' } });
      assert.equal(plain.headers.get('location'), `/?url=${src('320x240.jpg')}&w=30`, 'no usable modern format: the origin format');
      const target = await service.request(webp.headers.get('location') ?? '');
      assert.equal(target.status, 200);
      assert.equal(target.headers.get('content-type'), 'image/webp');
      assert.equal(target.headers.get('vary'), null);
    } finally {
      await service.close();
    }
  });

  test('signed URLs are signed anew', async () => {
    const key = 'a-signing-key-of-sixteen+';
    const service = await startService({ outputAuto: 'redirect', signingKey: key });
    try {
      const query = signQuery(`url=${src('320x240.jpg')}&w=31&output=auto`, key);
      const res = await service.request(`/?${query}`, { headers: { accept: 'image/webp' } });
      assert.equal(res.status, 302);
      const location = res.headers.get('location') ?? '';
      assert.ok(verifySignedQuery(location.slice(location.indexOf('?') + 1), key));
      assert.equal((await service.request(location)).status, 200);
    } finally {
      await service.close();
    }
  });

  test('the default (vary) answers with the negotiated format and Vary: Accept', async () => {
    const service = await startService();
    try {
      const res = await service.request(`/?url=${src('320x240.jpg')}&w=32&output=auto`, { headers: { accept: 'image/webp' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('vary'), 'Accept');
    } finally {
      await service.close();
    }
  });
});

describe('graceful stop', () => {
  test('/health answers 503 during DRAIN_DELAY_S while images are still served', async () => {
    const service = await startService({ drainDelayS: 1 });
    try {
      assert.equal((await service.request('/health')).status, 200);
      assert.equal((await service.request(`/?url=${src('320x240.jpg')}&w=34`)).status, 200);
      const stopped = service.app.shutdown(5000);
      const health = await service.request('/health');
      assert.equal(health.status, 503);
      assert.equal((JSON.parse(health.body.toString()) as { status: string }).status, 'draining');
      const image = await service.request(`/?url=${src('320x240.jpg')}&w=33`);
      assert.equal(image.status, 200, 'still serving while draining');
      assert.equal(image.headers.get('connection'), 'close', 'and asking clients (nginx) not to reuse the connection');
      assert.equal(health.headers.get('connection'), 'close');
      // A memory hit is answered by its own path (one prepared head): it asks the same.
      const hit = await service.request(`/?url=${src('320x240.jpg')}&w=34`);
      assert.equal(hit.headers.get('x-cache'), 'HIT');
      assert.equal(hit.headers.get('connection'), 'close');
      assert.equal(await stopped, true);
    } finally {
      await service.close().catch(() => undefined);
    }
  });
});
