/**
 * The image worker pool (Piscina) as the rest of the service sees it: hand over an origin body and a
 * plan, get the encoded output back. The input's memory is transferred to the worker, so the caller
 * must not touch the buffer afterwards.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { ServiceError } from '../errors.js';
import { timeoutError } from '../pipeline/sharp-errors.js';
import type { Plan } from '../plan/types.js';
import type { PipelineLimits } from '../pipeline/types.js';
import type { ProcessedImage, WorkerJob, WorkerReply, WorkerSettings } from './protocol.js';
import { LibvipsThreadNicer } from './thread-priority.js';
import { Gate } from '../concurrency/gate.js';
import { BodyMemory, transferableMemory } from '../buffers.js';

export interface PoolOptions {
  readonly workers: number;
  readonly limits: PipelineLimits;
  /** Jobs that may wait for a worker; beyond that `process` fails at once with OVERLOADED. */
  readonly maxQueue: number;
  readonly settings?: Partial<WorkerSettings>;
  /** The worker script (tests substitute one); the image worker by default. */
  readonly filename?: string;
  /**
   * Where origin bodies come from (origin/fetch): their memory is lent to the worker whole and
   * given back when the worker returns it. Without it, inputs are transferred and not reused.
   */
  readonly memory?: BodyMemory;
}

/**
 * Grace beyond the pipeline's own libvips timeout before the worker is terminated: the pipeline
 * normally cancels itself and answers; this catches work libvips cannot cancel (a stuck decoder).
 */
const HARD_LIMIT_GRACE_MS = 2000;

export interface PoolOutput extends Omit<ProcessedImage, 'data' | 'ok'> {
  readonly data: Buffer;
}

export class ImageWorkerPool {
  private readonly piscina: Piscina<WorkerJob, WorkerReply>;
  private readonly limits: PipelineLimits;
  /**
   * Jobs wait here, not in Piscina's queue: a waiting job whose requests have all gone leaves the
   * line at once (Piscina can only abort a job by terminating its worker, fine for a running job
   * past its time limit but not for one that never started).
   */
  private readonly line: Gate;
  readonly ready: Promise<void>;
  private readonly nicer: LibvipsThreadNicer;
  private readonly memory: BodyMemory | undefined;

  constructor(options: PoolOptions) {
    this.limits = options.limits;
    this.memory = options.memory;
    const settings: WorkerSettings = {
      sharpConcurrency: options.settings?.sharpConcurrency ?? Math.max(1, Math.floor(availableParallelism() / options.workers)),
      sharpCacheMb: options.settings?.sharpCacheMb ?? 0,
      nice: options.settings?.nice ?? 0,
    };
    this.piscina = new Piscina<WorkerJob, WorkerReply>({
      filename: options.filename ?? new URL('./image-worker.js', import.meta.url).href,
      minThreads: options.workers,
      maxThreads: options.workers,
      // Threads stay up: starting one means loading libvips again. (The largest timer Node accepts:
      // anything bigger is silently turned into 1 ms, which would recycle threads constantly.)
      idleTimeout: 2 ** 31 - 1,
      workerData: settings,
    });
    // Bounded here rather than with Piscina's `maxQueue`, which does not count tasks that carry an
    // AbortSignal (ours all do, for the hard time limit).
    this.line = new Gate(options.workers, options.maxQueue);
    this.nicer = new LibvipsThreadNicer(settings.nice);
    this.ready = Promise.all(
      Array.from({ length: options.workers }, () => this.piscina.run({ kind: 'ping' })),
    ).then(() => this.nicer.start());
  }

  /**
   * Runs the pipeline in a worker. `input` is transferred (copied first only if it shares memory
   * with something else than the body).
   * OVERLOADED when the line is full; rejects with `signal`'s reason if it aborts while the job
   * still waits (a running job finishes).
   */
  process(input: Buffer, plan: Plan, signal?: AbortSignal): Promise<PoolOutput> {
    return this.line.run(() => this.runJob(input, plan), signal);
  }

  private async runJob(input: Buffer, plan: Plan): Promise<PoolOutput> {
    const { memory: body, length } = this.memory ? this.memory.lend(input) : { memory: transferableMemory(input), length: input.length };
    const startedAt = performance.now();
    const running = [...this.piscina.threads];
    let reply: WorkerReply;
    try {
      reply = await this.piscina.run(
        { kind: 'process', input: body, inputLength: length, plan, limits: this.limits },
        { transferList: [body], signal: AbortSignal.timeout(this.limits.timeoutSeconds * 1000 + HARD_LIMIT_GRACE_MS) },
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') await this.terminatedThreadsGone(running);
      throw this.poolError(error, startedAt);
    }
    if (!reply.ok) throw ServiceError.fromShape(reply.error);
    if (!('data' in reply)) throw new ServiceError('INTERNAL', 'worker answered a process job with a pong');
    const { ok: _ok, data, input: returned, ...facts } = reply;
    if (returned !== undefined) this.memory?.give(returned);
    return { ...facts, data: Buffer.from(data) };
  }

  /**
   * A job past the hard limit had its thread terminated, but termination only takes effect when the
   * thread next runs JavaScript: native code inside it runs on. Until the terminated thread has
   * exited, its job keeps its place in the line, so no more image work runs at once than WORKERS.
   */
  private async terminatedThreadsGone(candidates: readonly Worker[]): Promise<void> {
    const current = new Set(this.piscina.threads);
    const terminated = candidates.filter((thread) => !current.has(thread) && thread.threadId !== -1);
    await Promise.all(terminated.map((thread) => new Promise((resolve) => thread.once('exit', resolve))));
  }

  /**
   * Piscina's own failures: an aborted job hit the hard time limit (the worker was terminated and
   * Piscina starts a fresh one); anything else is a crashed worker (500) — Piscina replaces it and
   * the other jobs go on.
   */
  private poolError(error: unknown, startedAt: number): ServiceError {
    if (error instanceof ServiceError) return error;
    if (error instanceof Error && error.name === 'AbortError') return timeoutError(this.limits.timeoutSeconds, startedAt, 0);
    return new ServiceError('INTERNAL', undefined, { cause: error });
  }

  /** The worker threads (for tests that kill one mid-job). */
  get threads(): readonly Worker[] {
    return this.piscina.threads;
  }

  /** Jobs waiting for a free worker. */
  get queueSize(): number {
    return this.line.queued;
  }

  async close(): Promise<void> {
    this.nicer.stop();
    await this.piscina.close();
  }
}
