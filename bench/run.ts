/**
 * `npm run bench`: load tests of pixproxy on loopback, each scenario reported as a ratio to a
 * baseline measured in the same run (this machine is noisy; absolute numbers drift, ratios less so).
 *
 *   hit          one URL, always a hit         vs a uWebSockets.js server replaying the same response
 *   hotset       2000 URLs, Zipf, warmed        vs that server replaying the 2000 responses
 *   miss         CACHE_ENABLED=false, 6 MP JPEG to w=300   vs raw sharp, same transform and threads
 *   mixed        90 % hot-set hits, 10 % misses (600x400 fixtures, random sizes); target 2000 req/s
 *   hits+misses  hits at 64 connections while misses run beside them: hit p99 latency
 *   large        misses of large inputs (PNG 2809x2074, pyramid TIFF, 1-bit TIFF, RGBA PNG) vs raw sharp
 *
 * Every measured load (and every raw sharp baseline) follows an unmeasured warm-up of the same work:
 * a server runs for days, so its code is optimised and libvips' caches are warm.
 *
 * Options: --scenarios hit,miss,...  --seconds 8  --warmup 2  --connections 64  --workers <n>
 *          --ld-preload <lib>  --out bench/results
 * Writes <out>/bench-<time>.json, <out>/latest.json and <out>/latest.svg.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { ratioChart, type Bar } from './lib/chart.js';
import { load, type LoadResult } from './lib/load.js';
import type { BenchOrigin } from './lib/origin.js';
import { startFixedServer, startOriginProcess, startPixproxy, type Child } from './lib/processes.js';
import { record, writeRecorded, type Recorded } from './lib/recorded.js';
import { sharpThroughput, type SharpThroughput, type Transform } from './lib/sharp-baseline.js';
import { zipfSampler } from './lib/zipf.js';

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'hit,hotset,miss,mixed,hits+misses,large' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    workers: { type: 'string', default: String(availableParallelism()) },
    'ld-preload': { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    fixtures: { type: 'string', default: process.env.PIXPROXY_FIXTURES ?? resolve('../shared/fixtures/weserv') },
  },
});

const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const connections = Number(args.connections);
const workers = Number(args.workers);
const fixtures = args.fixtures;
const ldPreload = args['ld-preload'];

interface ScenarioReport {
  readonly name: string;
  readonly pixproxy: LoadResult;
  readonly baseline?: { readonly what: string; readonly rps: number };
  readonly ratio?: number;
  readonly target?: string;
  readonly peakRssBytes: number;
  readonly extra?: Record<string, number>;
}

const MB = 1024 * 1024;
const photo = '2569067123_aca715a2ee_o.jpg';
const orientationFixtures = Array.from({ length: 8 }, (_, i) => [`Landscape_${i + 1}.jpg`, `Portrait_${i + 1}.jpg`]).flat();

function src(origin: BenchOrigin, name: string): string {
  return encodeURIComponent(`${origin.base}/${name}`);
}

/** The hot set: 2000 distinct variants of the 16 orientation fixtures. */
function hotSet(origin: BenchOrigin): string[] {
  const paths: string[] = [];
  for (let w = 100; paths.length < 2000; w += 2) {
    for (const name of orientationFixtures) paths.push(`/?url=${src(origin, name)}&w=${w}`);
  }
  return paths.slice(0, 2000);
}

interface SmallMiss {
  readonly name: string;
  readonly w: number;
  readonly h: number;
}

/** A 600x400 orientation fixture to a random size, cropped to fill it. */
function randomSmallMiss(): SmallMiss {
  const name = orientationFixtures[Math.floor(Math.random() * orientationFixtures.length)] ?? 'Landscape_1.jpg';
  return { name, w: 50 + Math.floor(Math.random() * 550), h: 50 + Math.floor(Math.random() * 550) };
}

function randomMiss(origin: BenchOrigin): string {
  const { name, w, h } = randomSmallMiss();
  return `/?url=${src(origin, name)}&w=${w}&h=${h}&fit=cover`;
}

/**
 * What raw sharp alone does with the mixed scenario's misses (same inputs, sizes and encoder
 * settings, same threads): 10 % misses can never go faster than ten times this.
 */
