/**
 * `npm run bench:cache-index`: the disk cache's index at a large number of entries.
 *
 *   1. fills a cache directory with N variants (default 60 000) written through the cache layer
 *      (ImageCache.put, small bodies), under the keys real requests for them compute;
 *   2. restarts: starts the whole service in a new process on that directory and, from this process,
 *      requests random variants over HTTP until the index is read: time to the first HIT, hit
 *      latencies while indexing, and how many were HITs;
 *   3. the new process reports how long the index took, the event-loop delay while it was read and
 *      while serving the same requests after it was read (monitorEventLoopDelay, 1 ms resolution,
 *      from listening on), and its RSS after a GC;
 *   4. the baseline: the same service on a directory holding only the first 1000 variants, serving
 *      the same requests; RSS per entry = (RSS - baseline RSS) / (N - 1000).
 *
 * Requests go to the first 1000 variants (in both runs, so both serve the same work), in random
 * order: the index reader finds them in hash order, so nearly all are served before it has. Both
 * service processes run with CACHE_MEMORY_BYTES=0: the memory tier holds nothing, only the index
 * differs.
 *
 * Options: --entries 60000  --body 64 (bytes per entry)  --dir <reuse or keep a filled directory>
 *          --out bench/results (writes cache-index-<N>.json)
 * Internal: --role serve --dir <d> (the service process).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startApp } from '../src/app.js';
import { ImageCache } from '../src/cache/image-cache.js';
import type { CachedMeta } from '../src/cache/store.js';
import { configWith } from '../src/config.js';
import { RequestResolver } from '../src/http/resolve-request.js';
import { createLogger } from '../src/log.js';
import { sourceKey } from '../src/plan/key.js';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'driver' },
    entries: { type: 'string', default: '60000' },
    body: { type: 'string', default: '64' },
    dir: { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
  },
});

const MB = 1024 * 1024;

/**
 * The query of variant i: 1000 variants per source, so purging a source would find 1000. The
 * origin is a closed loopback port, refused by the address policy: a miss never leaves the box.
 */
function variantQuery(i: number): string {
  return `url=${encodeURIComponent(`http://127.0.0.1:9/photos/${Math.floor(i / 1000)}.jpg`)}&w=${(i % 1000) + 1}`;
}

const FILLED_MARK = 'bench-entries.json';

/** Writes N variants through ImageCache.put, 512 at a time. */
async function fill(dir: string, entries: number, bodyBytes: number, progress = true): Promise<number> {
  const started = performance.now();
  const cache = new ImageCache({ dir, maxBytes: 1e15, memoryBytes: 0, ttlMs: 1e12, log: createLogger('silent') });
  await cache.loaded;
  const resolver = new RequestResolver(undefined, 1);
  const createdAt = Date.now() - 3_600_000;
  for (let i = 0; i < entries; i += 1) {
    const resolved = resolver.resolve(variantQuery(i), '');
    if (resolved.kind !== 'request') throw new Error(`variant ${i}: ${resolved.kind}`);
    const data = Buffer.alloc(bodyBytes, i & 0xff);
    data.writeUInt32BE(i, 0); // distinct bodies: cacache shares identical content
    const meta: CachedMeta = { v: 1, contentType: 'image/jpeg', extension: 'jpg', width: 1, height: 1, canonicalUrl: resolved.delivery.url, upstreamBytes: bodyBytes, createdAt: createdAt + i, source: sourceKey(resolved.delivery.url) };
    cache.put(resolved.key, { meta, data });
    if (i % 512 === 511) {
      await cache.flush();
      if (progress && i % 10_240 === 10_239) process.stdout.write(`  filled ${i + 1}\n`);
    }
  }
  await cache.close();
  await writeFile(join(dir, FILLED_MARK), JSON.stringify({ entries, bodyBytes }));
  return performance.now() - started;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc');
  collect();
  collect();
}

type Histogram = ReturnType<typeof monitorEventLoopDelay>;
const round2 = (ms: number): number => Math.round(ms * 100) / 100;
function delays(histogram: Histogram): Record<string, number> {
  return { p50: round2(histogram.percentile(50) / 1e6), p99: round2(histogram.percentile(99) / 1e6), max: round2(histogram.max / 1e6) };
}

