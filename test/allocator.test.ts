/**
 * jemalloc for `npm start` (issue 10): the decision on its own, then the real process restarting
 * itself with the library preloaded, serving, and stopping cleanly on SIGTERM.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JEMALLOC_PATHS, REEXEC_MARKER, planAllocator, type AllocatorProbe } from '../src/allocator.js';
import { repoRoot } from './helpers/paths.js';

const debianPath = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const glibcMaps = '7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n7f02-7f03 r--p 0 08:01 2 [heap]\n';

function probe(overrides: Partial<AllocatorProbe> & { files?: readonly string[] } = {}): AllocatorProbe {
  const files = new Set(overrides.files ?? []);
  return { platform: 'linux', env: {}, maps: glibcMaps, exists: (path) => files.has(path), ...overrides };
}

describe('the decision', () => {
  test('installed but not loaded: restart with it preloaded, the marker set, LD_PRELOAD kept', () => {
    const plan = planAllocator('auto', probe({ files: [debianPath], env: { LD_PRELOAD: '/opt/other.so', PATH: '/bin' } }));
    assert.equal(plan.action, 'reexec');
    if (plan.action !== 'reexec') return;
    assert.equal(plan.library, debianPath);
    assert.equal(plan.env.LD_PRELOAD, `${debianPath}:/opt/other.so`);
    assert.equal(plan.env[REEXEC_MARKER], '1');
    assert.equal(plan.env.PATH, '/bin');
  });

  test('every usual path is looked at (Alpine, arm64, Fedora, /usr/local)', () => {
    for (const path of JEMALLOC_PATHS) {
      const plan = planAllocator('auto', probe({ files: [path] }));
      assert.equal(plan.action === 'reexec' && plan.library, path);
    }
    assert.ok(JEMALLOC_PATHS.includes('/usr/lib/libjemalloc.so.2'), 'Alpine');
  });

  test('already loaded (the Docker image, or after the restart): nothing to do', () => {
    const maps = `${glibcMaps}7f04-7f05 r-xp 0 08:01 3 /usr/local/lib/libjemalloc.so.2\n`;
    assert.deepEqual(planAllocator('auto', probe({ maps, files: [debianPath] })), { action: 'loaded', library: '/usr/local/lib/libjemalloc.so.2' });
  });

  test('absent: a loud warning that says how to install it, no restart', () => {
    const plan = planAllocator('auto', probe());
    assert.equal(plan.action, 'warn');
    assert.match(plan.action === 'warn' ? plan.message : '', /jemalloc NOT found.*apt-get install libjemalloc2.*apk add jemalloc.*JEMALLOC=off/);
  });

  test('the restart did not load it: a warning, never a second restart', () => {
    const plan = planAllocator('auto', probe({ files: [debianPath], env: { [REEXEC_MARKER]: '1', LD_PRELOAD: debianPath } }));
    assert.equal(plan.action, 'warn');
    assert.match(plan.action === 'warn' ? plan.message : '', /did not load/);
  });

  test('JEMALLOC=off leaves everything alone; a named path is used or reported missing', () => {
    assert.deepEqual(planAllocator('off', probe({ files: [debianPath] })), { action: 'none', note: undefined });
    const named = planAllocator('/opt/jemalloc/lib/libjemalloc.so.2', probe({ files: ['/opt/jemalloc/lib/libjemalloc.so.2', debianPath] }));
    assert.equal(named.action === 'reexec' && named.library, '/opt/jemalloc/lib/libjemalloc.so.2');
    assert.equal(planAllocator('/nope/libjemalloc.so.2', probe({ files: [debianPath] })).action, 'warn');
  });

  test('not Linux: left alone, with a note', () => {
    assert.equal(planAllocator('auto', probe({ platform: 'darwin', maps: undefined })).action, 'none');
  });
});

/** Pids of the process and its direct children (the restarted service on Node without execve). */
function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return [pid, ...(children === '' ? [] : children.split(/\s+/).map(Number))];
  } catch {
    return [pid];
  }
}

function mapsOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return '';
  }
}

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly lines: string[];
}

/** Every service process this file started, to end them if a test fails half-way. */
const spawned: ChildProcess[] = [];

