/** Which buffers may be transferred to another thread as they are, and copies that may. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ownedCopy, ownsArrayBuffer, transferableMemory } from '../src/buffers.js';

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
