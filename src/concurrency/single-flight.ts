/**
 * Single flight: concurrent callers asking for the same key share one execution of the work.
 * The work gets its own AbortSignal that fires only when every caller waiting on it has gone, so
 * one impatient client cannot cancel a result others are waiting for.
 */

interface Waiter<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
}

interface Flight<T> {
  readonly waiters: Waiter<T>[];
  live: number;
  readonly controller: AbortController;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /**
   * @param share gives each waiter its value; `last` is true for exactly one waiter, which may take
   * the original (e.g. a buffer that will be transferred away) while the others get copies.
   */
  constructor(private readonly share: (value: T, last: boolean) => T = (value) => value) {}

  run(key: string, signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let flight = this.flights.get(key);
    if (!flight) {
      const started: Flight<T> = { waiters: [], live: 0, controller: new AbortController() };
      this.flights.set(key, started);
      flight = started;
      Promise.resolve()
        .then(() => work(started.controller.signal))
        .then(
          (value) => {
            this.flights.delete(key);
            const last = started.waiters.length - 1;
            // All handouts happen here, before any waiter resumes, so no waiter can consume the
            // original before the copies are made.
            started.waiters.forEach((waiter, index) => waiter.resolve(this.share(value, index === last)));
          },
          (error: unknown) => {
            this.flights.delete(key);
            for (const waiter of started.waiters) waiter.reject(error);
          },
        );
    }
    const joined = flight;
    const result = new Promise<T>((resolve, reject) => joined.waiters.push({ resolve, reject }));
    joined.live += 1;
    const leave = (): void => {
      joined.live -= 1;
      if (joined.live === 0) joined.controller.abort(signal.reason);
    };
    if (signal.aborted) {
      leave();
      return result;
    }
    signal.addEventListener('abort', leave, { once: true });
    return result.finally(() => signal.removeEventListener('abort', leave));
  }

  /** Work currently in flight. */
  get size(): number {
    return this.flights.size;
  }
}