async function rawSmallMissRate(): Promise<SharpThroughput> {
  const inputs = new Map(await Promise.all(orientationFixtures.map(async (name) => [name, await readFile(join(fixtures, name))] as const)));
  const jobs = Array.from({ length: 400 }, () => {
    const { name, w, h } = randomSmallMiss();
    const transform: Transform = (image) =>
      image.rotate().resize(w, h, { fit: 'cover' }).jpeg({ quality: 80, optimiseCoding: true, chromaSubsampling: '4:2:0' });
    return { input: inputs.get(name) ?? Buffer.alloc(0), transform };
  });
  return sharpThroughput(jobs, workers, seconds, warmupSeconds);
}

/** Requests every path once and records the responses. */
async function warm(base: string, paths: readonly string[], parallel = 8): Promise<Map<string, Recorded>> {
  const responses = new Map<string, Recorded>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < paths.length) {
        const path = paths[next++] ?? '/';
        responses.set(path, await record(base, path));
      }
    }),
  );
  return responses;
}

/** Fills the cache with every path, then records the answers as hits (the first ones were misses). */
async function warmAndRecordHits(base: string, paths: readonly string[]): Promise<Map<string, Recorded>> {
  await warm(base, paths);
  return warm(base, paths);
}

/** The bench origin, which runs in its own process: its CPU time is read from /proc. */
type RunOrigin = BenchOrigin & { cpuSeconds(): Promise<number> };

/** CPU milliseconds per request in each process on the 2 cores: the server, the origin, the client. */
interface CpuPerRequest {
  readonly pixproxyCpuMs: number;
  readonly originCpuMs: number;
  readonly clientCpuMs: number;
}

/**
 * Runs `work` for the warm-up, unmeasured, then for the measured seconds, reading the CPU time each
 * process used meanwhile (the client is this process: autocannon runs here).
 */
async function measured<T extends { readonly requests: number }>(
  child: Child,
  origin: RunOrigin,
  work: (seconds: number) => Promise<T>,
): Promise<{ result: T; cpu: CpuPerRequest }> {
  if (warmupSeconds > 0) await work(warmupSeconds);
  const [server0, origin0] = await Promise.all([child.cpuSeconds(), origin.cpuSeconds()]);
  const client0 = process.cpuUsage();
  const result = await work(seconds);
  const [server1, origin1] = await Promise.all([child.cpuSeconds(), origin.cpuSeconds()]);
  const client = process.cpuUsage(client0);
  const per = (cpuSeconds: number): number => (cpuSeconds * 1000) / Math.max(result.requests, 1);
  return {
    result,
    cpu: { pixproxyCpuMs: per(server1 - server0), originCpuMs: per(origin1 - origin0), clientCpuMs: per((client.user + client.system) / 1e6) },
  };
}

