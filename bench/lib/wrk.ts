/**
 * One wrk run (Debian's wrk, C, one thread by default), reduced to the numbers the report needs.
 * wrk outruns every server here, which autocannon (~12 k req/s on this machine) does not; its own
 * CPU time is reported so a run where the client was the limit can be marked invalid.
 *
 * Paths come from a Lua script: either one fixed path, or a pattern with `%d` filled by a counter
 * so that every request of a miss load names a distinct source.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Responses with a status other than 2xx/3xx. */
  readonly non2xx: number;
  /** Connect, read, write and timeout errors. */
  readonly errors: number;
  /** Cores the client used on average: near 1 per wrk thread means the client was the limit. */
  readonly clientCores: number;
}

export interface WrkOptions {
  readonly base: string;
  readonly connections: number;
  readonly seconds: number;
  /** A path, or with `%d`, a pattern filled with 1, 2, 3, ... (distinct per request). */
  readonly path: string;
  /** Counter start for `%d`, so consecutive runs never repeat a path. */
  readonly from?: number;
  readonly threads?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Every `every`-th request goes to `path` instead (with `%d` filled by the same counter). */
  readonly mix?: { readonly every: number; readonly path: string };
}

function luaString(text: string): string {
  return JSON.stringify(text);
}

function script(options: WrkOptions): string {
  const headers = Object.entries(options.headers ?? {})
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  const escape = (path: string): string => path.replace(/%(?!d)/g, '%%');
  const mix = options.mix
    ? `  if counter % ${options.mix.every} == 0 then return wrk.format("GET", string.format(${luaString(escape(options.mix.path))}, counter)) end\n`
    : '';
  return `${headers}
local counter = ${options.from ?? 0}
request = function()
  counter = counter + 1
${mix}  return wrk.format("GET", string.format(${luaString(escape(options.path))}, counter))
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"non2xx":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
`;
}

/** CPU seconds of this process's reaped children (cutime + cstime in /proc/self/stat). */
async function childrenCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

export async function wrk(options: WrkOptions): Promise<WrkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-wrk-'));
  const file = join(dir, 'paths.lua');
  await writeFile(file, script(options));
  const cpuBefore = await childrenCpuSeconds();
  const started = performance.now();
  const threads = options.threads ?? 1;
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', [`-t${threads}`, `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', '30s', '-s', file, options.base], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}: ${text}`))));
  });
  const wall = (performance.now() - started) / 1000;
  const clientCores = ((await childrenCpuSeconds()) - cpuBefore) / wall;
  await rm(dir, { recursive: true, force: true });
  const line = /WRK_JSON (\{.*\})/.exec(output)?.[1];
  if (!line) throw new Error(`wrk printed no summary: ${output}`);
  const summary = JSON.parse(line) as { requests: number; durationUs: number; p50Us: number; p99Us: number; non2xx: number; errors: number };
  return {
    rps: summary.requests / (summary.durationUs / 1e6),
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    requests: summary.requests,
    non2xx: summary.non2xx,
    errors: summary.errors,
    clientCores,
  };
}

/** Whether wrk can be run here (Debian package `wrk`). */
export async function wrkAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('wrk', ['--version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', () => resolve(true));
  });
}
