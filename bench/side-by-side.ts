/**
 * `npm run bench`: pixproxy side by side with its limits and peers, in one run, on the workloads of
 * the outside measurement (issue 12): wrk with one thread, c=8 for misses and c=64 for hits,
 * interleaved rounds of 10 s, medians. Every miss names a distinct source path, so neither the
 * cache nor single flight can answer it.
 *
 *   workload        limit                                   peers
 *   miss 6 MP->300  raw sharp, same buffer, same transform  ipx (sharp behind node:http)
 *   miss small      raw sharp, same buffer, same transform  ipx
 *   hit             nginx serving the same bytes (static),  nginx with one worker, a bare uWS server
 *                   worker_processes auto (both cores)      sending the same response
 *   mixed 90/10     the ceiling those limits put on the mix  (ipx has no cache)
 *
 * pixproxy runs as `npm start` runs it (access log on), except RATE_LIMIT_MAX=0: the bench is one
 * client IP and the limiter would ban it. A second pixproxy column runs with LOG_LEVEL=warn, and a
 * third runs the same build on Bun (`bun run start`: Bun.serve in front, same routes and workers).
 * Each pixproxy's peak RSS (VmHWM, all its threads) is reported after the run; jemalloc is preloaded
 * when installed, so the measured pid is the service itself on both runtimes (no restart).
 * weserv (the C++ nginx module) cannot be built here: its source is not in a reachable registry.
 *
 * Budget: besides the server's CPU per request, the bench origin's and wrk's are measured, so a miss
 * row shows how much of the machine was left for libvips at all. Raw sharp has both cores to itself;
 * any server that fetches from an origin on the same box shares them with the origin and the client,
 * which caps its ratio below 1 whatever it does (`ceiling` in the budget line).
 *
 * Validity: wrk's own CPU is measured. A run where the client used >= 0.9 of a core (its one
 * thread) measured the client, not the server: it is marked invalid as a ratio and shown as what it
 * still proves, a lower bound (the server did at least that many).
 *
 * Options: --rounds 2 --seconds 10 --warmup 2 --workloads miss-large,miss-small,hit,mixed --nginx-workers auto --out bench/results
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nginxAvailable, startNginxStatic } from './lib/nginx.js';
import { startFixedServer, startIpx, startOriginProcess, startPixproxy, runtimeExecutable, type Child, type Runtime } from './lib/processes.js';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { JEMALLOC_PATHS } from '../src/allocator.js';
import { record, writeRecorded } from './lib/recorded.js';
import { sharpThroughput, type Transform } from './lib/sharp-baseline.js';
import { wrk, wrkAvailable, type WrkResult } from './lib/wrk.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    workloads: { type: 'string', default: 'miss-large,miss-small,hit,mixed' },
    'nginx-workers': { type: 'string', default: 'auto' },
    out: { type: 'string', default: 'bench/results' },
    fixtures: { type: 'string', default: process.env.PIXPROXY_FIXTURES ?? resolve('../shared/fixtures/weserv') },
  },
});
const rounds = Number(args.rounds);
const seconds = Number(args.seconds);
const warmup = Number(args.warmup);
const workers = availableParallelism();
const nginxWorkers = args['nginx-workers'] === 'auto' ? 'auto' : Number(args['nginx-workers']);
const fixtures = args.fixtures;

/** Client cores at or above which a one-thread wrk run measured the client. */
const CLIENT_SATURATED = 0.9;

interface Measurement extends WrkResult {
  /** CPU milliseconds per request in the server (all its threads and processes). */
  readonly serverCpuMs: number;
  /** CPU milliseconds per request in the bench origin (misses fetch from it). */
  readonly originCpuMs: number;
  /** CPU milliseconds per request in wrk. */
  readonly clientCpuMs: number;
}

interface Cell {
  readonly who: string;
  readonly runs: Measurement[];
}

interface Server {
  readonly base: string;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
  /** Peak resident memory so far, in bytes; pixproxy processes only. */
  peakRss?(): Promise<number>;
}

function fromChild(child: Child): Server {
  return { base: `http://127.0.0.1:${child.port}`, cpuSeconds: () => child.cpuSeconds(), stop: () => child.stop(), peakRss: () => child.peakRss() };
}

