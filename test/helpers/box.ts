/** One pixproxy process (`node dist/src/main.js`), as a box of a fleet: its own port and cache. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface Box {
  readonly name: string;
  readonly port: number;
  readonly base: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote (logs), for messages. */
  output(): string;
  signal(name: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export async function startBox(name: string, port: number, env: Readonly<Record<string, string>>): Promise<Box> {
  const cacheDir = await mkdtemp(join(tmpdir(), `pixproxy-${name}-`));
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'main.js')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      CACHE_DIR: cacheDir,
      INSTANCE_NAME: name,
      WORKERS: '1',
      JEMALLOC: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${base}/health`).then((res) => res.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`box ${name} did not start: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name,
    port,
    base,
    child,
    exited,
    output: () => output,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await rm(cacheDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
