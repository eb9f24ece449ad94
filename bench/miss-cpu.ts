/**
 * Where a miss's CPU goes, process by process and thread by thread, against raw sharp's CPU per
 * image on the same buffer: the measurement that shows how much of the 2 cores is left for libvips
 * when pixproxy also fetches, serves and caches on the same box (issue 12, point 3).
 *
 * pixproxy runs as npm start runs it (jemalloc preloaded when installed, access log on; only
 * loopback origins allowed and no rate limit), beside the bench origin, loaded by wrk (1 thread,
 * c=8) with distinct source URLs. CPU comes from /proc (every thread of each process); per miss is
 * CPU / requests answered. JavaScript threads are told apart by a preload (lib/thread-roles.ts).
 *
 *   node dist/bench/miss-cpu.js --fixture 2569067123_aca715a2ee_o.jpg --seconds 10 [--env WORKERS=2 ...]
 *
 * The bound it prints: 2 cores / (CPU per miss of pixproxy + origin + wrk) is the most misses per
 * second this box can answer with that CPU; raw sharp's bound is 2 cores / its CPU per image.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { JEMALLOC_PATHS } from '../src/allocator.js';
import { cpuSecondsOf, freePort, startOriginProcess } from './lib/processes.js';
import { sharpThroughput } from './lib/sharp-baseline.js';
import { wrk } from './lib/wrk.js';

const { values: args } = parseArgs({
  options: {
    fixture: { type: 'string', default: '2569067123_aca715a2ee_o.jpg' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    env: { type: 'string', multiple: true, default: [] },
    fixtures: { type: 'string', default: process.env.PIXPROXY_FIXTURES ?? resolve('../shared/fixtures/weserv') },
  },
});
const seconds = Number(args.seconds);
const warmup = Number(args.warmup);
const cores = availableParallelism();

/** CPU ms of each thread of `pid` (Linux /proc), by thread id. */
function threadCpu(pid: number): Map<string, { ms: number; name: string }> {
  const threads = new Map<string, { ms: number; name: string }>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      threads.set(tid, { ms: (Number(fields[11]) + Number(fields[12])) * 10, name });
    } catch {
      // the thread ended meanwhile
    }
  }
  return threads;
}

/** The group a thread's CPU is reported under. */
function groupOf(tid: string, name: string, roles: ReadonlyMap<string, string>): string {
  const role = roles.get(tid);
  if (role === 'main') return 'main thread (HTTP, fetch, cache lookups, responses)';
  // Piscina's thread entry (node_modules/piscina/dist/worker.js) loads the image worker.
  if (role?.includes('piscina')) return 'image worker threads (pipeline JavaScript)';
  if (role?.includes('entry-writer') || role?.includes('index-thread')) return 'cache threads (entry writer, index)';
  if (name.startsWith('libvips')) return 'libvips threads';
  return 'libuv pool (sharp calls, fs) + V8 platform (GC)';
}

