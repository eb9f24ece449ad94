/**
 * A concurrency gate with a bounded waiting line: at most `limit` tasks run at once, at most
 * `maxWaiting` wait, and anyone beyond that is refused at once with OVERLOADED (503) instead of
 * piling up memory. A waiter whose signal aborts (its client went away) leaves the line, so work
 * nobody wants any more never holds a place that a live request could have.
 */
import { ServiceError } from '../errors.js';

export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new ServiceError('OVERLOADED');
      await this.wait(signal);
    } else {
      this.active += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Resolves when a running task hands its slot over; rejects with the abort reason if `signal` fires first. */
  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const admitted = (): void => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = (): void => {
        const at = this.waiting.indexOf(admitted);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      this.waiting.push(admitted);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/**
 * One Gate per key (the origin host), created on demand and dropped once idle, so one key cannot
 * take every slot of a shared gate behind it: `run` is meant to wrap the shared gate's `run`, so a
 * task waiting for its key's slot holds nothing else.
 */
export class KeyedGate {
  private readonly gates = new Map<string, Gate>();

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let gate = this.gates.get(key);
    if (gate === undefined) {
      gate = new Gate(this.limit, this.maxWaiting);
      this.gates.set(key, gate);
    }
    try {
      return await gate.run(task, signal);
    } finally {
      if (gate.running === 0 && gate.queued === 0) this.gates.delete(key);
    }
  }

  /** Tasks running for `key`. */
  running(key: string): number {
    return this.gates.get(key)?.running ?? 0;
  }

  /** Keys with work running or waiting. */
  get size(): number {
    return this.gates.size;
  }
}
