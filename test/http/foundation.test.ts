/**
 * The service end to end through real HTTP: a local origin serving the weserv fixtures, the uWS front
 * end, the worker pool and the disk cache. Outputs are decoded and checked, not just their status.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import sharp from 'sharp';
import { serviceWithOrigin, startService, u } from '../helpers/service.js';

const env = serviceWithOrigin();

function src(name: string): string {
  return `${env.origin.base}/fixtures/${name}`;
}

async function countIndexEntries(dir: string): Promise<number> {
  // cacache keeps one index bucket file per key; counting them counts distinct entries.
  let count = 0;
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(`${path}/${entry.name}`);
      else count += 1;
    }
  };
  await walk(`${dir}/index-v5`).catch(() => undefined);
  return count;
}

async function waitFor(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('resizing through HTTP', () => {
  test('w=300 on a 2725x2225 JPEG gives a 300x245 JPEG', async () => {
    const res = await env.service.request(`/?url=${u(src('2569067123_aca715a2ee_o.jpg'))}&w=300`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(Number(res.headers.get('content-length')), res.body.length);
    const meta = await sharp(res.body).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, 300);
    assert.equal(meta.height, 245);
  });

  test('w and h with fit=fill stretch exactly; output=webp re-encodes', async () => {
    const res = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=100&h=100&fit=fill&output=webp`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/webp');
    const meta = await sharp(res.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 100, 100]);
  });

  test('fit=cover crops to the box; fit=contain letterboxes with transparency (JPEG in, PNG out)', async () => {
    const cover = await env.service.request(`/?url=${u(src('2569067123_aca715a2ee_o.jpg'))}&w=200&h=200&fit=cover`);
    const coverMeta = await sharp(cover.body).metadata();
    assert.deepEqual([coverMeta.format, coverMeta.width, coverMeta.height], ['jpeg', 200, 200]);

    const contain = await env.service.request(`/?url=${u(src('2569067123_aca715a2ee_o.jpg'))}&w=200&h=200&fit=contain`);
    assert.equal(contain.headers.get('content-type'), 'image/png');
    const { data, info } = await sharp(contain.body).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [200, 200, 4]);
    // The letterbox band at the top is fully transparent; the middle row is opaque photo.
    assert.equal(data[3], 0, 'top-left pixel transparent');
    assert.equal(data[(100 * 200 + 100) * 4 + 3], 255, 'centre pixel opaque');
  });

  test('contain with an opaque cbg stays JPEG and paints the bars', async () => {
    const res = await env.service.request(`/?url=${u(src('2569067123_aca715a2ee_o.jpg'))}&w=200&h=200&fit=contain&cbg=red`);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    const { data } = await sharp(res.body).raw().toBuffer({ resolveWithObject: true });
    const [r = 0, g = 255, b = 255] = data.subarray(0, 3);
    assert.ok(r > 230 && g < 30 && b < 30, `top-left is red, got ${r},${g},${b}`);
  });

  test('a PNG with alpha keeps its alpha', async () => {
    const res = await env.service.request(`/?url=${u(src('5_webp_a.webp'))}&w=100&output=png`);
    const meta = await sharp(res.body).metadata();
    assert.deepEqual([meta.format, meta.width, meta.hasAlpha], ['png', 100, true]);
  });

  test('EXIF orientation 6 is applied: the 400x600-stored Landscape_6 comes out 300x200', async () => {
    const res = await env.service.request(`/?url=${u(src('Landscape_6.jpg'))}&w=300`);
    const meta = await sharp(res.body).metadata();
    assert.deepEqual([meta.width, meta.height], [300, 200]);
    assert.ok(meta.orientation === undefined || meta.orientation === 1);
  });

  test('w as a percentage and dpr', async () => {
    const pct = await sharp((await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=50%25`)).body).metadata();
    assert.deepEqual([pct.width, pct.height], [160, 120]);
    const dpr = await sharp((await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=100&dpr=2`)).body).metadata();
    assert.deepEqual([dpr.width, dpr.height], [200, 150]);
  });

  test('we prevents enlargement', async () => {
    const res = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=1000&we`);
    const meta = await sharp(res.body).metadata();
    assert.deepEqual([meta.width, meta.height], [320, 240]);
  });

  test('output=json describes the output', async () => {
    const res = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=100&output=json`);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = JSON.parse(res.body.toString()) as Record<string, unknown>;
    assert.equal(body.format, 'jpeg');
    assert.equal(body.width, 100);
    assert.equal(body.height, 75);
    assert.equal(res.headers.get('content-disposition'), null);
  });
});

describe('request forms', () => {
  test('a scheme-less url and a fully percent-encoded url reach the same origin file', async () => {
    const path = '/fixtures/320x240.jpg';
    const bare = await env.service.request(`/?url=127.0.0.1:${env.origin.port}${path}&w=64`);
    assert.equal(bare.status, 200);
    const encoded = await env.service.request(`/?url=${u(`http://127.0.0.1:${env.origin.port}${path}`)}&w=64`);
    assert.equal(encoded.status, 200);
    assert.deepEqual(bare.body, encoded.body);
  });

  test('any path behaves like / and HEAD answers the GET headers without a body', async () => {
    const get = await env.service.request(`/some/path?url=${u(src('320x240.jpg'))}&w=50`);
    const head = await env.service.request(`/some/path?url=${u(src('320x240.jpg'))}&w=50`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(head.headers.get('content-length'), String(get.body.length));
    assert.equal(head.headers.get('content-type'), 'image/jpeg');
  });

  test('other methods get 405', async () => {
    const res = await env.service.request(`/?url=${u(src('320x240.jpg'))}`, { method: 'POST' });
    assert.equal(res.status, 405);
  });

  test('no url gives the playground; /reference the parameter reference; other paths 404', async () => {
    const res = await env.service.request('/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.body.toString(), /<form/);
    const reference = await env.service.request('/reference');
    assert.equal(reference.status, 200);
    assert.match(reference.body.toString(), /\bmaxage\b/);
    // `?url` without `=` is not an API call either (spec 1.1).
    assert.equal((await env.service.request('/?url')).status, 200);
    assert.equal((await env.service.request('/nothing-here')).status, 404);
  });

  test('/health answers 200 JSON once the pool is ready', async () => {
    const res = await env.service.request('/health');
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body.toString()) as { status: string }).status, 'ok');
  });
});

describe('response headers', () => {
  test('image responses carry the spec headers, and validators (an extension, test/http/validators.test.ts)', async () => {
    const res = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=40&filename=cat`);
    const h = res.headers;
    assert.equal(h.get('cache-control'), 'public, max-age=31536000');
    const expires = Date.parse(h.get('expires') ?? '');
    assert.ok(Math.abs(expires - (Date.now() + 31536000_000)) < 120_000, 'Expires is a year ahead');
    assert.equal(h.get('content-disposition'), 'inline; filename=cat.jpg');
    assert.equal(h.get('access-control-allow-origin'), '*');
    assert.equal(h.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(h.get('timing-allow-origin'), '*');
    assert.equal(h.get('x-images-api'), '5');
    assert.equal(h.get('link'), `<${src('320x240.jpg')}>; rel="canonical"`);
    assert.match(h.get('etag') ?? '', /^"[A-Za-z0-9_-]{22}"$/);
    assert.ok(Date.parse(h.get('last-modified') ?? '') <= Date.now(), 'Last-Modified is a date in the past');
    assert.match(h.get('x-cache') ?? '', /^(HIT|MISS)$/);
  });

  test('maxage sets Cache-Control; out-of-range falls back to a year; default filename is image', async () => {
    const week = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=41&maxage=1w`);
    assert.equal(week.headers.get('cache-control'), 'public, max-age=604800');
    assert.equal(week.headers.get('content-disposition'), 'inline; filename=image.jpg');
    const tooShort = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=41&maxage=1h`);
    assert.equal(tooShort.headers.get('cache-control'), 'public, max-age=31536000');
  });

  test('encoding=base64 returns a data URI of the same bytes', async () => {
    const plain = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=42`);
    const b64 = await env.service.request(`/?url=${u(src('320x240.jpg'))}&w=42&encoding=base64`);
    assert.equal(b64.headers.get('content-type'), 'text/plain');
    assert.equal(b64.headers.get('content-disposition'), null);
    assert.equal(b64.body.toString(), `data:image/jpeg;base64,${plain.body.toString('base64')}`);
  });
});

describe('cache', () => {
  test('the second request is a HIT and does not reach the origin', async () => {
    const path = `/?url=${u(src('Portrait_1.jpg'))}&w=120`;
    const first = await env.service.request(path);
    assert.equal(first.headers.get('x-cache'), 'MISS');
    const fetched = env.origin.hitsFor('/fixtures/Portrait_1.jpg');
    const second = await env.service.request(path);
    assert.equal(second.headers.get('x-cache'), 'HIT');
    assert.deepEqual(second.body, first.body);
    assert.equal(env.origin.hitsFor('/fixtures/Portrait_1.jpg'), fetched);
  });

  test('equivalent URLs share one entry', async () => {
    const a = await env.service.request(`/?url=${u(src('Portrait_2.jpg'))}&w=300&h=200`);
    assert.equal(a.headers.get('x-cache'), 'MISS');
    const b = await env.service.request(`/?h=200&w=300&url=${u(src('Portrait_2.jpg'))}&fit=inside&v=123`);
    assert.equal(b.headers.get('x-cache'), 'HIT');
    assert.deepEqual(b.body, a.body);
    assert.equal(env.origin.hitsFor('/fixtures/Portrait_2.jpg'), 1);
  });

  test('an entry survives on disk: a new service on the same directory answers from it', async () => {
    const path = `/?url=${u(src('Portrait_3.jpg'))}&w=90`;
    const first = await env.service.request(path);
    await waitFor(async () => (await countIndexEntries(env.service.cacheDir)) > 0);
    const again = await startService({ cacheDir: env.service.cacheDir });
    try {
      await waitFor(async () => (await again.request(path)).headers.get('x-cache') === 'HIT');
      const hit = await again.request(path);
      assert.deepEqual(hit.body, first.body);
      assert.equal(hit.headers.get('content-type'), 'image/jpeg');
    } finally {
      await again.app.close();
    }
  });

  test('CACHE_ENABLED=false serves every request as a miss', async () => {
    const uncached = await startService({ cacheEnabled: false });
    try {
      const path = `/?url=${u(src('Portrait_4.jpg'))}&w=50`;
      assert.equal((await uncached.request(path)).headers.get('x-cache'), 'MISS');
      assert.equal((await uncached.request(path)).headers.get('x-cache'), 'MISS');
      assert.equal(await countIndexEntries(uncached.cacheDir), 0);
    } finally {
      await uncached.close();
    }
  });
});
