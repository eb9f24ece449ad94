/** The gate bounding concurrent work: its limit, its bounded line, and waiters that leave the line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError } from '../../src/errors.js';
import { Gate } from '../../src/concurrency/gate.js';

/** A task that runs until `finish` is called. */
function held(): { task: () => Promise<string>; finish: (value: string) => void; started: () => boolean } {
  let finish: (value: string) => void = () => undefined;
  let started = false;
  const done = new Promise<string>((resolve) => {
    finish = resolve;
  });
  return {
    task: () => {
      started = true;
      return done;
    },
    finish: (value) => finish(value),
    started: () => started,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('at most `limit` run, at most `maxWaiting` wait, and the next one is refused with OVERLOADED', async () => {
  const gate = new Gate(1, 1);
  const first = held();
  const second = held();
  const running = gate.run(first.task);
  const waiting = gate.run(second.task);
  await tick();
  assert.equal(gate.running, 1);
  assert.equal(gate.queued, 1);
  assert.equal(second.started(), false);
  await assert.rejects(gate.run(async () => 'third'), (error: unknown) => error instanceof ServiceError && error.code === 'OVERLOADED');
  first.finish('a');
  assert.equal(await running, 'a');
  await tick();
  assert.equal(second.started(), true, 'the slot passed to the waiter');
  second.finish('b');
  assert.equal(await waiting, 'b');
  assert.equal(gate.running, 0);
});

test('a waiter whose signal aborts leaves the line with the abort reason and never runs', async () => {
  const gate = new Gate(1, 1);
  const first = held();
  const running = gate.run(first.task);
  const leaving = new AbortController();
  let ran = false;
  const waiting = gate.run(async () => {
    ran = true;
    return 'never';
  }, leaving.signal);
  await tick();
  assert.equal(gate.queued, 1);
  leaving.abort(new Error('client went away'));
  await assert.rejects(waiting, /client went away/);
  assert.equal(gate.queued, 0, 'its place is free');
  // The freed place takes a new waiter, and that one runs when the slot frees.
  const next = gate.run(async () => 'next');
  first.finish('a');
  assert.equal(await running, 'a');
  assert.equal(await next, 'next');
  assert.equal(ran, false);
});

test('an already aborted signal is refused before taking a slot; a running task is not interrupted by its signal', async () => {
  const gate = new Gate(1, 1);
  const aborted = AbortSignal.abort(new Error('gone'));
  await assert.rejects(gate.run(async () => 'x', aborted), /gone/);
  assert.equal(gate.running, 0);
  const controller = new AbortController();
  const task = held();
  const running = gate.run(task.task, controller.signal);
  await tick();
  controller.abort();
  task.finish('finished');
  assert.equal(await running, 'finished');
});
