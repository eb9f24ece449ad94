/** Which buffers may be transferred to another thread as they are, and copies that may. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BodyMemory, capacityFor, ownedCopy, ownsArrayBuffer, transferableMemory } from '../src/buffers.js';

test('a buffer of its own is transferred as it is; a pooled slice is copied', () => {
  const own = Buffer.allocUnsafeSlow(16).fill(7);
  assert.equal(ownsArrayBuffer(own), true);
  assert.equal(transferableMemory(own), own.buffer);

  const pooled = Buffer.from('small'); // a slice of Node's shared pool
  assert.equal(ownsArrayBuffer(pooled), false);
  const memory = transferableMemory(pooled);
  assert.notEqual(memory, pooled.buffer);
  assert.deepEqual(Buffer.from(memory), pooled);
});

test('ownedCopy owns its memory and leaves the original alone', () => {
  const pooled = Buffer.from('shared');
  const copy = ownedCopy(pooled);
  assert.equal(ownsArrayBuffer(copy), true);
  assert.deepEqual(copy, pooled);
  copy[0] = 0;
  assert.equal(pooled.toString(), 'shared');
});

describe('BodyMemory', () => {
  const limits = { buffers: 2, bytes: 1 << 20, largest: 1 << 19 };

  test('capacities are 4-7 x a power of two, at least 64 KiB, at most a quarter unused', () => {
    assert.equal(capacityFor(0), 65_536);
    assert.equal(capacityFor(65_537), 81_920);
    assert.equal(capacityFor(829_183), 917_504);
    assert.equal(capacityFor(1 << 20), 1 << 20);
    for (const length of [70_000, 100_000, 300_001, 5_000_000]) {
      const capacity = capacityFor(length);
      assert.ok(capacity >= length && capacity <= length * 1.25, `${length} -> ${capacity}`);
      assert.equal(capacityFor(capacity), capacity, 'a capacity is its own class');
    }
  });

  test('a taken body is lent whole, and memory given back is reused for the next body of its class', () => {
    const memory = new BodyMemory(limits);
    const body = memory.take(100_000);
    assert.equal(body.length, 100_000);
    assert.equal(body.byteOffset, 0);
    const lent = memory.lend(body);
    assert.equal(lent.memory, body.buffer);
    assert.equal(lent.length, 100_000);
    // A second lend of the same memory would transfer it twice: it is copied instead.
    assert.notEqual(memory.lend(body).memory, body.buffer);

    memory.give(lent.memory);
    assert.deepEqual(memory.idle, { buffers: 1, bytes: capacityFor(100_000) });
    const next = memory.take(110_000);
    assert.equal(next.buffer, lent.memory);
    assert.equal(next.length, 110_000);
    assert.deepEqual(memory.idle, { buffers: 0, bytes: 0 });
    // Another class gets fresh memory.
    memory.give(memory.lend(next).memory);
    assert.notEqual(memory.take(300_000).buffer, lent.memory);
  });

  test('buffers it did not make are copied when lent, and not kept', () => {
    const memory = new BodyMemory(limits);
    const pooled = Buffer.from('small');
    const lent = memory.lend(pooled);
    assert.notEqual(lent.memory, pooled.buffer);
    assert.deepEqual(Buffer.from(lent.memory, 0, lent.length), pooled);
    memory.give(new ArrayBuffer(100_000)); // not a capacity
    const detached = new ArrayBuffer(65_536);
    structuredClone(detached, { transfer: [detached] });
    memory.give(detached);
    assert.deepEqual(memory.idle, { buffers: 0, bytes: 0 });
  });

  test('what is kept is bounded in count, bytes and size', () => {
    const memory = new BodyMemory(limits);
    memory.give(new ArrayBuffer(1 << 20)); // over `largest`
    assert.equal(memory.idle.buffers, 0);
    const big = memory.take(1 << 20);
    assert.equal(big.buffer.byteLength, 1 << 20, 'bodies over `largest` get memory of their own');
    for (let i = 0; i < 3; i++) memory.give(new ArrayBuffer(65_536));
    assert.deepEqual(memory.idle, { buffers: 2, bytes: 131_072 });
    const bytesLimited = new BodyMemory({ buffers: 8, bytes: 600_000, largest: 1 << 19 });
    bytesLimited.give(new ArrayBuffer(1 << 18));
    bytesLimited.give(new ArrayBuffer(1 << 18));
    bytesLimited.give(new ArrayBuffer(1 << 18));
    assert.deepEqual(bytesLimited.idle, { buffers: 2, bytes: 1 << 19 });
  });
});
