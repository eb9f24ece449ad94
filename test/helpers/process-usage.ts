/**
 * What this test process and its child processes cost right now, read from /proc (Linux), so a test
 * can see work that outlives its answer: native code left running in a terminated worker thread,
 * or a render in a child process that nobody stopped.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const procAvailable = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** R running, S sleeping, Z exited but not yet reaped, ... */
  readonly state: string;
  readonly cpuTicks: number;
}

function readStat(pid: number | 'self'): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name may hold spaces and parentheses: fields start after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      pid: Number(text.slice(0, text.indexOf(' '))),
      state: fields[0] ?? '?',
      ppid: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined;
  }
}

/**
 * This process's living children (every thread's), by pid. Exited ones are left out: a child whose
 * thread was terminated is never reaped (Node's handle for it went with the thread), but it holds
 * no memory and uses no CPU.
 */
export function childPids(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat?.ppid === process.pid && stat.state !== 'Z') children.push(stat.pid);
  }
  return children;
}

/** CPU seconds used so far by this process (all threads) and its living children. */
export function cpuSecondsWithChildren(): number {
  let ticks = readStat('self')?.cpuTicks ?? 0;
  for (const pid of childPids()) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks / TICKS_PER_SECOND;
}

function residentBytes(pid: number | 'self'): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of this process and its children together. */
export function residentBytesWithChildren(): number {
  return childPids().reduce((sum, pid) => sum + residentBytes(pid), residentBytes('self'));
}

/** Samples resident memory every `everyMs` until stopped; the peak is what the box had to hold. */
export function watchPeakResident(everyMs = 50): { stop(): number } {
  let peak = residentBytesWithChildren();
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytesWithChildren());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, residentBytesWithChildren());
    },
  };
}

/** Cores kept busy (this process and its children) over the next `ms`. */
export async function busyCores(ms: number): Promise<number> {
  const before = cpuSecondsWithChildren();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpuSecondsWithChildren() - before) / (ms / 1000);
}
