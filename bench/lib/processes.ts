/**
 * Child processes under test: the pixproxy server (dist/src/main.js) and the fixed-buffer uWS
 * baseline. Each is a real process so its peak RSS (VmHWM) can be read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface Child {
  readonly port: number;
  readonly pid: number;
  /** Peak resident set size so far, in bytes (Linux VmHWM). */
  peakRss(): Promise<number>;
  /** CPU time used so far (user + system, every thread), in seconds. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Linux's USER_HZ: /proc reports CPU times in these ticks. */
const TICKS_PER_SECOND = 100;

export async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised name start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export async function peakRssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : 0;
}

/** Starts a node script whose stdout prints JSON lines; resolves when `isReady` sees a line. */
function startNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  isReady: (entry: Record<string, unknown>) => number | undefined,
): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    let port: number | undefined;
    if (!child.stdout) throw new Error('no stdout');
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof entry.port === 'number') port = entry.port;
      const ready = isReady(entry);
      if (ready !== undefined && port !== undefined && child.pid !== undefined) {
        const pid = child.pid;
        resolve({
          port,
          pid,
          peakRss: () => peakRssOf(pid),
          cpuSeconds: () => cpuSecondsOf(pid),
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

/** The first child process of `pid`, if it has one (Linux /proc). */
async function childPidOf(pid: number): Promise<number | undefined> {
  const { readdir } = await import('node:fs/promises');
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'latin1');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** A port nobody listens on right now (the kernel's pick, released again). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Which runtime runs pixproxy: Node (`npm start`) or Bun (`bun run start`, Bun.serve in front). */
export type Runtime = 'node' | 'bun';

/** The runtime's executable: this Node, or the `bun` devDependency's binary. */
export function runtimeExecutable(runtime: Runtime): string {
  return runtime === 'node' ? process.execPath : resolve('node_modules', '.bin', 'bun');
}

/**
 * pixproxy as `npm start` (or, with `runtime` bun, `bun run start`) runs it. Ready when /health
 * answers 200 (the pool is up): its log lines cannot be relied on, since LOG_LEVEL=warn silences them.
 * Pass `ldPreload` to measure the service's own process: without it, Node before 22.15 restarts
 * itself with jemalloc as a child and the pid here would be the small supervisor.
 */
export async function startPixproxy(env: Record<string, string>, ldPreload?: string, runtime: Runtime = 'node'): Promise<Child> {
  const port = await freePort();
  const child: ChildProcess = spawn(runtimeExecutable(runtime), ['dist/src/main.js'], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32',
      // The bench is one client sending thousands of misses: the per-IP limiter would stop it.
      RATE_LIMIT_MAX: '0',
      ...(ldPreload ? { LD_PRELOAD: ldPreload } : {}),
      ...env,
      PORT: String(port),
    },
    // The access log goes nowhere, but it is written: the cost of logging is measured.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  for (let tries = 0; ; tries++) {
    if (gone) throw new Error('pixproxy exited before it was ready');
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (tries > 600) throw new Error('pixproxy did not become ready within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // With jemalloc installed, `npm start` on Node < 22.15 restarts itself as a child with jemalloc
  // preloaded (src/allocator.ts): the server is that child, the first process only waits for it.
  const pid = (await childPidOf(child.pid ?? 0)) ?? child.pid ?? 0;
  return {
    port,
    pid,
    peakRss: () => peakRssOf(pid),
    cpuSeconds: () => cpuSecondsOf(pid),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The fixed-response baseline replaying a directory written by `writeRecorded`. */
export function startFixedServer(recordedDir: string): Promise<Child> {
  return startNode('dist/bench/fixed-server.js', [recordedDir], { PATH: process.env.PATH }, (entry) =>
    entry.msg === 'listening' ? 1 : undefined,
  );
}

export function startOriginProcess(fixturesDir: string): Promise<Child> {
  return startNode('dist/bench/origin-server.js', [fixturesDir], { PATH: process.env.PATH }, (entry) =>
    entry.msg === 'listening' ? 1 : undefined,
  );
}

/** The ipx peer (bench/peers/ipx-server.ts), fetching from the bench origin at `originHost`. */
export function startIpx(originHost: string): Promise<Child> {
  return startNode('dist/bench/peers/ipx-server.js', [originHost], { PATH: process.env.PATH }, (entry) =>
    entry.msg === 'listening' ? 1 : undefined,
  );
}
