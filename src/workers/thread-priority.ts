/**
 * Image work runs at a lower CPU priority than the event loop. On a small box the libvips threads
 * can take every core; a hit costs the event loop some tens of microseconds, but when it has to
 * wait for a time slice behind busy image threads its latency becomes the scheduler's (tens of
 * milliseconds). Linux keeps a nice value per thread, so the image threads can yield to the event
 * loop without privileges (raising a priority would need CAP_SYS_NICE; lowering never does).
 *
 * The worker threads lower themselves when they start (`lowerCurrentThread`). libvips' own threads
 * are started on demand by threads that keep the normal priority (libuv's pool), so the main thread
 * looks for them by name (`LibvipsThreadNicer`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Lowers the calling thread's priority (on Linux, `setpriority(PRIO_PROCESS, 0)` is per thread). */
export function lowerCurrentThread(nice: number): boolean {
  if (nice <= 0) return false;
  try {
    setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}

const TASKS = '/proc/self/task';
const LIBVIPS_THREAD = 'libvips worker';

/** Finds libvips threads it has not seen yet and lowers their priority. Linux only; elsewhere a no-op. */
export class LibvipsThreadNicer {
  /** Threads already lowered (others are looked at again: a new thread may not be named yet). */
  private readonly lowered = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly nice: number) {}

  /** One pass over the process's threads; returns how many were lowered. */
  sweep(): number {
    if (this.nice <= 0) return 0;
    let tids: string[];
    try {
      tids = readdirSync(TASKS);
    } catch {
      return 0;
    }
    let lowered = 0;
    const alive = new Set(tids);
    for (const tid of this.lowered) if (!alive.has(tid)) this.lowered.delete(tid);
    for (const tid of tids) {
      if (this.lowered.has(tid)) continue;
      try {
        if (readFileSync(`${TASKS}/${tid}/comm`, 'utf8').trim() !== LIBVIPS_THREAD) continue;
        setPriority(Number(tid), this.nice);
        this.lowered.add(tid);
        lowered += 1;
      } catch {
        // The thread ended between the listing and the call.
      }
    }
    return lowered;
  }

  /** Sweeps now and every `intervalMs` (libvips starts threads as work needs them). */
  start(intervalMs = 1000): void {
    if (this.nice <= 0 || this.timer) return;
    this.sweep();
    this.timer = setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
