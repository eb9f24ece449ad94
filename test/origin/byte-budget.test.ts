/** The download memory budget: who waits, who goes, and that nobody waits forever. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteBudget } from '../../src/origin/byte-budget.js';

const never = new AbortController().signal;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('declared lengths are reserved up front; the line is first come, first served', async () => {
  const budget = new ByteBudget(100);
  const first = await budget.reserve(60, never);
  const order: string[] = [];
  const big = budget.reserve(50, never).then((reservation) => (order.push('big'), reservation));
  // Would fit, but arrived after a download still waiting.
  const small = budget.reserve(10, never).then((reservation) => (order.push('small'), reservation));
  await tick();
  assert.deepEqual(order, []);
  assert.equal(budget.waiting, 2);
  first.release();
  first.release();
  const [b, s] = await Promise.all([big, small]);
  assert.deepEqual(order, ['big', 'small']);
  assert.equal(budget.inUse, 60);
  b.release();
  s.release();
  assert.equal(budget.inUse, 0);
});

test('a length above the whole budget waits for an empty budget, then goes alone', async () => {
  const budget = new ByteBudget(100);
  const held = await budget.reserve(1, never);
  let granted = false;
  const huge = budget.reserve(500, never).then((reservation) => ((granted = true), reservation));
  await tick();
  assert.equal(granted, false);
  held.release();
  (await huge).release();
  assert.equal(granted, true);
});

test('downloads of unknown length grow; when the budget is spent only the oldest may go on', async () => {
  const budget = new ByteBudget(100);
  const older = await budget.reserve(undefined, never);
  const younger = await budget.reserve(undefined, never);
  assert.equal(older.tryGrow(50), true);
  assert.equal(younger.tryGrow(50), true);
  assert.equal(younger.tryGrow(10), false, 'the budget is spent');
  assert.equal(older.tryGrow(10), true, 'the oldest grower may exceed it, so it always finishes');
  let grew = false;
  const waiting = younger.grow(10, never).then(() => (grew = true));
  await tick();
  assert.equal(grew, false);
  // The oldest is done reading: the younger now has the right of way.
  older.doneGrowing();
  await waiting;
  assert.equal(grew, true);
  assert.equal(budget.inUse, 120);
  older.release();
  younger.shrinkTo(20);
  assert.equal(budget.inUse, 20);
  younger.release();
  assert.equal(budget.inUse, 0);
});

test('a waiter whose signal aborts leaves the line and lets the next one through', async () => {
  const budget = new ByteBudget(100);
  const held = await budget.reserve(90, never);
  const client = new AbortController();
  const blocked = budget.reserve(50, client.signal);
  const behind = budget.reserve(5, never);
  client.abort(new Error('gone'));
  await assert.rejects(blocked, /gone/);
  (await behind).release();
  held.release();
  assert.equal(budget.waiting, 0);
  assert.equal(budget.inUse, 0);
});
