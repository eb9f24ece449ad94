/**
 * Issue 13, a correct origin for a shared cache: a strong ETag from the stored bytes, the same on
 * MISS, HIT (memory and disk) and HEAD and after a restart; Last-Modified; 304 on If-None-Match and
 * If-Modified-Since with the caching headers and no body; the CDN Cache-Control settings; nothing
 * per client on a cacheable success.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { getRequest, rawExchange } from '../helpers/raw-http.js';
import { startService, u, type TestService } from '../helpers/service.js';

let origin: OriginServer;
before(async () => {
  origin = await startOrigin();
});
after(async () => origin.close());

const src = (name: string): string => u(`${origin.base}/fixtures/${name}`);

describe('validators', () => {
  test('one strong ETag on MISS, memory HIT, HEAD, disk HIT and after a restart; 304s keep the caching headers', async () => {
    const first = await startService();
    const path = `/?url=${src('320x240.jpg')}&w=50`;
    const miss = await first.request(path);
    assert.equal(miss.headers.get('x-cache'), 'MISS');
    const etag = miss.headers.get('etag') ?? '';
    assert.match(etag, /^"[A-Za-z0-9_-]{22}"$/, 'a strong tag');
    const lastModified = miss.headers.get('last-modified') ?? '';
    assert.ok(Math.abs(Date.parse(lastModified) - Date.now()) < 60_000, 'Last-Modified is when the entry was made');

    const hit = await first.request(path);
    assert.equal(hit.headers.get('x-cache'), 'HIT');
    assert.equal(hit.headers.get('etag'), etag);
    assert.equal(hit.headers.get('last-modified'), lastModified);
    const head = await first.request(path, { method: 'HEAD' });
    assert.equal(head.headers.get('etag'), etag);

    // Memory hit, revalidated: 304, no body, the same caching headers.
    const revalidated = await first.request(path, { headers: { 'if-none-match': etag } });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body.length, 0);
    assert.equal(revalidated.headers.get('etag'), etag);
    assert.equal(revalidated.headers.get('cache-control'), miss.headers.get('cache-control'));
    assert.ok(revalidated.headers.get('expires'));
    assert.equal(revalidated.headers.get('content-length'), null, 'a 304 has no Content-Length');
    // A list, weak comparison, and *.
    assert.equal((await first.request(path, { headers: { 'if-none-match': `"nope", W/${etag}` } })).status, 304);
    assert.equal((await first.request(path, { headers: { 'if-none-match': '*' } })).status, 304);
    const changed = await first.request(path, { headers: { 'if-none-match': '"something-else"' } });
    assert.equal(changed.status, 200);
    assert.ok(changed.body.length > 0);

    // If-Modified-Since: not modified since then; modified since an earlier date.
    assert.equal((await first.request(path, { headers: { 'if-modified-since': lastModified } })).status, 304);
    const earlier = new Date(Date.parse(lastModified) - 10_000).toUTCString();
    assert.equal((await first.request(path, { headers: { 'if-modified-since': earlier } })).status, 200);
    // If-None-Match wins over If-Modified-Since.
    assert.equal((await first.request(path, { headers: { 'if-none-match': '"x"', 'if-modified-since': lastModified } })).status, 200);

    // A restart on the same cache directory: disk hit first, same tag and date.
    await first.app.close();
    const second = await startService({ cacheDir: first.cacheDir });
    try {
      const conditional = await second.request(path, { headers: { 'if-none-match': etag } });
      assert.equal(conditional.status, 304, 'a disk hit revalidates too');
      const again = await second.request(path);
      assert.equal(again.headers.get('etag'), etag);
      assert.equal(again.headers.get('last-modified'), lastModified);
    } finally {
      await second.close();
      await rm(first.cacheDir, { recursive: true, force: true });
    }
  });

  test('a miss answers a conditional request with 304 when the made bytes match; base64 has its own tag', async () => {
    const service = await startService({ cacheEnabled: false });
    try {
      const path = `/?url=${src('320x240.jpg')}&w=51`;
      const made = await service.request(path);
      const etag = made.headers.get('etag') ?? '';
      const remade = await service.request(path, { headers: { 'if-none-match': etag } });
      assert.equal(remade.status, 304, 'the same output makes the same tag');
      const b64 = await service.request(`${path}&encoding=base64`);
      assert.notEqual(b64.headers.get('etag'), etag);
      assert.match(b64.headers.get('etag') ?? '', /^".+\.b64"$/);
    } finally {
      await service.close();
    }
  });

  test('output=json carries validators too', async () => {
    const service = await startService();
    try {
      const res = await service.request(`/?url=${src('320x240.jpg')}&output=json`);
      assert.equal(res.status, 200);
      const etag = res.headers.get('etag') ?? '';
      assert.match(etag, /^".+"$/);
      assert.equal((await service.request(`/?url=${src('320x240.jpg')}&output=json`, { headers: { 'if-none-match': etag } })).status, 304);
    } finally {
      await service.close();
    }
  });
});

describe('request headers as the hit path reads them', () => {
  // The front end reads the headers the routes need in the same single pass over the header lines
  // as its guard (request-guard.ts): names in any case, among many other lines, every line counted.
  test('conditional and Accept headers are found in any case among other lines; the 304 and 200 heads are exact', async () => {
    const service = await startService();
    try {
      const path = `/?url=${src('320x240.jpg')}&w=57`;
      const made = await service.request(path);
      const etag = made.headers.get('etag') ?? '';
      const noise: Array<[string, string]> = Array.from({ length: 20 }, (_, i) => [`X-Noise-${i}`, `value ${i}`]);
      const exchange = async (headers: ReadonlyArray<readonly [string, string]>, target = path) =>
        (await rawExchange(service.app.port, getRequest(target, headers), { expect: 1 })).responses[0];

      const upper = await exchange([...noise, ['IF-NONE-MATCH', etag], ['User-Agent', 'test']]);
      assert.equal(upper?.status, 304, 'If-None-Match in upper case, behind twenty other lines');
      assert.equal(upper?.body.length, 0);
      assert.equal(upper?.headers.get('etag'), etag);
      assert.equal(upper?.headers.get('x-cache'), undefined, 'a 304 keeps only the validators and caching headers');
      assert.equal(upper?.headers.get('content-length'), undefined);

      const twice = await exchange([['If-None-Match', etag], ...noise, ['if-none-match', etag]]);
      assert.equal(twice?.status, 304, 'a repeated line');

      const sinceMixed = await exchange([['If-Modified-Since', made.headers.get('last-modified') ?? '']]);
      assert.equal(sinceMixed?.status, 304);
      const other = await exchange([['If-None-Match', '"other"'], ...noise]);
      assert.equal(other?.status, 200);
      assert.equal(other?.headers.get('x-cache'), 'HIT');
      assert.equal(other?.headers.get('content-length'), String(made.body.length));
      assert.deepEqual(other?.body, made.body);

      // output=auto negotiates from Accept, whatever its case.
      const auto = `/?url=${src('320x240.jpg')}&w=57&output=auto`;
      await service.request(auto, { headers: { accept: 'image/webp' } });
      const webp = await exchange([...noise, ['ACCEPT', 'image/webp,*/*']], auto);
      assert.equal(webp?.headers.get('content-type'), 'image/webp');
      assert.equal(webp?.headers.get('vary'), 'Accept');
      const plain = await exchange(noise, auto);
      assert.equal(plain?.headers.get('content-type'), 'image/jpeg', 'no Accept: the source format');
    } finally {
      await service.close();
    }
  });
});

