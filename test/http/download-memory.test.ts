/**
 * Memory for downloads (issue 10, finding 4): the defaults allowed 32 downloads of 100 MiB each, and
 * sixteen concurrent 99 MB bodies took the process to 2.5 GB with /health at 3.5 s. Bytes in flight
 * are now bounded by DOWNLOAD_MEMORY_BYTES. The service runs as a child process here, so its
 * resident memory is measured alone (Linux /proc; VmHWM is the peak), while this process plays the
 * origin on 127.0.0.1. Only loopback traffic.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { settings } from '../../src/config.js';
import { publicMessage } from '../../src/errors.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';
import { u } from '../helpers/service.js';
import { onBun } from '../../src/runtime.js';

const MAIN = join(repoRoot, 'dist', 'src', 'main.js');
const BODY_BYTES = 99_000_000;
const DOWNLOADS = 16;
const MiB = 2 ** 20;
const NOT_AN_IMAGE = `404 ${publicMessage('NOT_AN_IMAGE')}`;
const OVERLOADED = `503 ${publicMessage('OVERLOADED')}`;

let origin: Server;
let originBase: string;
let jpeg: Buffer;
/** Zeros: no image format, so the worker refuses it at once and only the download costs memory. */
const big = Buffer.alloc(BODY_BYTES);

/** Sends `body` in 1 MiB chunks without a Content-Length (chunked), minding back-pressure. */
function sendChunked(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
  let offset = 0;
  const write = (): void => {
    while (offset < body.length) {
      const chunk = body.subarray(offset, offset + MiB);
      offset += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', write);
        return;
      }
    }
    res.end();
  };
  write();
}

before(async () => {
  jpeg = await readFile(fixturePath('320x240.jpg'));
  origin = createServer((req, res) => {
    res.on('error', () => undefined);
    const url = req.url ?? '/';
    if (url.startsWith('/sized/')) res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': big.length }).end(big);
    else if (url.startsWith('/chunked/')) sendChunked(res, big);
    else res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originBase = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});

after(async () => {
  origin.closeAllConnections();
  await new Promise<void>((resolve) => origin.close(() => resolve()));
});

interface Child {
  readonly process: ChildProcess;
  readonly base: string;
  readonly dir: string;
}

/** Our environment without any pixproxy setting, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const names = new Set<string>(settings.map((setting) => setting.env));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!names.has(key)) env[key] = value;
  return { ...env, ...extra };
}

async function startChild(): Promise<Child> {
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-memory-'));
  const child = spawn(process.execPath, [MAIN], {
    env: childEnv({ PORT: '0', HOST: '127.0.0.1', CACHE_DIR: dir, WORKERS: '2', ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32', LOG_LEVEL: 'info', RATE_LIMIT_MAX: '0' }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start in 30 s')), 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  // Ready means the worker pool is up.
  for (let tries = 0; tries < 300; tries += 1) {
    const health = await fetch(`${base}/health`).catch(() => undefined);
    if (health?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { process: child, base, dir };
}

async function stopChild(child: Child): Promise<void> {
  const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
  await rm(child.dir, { recursive: true, force: true, maxRetries: 5 });
}

/** Resident and peak resident memory of a process, in MiB, from /proc. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

interface Outcome {
  readonly messages: string[];
  readonly peakRssMiB: number;
  readonly slowestHealthMs: number;
  readonly ms: number;
}

/** Runs DOWNLOADS concurrent requests for `path`, probing /health every 100 ms meanwhile. */
async function flood(child: Child, path: string): Promise<Outcome> {
  const pid = child.process.pid ?? 0;
  let slowestHealthMs = 0;
  let done = false;
  const probe = (async (): Promise<void> => {
    while (!done) {
      const started = performance.now();
      const health = await fetch(`${child.base}/health`, { signal: AbortSignal.timeout(20_000) });
      await health.arrayBuffer();
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = performance.now();
  const messages = await Promise.all(
    Array.from({ length: DOWNLOADS }, async (_, index) => {
      const reply = await fetch(`${child.base}/?url=${u(`${originBase}${path}/${index}`)}&w=10`, { signal: AbortSignal.timeout(60_000) });
      const body = JSON.parse(await reply.text()) as { code: number; message: string };
      assert.equal(body.code, reply.status);
      return `${reply.status} ${body.message}`;
    }),
  );
  const ms = performance.now() - started;
  done = true;
  await probe;
  return { messages, peakRssMiB: (await memoryOf(pid)).peak, slowestHealthMs, ms };
}

/**
 * Not on Bun yet: there every download is still refused or served correctly within the budget, but
 * this flood measured a peak RSS of 1.6 GiB and /health at up to 1.7 s (the undici package on Bun's
 * node:net moves 1.6 GB more slowly, and JavaScriptCore returns freed chunks later than V8), so
 * both bounds fail. Known gap, see the README (Bun).
 */
const bunGap = onBun && 'Bun: this flood peaks at 1.6 GiB RSS and 1.7 s /health (both bounds fail; a known gap, see README)';

describe('sixteen concurrent 99 MB downloads', { skip: (!existsSync('/proc/self/status') && 'needs Linux /proc') || bunGap }, () => {
  // A fresh service for each, so each peak is its own: freed bodies linger until the next garbage
  // collection, which an idle process may not run for a while.
  for (const [name, path] of [['with a Content-Length', '/sized'], ['chunked, size unknown until the end', '/chunked']] as const) {
    test(name, async (t) => {
      const child = await startChild();
      t.after(() => stopChild(child));
      const before = await memoryOf(child.process.pid ?? 0);
      const { messages, peakRssMiB, slowestHealthMs, ms } = await flood(child, path);
      const downloaded = messages.filter((message) => message === NOT_AN_IMAGE).length;
      t.diagnostic(
        `${path}: RSS ${before.rss.toFixed(0)} MiB before, peak ${peakRssMiB.toFixed(0)} MiB; slowest /health ${slowestHealthMs.toFixed(0)} ms; ` +
          `all answered in ${ms.toFixed(0)} ms; ${downloaded} downloaded in full, others: ${messages.filter((message) => message !== NOT_AN_IMAGE).join('; ') || 'none'}`,
      );
      // Each is downloaded and refused as "not an image", or, when memory stays short until the
      // deadline, refused with 503 (never a timeout blamed on the origin, never a 500).
      for (const message of messages) assert.ok(message === NOT_AN_IMAGE || message === OVERLOADED, message);
      assert.ok(downloaded >= DOWNLOADS / 2, 'most were downloaded in full');
      assert.ok(peakRssMiB < 1024, `peak RSS ${peakRssMiB.toFixed(0)} MiB`);
      // The target is 500 ms; the bound leaves room for two cores shared with other work (the
      // same flood took /health to 1.3-1.6 s before the budget, 3.5 s in the report).
      assert.ok(slowestHealthMs < 1000, `slowest /health ${slowestHealthMs.toFixed(0)} ms`);

      const resized = await fetch(`${child.base}/?url=${u(`${originBase}/img${path}.jpg`)}&w=100`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(resized.status, 200);
      assert.equal(resized.headers.get('content-type'), 'image/jpeg');
      await resized.arrayBuffer();
    });
  }
});