/** Runs `npm start`'s command on a free port; resolves once it logs `listening`. */
async function startMain(env: Record<string, string>, cacheDir: string): Promise<Started> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/src/main.js')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', CACHE_DIR: cacheDir, WORKERS: '1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.push(child);
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening' within 20 s:\n${lines.join('\n')}`)), 20_000);
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && entry.port !== undefined) {
          clearTimeout(timer);
          resolve(entry.port);
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}:\n${lines.join('\n')}`));
    });
  });
  return { child, port, lines };
}

/** /health answers 200 once the worker pool is ready, which comes a moment after `listening`. */
async function healthStatus(port: number): Promise<number> {
  let status = 0;
  for (let i = 0; i < 150 && status !== 200; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await fetch(`http://127.0.0.1:${port}/health`)).status;
  }
  return status;
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.on('exit', (code) => resolve(code)));
  const timer = setTimeout(() => started.child.kill('SIGKILL'), 15_000);
  started.child.kill('SIGTERM');
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** Waits for the service's `message` log line (it follows `listening`). */
async function logLine(started: Started, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const line = started.lines.find((each) => pattern.test(each));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no log line ${pattern}:\n${started.lines.join('\n')}`);
}

describe('npm start', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  let dir: string;
  let library: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixproxy-alloc-'));
    // The real jemalloc when the machine has it; otherwise any small shared library stands in: what
    // is tested is that the named library ends up preloaded in the serving process.
    const real = JEMALLOC_PATHS.find((path) => existsSync(path));
    if (real !== undefined) {
      library = real;
    } else {
      const standIn = ['/usr/lib/x86_64-linux-gnu/libz.so.1', '/lib/x86_64-linux-gnu/libz.so.1', '/usr/lib/aarch64-linux-gnu/libz.so.1', '/lib/libz.so.1'].find((path) => existsSync(path));
      assert.ok(standIn, 'some shared library to preload');
      library = join(dir, 'libjemalloc-standin.so');
      copyFileSync(standIn, library);
    }
  });
  after(async () => {
    for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('restarts itself with the library preloaded, serves, and stops cleanly on SIGTERM', async () => {
    const started = await startMain({ JEMALLOC: library }, join(dir, 'cache-a'));
    const tree = processTree(started.child.pid ?? 0);
    const serving = tree.filter((pid) => mapsOf(pid).includes(library));
    assert.ok(serving.length > 0, `${library} mapped in one of ${tree.join(', ')}`);
    await logLine(started, /"msg":"allocator: jemalloc"/);
    assert.equal(await healthStatus(started.port), 200);
    assert.equal(await stop(started), 0, started.lines.join('\n'));
    for (const pid of tree) assert.equal(existsSync(`/proc/${pid}/maps`), false, `process ${pid} ended too`);
  });

  test('the restarted service stops when its supervisor is killed (Node without execve)', async (t) => {
    const started = await startMain({ JEMALLOC: library }, join(dir, 'cache-d'));
    const [, ...children] = processTree(started.child.pid ?? 0);
    if (children.length === 0) {
      t.skip('replaced in place by process.execve: no supervisor');
      await stop(started);
      return;
    }
    assert.equal(await healthStatus(started.port), 200);
    started.child.kill('SIGKILL');
    for (let i = 0; i < 150 && children.some((pid) => existsSync(`/proc/${pid}/maps`)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const pid of children) assert.equal(existsSync(`/proc/${pid}/maps`), false, `service ${pid} stopped`);
  });

  test('a missing library: it warns loudly and serves on the system allocator', async () => {
    const started = await startMain({ JEMALLOC: join(dir, 'missing/libjemalloc.so.2') }, join(dir, 'cache-b'));
    assert.match(await logLine(started, /jemalloc NOT loaded/), /"level":40/);
    assert.deepEqual(processTree(started.child.pid ?? 0), [started.child.pid], 'no restart');
    assert.equal(await healthStatus(started.port), 200);
    assert.equal(await stop(started), 0);
  });

  test('JEMALLOC=off: no restart, no allocator log', async () => {
    const started = await startMain({ JEMALLOC: 'off' }, join(dir, 'cache-c'));
    assert.deepEqual(processTree(started.child.pid ?? 0), [started.child.pid]);
    assert.equal(await stop(started), 0);
    assert.ok(!started.lines.some((line) => line.includes('jemalloc')));
  });
});