/** The service process: reports as JSON lines on stdout; "rss" on stdin measures, "exit" stops. */
async function serve(dir: string): Promise<void> {
  const config = configWith({ host: '127.0.0.1', port: 0, cacheDir: dir, workers: 1, cacheMemoryBytes: 0, logLevel: 'silent', rateLimitMax: 0 });
  const app = await startApp(config, createLogger('silent'));
  const whileIndexing = monitorEventLoopDelay({ resolution: 1 });
  whileIndexing.enable();
  const say = (value: object): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
  say({ port: app.port, listeningMs: performance.now() });
  await app.cache?.loaded;
  whileIndexing.disable();
  const afterIndexing = monitorEventLoopDelay({ resolution: 1 });
  afterIndexing.enable();
  say({ indexed: app.cache?.indexReport, indexedMs: performance.now(), loopDelayMs: delays(whileIndexing) });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'rss') {
      afterIndexing.disable();
      await new Promise((resolve) => setTimeout(resolve, 300));
      gc();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const usage = process.memoryUsage();
      const stats = app.cache?.stats();
      say({ loopDelayAfterMs: delays(afterIndexing), rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, diskEntries: stats?.diskEntries, indexBytes: stats?.indexBytes });
    } else if (line === 'exit') {
      await app.close();
      process.exit(0);
    }
  }
}

interface ServeChild {
  readonly lines: AsyncIterator<Record<string, unknown>>;
  send(line: string): void;
  readonly exited: Promise<void>;
}

