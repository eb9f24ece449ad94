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
import { getPriority, setPriority } from 'node:os';

/** Linux's lowest priority. */
const MAX_NICE = 19;

/**
 * The nice value `increment` steps below the calling thread's own (the process may already run
 * niced; going back up would need privileges, going further down never does).
 */
export function loweredNice(increment: number): number {
  return Math.min(MAX_NICE, getPriority(0) + increment);
}

/** Lowers the calling thread's priority by `increment` (on Linux, `setpriority(PRIO_PROCESS, 0)` is per thread). */
export function lowerCurrentThread(increment: number): boolean {
  if (increment <= 0) return false;
  try {
    setPriority(0, loweredNice(increment));
    return true;
  } catch {
    return false;
  }
}

const TASKS = '/proc/self/task';
const LIBVIPS_THREAD = 'libvips worker';

/**
 * Finds libvips threads it has not lowered yet and sets them `increment` below the thread that
 * constructs it (the event loop). Linux only; elsewhere a no-op.
 */
export class LibvipsThreadNicer {
  /** Threads already lowered (others are looked at again: a new thread may not be named yet). */
  private readonly lowered = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** The nice value to give libvips threads; undefined when lowering is off. */
  private readonly nice: number | undefined;

  constructor(increment: number) {
    this.nice = increment > 0 ? loweredNice(increment) : undefined;
  }

  /** One pass over the process's threads; returns how many were lowered. */
  sweep(): number {
    const { nice } = this;
    if (nice === undefined) return 0;
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
        setPriority(Number(tid), nice);
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
    if (this.nice === undefined || this.timer) return;
    this.sweep();
    this.timer = setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