describe('Cache-Control for CDNs', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ sMaxAgeS: 86400, staleWhileRevalidateS: 60, staleIfErrorS: 3600, cacheImmutable: true, cdnMaxAgeS: 604800, instanceName: 'box-a', rateLimitMax: 100 });
  });
  after(async () => service.close());

  test('the settings add their directives; defaults stay the spec', async () => {
    const res = await service.request(`/?url=${src('320x240.jpg')}&w=52`);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, s-maxage=86400, stale-while-revalidate=60, stale-if-error=3600, immutable');
    assert.equal(res.headers.get('cdn-cache-control'), 'public, max-age=604800, stale-while-revalidate=60, stale-if-error=3600');
    const plain = await startService();
    try {
      const spec = await plain.request(`/?url=${src('320x240.jpg')}&w=52`);
      assert.equal(spec.headers.get('cache-control'), 'public, max-age=31536000');
      assert.equal(spec.headers.get('cdn-cache-control'), null);
      assert.equal(spec.headers.get('x-served-by'), null);
    } finally {
      await plain.close();
    }
  });

  test('every header of a cacheable success is true for every client that may get the copy', async () => {
    const path = `/?url=${src('320x240.jpg')}&w=53`;
    for (const res of [await service.request(path), await service.request(path)]) {
      const names = [...res.headers.keys()].sort();
      // Each is about the representation or the service, never about who asked.
      const allowed = new Set([
        'access-control-allow-origin', 'cache-control', 'cdn-cache-control', 'connection', 'content-disposition', 'content-length',
        'content-type', 'cross-origin-resource-policy', 'date', 'etag', 'expires', 'keep-alive', 'last-modified', 'link',
        'timing-allow-origin', 'x-cache', 'x-images-api', 'x-served-by', 'x-upstream-response-length',
        // Written by uWS itself on every response; the same for everyone (see the README, uWebSockets.js builds).
        'uwebsockets',
      ]);
      assert.deepEqual(names.filter((name) => !allowed.has(name)), []);
      assert.equal(res.headers.get('x-served-by'), 'box-a');
    }
  });
});