let counter = 1;
/** The bench origin's CPU so far; set once it runs. */
let originCpuSeconds: () => Promise<number> = () => Promise.resolve(0);

/** One measured wrk run after an unmeasured warm-up on fresh paths. */
async function measure(server: Server, connections: number, path: string, mix?: { every: number; path: string }): Promise<Measurement> {
  const distinct = path.includes('%d') || mix !== undefined;
  if (warmup > 0) {
    await wrk({ base: server.base, connections, seconds: warmup, path, from: counter, ...(mix ? { mix } : {}) });
    if (distinct) counter += 1_000_000;
  }
  const [cpu0, origin0] = await Promise.all([server.cpuSeconds(), originCpuSeconds()]);
  const result = await wrk({ base: server.base, connections, seconds, path, from: counter, ...(mix ? { mix } : {}) });
  if (distinct) counter += 1_000_000;
  const [cpu1, origin1] = await Promise.all([server.cpuSeconds(), originCpuSeconds()]);
  const perRequest = (cpuSeconds: number): number => (cpuSeconds * 1000) / Math.max(result.requests, 1);
  return {
    ...result,
    serverCpuMs: perRequest(cpu1 - cpu0),
    originCpuMs: perRequest(origin1 - origin0),
    // clientCores is wrk's CPU over the wall time: per request, that is cores / rate.
    clientCpuMs: (result.clientCores * 1000) / Math.max(result.rps, 1),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

interface Summary {
  readonly who: string;
  readonly rps: number;
  readonly p99Ms: number;
  readonly clientCores: number;
  readonly serverCpuMs: number;
  readonly originCpuMs: number;
  readonly clientCpuMs: number;
  readonly non2xx: number;
  readonly valid: boolean;
}

function summarise(cell: Cell): Summary {
  const clientCores = Math.max(...cell.runs.map((run) => run.clientCores));
  return {
    who: cell.who,
    rps: median(cell.runs.map((run) => run.rps)),
    p99Ms: median(cell.runs.map((run) => run.p99Ms)),
    clientCores,
    serverCpuMs: median(cell.runs.map((run) => run.serverCpuMs)),
    originCpuMs: median(cell.runs.map((run) => run.originCpuMs)),
    clientCpuMs: median(cell.runs.map((run) => run.clientCpuMs)),
    non2xx: cell.runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
    valid: clientCores < CLIENT_SATURATED,
  };
}

const PHOTO = '2569067123_aca715a2ee_o.jpg';
const SMALL = '320x240.jpg';

/** What pixproxy does with `w=300` of a JPEG (same settings, spec defaults), in raw sharp. */
const toW300: Transform = (image) => image.rotate().resize(300).jpeg({ quality: 80, optimiseCoding: true, chromaSubsampling: '4:2:0' });

interface WorkloadReport {
  readonly name: string;
  /** `cpuMs`: the limit's own CPU per request, where measured (raw sharp's per image). */
  readonly limit: { readonly what: string; readonly rps: number; readonly cpuMs?: number };
  readonly cells: Summary[];
}

async function main(): Promise<void> {
  if (!(await wrkAvailable())) throw new Error('wrk is not installed (Debian: apt-get install wrk); autocannon cannot outrun the server here');
  const names = (args.workloads ?? '').split(',').filter(Boolean);
  const originChild = await startOriginProcess(fixtures);
  const originHost = `127.0.0.1:${originChild.port}`;
  originCpuSeconds = () => originChild.cpuSeconds();
  const cacheDirs: string[] = [];
  const jemalloc = JEMALLOC_PATHS.find((path) => existsSync(path));
  const pixproxy = async (env: Record<string, string>, runtime: Runtime = 'node'): Promise<Server> => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'pixproxy-bench-'));
    cacheDirs.push(cacheDir);
    return fromChild(await startPixproxy({ CACHE_DIR: cacheDir, ...env }, jemalloc, runtime));
  };
  const servers = {
    pixproxy: await pixproxy({}),
    'pixproxy LOG_LEVEL=warn': await pixproxy({ LOG_LEVEL: 'warn' }),
    'pixproxy on Bun': await pixproxy({}, 'bun'),
    ipx: fromChild(await startIpx(originHost)),
  };
  const hitPath = `/?url=${encodeURIComponent(`${originHost}/${PHOTO}`)}&w=300`;
  const recorded = await record(servers.pixproxy.base, hitPath);
  await record(servers['pixproxy LOG_LEVEL=warn'].base, hitPath);
  await record(servers['pixproxy on Bun'].base, hitPath);
  const hitBody = (await record(servers.pixproxy.base, hitPath)).body;
  const recordedDir = writeRecorded(new Map([[hitPath, recorded]]));
  const bareUws = fromChild(await startFixedServer(recordedDir));
  const haveNginx = await nginxAvailable();
  const nginx = haveNginx ? await startNginxStatic(hitBody, 'image/jpeg', nginxWorkers) : undefined;
  const nginxServer: Server | undefined = nginx && { base: `http://127.0.0.1:${nginx.port}`, cpuSeconds: () => nginx.cpuSeconds(), stop: () => nginx.stop() };
  // The same nginx on one core: pixproxy serves hits from one thread, so this is the like-for-like.
  const nginxOne = haveNginx && nginxWorkers !== 1 ? await startNginxStatic(hitBody, 'image/jpeg', 1) : undefined;
  const nginxOneServer: Server | undefined = nginxOne && { base: `http://127.0.0.1:${nginxOne.port}`, cpuSeconds: () => nginxOne.cpuSeconds(), stop: () => nginxOne.stop() };

  const missPaths = (fixture: string): Record<string, string> => ({
    pixproxy: `/?url=${encodeURIComponent(`${originHost}/n/`)}%d${encodeURIComponent(`/${fixture}`)}&w=300`,
    ipx: `/w_300/http://${originHost}/n/%d/${fixture}`,
  });
  const workloads: Record<
    string,
    {
      connections: number;
      cells: Array<[string, Server, string]>;
      mix?: (who: string) => { every: number; path: string };
      limit: () => Promise<{ what: string; rps: number; cpuMs?: number }>;
    }
  > = {};
  for (const [name, fixture] of [['miss-large', PHOTO], ['miss-small', SMALL]] as const) {
    const paths = missPaths(fixture);
    workloads[name] = {
      connections: 8,
      cells: [
        ['pixproxy', servers.pixproxy, paths.pixproxy ?? ''],
        ['pixproxy LOG_LEVEL=warn', servers['pixproxy LOG_LEVEL=warn'], paths.pixproxy ?? ''],
        ['pixproxy on Bun', servers['pixproxy on Bun'], paths.pixproxy ?? ''],
        ['ipx', servers.ipx, paths.ipx ?? ''],
      ],
      limit: async () => {
        const input = await readFile(join(fixtures, fixture));
        const raw = await sharpThroughput([{ input, transform: toW300 }], workers, seconds, warmup);
        return { what: `raw sharp, same buffer, ${workers} pipelines`, rps: raw.rps, cpuMs: raw.cpuMs };
      },
    };
  }
  workloads.hit = {
    connections: 64,
    cells: [
      ['pixproxy', servers.pixproxy, hitPath],
      ['pixproxy LOG_LEVEL=warn', servers['pixproxy LOG_LEVEL=warn'], hitPath],
      ['pixproxy on Bun', servers['pixproxy on Bun'], hitPath],
      ['bare uWS, same response', bareUws, hitPath],
      ...(nginxOneServer ? ([['nginx, 1 worker', nginxOneServer, hitPath]] as Array<[string, Server, string]>) : []),
    ],
    limit: async () => {
      if (!nginxServer) return { what: 'nginx not installed', rps: NaN };
      const runs: Measurement[] = [];
      for (let round = 0; round < rounds; round++) runs.push(await measure(nginxServer, 64, hitPath));
      // A client-bound limit would understate nginx and flatter every ratio: its client is shown too.
      const client = Math.max(...runs.map((run) => run.clientCores));
      const bound = client >= CLIENT_SATURATED ? ', INVALID: client-bound' : '';
      return { what: `nginx static file, same bytes, worker_processes ${nginxWorkers}, client ${client.toFixed(2)} cores${bound}`, rps: median(runs.map((run) => run.rps)) };
    },
  };

  // 90 % hits (the warmed hit URL), 10 % misses of the small image on distinct sources. Its limit is
  // the ceiling the same run's limits put on such a mix: 1 / (0.9 / hit limit + 0.1 / miss limit).
  workloads.mixed = {
    connections: 16,
    cells: [
      ['pixproxy', servers.pixproxy, hitPath],
      ['pixproxy LOG_LEVEL=warn', servers['pixproxy LOG_LEVEL=warn'], hitPath],
    ],
    mix: () => ({ every: 10, path: missPaths(SMALL).pixproxy ?? '' }),
    limit: async () => {
      const hit = reports.find((report) => report.name === 'hit')?.limit.rps;
      const miss = reports.find((report) => report.name === 'miss-small')?.limit.rps;
      if (hit === undefined || miss === undefined) return { what: 'needs the hit and miss-small workloads first', rps: NaN };
      return { what: 'ceiling of 90 % nginx-static hits and 10 % raw-sharp small misses', rps: 1 / (0.9 / hit + 0.1 / miss) };
    },
  };

  const reports: WorkloadReport[] = [];
  const peakRss: Record<string, number> = {};
  try {
    for (const name of names) {
      const workload = workloads[name];
      if (!workload) throw new Error(`unknown workload ${name}`);
      const cells = new Map<string, Cell>(workload.cells.map(([who]) => [who, { who, runs: [] }]));
      const limitRuns: number[] = [];
      const limitCpu: number[] = [];
      let limitWhat = '';
      // Interleaved: every server once per round, the limit between rounds.
      for (let round = 0; round < rounds; round++) {
        for (const [who, server, path] of workload.cells) {
          const result = await measure(server, workload.connections, path, workload.mix?.(who));
          cells.get(who)?.runs.push(result);
          process.stdout.write(`  ${name} round ${round + 1} ${who}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(1)} ms, client ${result.clientCores.toFixed(2)} cores\n`);
        }
        if ((name !== 'hit' && name !== 'mixed') || round === 0) {
          const limit = await workload.limit();
          limitRuns.push(limit.rps);
          if (limit.cpuMs !== undefined) limitCpu.push(limit.cpuMs);
          limitWhat = limit.what;
        }
      }
      const report: WorkloadReport = { name, limit: { what: limitWhat, rps: median(limitRuns), ...(limitCpu.length ? { cpuMs: median(limitCpu) } : {}) }, cells: [...cells.values()].map(summarise) };
      reports.push(report);
      process.stdout.write(`${table([report])}\n`);
    }
    for (const [who, server] of Object.entries(servers)) {
      if (server.peakRss && who.startsWith('pixproxy')) peakRss[who] = await server.peakRss();
    }
  } finally {
    await Promise.all([...Object.values(servers), bareUws, ...(nginxServer ? [nginxServer] : []), ...(nginxOneServer ? [nginxOneServer] : [])].map((server) => server.stop()));
    await originChild.stop();
    rmSync(recordedDir, { recursive: true, force: true });
    for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
  }

  const bunVersion = execFileSync(runtimeExecutable('bun'), ['--version']).toString().trim();
  const doc = { at: new Date().toISOString(), node: process.version, bun: bunVersion, cores: workers, rounds, seconds, reports, peakRssBytes: peakRss };
  const out = resolve(args.out ?? 'bench/results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'side-by-side.json'), `${JSON.stringify(doc, null, 2)}\n`);
  const rss = Object.entries(peakRss).map(([who, bytes]) => `${who} ${(bytes / 2 ** 20).toFixed(0)} MiB`).join(', ');
  process.stdout.write(`\n${table(reports)}\n\n${budgets(reports)}\npeak RSS after the run: ${rss}\n${runtimes(reports, peakRss)}\nresults: ${join(out, 'side-by-side.json')}\n`);
}

