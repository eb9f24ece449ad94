/**
 * Messages between the main thread and the image workers. Buffers cross by transfer (ownership moves,
 * no copy), so both sides hand over ArrayBuffers they own exclusively. Errors travel as plain
 * ErrorShapes because structured cloning drops an Error's own fields.
 */
import type { ErrorShape } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { InputType, PipelineLimits } from '../pipeline/types.js';

export interface ProcessJob {
  readonly kind: 'process';
  /** Memory holding the origin body at its start; transferred. */
  readonly input: ArrayBuffer;
  /** Bytes of `input` that are the body (the memory may be larger: it is reused, see BodyMemory). */
  readonly inputLength: number;
  readonly plan: Plan;
  readonly limits: PipelineLimits;
}

/** Sent once per thread at start so readiness means "sharp is loaded in every worker". */
export interface PingJob {
  readonly kind: 'ping';
}

export type WorkerJob = ProcessJob | PingJob;

export interface ProcessedImage {
  readonly ok: true;
  /** The encoded output; transferred. */
  readonly data: ArrayBuffer;
  readonly contentType: string;
  readonly extension: string | undefined;
  readonly width: number;
  readonly height: number;
  readonly inputType: InputType;
  /** The job's input memory, transferred back for the next body when nothing can still read it. */
  readonly input?: ArrayBuffer;
}

export interface FailedImage {
  readonly ok: false;
  readonly error: ErrorShape;
}

export type WorkerReply = ProcessedImage | FailedImage | { readonly ok: true; readonly pong: string };

/** Settings each worker applies once at start (worker_threads workerData). */
export interface WorkerSettings {
  /** libvips threads per job. */
  readonly sharpConcurrency: number;
  /** libvips operation cache size in MB (0 disables it). */
  readonly sharpCacheMb: number;
  /** How far below the event loop's priority the worker threads go (nice increment; 0 keeps it). */
  readonly nice: number;
}
