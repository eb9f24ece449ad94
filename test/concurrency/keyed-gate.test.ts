/** The per-host gate: each key bounded on its own, idle keys forgotten. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../src/errors.js';
import { originHostKey } from '../../src/origin/fetch.js';
import { KeyedGate } from '../../src/concurrency/gate.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('each key has its own limit and line; a full key does not block another', async () => {
  const gate = new KeyedGate(1, 1);
  let release: () => void = () => undefined;
  const blocker = new Promise<void>((resolve) => {
    release = resolve;
  });
  const first = gate.run('slow.example', () => blocker);
  let secondRan = false;
  const second = gate.run('slow.example', async () => {
    secondRan = true;
  });
  await tick();
  assert.equal(gate.running('slow.example'), 1);
  assert.equal(secondRan, false, 'waits for its host');
  await assert.rejects(gate.run('slow.example', async () => undefined), (error: unknown) => error instanceof ServiceError && error.code === 'OVERLOADED');
  assert.equal(await gate.run('fast.example', async () => 'fast'), 'fast');
  release();
  await Promise.all([first, second]);
  assert.equal(secondRan, true);
  assert.equal(gate.size, 0, 'idle keys are dropped');
});

test('downloads are counted per host: case, port, userinfo and IP spelling do not matter', () => {
  assert.equal(originHostKey('http://Img.Example.com:8080/a.jpg'), 'img.example.com');
  assert.equal(originHostKey('https://user:pw@img.example.com./a.jpg'), 'img.example.com');
  assert.equal(originHostKey('http://2130706433:81/a'), '127.0.0.1');
  assert.equal(originHostKey('http://[::ffff:127.0.0.1]/a'), '127.0.0.1');
  assert.equal(originHostKey('http://[::1]:8080/a'), '::1');
  assert.notEqual(originHostKey('http://localhost/a'), originHostKey('http://127.0.0.1/a'));
});