async function startService(env: Record<string, string>, rolesFile: string, cacheDir: string): Promise<{ pid: number; port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const jemalloc = JEMALLOC_PATHS.find((path) => existsSync(path));
  const child = spawn(process.execPath, ['--import', resolve('dist/bench/lib/thread-roles.js'), 'dist/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      CACHE_DIR: cacheDir,
      ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32',
      RATE_LIMIT_MAX: '0',
      PIXPROXY_THREAD_ROLES: rolesFile,
      // Preloaded here so the measured pid is the service itself (no restart with jemalloc).
      ...(jemalloc ? { LD_PRELOAD: jemalloc } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (let tries = 0; ; tries++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (tries > 600) throw new Error('pixproxy did not become ready within 60 s');
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    pid: child.pid ?? 0,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const env = Object.fromEntries(args.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const work = mkdtempSync(join(tmpdir(), 'pixproxy-miss-cpu-'));
  const rolesFile = join(work, 'roles');
  const origin = await startOriginProcess(args.fixtures);
  const service = await startService(env, rolesFile, join(work, 'cache'));
  try {
    const base = `http://127.0.0.1:${service.port}`;
    const path = (from: number): { path: string; from: number } => ({
      path: `/?url=${encodeURIComponent(`127.0.0.1:${origin.port}/n/`)}%d${encodeURIComponent(`/${args.fixture}`)}&w=300`,
      from,
    });
    const connections = Number(args.connections);
    await wrk({ base, connections, seconds: warmup, ...path(0) });
    const roles = new Map(
      readFileSync(rolesFile, 'utf8').trim().split('\n').map((line) => {
        const [tid = '', kind = '', script = ''] = line.split(' ');
        return [tid, kind === 'main' ? 'main' : script] as const;
      }),
    );
    const before = threadCpu(service.pid);
    const originBefore = await cpuSecondsOf(origin.pid);
    const run = await wrk({ base, connections, seconds, ...path(10_000_000) });
    const after = threadCpu(service.pid);
    const originMs = ((await cpuSecondsOf(origin.pid)) - originBefore) * 1000;
    const misses = run.requests;
    if (run.non2xx > 0 || run.errors > 0) console.warn(`warning: ${run.non2xx} non-2xx responses and ${run.errors} errors`);

    const groups = new Map<string, number>();
    for (const [tid, { ms, name }] of after) {
      const group = groupOf(tid, name, roles);
      groups.set(group, (groups.get(group) ?? 0) + ms - (before.get(tid)?.ms ?? 0));
    }
    const wall = misses / run.rps;
    const rows: Array<[string, number]> = [...groups].sort((a, b) => b[1] - a[1]).map(([group, ms]) => [`pixproxy: ${group}`, ms / misses]);
    const pixproxyMs = rows.reduce((sum, [, ms]) => sum + ms, 0);
    const wrkMs = (run.clientCores * wall * 1000) / misses;
    rows.push(['origin process (bench origin, node:http)', originMs / misses], ['wrk (client)', wrkMs]);
    const totalMs = pixproxyMs + originMs / misses + wrkMs;

    const input = await readFile(join(args.fixtures, args.fixture));
    const toW300 = (image: import('sharp').Sharp): import('sharp').Sharp =>
      image.rotate().resize(300).jpeg({ quality: 80, optimiseCoding: true, chromaSubsampling: '4:2:0' });
    const raw = await sharpThroughput([{ input, transform: toW300 }], cores, Math.min(seconds, 8), 1);

    const share = (ms: number): string => ((ms * run.rps) / 1000).toFixed(2);
    console.log(`\n${args.fixture} -> w=300, ${misses} misses in ${wall.toFixed(1)} s: ${run.rps.toFixed(1)}/s, p99 ${run.p99Ms.toFixed(0)} ms`);
    console.log(`\n| where | CPU ms per miss | cores at ${run.rps.toFixed(0)}/s |\n|---|---|---|`);
    for (const [what, ms] of rows) console.log(`| ${what} | ${ms.toFixed(2)} | ${share(ms)} |`);
    console.log(`| **pixproxy, all threads** | **${pixproxyMs.toFixed(2)}** | ${share(pixproxyMs)} |`);
    console.log(`| **everything on the box** | **${totalMs.toFixed(2)}** | ${share(totalMs)} of ${cores} |`);
    console.log(`| raw sharp, same buffer, ${cores} pipelines (all its threads) | ${raw.cpuMs.toFixed(2)} | ${raw.rps.toFixed(1)}/s |`);
    const bound = (cores * 1000) / totalMs;
    console.log(
      `\nAt this CPU per miss, ${cores} cores answer at most ${bound.toFixed(0)} misses/s = ${(raw.cpuMs / totalMs).toFixed(2)} x raw sharp's ` +
        `${((cores * 1000) / raw.cpuMs).toFixed(0)}/s bound (measured ${(run.rps / raw.rps).toFixed(2)} x). ` +
        `Work that is not the image's own (everything but the workers, libvips and the libuv pool): ` +
        `${(totalMs - (groups.get('libvips threads') ?? 0) / misses - (groups.get('image worker threads (pipeline JavaScript)') ?? 0) / misses - (groups.get('libuv pool (sharp calls, fs) + V8 platform (GC)') ?? 0) / misses).toFixed(2)} ms per miss.`,
    );
  } finally {
    await service.stop();
    await origin.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