async function withPixproxy<T>(env: Record<string, string>, run: (child: Child, base: string) => Promise<T>): Promise<T & { peakRssBytes: number }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'pixproxy-bench-'));
  const child = await startPixproxy({ CACHE_DIR: cacheDir, WORKERS: String(workers), ...env }, ldPreload);
  try {
    const result = await run(child, `http://127.0.0.1:${child.port}`);
    return { ...result, peakRssBytes: await child.peakRss() };
  } finally {
    await child.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * The fixed-response server under the same client work: the same request paths (the client builds
 * and sends each one), each answered with the bytes and headers pixproxy answered it with as a hit.
 */
async function fixedBaseline(responses: ReadonlyMap<string, Recorded>, next: () => string): Promise<LoadResult> {
  const dir = writeRecorded(responses);
  const fixed = await startFixedServer(dir);
  try {
    return await load({ base: `http://127.0.0.1:${fixed.port}`, connections, seconds, next });
  } finally {
    await fixed.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mean body bytes of the responses, each weighted by how often `pick` chooses it. */
function weightedMeanBytes(paths: readonly string[], responses: ReadonlyMap<string, Recorded>, pick: () => number): number {
  let total = 0;
  const draws = 10_000;
  for (let i = 0; i < draws; i++) total += responses.get(paths[pick()] ?? '')?.body.byteLength ?? 0;
  return total / draws;
}

/**
 * Load on the warmed hot set, with `mix` choosing each request's path from the hot-set picker, and
 * the fixed-buffer baseline for a body of the hot set's typical size.
 */
async function hotSetLoad(
  origin: RunOrigin,
  mix: (hot: () => string) => () => string,
): Promise<{ result: LoadResult; cpu: CpuPerRequest; meanBytes: number; baseline: number; peakRssBytes: number }> {
  const paths = hotSet(origin);
  const pick = zipfSampler(paths.length);
  let responses = new Map<string, Recorded>();
  const next = mix(() => paths[pick()] ?? '/');
  const run = await withPixproxy({}, async (child, base) => {
    responses = await warmAndRecordHits(base, paths);
    return measured(child, origin, (s) => load({ base, connections, seconds: s, next }));
  });
  const meanBytes = weightedMeanBytes(paths, responses, pick);
  const baseline = await fixedBaseline(responses, next);
  return { result: run.result, cpu: run.cpu, meanBytes, baseline: baseline.rps, peakRssBytes: run.peakRssBytes };
}

/** A miss scenario's report: pixproxy against raw sharp doing the same images with the same threads. */
function againstRawSharp(
  name: string,
  run: { result: LoadResult; cpu: CpuPerRequest; peakRssBytes: number },
  baseline: SharpThroughput,
): ScenarioReport {
  return {
    name,
    pixproxy: run.result,
    baseline: { what: `raw sharp, ${workers} parallel pipelines, 1 thread each`, rps: baseline.rps },
    ratio: run.result.rps / baseline.rps,
    target: '>= 0.90',
    peakRssBytes: run.peakRssBytes,
    extra: { ...run.cpu, rawSharpCpuMs: baseline.cpuMs },
  };
}

const scenarios: Record<string, (origin: RunOrigin) => Promise<ScenarioReport>> = {
  async hit(origin) {
    const path = `/?url=${src(origin, photo)}&w=300`;
    let responses = new Map<string, Recorded>();
    const run = await withPixproxy({}, async (child, base) => {
      responses = await warmAndRecordHits(base, [path]);
      return measured(child, origin, (s) => load({ base, connections, seconds: s, next: () => path }));
    });
    const baseline = (await fixedBaseline(responses, () => path)).rps;
    return {
      name: 'hit',
      pixproxy: run.result,
      baseline: { what: `the same ${responses.get(path)?.body.byteLength ?? 0}-byte response, fixed, on uWS`, rps: baseline },
      ratio: run.result.rps / baseline,
      target: '>= 0.70',
      peakRssBytes: run.peakRssBytes,
      extra: { ...run.cpu },
    };
  },

  async hotset(origin) {
    const run = await hotSetLoad(origin, (hot) => hot);
    return {
      name: 'hotset',
      pixproxy: run.result,
      baseline: { what: `the same 2000 responses (mean ${run.meanBytes.toFixed(0)} bytes), fixed, on uWS`, rps: run.baseline },
      ratio: run.result.rps / run.baseline,
      target: '>= 0.70',
      peakRssBytes: run.peakRssBytes,
      extra: { ...run.cpu },
    };
  },

  async miss(origin) {
    const path = `/?url=${src(origin, photo)}&w=300`;
    const run = await withPixproxy({ CACHE_ENABLED: 'false' }, async (child, base) =>
      measured(child, origin, (s) => load({ base, connections: Math.max(4, workers * 4), seconds: s, next: () => path })),
    );
    const input = await readFile(join(fixtures, photo));
    const transform: Transform = (image) =>
      image.rotate().resize(300, 245, { fit: 'fill' }).jpeg({ quality: 80, optimiseCoding: true, chromaSubsampling: '4:2:0' });
    const baseline = await sharpThroughput([{ input, transform }], workers, seconds, warmupSeconds);
    return againstRawSharp('miss', run, baseline);
  },

  async mixed(origin) {
    const run = await hotSetLoad(origin, (hot) => () => (Math.random() < 0.1 ? randomMiss(origin) : hot()));
    const rawMisses = (await rawSmallMissRate()).rps;
    // An absolute target (req/s), so no ratio is charted. Reported beside it: the fixed-response
    // rate, and the ceiling raw sharp puts on a 90/10 mix on this machine (ten times its miss rate).
    return {
      name: 'mixed',
      pixproxy: run.result,
      target: '>= 2000 req/s',
      peakRssBytes: run.peakRssBytes,
      extra: { fixedResponseRps: run.baseline, rawSharpMissRps: rawMisses, mixCeilingRps: rawMisses * 10, ...run.cpu },
    };
  },

  async 'hits+misses'(origin) {
    const paths = hotSet(origin);
    const pick = zipfSampler(paths.length);
    const next = (): string => paths[pick()] ?? '/';
    let responses = new Map<string, Recorded>();
    const run = await withPixproxy({}, async (child, base) => {
      responses = await warmAndRecordHits(base, paths);
      const both = await measured(child, origin, async (s) => {
        const [hits, misses] = await Promise.all([
          load({ base, connections, seconds: s, next }),
          load({ base, connections: Math.max(2, workers * 2), seconds: s, next: () => randomMiss(origin) }),
        ]);
        return { hits, misses, requests: hits.requests + misses.requests };
      });
      return { result: both.result.hits, misses: both.result.misses };
    });
    // The same client at the same concurrency against the fixed responses, with no misses at all:
    // the latency floor the load generator itself sets on this machine.
    const fixed = await fixedBaseline(responses, next);
    return {
      name: 'hits+misses',
      pixproxy: run.result,
      target: 'hit p99 < 10 ms',
      peakRssBytes: run.peakRssBytes,
      extra: { missRps: run.misses.rps, missP99: run.misses.p99, fixedAloneP50: fixed.p50, fixedAloneP99: fixed.p99, fixedAloneRps: fixed.rps },
    };
  },

  async large(origin) {
    const inputs = ['50020484-00001.png', 'PalaisDuLouvre.tif', 'G31D.TIF', 'alpha-layer-0-background.png'];
    const paths = inputs.map((name) => `/?url=${src(origin, name)}&w=300`);
    let i = 0;
    const run = await withPixproxy({ CACHE_ENABLED: 'false' }, async (child, base) =>
      measured(child, origin, (s) => load({ base, connections: Math.max(4, workers * 4), seconds: s, next: () => paths[i++ % paths.length] ?? '/' })),
    );
    const jobs = await Promise.all(
      inputs.map(async (name) => ({
        input: await readFile(join(fixtures, name)),
        transform: ((image) => image.rotate().resize(300).toFormat(name.endsWith('.png') ? 'png' : 'tiff')) as Transform,
      })),
    );
    const baseline = await sharpThroughput(jobs, workers, seconds, warmupSeconds);
    return againstRawSharp('large', run, baseline);
  },
};

function line(report: ScenarioReport): string {
  const r = report.pixproxy;
  const parts = [
    report.name.padEnd(12),
    `${r.rps.toFixed(0).padStart(7)} req/s`,
    `p50 ${r.p50.toFixed(1)} ms`,
    `p99 ${r.p99.toFixed(1)} ms`,
    `peak RSS ${(report.peakRssBytes / MB).toFixed(0)} MiB`,
  ];
  if (report.baseline) parts.push(`baseline ${report.baseline.rps.toFixed(0)}/s (${report.baseline.what})`, `ratio ${report.ratio?.toFixed(2)}`);
  if (report.extra) parts.push(...Object.entries(report.extra).map(([k, v]) => `${k} ${v >= 100 ? v.toFixed(0) : v.toPrecision(3)}`));
  if (report.target) parts.push(`target ${report.target}`);
  if (r.non2xx || r.errors) parts.push(`non-2xx ${r.non2xx}, errors ${r.errors}`);
  return parts.join(' | ');
}

async function main(): Promise<void> {
  const names = (args.scenarios ?? '').split(',').filter(Boolean);
  for (const name of names) if (!scenarios[name]) throw new Error(`unknown scenario ${name}`);
  const originChild = await startOriginProcess(fixtures);
  const origin: RunOrigin = {
    base: `http://127.0.0.1:${originChild.port}`,
    close: () => originChild.stop(),
    cpuSeconds: () => originChild.cpuSeconds(),
  };
  const reports: ScenarioReport[] = [];
  try {
    for (const name of names) {
      const scenario = scenarios[name];
      if (!scenario) continue;
      const report = await scenario(origin);
      reports.push(report);
      process.stdout.write(`${line(report)}\n`);
    }
  } finally {
    await origin.close();
  }
  const out = resolve(args.out ?? 'bench/results');
  await mkdir(out, { recursive: true });
  const doc = {
    at: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    workers,
    seconds,
    connections,
    ldPreload: ldPreload ?? null,
    reports,
  };
  const json = `${JSON.stringify(doc, null, 2)}\n`;
  await writeFile(join(out, `bench-${doc.at.replace(/[:.]/g, '-')}.json`), json);
  await writeFile(join(out, 'latest.json'), json);
  const bars: Bar[] = reports.flatMap((report) =>
    report.ratio === undefined
      ? []
      : [{ label: report.name, ratio: report.ratio, ...(report.target?.startsWith('>= 0.') ? { target: Number(report.target.slice(3)) } : {}) }],
  );
  await writeFile(join(out, 'latest.svg'), ratioChart(`pixproxy vs baselines (${doc.at.slice(0, 16)}, ${doc.cores} cores)`, bars));
  process.stdout.write(`results: ${join(out, 'latest.json')}, chart: ${join(out, 'latest.svg')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
