/**
 * A kill -9 in the middle of cache writes, then a restart on the same directory: only whole entries
 * may be served. Also a content file damaged on disk behind the cache's back is never served.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { repoRoot } from '../helpers/paths.js';
import { startService, u } from '../helpers/service.js';

let origin: OriginServer;
let cacheDir: string;

before(async () => {
  origin = await startOrigin();
  cacheDir = await mkdtemp(join(tmpdir(), 'pixproxy-crash-'));
});

after(async () => {
  await origin.close();
  await rm(cacheDir, { recursive: true, force: true });
});

/** Starts `node dist/src/main.js` as a real process and resolves with its port once it is ready. */
function startChild(dir: string): Promise<{ port: number; kill: () => void; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      CACHE_DIR: dir,
      WORKERS: '2',
      ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32',
      LOG_LEVEL: 'info',
      // SIGKILL must reach the process that writes the cache. With libjemalloc2 installed (Debian's
      // redis-server pulls it in, and .ci/run installs that) JEMALLOC=auto restarts the service as
      // a child of a supervisor, and the kill would hit the supervisor only.
      JEMALLOC: 'off',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let port = 0;
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && entry.port) port = entry.port;
      if (entry.msg === 'worker pool ready' && port) resolve({ port, kill: () => child.kill('SIGKILL'), exited });
    });
  });
}

const crashPaths = (): string[] => Array.from({ length: 24 }, (_, i) => `/?url=${u(`${origin.base}/fixtures/2569067123_aca715a2ee_o.jpg`)}&w=${900 + i}&output=png`);

test('kill -9 during cache writes, restart: every answer is a whole, correct image', async () => {
  const paths = crashPaths();
  const child = await startChild(cacheDir);
  let answered = 0;
  const inflight = paths.map((path) =>
    fetch(`http://127.0.0.1:${child.port}${path}`)
      .then(async (res) => {
        await res.arrayBuffer();
        answered += 1;
        // Kill while the rest are still being produced and written (PNGs of ~1.5 MB each).
        if (answered === 6) child.kill();
      })
      .catch(() => undefined),
  );
  await Promise.all(inflight);
  await child.exited;
  assert.ok(answered >= 6 && answered < paths.length, `killed mid-way (answered ${answered})`);

  const service = await startService({ cacheDir });
  try {
    await service.app.cache?.loaded;
    let hits = 0;
    for (const [i, path] of paths.entries()) {
      const res = await service.request(path);
      assert.equal(res.status, 200);
      if (res.headers.get('x-cache') === 'HIT') hits += 1;
      // A partial entry would fail to decode or have the wrong size.
      const { info } = await sharp(res.body, { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
      assert.equal(info.width, 900 + i);
    }
    assert.ok(hits >= 1, 'entries written before the kill are served');
    // Orphaned content from the kill is reclaimed and serving goes on.
    await service.app.cache?.reclaim();
    assert.equal((await service.request(paths[0] ?? '')).status, 200);
  } finally {
    await service.app.close();
  }
});

test('content damaged on disk is never served: it is rebuilt', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-damage-'));
  try {
    const path = `/?url=${u(`${origin.base}/fixtures/Landscape_4.jpg`)}&w=150`;
    const first = await startService({ cacheDir: dir, cacheMemoryBytes: 0 });
    const good = await first.request(path);
    await first.app.close();

    // Truncate every content file to half its size behind the cache's back.
    const walk = async (at: string): Promise<string[]> => {
      const found: string[] = [];
      for (const entry of await readdir(at, { withFileTypes: true })) {
        const full = join(at, entry.name);
        if (entry.isDirectory()) found.push(...(await walk(full)));
        else found.push(full);
      }
      return found;
    };
    const files = await walk(join(dir, 'content-v2'));
    assert.ok(files.length >= 1);
    for (const file of files) await truncate(file, Math.floor((await stat(file)).size / 2));

    const second = await startService({ cacheDir: dir, cacheMemoryBytes: 0 });
    try {
      const res = await second.request(path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-cache'), 'MISS');
      assert.deepEqual(res.body, good.body);
    } finally {
      await second.app.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
