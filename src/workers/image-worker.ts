/**
 * Worker thread entry: runs the pipeline on one job at a time. Everything that decodes pixels happens
 * here, never on the main thread, so the event loop keeps answering hits while images are processed.
 */
import { move, transferableSymbol, valueSymbol, workerData } from 'piscina';
import sharp from 'sharp';
import { transferableMemory } from '../buffers.js';
import { asServiceError } from '../errors.js';
import { runPipeline } from '../pipeline/index.js';
import { restrictLoaders } from './loader-policy.js';
import { lowerCurrentThread } from './thread-priority.js';
import { onBun } from '../runtime.js';
import type { ProcessJob, WorkerJob, WorkerReply, WorkerSettings } from './protocol.js';

function readSettings(data: unknown): WorkerSettings {
  const fallback: WorkerSettings = { sharpConcurrency: 1, sharpCacheMb: 0, nice: 0 };
  if (typeof data !== 'object' || data === null) return fallback;
  const record = data as Record<string, unknown>;
  return {
    sharpConcurrency: typeof record.sharpConcurrency === 'number' ? record.sharpConcurrency : fallback.sharpConcurrency,
    sharpCacheMb: typeof record.sharpCacheMb === 'number' ? record.sharpCacheMb : fallback.sharpCacheMb,
    nice: typeof record.nice === 'number' ? record.nice : fallback.nice,
  };
}

const settings = readSettings(workerData as unknown);
lowerCurrentThread(settings.nice);
// Only the loaders of the supported formats may parse bytes from strangers.
restrictLoaders(sharp);
sharp.concurrency(settings.sharpConcurrency);
// Every request is a different image, so libvips' operation cache only holds memory; off by default.
sharp.cache(settings.sharpCacheMb > 0 ? { memory: settings.sharpCacheMb, files: 0, items: 100 } : false);
/**
 * The input's memory goes back to the main thread for the next body only without libvips' operation
 * cache: a cached load operation names its input by address and length, and the next body in the
 * same memory would be answered with the previous image's pixels.
 */
const returnsInput = settings.sharpCacheMb <= 0;

/**
 * Piscina transfers a returned value only through its Transferable protocol: the reply object is the
 * value and its output buffer the transfer list, so the encoded image moves instead of being copied.
 */
class TransferredReply {
  constructor(private readonly reply: WorkerReply & { data: ArrayBuffer; input?: ArrayBuffer }) {}
  get [transferableSymbol](): ArrayBuffer[] {
    return this.reply.input === undefined ? [this.reply.data] : [this.reply.data, this.reply.input];
  }
  get [valueSymbol](): WorkerReply {
    return this.reply;
  }
}

async function processImage(job: ProcessJob): Promise<WorkerReply> {
  try {
    const output = await runPipeline(Buffer.from(job.input, 0, job.inputLength), job.plan, job.limits);
    // On Bun, sharp's output is an external buffer (memory libvips allocated), which Bun refuses to
    // transfer ("Cannot transfer object marked as untransferable"): copied once, it then moves.
    const data = onBun ? new Uint8Array(output.data).buffer : transferableMemory(output.data);
    const reply = {
      ok: true as const,
      data,
      contentType: output.contentType,
      extension: output.extension,
      width: output.width,
      height: output.height,
      inputType: output.inputType,
      // The pipeline has settled: neither libvips nor a decoder reads the input any more.
      ...(returnsInput ? { input: job.input } : {}),
    };
    return move(new TransferredReply(reply)) as unknown as WorkerReply;
  } catch (error) {
    return { ok: false, error: asServiceError(error).toShape() };
  }
}

export default async function run(job: WorkerJob): Promise<WorkerReply> {
  if (job.kind === 'ping') return { ok: true, pong: sharp.versions.vips ?? 'unknown' };
  return processImage(job);
}
