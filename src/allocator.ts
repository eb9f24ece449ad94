/**
 * jemalloc for the service process. libvips allocates from many threads and glibc's per-thread
 * arenas fragment: RSS stays high after heavy jobs (1.4 GB after four `ro=45` on an 8400² PNG) and
 * creeps under load (`npm run soak`: glibc 484 → 894 MiB, jemalloc flat at 350-450 MiB). The Docker
 * image preloads it; `npm start` on a host gets it here: when the library is installed and not yet
 * loaded, the process restarts itself with LD_PRELOAD (the allocator must be there before the first
 * malloc, so it cannot be loaded later). When it is absent, the start-up log says so loudly.
 *
 * JEMALLOC=off disables this; JEMALLOC=<path> names the library. An environment marker keeps a
 * restart from looping when the preload does not take (e.g. a library for another architecture).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Where distributions install libjemalloc.so.2, most common first. */
export const JEMALLOC_PATHS: readonly string[] = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', // Debian/Ubuntu amd64, package libjemalloc2
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2', // Debian/Ubuntu arm64
  '/usr/lib/libjemalloc.so.2', // Alpine (apk add jemalloc), Arch
  '/usr/lib64/libjemalloc.so.2', // Fedora, RHEL
  '/usr/local/lib/libjemalloc.so.2', // built from source; the Docker image's link
];

/** Set on the restarted process: it must not restart again. */
export const REEXEC_MARKER = 'PIXPROXY_JEMALLOC_REEXEC';

export type AllocatorPlan =
  | { readonly action: 'none'; readonly note: string | undefined }
  | { readonly action: 'loaded'; readonly library: string }
  | { readonly action: 'reexec'; readonly library: string; readonly env: Readonly<Record<string, string | undefined>> }
  | { readonly action: 'warn'; readonly message: string };

export interface AllocatorProbe {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The process's memory map (/proc/self/maps), or undefined when it cannot be read. */
  readonly maps: string | undefined;
  readonly exists: (path: string) => boolean;
}

export function probeSelf(env: Readonly<Record<string, string | undefined>> = process.env): AllocatorProbe {
  let maps: string | undefined;
  try {
    maps = readFileSync('/proc/self/maps', 'utf8');
  } catch {
    maps = undefined;
  }
  return { platform: process.platform, env, maps, exists: existsSync };
}

/** The jemalloc mapped into this process, if any: the named library, or any libjemalloc. */
function mappedJemalloc(maps: string, named: string | undefined): string | undefined {
  for (const line of maps.split('\n')) {
    const slash = line.indexOf('/');
    if (slash < 0) continue;
    const path = line.slice(slash);
    if (named !== undefined ? basename(path) === basename(named) || path === named : /\/libjemalloc[^/]*\.so/.test(path)) return path;
  }
  return undefined;
}

/**
 * What to do about the allocator, from the JEMALLOC setting (`auto`, `off` or a path) and what the
 * process sees. Pure, for tests.
 */
export function planAllocator(setting: string, probe: AllocatorProbe): AllocatorPlan {
  if (setting === 'off') return { action: 'none', note: undefined };
  if (probe.platform !== 'linux' || probe.maps === undefined) {
    return { action: 'none', note: `allocator left as is: jemalloc preloading is only done on Linux (${probe.platform})` };
  }
  const named = setting === 'auto' ? undefined : setting;
  const loaded = mappedJemalloc(probe.maps, named);
  if (loaded !== undefined) return { action: 'loaded', library: loaded };
  if (probe.env[REEXEC_MARKER] !== undefined) {
    return {
      action: 'warn',
      message: `jemalloc NOT loaded: restarted with LD_PRELOAD=${probe.env.LD_PRELOAD ?? ''} but the library did not load (wrong architecture?). Running on glibc malloc: expect RSS to stay high after large images. Set JEMALLOC=off to silence this.`,
    };
  }
  const library = named ?? JEMALLOC_PATHS.find((path) => probe.exists(path));
  if (library === undefined || !probe.exists(library)) {
    return {
      action: 'warn',
      message:
        named !== undefined
          ? `jemalloc NOT loaded: JEMALLOC=${named} does not exist. Running on glibc malloc: expect RSS to stay high after large images.`
          : 'jemalloc NOT found: running on glibc malloc, which keeps memory after large images (1.4 GB after a few big rotations) and creeps under load. ' +
            'Install it (Debian/Ubuntu: apt-get install libjemalloc2; Alpine: apk add jemalloc) and it is used on the next start, or set JEMALLOC=off to silence this.',
    };
  }
  const preload = probe.env.LD_PRELOAD;
  return {
    action: 'reexec',
    library,
    env: { ...probe.env, LD_PRELOAD: preload ? `${library}:${preload}` : library, [REEXEC_MARKER]: '1' },
  };
}

type Execve = (file: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>) => never;

/**
 * Restarts this process with `env`. Node 22.15+/23.11+ replace the process image (process.execve):
 * same pid, nothing left behind. Older Node cannot, so the new process runs as a child: signals are
 * passed on, its exit code (or signal) becomes ours, and it stops when this parent dies (it watches
 * the IPC channel; see serve.ts). Never resolves: the process ends with the child.
 */
export function reexec(env: Readonly<Record<string, string | undefined>>): Promise<never> {
  const args = [...process.execArgv, ...process.argv.slice(1)];
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (typeof execve === 'function') execve(process.execPath, [process.execPath, ...args], env);
  // Its own process group, so a terminal's Ctrl-C reaches it once, through us, not twice.
  const child = spawn(process.execPath, args, { env, stdio: ['inherit', 'inherit', 'inherit', 'ipc'], detached: true });
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  let received = 0;
  // The first signal asks the child for its graceful stop; a second one ends it now, as a second
  // signal does to an unsupervised service.
  const forward = (signal: NodeJS.Signals): void => {
    received += 1;
    child.kill(received === 1 ? signal : 'SIGKILL');
  };
  for (const signal of signals) process.on(signal, forward);
  return new Promise<never>(() => {
    child.on('exit', (code, signal) => {
      for (const each of signals) process.off(each, forward);
      if (signal !== null) process.kill(process.pid, signal);
      process.exit(code ?? 1);
    });
    child.on('error', (error) => {
      process.stderr.write(`pixproxy: cannot restart with jemalloc: ${error.message}\n`);
      process.exit(1);
    });
  });
}