/** CPU per request: hits cost microseconds, misses milliseconds. */
function cpuPerRequest(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

/** The README's table: each cell req/s and its ratio to the workload's limit, or why it is invalid. */
export function table(reports: readonly WorkloadReport[]): string {
  const columns = [...new Set(reports.flatMap((report) => report.cells.map((cell) => cell.who)))];
  const head = `| workload | limit | ${columns.join(' | ')} |\n|---|---|${columns.map(() => '---').join('|')}|`;
  const rows = reports.map((report) => {
    const cells = columns.map((who) => {
      const cell = report.cells.find((c) => c.who === who);
      if (!cell) return '–';
      // A client-bound run still proves the server did at least that much: a lower bound, never a ratio.
      const atLeast = cell.valid ? '' : '≥ ';
      const ratio = Number.isFinite(report.limit.rps) ? ` (**${atLeast}${(cell.rps / report.limit.rps).toFixed(2)}**)` : '';
      const flags = [cell.valid ? '' : ` INVALID as a ratio, a lower bound: client at ${cell.clientCores.toFixed(2)} cores`, cell.non2xx ? ` ${cell.non2xx} errors` : ''].join('');
      return `${atLeast}${cell.rps.toFixed(0)}/s${ratio}, p99 ${cell.p99Ms.toFixed(1)} ms, client ${cell.clientCores.toFixed(2)} cores, server ${cpuPerRequest(cell.serverCpuMs)} CPU/req${flags}`;
    });
    return `| ${report.name} | ${report.limit.rps.toFixed(0)}/s (${report.limit.what}) | ${cells.join(' | ')} |`;
  });
  return [head, ...rows].join('\n');
}

/**
 * Where each miss workload's two cores went, per server: the server's cores, the bench origin's and
 * wrk's (rate × CPU per request), and the `ceiling` any server fetching from this origin through this
 * client could reach against raw sharp if its own work were exactly raw sharp's CPU per image: the
 * cores left after origin and client, divided by raw sharp's CPU per image, over raw sharp's rate.
 */
export function budgets(reports: readonly WorkloadReport[]): string {
  const lines = ['| workload | server | req/s | server cores (CPU/req) | origin cores | client cores | ceiling vs raw sharp |', '|---|---|---|---|---|---|---|'];
  for (const report of reports) {
    const rawCpu = report.limit.cpuMs;
    if (rawCpu === undefined) continue;
    for (const cell of report.cells) {
      const cores = (ms: number): number => (cell.rps * ms) / 1000;
      const left = workers - cores(cell.originCpuMs) - cores(cell.clientCpuMs);
      const ceiling = left / (rawCpu / 1000) / report.limit.rps;
      lines.push(
        `| ${report.name} | ${cell.who} | ${cell.rps.toFixed(0)} | ${cores(cell.serverCpuMs).toFixed(2)} (${cell.serverCpuMs.toFixed(1)} ms; raw sharp ${rawCpu.toFixed(1)} ms) | ${cores(cell.originCpuMs).toFixed(2)} | ${cores(cell.clientCpuMs).toFixed(2)} | ${ceiling.toFixed(2)} |`,
      );
    }
  }
  return lines.length > 2 ? lines.join('\n') : '';
}

/** The README's Node-versus-Bun table: the same build on each runtime, same run. */
export function runtimes(reports: readonly WorkloadReport[], peakRss: Readonly<Record<string, number>>): string {
  const rps = (report: WorkloadReport, who: string): number => report.cells.find((cell) => cell.who === who)?.rps ?? NaN;
  const rows = reports.map((report) => {
    const node = rps(report, 'pixproxy');
    const bun = rps(report, 'pixproxy on Bun');
    return `| ${report.name} | ${node.toFixed(0)}/s | ${bun.toFixed(0)}/s | ${(bun / node).toFixed(2)} |`;
  });
  const mib = (who: string): string => (peakRss[who] === undefined ? '–' : `${((peakRss[who] ?? 0) / 2 ** 20).toFixed(0)} MiB`);
  return [
    '| workload | Node | Bun | Bun / Node |',
    '|---|---|---|---|',
    ...rows,
    `| peak RSS after all workloads | ${mib('pixproxy')} | ${mib('pixproxy on Bun')} | |`,
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
