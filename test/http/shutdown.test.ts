/** SIGTERM during a slow request: the request completes, new work is refused, the process exits 0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';
import { startOrigin } from '../helpers/origin-server.js';
import { repoRoot } from '../helpers/paths.js';

test('SIGTERM lets an in-flight request finish, then exits with code 0', async () => {
  const origin = await startOrigin();
  const cacheDir = await mkdtemp(join(tmpdir(), 'pixproxy-shutdown-'));
  try {
    const child = spawn(process.execPath, [join(repoRoot, 'dist/src/main.js')], {
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', CACHE_DIR: cacheDir, WORKERS: '1', ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32', SHUTDOWN_TIMEOUT_S: '10' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      let listening = 0;
      child.once('exit', () => reject(new Error('exited before ready')));
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && entry.port) listening = entry.port;
        if (entry.msg === 'worker pool ready' && listening) resolve(listening);
      });
    });
    const url = encodeURIComponent(`${origin.base}/slow/320x240.jpg`);
    const slow = fetch(`http://127.0.0.1:${port}/?url=${url}&w=64`);
    // The origin holds the request for 1.5 s; terminate while it is in flight.
    await new Promise((resolve) => setTimeout(resolve, 400));
    child.kill('SIGTERM');
    const res = await slow;
    assert.equal(res.status, 200);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    assert.equal(meta.width, 64);
    assert.equal(await exitCode, 0);
  } finally {
    await origin.close();
    await rm(cacheDir, { recursive: true, force: true });
  }
});
