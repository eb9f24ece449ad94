/**
 * Issue 13, a fleet behind one name, with the real programs on loopback: three pixproxy processes,
 * Debian's nginx running deploy/nginx/pixproxy-front.conf (consistent hash on `url`), redis-server
 * for the shared limiter, and a second, caching nginx in front standing in for the CDN. It shows:
 * each source lands on exactly one box (X-Served-By); the rate limit holds across boxes; a purge
 * through the front reaches the owning box; the CDN revalidates expired entries with 304s; SIGTERM
 * drains a box (/health 503 first, in-flight requests finish, nginx moves its share, no 5xx).
 *
 * Clients bind distinct loopback addresses (127.0.x.y) so the per-client limit can be shown on one
 * of them without the others' misses counting.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startBox, type Box } from '../helpers/box.js';
import { nginxBinary, startNginx, type Nginx } from '../helpers/nginx.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';
import { freePort, redisServerInstalled, startRedis, type RedisServer } from '../ratelimit/redis-server.js';

const PURGE_TOKEN = 'fleet-purge-token-0123';
const LIMIT = 8;
const missing = [nginxBinary === undefined ? 'nginx' : '', redisServerInstalled ? '' : 'redis-server'].filter(Boolean);
const skip = missing.length > 0 ? `needs ${missing.join(' and ')} (apt-get install nginx-light redis-server; .ci/run installs them)` : false;
if (skip) process.stdout.write(`# fleet test skipped: ${skip}\n`);

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const agents = new Map<string, Agent>();
/** A client on its own loopback address. */
function from(address: string): Agent {
  let agent = agents.get(address);
  if (!agent) {
    agent = new Agent({ localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}

async function get(url: string, address = '127.0.0.1', method: 'GET' | 'DELETE' = 'GET', headers: Record<string, string> = {}): Promise<Reply> {
  const res = await request(url, { method, headers, dispatcher: from(address) });
  const body = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
  return { status: res.statusCode, headers: flat, body };
}

/** deploy/nginx/pixproxy-front.conf with the boxes and the listen address replaced by loopback ones. */
async function frontConf(boxes: readonly Box[], port: number): Promise<string> {
  const shipped = await readFile(join(repoRoot, 'deploy', 'nginx', 'pixproxy-front.conf'), 'utf8');
  const servers = boxes.map((box) => `    server 127.0.0.1:${box.port} max_fails=1 fail_timeout=10s;`).join('\n');
  const replaced = shipped.replace(/( *server box1:8080[^\n]*\n)(?: *server box\d:8080[^\n]*\n)*/, `${servers}\n`).replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  assert.ok(replaced.includes(`127.0.0.1:${boxes[0]?.port ?? 0}`) && replaced.includes(`listen 127.0.0.1:${port}`), 'the shipped file has the expected shape');
  return replaced;
}

/** A caching nginx standing in for the CDN: stores by URL, honours s-maxage, revalidates. */
function cdnConf(port: number, frontPort: number): (dir: string) => string {
  return (dir) => `
  proxy_cache_path ${join(dir, 'cdn')} levels=1:2 keys_zone=cdn:1m max_size=64m inactive=1h use_temp_path=off;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${frontPort};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache cdn;
      proxy_cache_key $request_uri;
      proxy_cache_revalidate on;
      add_header X-CDN-Cache $upstream_cache_status always;
      add_header X-CDN-Upstream-Status $upstream_status always;
    }
  }`;
}

describe('a fleet of three behind nginx', { skip, timeout: 180_000 }, () => {
  let origin: OriginServer;
  let redis: RedisServer;
  let boxes: Box[] = [];
  let front: Nginx | undefined;
  let cdn: Nginx | undefined;
  let frontBase = '';
  let cdnBase = '';
  const sources: string[] = [];
  const owners = new Map<string, string>();

  before(async () => {
    origin = await startOrigin();
    const jpeg = await readFile(fixturePath('320x240.jpg'));
    for (let i = 0; i < 24; i++) {
      origin.serve(`s${i}.jpg`, jpeg, 'image/jpeg');
      sources.push(encodeURIComponent(`${origin.base}/generated/s${i}.jpg`));
    }
    redis = await startRedis();
    const env = {
      REDIS_URL: redis.url,
      RATE_LIMIT_MAX: String(LIMIT),
      RATE_LIMIT_WINDOW_S: '600',
      TRUST_PROXY: 'x-forwarded-for',
      ALLOW_PRIVATE_ORIGINS: '127.0.0.1',
      PURGE_TOKEN,
      DRAIN_DELAY_S: '1',
      SHUTDOWN_TIMEOUT_S: '10',
      // Short for the CDN stand-in, so its copies expire during the test and are revalidated.
      CACHE_S_MAXAGE_S: '1',
    };
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    boxes = await Promise.all(['box1', 'box2', 'box3'].map((name, i) => startBox(name, ports[i] ?? 0, env)));
    const frontPort = ports[3] ?? 0;
    const cdnPort = ports[4] ?? 0;
    front = await startNginx(await frontConf(boxes, frontPort), frontPort);
    cdn = await startNginx(cdnConf(cdnPort, frontPort), cdnPort);
    frontBase = `http://127.0.0.1:${frontPort}`;
    cdnBase = `http://127.0.0.1:${cdnPort}`;
  });

  after(async () => {
    await Promise.all([...agents.values()].map((agent) => agent.close()));
    await cdn?.stop();
    await front?.stop();
    await Promise.all(boxes.map((box) => box.stop()));
    await redis?.stop();
    await origin?.close();
  });

  test('each source lands on exactly one box, whatever the variant', async () => {
    for (const [i, source] of sources.slice(0, 12).entries()) {
      const client = `127.0.1.${i + 1}`;
      const answers = [await get(`${frontBase}/?url=${source}&w=30`, client), await get(`${frontBase}/?url=${source}&w=40`, client), await get(`${frontBase}/?w=30&url=${source}`, client)];
      for (const answer of answers) assert.equal(answer.status, 200, answer.body);
      const served = new Set(answers.map((answer) => answer.headers['x-served-by']));
      assert.equal(served.size, 1, `source ${i} was served by ${[...served].join(', ')}`);
      owners.set(source, answers[0]?.headers['x-served-by'] ?? '');
      assert.equal(answers[2]?.headers['x-cache'], 'HIT', 'the second spelling of a variant is a hit on the same box');
    }
    const used = new Set(owners.values());
    assert.ok(used.size >= 2, `12 sources spread over the ring (${[...used].join(', ')})`);
  });

  test('the rate limit holds across boxes through Redis', async () => {
    const client = '127.0.2.1';
    const answers: Reply[] = [];
    for (const source of sources.slice(12, 24)) answers.push(await get(`${frontBase}/?url=${source}&w=50`, client));
    const allowed = answers.filter((answer) => answer.status === 200);
    assert.equal(allowed.length, LIMIT, answers.map((a) => a.status).join(' '));
    assert.ok(answers.slice(LIMIT).every((answer) => answer.status === 429));
    const boxesUsed = new Set(allowed.map((answer) => answer.headers['x-served-by']));
    assert.ok(boxesUsed.size >= 2, `the allowed misses were made on several boxes (${[...boxesUsed].join(', ')}), yet counted together`);
    assert.equal(allowed[0]?.headers['x-ratelimit-limit'], undefined, 'no per-client numbers on a cacheable success');
    assert.equal(answers.at(-1)?.headers['x-ratelimit-limit'], String(LIMIT));
  });

  test('a purge through the front reaches the box that owns the source', async () => {
    const source = sources[0] ?? '';
    const auth = { authorization: `Bearer ${PURGE_TOKEN}` };
    const purged = await get(`${frontBase}/cache?url=${source}`, '127.0.0.1', 'DELETE', auth);
    assert.equal(purged.status, 200, purged.body);
    assert.equal((JSON.parse(purged.body) as { removed: number }).removed, 2, 'both variants were on the box the front sent the purge to');
    const again = await get(`${frontBase}/?url=${source}&w=30`, '127.0.1.1');
    assert.equal(again.headers['x-cache'], 'MISS');
    assert.equal(again.headers['x-served-by'], owners.get(source));
  });

  test('the caching nginx in front revalidates an expired copy with a 304', async () => {
    const path = `/?url=${sources[1] ?? ''}&w=30`;
    const first = await get(cdnBase + path);
    assert.equal(first.status, 200);
    assert.ok(['MISS', 'EXPIRED'].includes(first.headers['x-cdn-cache'] ?? ''), first.headers['x-cdn-cache']);
    const fresh = await get(cdnBase + path);
    assert.equal(fresh.headers['x-cdn-cache'], 'HIT');
    await new Promise((resolve) => setTimeout(resolve, 2100)); // s-maxage=1
    const revalidated = await get(cdnBase + path);
    assert.equal(revalidated.status, 200);
    assert.equal(revalidated.headers['x-cdn-cache'], 'REVALIDATED');
    assert.equal(revalidated.headers['x-cdn-upstream-status'], '304', 'the box answered the revalidation with a 304');
    assert.equal(revalidated.body.length, first.body.length);
    assert.equal(revalidated.headers.etag, first.headers.etag);
  });

  test('SIGTERM drains a box: /health 503 first, in-flight requests finish, its sources move, no 5xx', async () => {
    const victimName = owners.get(sources[2] ?? '') ?? 'box1';
    const victim = boxes.find((box) => box.name === victimName);
    assert.ok(victim);
    const slow = get(`${victim.base}/?url=${encodeURIComponent(`${origin.base}/slow/320x240.jpg`)}&w=61`, '127.0.3.1');
    await new Promise((resolve) => setTimeout(resolve, 300));
    victim.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await get(`${victim.base}/health`, '127.0.3.2');
    assert.equal(health.status, 503, health.body);
    assert.match(health.body, /draining/);

    // Traffic for every source through the front while the box drains and exits.
    const statuses: number[] = [];
    const servedAfter = new Map<string, string>();
    const until = Date.now() + 4000;
    let exited = false;
    void victim.exited.then(() => (exited = true));
    while (Date.now() < until) {
      for (const [i, source] of sources.slice(0, 12).entries()) {
        const answer = await get(`${frontBase}/?url=${source}&w=30`, `127.0.1.${i + 1}`);
        statuses.push(answer.status);
        if (exited) servedAfter.set(source, answer.headers['x-served-by'] ?? '');
      }
    }
    const finished = await slow;
    assert.equal(finished.status, 200, 'the request in flight at SIGTERM finished');
    assert.equal(await victim.exited, 0, victim.output());
    assert.deepEqual(statuses.filter((status) => status >= 500), [], 'no 5xx through the front');
    assert.ok(statuses.every((status) => status === 200));
    const moved = [...owners].filter(([, owner]) => owner === victimName).map(([source]) => source);
    assert.ok(moved.length > 0);
    for (const source of moved) {
      const now = servedAfter.get(source);
      assert.ok(now !== undefined && now !== victimName, `a source of ${victimName} is now served by ${now}`);
    }
    for (const [source, owner] of owners) {
      if (owner !== victimName && servedAfter.has(source)) assert.equal(servedAfter.get(source), owner, 'sources of the other boxes did not move');
    }
    const log = (await front?.errors()) ?? '';
    assert.doesNotMatch(log, /no live upstreams/);
  });
});
