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
