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
 * Options: --scenarios hit,miss,...  --seconds 8  --connections 64  --workers <n>  --ld-preload <lib>
 *          --out bench/results
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
import { sharpThroughput, type Transform } from './lib/sharp-baseline.js';
import { zipfSampler } from './lib/zipf.js';

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'hit,hotset,miss,mixed,hits+misses,large' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '64' },
    workers: { type: 'string', default: String(availableParallelism()) },
    'ld-preload': { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    fixtures: { type: 'string', default: process.env.PIXPROXY_FIXTURES ?? resolve('../shared/fixtures/weserv') },
  },
});

const seconds = Number(args.seconds);
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

function randomMiss(origin: BenchOrigin): string {
  const name = orientationFixtures[Math.floor(Math.random() * orientationFixtures.length)] ?? 'Landscape_1.jpg';
  const w = 50 + Math.floor(Math.random() * 550);
  const h = 50 + Math.floor(Math.random() * 550);
  return `/?url=${src(origin, name)}&w=${w}&h=${h}&fit=cover`;
}

/** Requests every path once (a miss, so afterwards a hit) and records the responses. */
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
async function fixedBaseline(responses: ReadonlyMap<string, Recorded>, next: () => string): Promise<number> {
  const dir = writeRecorded(responses);
  const fixed = await startFixedServer(dir);
  try {
    const result = await load({ base: `http://127.0.0.1:${fixed.port}`, connections, seconds, next });
    return result.rps;
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
  origin: BenchOrigin,
  mix: (hot: () => string) => () => string,
): Promise<{ result: LoadResult; meanBytes: number; baseline: number; peakRssBytes: number }> {
  const paths = hotSet(origin);
  const pick = zipfSampler(paths.length);
  let responses = new Map<string, Recorded>();
  const next = mix(() => paths[pick()] ?? '/');
  const run = await withPixproxy({}, async (_child, base) => {
    await warm(base, paths);
    // Recorded as hits (the warm-up's answers were misses).
    responses = await warm(base, paths);
    return { result: await load({ base, connections, seconds, next }) };
  });
  const meanBytes = weightedMeanBytes(paths, responses, pick);
  return { result: run.result, meanBytes, baseline: await fixedBaseline(responses, next), peakRssBytes: run.peakRssBytes };
}

const scenarios: Record<string, (origin: BenchOrigin) => Promise<ScenarioReport>> = {
  async hit(origin) {
    const path = `/?url=${src(origin, photo)}&w=300`;
    let responses = new Map<string, Recorded>();
    const run = await withPixproxy({}, async (_child, base) => {
      await warm(base, [path]);
      responses = await warm(base, [path]);
      return { result: await load({ base, connections, seconds, next: () => path }) };
    });
    const baseline = await fixedBaseline(responses, () => path);
    return {
      name: 'hit',
      pixproxy: run.result,
      baseline: { what: `the same ${responses.get(path)?.body.byteLength ?? 0}-byte response, fixed, on uWS`, rps: baseline },
      ratio: run.result.rps / baseline,
      target: '>= 0.70',
      peakRssBytes: run.peakRssBytes,
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
    };
  },

  async miss(origin) {
    const path = `/?url=${src(origin, photo)}&w=300`;
    const run = await withPixproxy({ CACHE_ENABLED: 'false' }, async (_child, base) => ({
      result: await load({ base, connections: Math.max(4, workers * 4), seconds, next: () => path }),
    }));
    const input = await readFile(join(fixtures, photo));
    const transform: Transform = (image) =>
      image.rotate().resize(300, 245, { fit: 'fill' }).jpeg({ quality: 80, optimiseCoding: true, chromaSubsampling: '4:2:0' });
    const baseline = await sharpThroughput([{ input, transform }], workers, seconds);
    return {
      name: 'miss',
      pixproxy: run.result,
      baseline: { what: `raw sharp, ${workers} parallel pipelines, 1 thread each`, rps: baseline },
      ratio: run.result.rps / baseline,
      target: '>= 0.90',
      peakRssBytes: run.peakRssBytes,
    };
  },

  async mixed(origin) {
    const run = await hotSetLoad(origin, (hot) => () => (Math.random() < 0.1 ? randomMiss(origin) : hot()));
    // An absolute target (req/s): the fixed-buffer rate is reported, but no ratio is charted.
    return {
      name: 'mixed',
      pixproxy: run.result,
      target: '>= 2000 req/s',
      peakRssBytes: run.peakRssBytes,
      extra: { fixedBufferRps: run.baseline },
    };
  },

  async 'hits+misses'(origin) {
    const paths = hotSet(origin);
    const pick = zipfSampler(paths.length);
    const run = await withPixproxy({}, async (_child, base) => {
      await warm(base, paths);
      const [hits, misses] = await Promise.all([
        load({ base, connections, seconds, next: () => paths[pick()] ?? '/' }),
        load({ base, connections: Math.max(2, workers * 2), seconds, next: () => randomMiss(origin) }),
      ]);
      return { result: hits, misses };
    });
    return {
      name: 'hits+misses',
      pixproxy: run.result,
      target: 'hit p99 < 10 ms',
      peakRssBytes: run.peakRssBytes,
      extra: { missRps: run.misses.rps, missP99: run.misses.p99 },
    };
  },

  async large(origin) {
    const inputs = ['50020484-00001.png', 'PalaisDuLouvre.tif', 'G31D.TIF', 'alpha-layer-0-background.png'];
    const paths = inputs.map((name) => `/?url=${src(origin, name)}&w=300`);
    let i = 0;
    const run = await withPixproxy({ CACHE_ENABLED: 'false' }, async (_child, base) => ({
      result: await load({ base, connections: Math.max(4, workers * 4), seconds, next: () => paths[i++ % paths.length] ?? '/' }),
    }));
    const jobs = await Promise.all(
      inputs.map(async (name) => ({
        input: await readFile(join(fixtures, name)),
        transform: ((image) => image.rotate().resize(300).toFormat(name.endsWith('.png') ? 'png' : 'tiff')) as Transform,
      })),
    );
    const baseline = await sharpThroughput(jobs, workers, seconds);
    return {
      name: 'large',
      pixproxy: run.result,
      baseline: { what: `raw sharp, ${workers} parallel pipelines, 1 thread each`, rps: baseline },
      ratio: run.result.rps / baseline,
      target: '>= 0.90',
      peakRssBytes: run.peakRssBytes,
    };
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
  if (report.extra) parts.push(...Object.entries(report.extra).map(([k, v]) => `${k} ${v.toFixed(1)}`));
  if (report.target) parts.push(`target ${report.target}`);
  if (r.non2xx || r.errors) parts.push(`non-2xx ${r.non2xx}, errors ${r.errors}`);
  return parts.join(' | ');
}

async function main(): Promise<void> {
  const names = (args.scenarios ?? '').split(',').filter(Boolean);
  for (const name of names) if (!scenarios[name]) throw new Error(`unknown scenario ${name}`);
  const originChild = await startOriginProcess(fixtures);
  const origin: BenchOrigin = { base: `http://127.0.0.1:${originChild.port}`, close: () => originChild.stop() };
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
