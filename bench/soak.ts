/**
 * `npm run soak`: mixed load (90 % hot-set hits, 10 % misses of varied sizes and formats) for a long
 * time, sampling the server's resident memory, to show that RSS stops growing. Run it once with the
 * default allocator and once with jemalloc (`--ld-preload /usr/lib/x86_64-linux-gnu/libjemalloc.so.2`)
 * to compare: glibc's malloc is known to fragment under libvips' many-threaded allocations.
 *
 * Options: --minutes 10  --connections 16  --ld-preload <lib>  --out bench/results
 * Prints one line per sample and writes <out>/soak-<allocator>.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { load } from './lib/load.js';
import { startBenchOrigin } from './lib/origin.js';
import { startPixproxy } from './lib/processes.js';
import { zipfSampler } from './lib/zipf.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'ld-preload': { type: 'string' },
    out: { type: 'string', default: 'bench/results' },
    fixtures: { type: 'string', default: process.env.PIXPROXY_FIXTURES ?? resolve('../shared/fixtures/weserv') },
  },
});

const MB = 1024 * 1024;
const sources = Array.from({ length: 8 }, (_, i) => [`Landscape_${i + 1}.jpg`, `Portrait_${i + 1}.jpg`]).flat();
const heavy = ['2569067123_aca715a2ee_o.jpg', 'alpha-layer-0-background.png', '4.webp', 'dancing-banana.gif'];
const formats = ['jpg', 'png', 'webp', 'avif'];

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

async function main(): Promise<void> {
  const minutes = Number(args.minutes);
  const origin = await startBenchOrigin(args.fixtures);
  const cacheDir = mkdtempSync(join(tmpdir(), 'pixproxy-soak-'));
  const ldPreload = args['ld-preload'];
  const child = await startPixproxy(
    { CACHE_DIR: cacheDir, WORKERS: String(availableParallelism()), RATE_LIMIT_MAX: '0', CACHE_MEMORY_BYTES: String(64 * MB) },
    ldPreload,
  );
  const base = `http://127.0.0.1:${child.port}`;
  const src = (name: string) => encodeURIComponent(`${origin.base}/${name}`);
  const hot = Array.from({ length: 1000 }, (_, i) => `/?url=${src(sources[i % sources.length] ?? '')}&w=${100 + Math.floor(i / sources.length)}`);
  const pick = zipfSampler(hot.length);
  let n = 0;
  const next = (): string => {
    n += 1;
    if (Math.random() >= 0.1) return hot[pick()] ?? '/';
    // Misses: every allocation pattern libvips has (shrink-on-load, alpha, animation, each encoder).
    const name = n % 5 === 0 ? (heavy[n % heavy.length] ?? '') : (sources[n % sources.length] ?? '');
    const format = formats[n % formats.length] ?? 'jpg';
    return `/?url=${src(name)}&w=${40 + (n % 700)}&h=${40 + ((n * 7) % 500)}&fit=cover&output=${format}${name.endsWith('.gif') ? '&n=-1' : ''}`;
  };

  const samples: { minute: number; rssMiB: number; rps: number; non2xx: number }[] = [];
  const started = Date.now();
  try {
    for (let i = 0; Date.now() - started < minutes * 60_000; i += 1) {
      const result = await load({ base, connections: Number(args.connections), seconds: 20, next });
      const sample = {
        minute: Math.round(((Date.now() - started) / 60_000) * 10) / 10,
        rssMiB: Math.round((await rssOf(child.pid)) / MB),
        rps: Math.round(result.rps),
        non2xx: result.non2xx,
      };
      samples.push(sample);
      process.stdout.write(`${JSON.stringify(sample)}\n`);
    }
  } finally {
    const peak = await child.peakRss();
    await child.stop();
    await origin.close();
    rmSync(cacheDir, { recursive: true, force: true });
    const allocator = ldPreload ? 'jemalloc' : 'glibc';
    const third = Math.max(1, Math.floor(samples.length / 3));
    const early = samples.slice(third, 2 * third).map((s) => s.rssMiB);
    const late = samples.slice(2 * third).map((s) => s.rssMiB);
    const summary = {
      allocator,
      minutes,
      peakRssMiB: Math.round(peak / MB),
      middleThirdMaxMiB: Math.max(...early),
      lastThirdMaxMiB: Math.max(...late),
      samples,
    };
    const out = resolve(args.out ?? 'bench/results');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, `soak-${allocator}.json`), `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(
      `${allocator}: peak ${summary.peakRssMiB} MiB, middle third max ${summary.middleThirdMaxMiB} MiB, last third max ${summary.lastThirdMaxMiB} MiB\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