function startServe(dir: string): ServeChild {
  const child = spawn(process.execPath, ['--expose-gc', 'dist/bench/cache-index.js', '--role', 'serve', '--dir', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  if (!child.stdout || !child.stdin) throw new Error('no pipes');
  const stdin = child.stdin;
  async function* parse(): AsyncGenerator<Record<string, unknown>> {
    if (!child.stdout) return;
    for await (const line of createInterface({ input: child.stdout })) {
      try {
        yield JSON.parse(line) as Record<string, unknown>;
      } catch {
        // not ours
      }
    }
  }
  return {
    lines: parse(),
    send: (line) => void stdin.write(`${line}\n`),
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
  };
}

async function next(child: ServeChild, field: string): Promise<Record<string, unknown>> {
  for (;;) {
    const { value, done } = await child.lines.next();
    if (done) throw new Error(`service exited before reporting ${field}`);
    if (field in value) return value;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** Variants the requests go to: present in both the measured and the baseline directory. */
const PROBED = 1000;

interface Probing {
  readonly requests: number;
  readonly hits: number;
  readonly firstHitAt: number | undefined;
  readonly latencies: number[];
}

/** Requests random probed variants, one at a time, until `stop` says so. */
async function probe(port: unknown, stop: (requests: number) => boolean): Promise<Probing> {
  const latencies: number[] = [];
  let hits = 0;
  let requests = 0;
  let firstHitAt: number | undefined;
  let seed = 7;
  while (!stop(requests)) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${String(port)}/?${variantQuery(seed % PROBED)}`);
    await response.arrayBuffer();
    requests += 1;
    if (response.headers.get('x-cache') === 'HIT') {
      hits += 1;
      latencies.push(performance.now() - started);
      firstHitAt ??= performance.now();
    }
    // Let the service's reports in when they land between two requests.
    await new Promise((resolve) => setImmediate(resolve));
  }
  latencies.sort((a, b) => a - b);
  return { requests, hits, firstHitAt, latencies };
}

function latencySummary(sorted: readonly number[]): Record<string, number> {
  return { p50: round2(percentile(sorted, 50)), p99: round2(percentile(sorted, 99)), max: round2(sorted.at(-1) ?? Number.NaN) };
}

async function measure(dir: string, entries: number, bodyBytes: number): Promise<Record<string, unknown>> {
  // The restart.
  const spawned = performance.now();
  const child = startServe(dir);
  const { port, listeningMs } = await next(child, 'port');
  const listening = performance.now();
  let indexedReport: Record<string, unknown> | undefined;
  const indexed = next(child, 'indexed').then((report) => {
    indexedReport = report;
  });
  const during = await probe(port, () => indexedReport !== undefined);
  await indexed;
  const indexedAt = performance.now();
  // The same requests once the index is read, as long again (at most 10 s): what serving costs then.
  const after = await probe(port, () => performance.now() - indexedAt > Math.min(10_000, indexedAt - listening));
  child.send('rss');
  const rss = await next(child, 'rss');
  child.send('exit');
  await child.exited;

  // Baseline: the probed variants alone, the same number of requests.
  const baseDir = mkdtempSync(join(tmpdir(), 'pixproxy-bench-base-'));
  let baseline: Record<string, unknown>;
  try {
    await fill(baseDir, PROBED, bodyBytes, false);
    const base = startServe(baseDir);
    const basePort = (await next(base, 'port')).port;
    await next(base, 'indexed');
    await probe(basePort, (requests) => requests >= during.requests + after.requests);
    base.send('rss');
    baseline = await next(base, 'rss');
    base.send('exit');
    await base.exited;
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }

  const indexReport = (indexedReport ?? {}) as { indexed?: { ms?: number; entries?: number }; indexedMs?: number; loopDelayMs?: Record<string, number> };
  const rssBytes = Number(rss.rss);
  const baselineRss = Number(baseline.rss);
  return {
    entries,
    indexedEntries: indexReport.indexed?.entries,
    rssPerEntryBytes: Math.round((rssBytes - baselineRss) / (entries - PROBED)),
    indexAllocatedPerEntryBytes: Math.round(Number(rss.indexBytes) / entries),
    rssMiB: +(rssBytes / MB).toFixed(1),
    baselineRssMiB: +(baselineRss / MB).toFixed(1),
    heapUsedMiB: +(Number(rss.heapUsed) / MB).toFixed(1),
    baselineHeapUsedMiB: +(Number(baseline.heapUsed) / MB).toFixed(1),
    arrayBuffersMiB: +(Number(rss.arrayBuffers) / MB).toFixed(1),
    spawnToListeningMs: Math.round(listening - spawned),
    processStartToListeningMs: Math.round(Number(listeningMs)),
    spawnToFirstHitMs: during.firstHitAt === undefined ? null : Math.round(during.firstHitAt - spawned),
    listeningToFirstHitMs: during.firstHitAt === undefined ? null : Math.round(during.firstHitAt - listening),
    indexingMs: indexReport.indexed?.ms,
    processStartToIndexedMs: Math.round(Number(indexReport.indexedMs)),
    whileIndexing: { requests: during.requests, hits: during.hits, hitLatencyMs: latencySummary(during.latencies), loopDelayMs: indexReport.loopDelayMs },
    afterIndexing: { requests: after.requests, hits: after.hits, hitLatencyMs: latencySummary(after.latencies), loopDelayMs: rss.loopDelayAfterMs },
  };
}

async function driver(): Promise<void> {
  const entries = Number(args.entries);
  const bodyBytes = Number(args.body);
  const dir = args.dir ?? mkdtempSync(join(tmpdir(), 'pixproxy-bench-index-'));
  try {
    let fillMs: number | undefined;
    const mark = join(dir, FILLED_MARK);
    const filled = existsSync(mark) ? (JSON.parse(await readFile(mark, 'utf8')) as { entries: number; bodyBytes: number }) : undefined;
    if (filled?.entries !== entries || filled.bodyBytes !== bodyBytes) {
      if (filled) throw new Error(`${dir} holds ${filled.entries} entries of ${filled.bodyBytes} bytes; use another --dir`);
      process.stdout.write(`filling ${dir} with ${entries} entries of ${bodyBytes} bytes\n`);
      fillMs = await fill(dir, entries, bodyBytes);
    }
    const result = { at: new Date().toISOString(), fillMs: fillMs === undefined ? null : Math.round(fillMs), ...(await measure(dir, entries, bodyBytes)) };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    await mkdir(args.out, { recursive: true });
    await writeFile(join(args.out, `cache-index-${entries}.json`), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (args.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

if (args.role === 'serve') {
  if (!args.dir) throw new Error('--dir is required');
  await serve(args.dir);
} else {
  await driver();
}
