/**
 * The image worker pool (Piscina) as the rest of the service sees it: hand over an origin body and a
 * plan, get the encoded output back. The input's memory is transferred to the worker, so the caller
 * must not touch the buffer afterwards.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { ServiceError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { PipelineLimits } from '../pipeline/types.js';
import type { ProcessedImage, WorkerJob, WorkerReply, WorkerSettings } from './protocol.js';

export interface PoolOptions {
  readonly workers: number;
  readonly limits: PipelineLimits;
  readonly settings?: Partial<WorkerSettings>;
}

export interface PoolOutput extends Omit<ProcessedImage, 'data' | 'ok'> {
  readonly data: Buffer;
}

/** True when the buffer owns its whole ArrayBuffer, so transferring it detaches nothing else. */
function ownsMemory(buffer: Buffer): boolean {
  return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength && buffer.buffer instanceof ArrayBuffer;
}

export class ImageWorkerPool {
  private readonly piscina: Piscina<WorkerJob, WorkerReply>;
  private readonly limits: PipelineLimits;
  readonly ready: Promise<void>;

  constructor(options: PoolOptions) {
    this.limits = options.limits;
    const settings: WorkerSettings = {
      sharpConcurrency: options.settings?.sharpConcurrency ?? Math.max(1, Math.floor(availableParallelism() / options.workers)),
      sharpCacheMb: options.settings?.sharpCacheMb ?? 0,
    };
    this.piscina = new Piscina<WorkerJob, WorkerReply>({
      filename: new URL('./image-worker.js', import.meta.url).href,
      minThreads: options.workers,
      maxThreads: options.workers,
      // Threads stay up: starting one means loading libvips again.
      idleTimeout: Number.MAX_SAFE_INTEGER,
      workerData: settings,
    });
    this.ready = Promise.all(
      Array.from({ length: options.workers }, () => this.piscina.run({ kind: 'ping' })),
    ).then(() => undefined);
  }

  /** Runs the pipeline in a worker. `input` is transferred (copied first only if it shares memory). */
  async process(input: Buffer, plan: Plan): Promise<PoolOutput> {
    let body: ArrayBuffer;
    if (ownsMemory(input)) {
      body = input.buffer as ArrayBuffer;
    } else {
      body = new ArrayBuffer(input.byteLength);
      new Uint8Array(body).set(input);
    }
    const reply = await this.piscina.run(
      { kind: 'process', input: body, plan, limits: this.limits },
      { transferList: [body] },
    );
    if (!reply.ok) throw ServiceError.fromShape(reply.error);
    if (!('data' in reply)) throw new ServiceError('INTERNAL', 'worker answered a process job with a pong');
    const { ok: _ok, data, ...facts } = reply;
    return { ...facts, data: Buffer.from(data) };
  }

  /** Jobs waiting for a free worker. */
  get queueSize(): number {
    return this.piscina.queueSize;
  }

  async close(): Promise<void> {
    await this.piscina.close();
  }
}
