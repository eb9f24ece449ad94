/**
 * Issue 13, purging reaches the CDN: pixproxy remembers the URLs each variant was served under and,
 * on purge, sends them to Cloudflare's purge-by-URL API (checked by a loopback stand-in that holds
 * every request to the documented form: method, path, bearer token, JSON `files`, at most 100 a
 * call), retrying with backoff, counting failures; and `PURGE`s them from a real Varnish in front.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { CdnPurger } from '../../src/cdn/purger.js';
import { createLogger } from '../../src/log.js';
import { startFakeCloudflare, type FakeCloudflare } from '../helpers/fake-cloudflare.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startService, u, type TestService } from '../helpers/service.js';
import { startVarnish, varnishInstalled } from '../helpers/varnish.js';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';
const TOKEN = 'cloudflare-api-token-0123456789';
const PURGE_TOKEN = 'purge-token-0123456789';
const PUBLIC = 'https://img.example.com';

let origin: OriginServer;
before(async () => {
  origin = await startOrigin();
});
after(async () => origin.close());

const src = (name: string): string => u(`${origin.base}/fixtures/${name}`);

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function metric(text: string, outcome: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`pixproxy_cdn_purge_requests_total{target="cloudflare",outcome="${outcome}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

const purge = (service: TestService, path: string): Promise<{ status: number; body: Buffer }> =>
  service.request(path, { method: 'DELETE', headers: { authorization: `Bearer ${PURGE_TOKEN}` } });

describe('Cloudflare purge by URL', () => {
  let cloudflare: FakeCloudflare;
  let service: TestService;
  before(async () => {
    cloudflare = await startFakeCloudflare(ZONE, TOKEN);
    service = await startService({
      purgeToken: PURGE_TOKEN,
      publicUrl: PUBLIC,
      cloudflareZoneId: ZONE,
      cloudflareApiToken: TOKEN,
      cloudflareApiBase: cloudflare.apiBase,
    });
  });
  after(async () => {
    await service.close();
    await cloudflare.close();
  });

  test('a variant purge names every URL that variant was served under; a source purge the rest', async () => {
    const a = src('320x240.jpg');
    const spellings = [`/?url=${a}&w=40`, `/?w=40&url=${a}`, `/anything?url=${a}&w=40&h=`];
    for (const path of spellings) assert.equal((await service.request(path)).status, 200);
    await service.request(spellings[0] ?? ''); // a hit: remembered once
    assert.equal((await service.request(`/?url=${a}&w=41`)).status, 200);

    const variant = await purge(service, `/cache/variant?url=${a}&w=40`);
    assert.equal(variant.status, 200);
    assert.equal((JSON.parse(variant.body.toString()) as { cdnUrls: number }).cdnUrls, 3);
    const first = await until('the variant purge', () => cloudflare.calls[0]);
    assert.deepEqual([...first.files].sort(), spellings.map((path) => PUBLIC + path).sort());

    const source = await purge(service, `/cache?url=${a}`);
    assert.equal((JSON.parse(source.body.toString()) as { cdnUrls: number }).cdnUrls, 1);
    const second = await until('the source purge', () => cloudflare.calls[1]);
    assert.deepEqual(second.files, [`${PUBLIC}/?url=${a}&w=41`]);
    assert.deepEqual(cloudflare.violations, []);
    assert.equal(metric((await service.request('/metrics')).body.toString(), 'ok'), 2);
  });

  test('429 and 5xx are retried with backoff; a refusal is given up, logged and counted', async () => {
    const a = src('Landscape_1.jpg');
    const before = (await service.request('/metrics')).body.toString();
    cloudflare.script(500, 429);
    await service.request(`/?url=${a}&w=42`);
    await purge(service, `/cache?url=${a}`);
    const call = await until('the retried purge', () => cloudflare.calls.find((c) => c.files.some((f) => f.includes('w=42'))));
    assert.deepEqual(call.files, [`${PUBLIC}/?url=${a}&w=42`]);
    const afterRetries = (await service.request('/metrics')).body.toString();
    assert.equal(metric(afterRetries, 'retried') - metric(before, 'retried'), 2);

    cloudflare.script(403);
    await service.request(`/?url=${a}&w=43`);
    await purge(service, `/cache?url=${a}`);
    await eventually('a failed purge to be counted', async () => metric((await service.request('/metrics')).body.toString(), 'failed') === metric(before, 'failed') + 1);
    assert.equal(cloudflare.calls.filter((c) => c.files.some((f) => f.includes('w=43'))).length, 0, 'a 403 is not retried');
    assert.deepEqual(cloudflare.violations, []);
  });
});

describe('batching', () => {
  test('250 URLs go out as 100 + 100 + 50, each call as documented', async () => {
    const cloudflare = await startFakeCloudflare(ZONE, TOKEN);
    const counted: string[] = [];
    const purger = new CdnPurger({
      publicUrl: PUBLIC,
      cloudflare: { apiBase: cloudflare.apiBase, zoneId: ZONE, token: TOKEN },
      httpCaches: [],
      log: createLogger('silent'),
      metrics: { cdnPurge: (_target, outcome) => counted.push(outcome) },
    });
    try {
      purger.purge(Array.from({ length: 250 }, (_, i) => `/?url=example.com/${i}.jpg`));
      await purger.settled();
      assert.deepEqual(cloudflare.calls.map((call) => call.files.length), [100, 100, 50]);
      assert.equal(new Set(cloudflare.calls.flatMap((call) => call.files)).size, 250);
      assert.deepEqual(counted, ['ok', 'ok', 'ok']);
      assert.deepEqual(cloudflare.violations, []);
    } finally {
      await cloudflare.close();
    }
  });
});

describe('PURGE to HTTP caches (Varnish)', { skip: varnishInstalled ? false : 'varnishd is not installed (apt-get install varnish; .ci/run installs it)' }, () => {
  test('a purge through the API drops Varnish\'s copies of every URL the variant was served under', async () => {
    const { freePort } = await import('../ratelimit/redis-server.js');
    const varnishPort = await freePort();
    const front = `http://127.0.0.1:${varnishPort}`;
    const service = await startService({ purgeToken: PURGE_TOKEN, publicUrl: front, purgeHttpCaches: [front] });
    const varnish = await startVarnish(service.app.port, varnishPort);
    const agent = new Agent();
    try {
      const path = `/?url=${src('320x240.jpg')}&w=44`;
      const get = async (): Promise<{ status: number; varnishIds: number; xCache: string }> => {
        // A fresh connection pool: the port may have belonged to a server closed earlier in this
        // process, and a kept-alive connection to it would be dead.
        const res = await request(front + path, { dispatcher: agent });
        await res.body.arrayBuffer();
        return { status: res.statusCode, varnishIds: String(res.headers['x-varnish'] ?? '').split(' ').length, xCache: String(res.headers['x-cache']) };
      };
      const miss = await get();
      assert.equal(miss.status, 200);
      assert.equal((await get()).varnishIds, 2, 'the second request is a Varnish hit');

      const purged = await purge(service, `/cache?url=${src('320x240.jpg')}`);
      assert.equal((JSON.parse(purged.body.toString()) as { cdnUrls: number }).cdnUrls, 1);
      let refetched: Awaited<ReturnType<typeof get>> | undefined;
      for (let i = 0; i < 40 && !refetched; i++) {
        const res = await get();
        if (res.varnishIds === 1) refetched = res;
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(refetched, 'Varnish went back to pixproxy after the purge');
      assert.equal(refetched.xCache, 'MISS', 'and pixproxy had dropped its own copy too');
    } finally {
      await agent.close();
      await varnish.stop();
      await service.close();
    }
  });
});
