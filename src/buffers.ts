/**
 * Buffers handed to another thread. Transferring a buffer's ArrayBuffer detaches all of it, so only
 * a buffer that owns its whole ArrayBuffer may be transferred as it is: a slice of Node's shared
 * pool (small Buffers, Buffer.concat) would detach the pool for everyone.
 */

/** True when the buffer owns its whole ArrayBuffer, so transferring it detaches nothing else. */
export function ownsArrayBuffer(buffer: Buffer): buffer is Buffer & { readonly buffer: ArrayBuffer } {
  return buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength && buffer.buffer instanceof ArrayBuffer;
}

/** The memory to transfer: the buffer's own ArrayBuffer when it owns it whole, else a copy. */
export function transferableMemory(buffer: Buffer): ArrayBuffer {
  if (ownsArrayBuffer(buffer)) return buffer.buffer;
  const copy = new ArrayBuffer(buffer.byteLength);
  new Uint8Array(copy).set(buffer);
  return copy;
}

/** A copy that owns its memory, so the original can be transferred independently. */
export function ownedCopy(buffer: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(buffer.length);
  buffer.copy(copy);
  return copy;
}

/** Smallest capacity handed out: below it, fresh memory costs little. */
const MIN_CAPACITY = 64 * 1024;

/**
 * The capacity a body of `length` bytes gets: the smallest of 4, 5, 6 or 7 × a power of two that
 * holds it (at least 64 KiB), so at most a quarter is unused and bodies of similar sizes share
 * memory.
 */
export function capacityFor(length: number): number {
  if (length <= MIN_CAPACITY) return MIN_CAPACITY;
  const step = 2 ** Math.max(0, Math.ceil(Math.log2(length)) - 3);
  return Math.ceil(length / step) * step;
}

export interface RecyclerLimits {
  /** Buffers kept for reuse at most. */
  readonly buffers: number;
  /** Bytes kept for reuse at most, all buffers together. */
  readonly bytes: number;
  /** Bodies larger than this get memory of their own and are not kept. */
  readonly largest: number;
}

/**
 * Memory for origin bodies, reused once a worker has read the body and sent its memory back. Fresh
 * memory for each body cost the event loop a page fault per 4 KiB on the first write, and its
 * release (in the worker, after transfer) cost the allocator: with jemalloc, 25 % of the main
 * thread's time on 6 MP misses went to copying into fresh pages. A reused buffer's pages are
 * already resident.
 *
 * A body is a view from offset 0 of a buffer of `capacityFor(length)` bytes, so it does not own all
 * of its ArrayBuffer: `lend` says which memory may still be transferred whole (nothing else uses
 * it). What is kept idle is bounded by `limits`; memory beyond them is left to the garbage collector.
 */
export class BodyMemory {
  private readonly free: ArrayBuffer[] = [];
  private idleBytes = 0;
  /** Memory behind the bodies handed out and not yet lent: only those may be transferred as they are. */
  private readonly handedOut = new WeakSet<ArrayBuffer>();

  constructor(private readonly limits: RecyclerLimits) {}

  /** A buffer of `length` bytes (contents undefined) whose memory may be transferred with `lend`. */
  take(length: number): Buffer {
    if (length > this.limits.largest) return Buffer.allocUnsafeSlow(length);
    const capacity = capacityFor(length);
    const index = this.free.findLastIndex((memory) => memory.byteLength === capacity);
    let memory: ArrayBuffer;
    if (index >= 0) {
      [memory] = this.free.splice(index, 1) as [ArrayBuffer];
      this.idleBytes -= capacity;
    } else {
      memory = Buffer.allocUnsafeSlow(capacity).buffer as ArrayBuffer;
    }
    this.handedOut.add(memory);
    return Buffer.from(memory, 0, length);
  }

  /**
   * The memory to transfer for `body`: its whole ArrayBuffer when `take` made it (or it owns it
   * whole), else a copy; `length` is how many bytes of it are the body.
   */
  lend(body: Buffer): { readonly memory: ArrayBuffer; readonly length: number } {
    const memory = body.buffer;
    if (body.byteOffset === 0 && memory instanceof ArrayBuffer && this.handedOut.has(memory)) {
      this.handedOut.delete(memory);
      return { memory, length: body.length };
    }
    return { memory: transferableMemory(body), length: body.length };
  }

  /** Memory back from a worker that has finished with it: kept for the next body of its size class. */
  give(memory: ArrayBuffer): void {
    const capacity = memory.byteLength;
    // A detached buffer's length is 0, never a capacity.
    if (capacity > this.limits.largest || capacityFor(capacity) !== capacity) return;
    this.free.push(memory);
    this.idleBytes += capacity;
    while (this.free.length > this.limits.buffers || this.idleBytes > this.limits.bytes) {
      const dropped = this.free.shift();
      if (dropped === undefined) break;
      this.idleBytes -= dropped.byteLength;
    }
  }

  /** Buffers kept for reuse (for tests and metrics). */
  get idle(): { readonly buffers: number; readonly bytes: number } {
    return { buffers: this.free.length, bytes: this.idleBytes };
  }
}
