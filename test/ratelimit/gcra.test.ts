import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, gcraParams, msUntilNeutral, type GcraParams, type GcraState } from '../../src/ratelimit/gcra.js';

const T0 = 1_780_000_000_000;
/** The public service: 2500 per 10 minutes, then an hour's ban. Emission interval 240 ms. */
const PUBLIC = gcraParams(2500, 600_000, 3_600_000);

/** Sends `count` requests at `now`; returns the last decision and the state. */
function burst(state: GcraState | undefined, now: number, params: GcraParams, count: number): ReturnType<typeof decide> {
  let last = decide(state, now, params, { count: true });
  for (let i = 1; i < count; i++) last = decide(last.state, now, params, { count: true });
  return last;
}

describe('GCRA with a ban', () => {
  test('a new client sees the whole allowance, and the first request leaves limit - 1', () => {
    const peek = decide(undefined, T0, PUBLIC, { count: false });
    assert.deepEqual(peek, { allowed: true, limit: 2500, remaining: 2500, resetS: 0, state: { tat: 0, bannedUntil: 0 } });
    const first = decide(undefined, T0, PUBLIC, { count: true });
    assert.deepEqual(first, { allowed: true, limit: 2500, remaining: 2499, resetS: 1, state: { tat: T0 + 240, bannedUntil: 0 } });
  });

  test('a burst of exactly `limit` is allowed; the next is refused and starts the ban', () => {
    const full = burst(undefined, T0, PUBLIC, 2500);
    assert.equal(full.allowed, true);
    assert.equal(full.remaining, 0);
    assert.equal(full.resetS, 600);
    assert.equal(full.state.tat, T0 + 600_000);

    const over = decide(full.state, T0, PUBLIC, { count: true });
    assert.deepEqual(over, {
      allowed: false,
      limit: 2500,
      remaining: 0,
      resetS: 3600,
      retryAfterS: 3600,
      state: { tat: T0 + 600_000, bannedUntil: T0 + 3_600_000 },
    });
  });

  test('the allowance refills one request per emission interval', () => {
    const params = gcraParams(10, 10_000, 0); // one request per second
    const full = burst(undefined, T0, params, 10);
    assert.equal(decide(full.state, T0 + 998, params, { count: false }).allowed, false);
    const refill = decide(full.state, T0 + 1000, params, { count: false });
    assert.equal(refill.allowed, true);
    assert.equal(refill.remaining, 1);
    // 3.5 s later: three whole cells are free again.
    assert.equal(decide(full.state, T0 + 3500, params, { count: false }).remaining, 3);
    // After a whole window the allowance is full and the state is neutral.
    const later = decide(full.state, T0 + 10_000, params, { count: false });
    assert.equal(later.remaining, 10);
    assert.equal(later.resetS, 0);
    assert.equal(msUntilNeutral(full.state, T0 + 10_000), 0);
  });

  test('remaining and reset follow the state: 3 of 10 used, 1.5 s apart', () => {
    const params = gcraParams(10, 10_000, 0);
    let state: GcraState | undefined;
    for (const at of [0, 0, 0]) state = decide(state, T0 + at, params, { count: true }).state;
    const now = decide(state, T0 + 1500, params, { count: false });
    // tat = T0 + 3000: 1.5 s of the window still in use, one cell and a half back.
    assert.deepEqual(now, { allowed: true, limit: 10, remaining: 8, resetS: 2, state: { tat: T0 + 3000, bannedUntil: 0 } });
  });

  test('without a ban the refusal lasts only until a cell is free, and nothing is counted', () => {
    const params = gcraParams(10, 10_000, 0);
    const full = burst(undefined, T0, params, 10);
    const refused = decide(full.state, T0 + 200, params, { count: true });
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterS, 1);
    assert.equal(refused.resetS, 10);
    assert.deepEqual(refused.state, full.state);
    assert.equal(decide(refused.state, T0 + 1000, params, { count: true }).allowed, true);
  });

  test('a ban refuses everything until it ends, then the allowance is full again', () => {
    const full = burst(undefined, T0, PUBLIC, 2500);
    const banned = decide(full.state, T0, PUBLIC, { count: true }).state;
    assert.equal(banned.bannedUntil, T0 + 3_600_000);
    // Long after the window refilled, still banned; the ban is not extended by retries.
    const retry = decide(banned, T0 + 1_800_000, PUBLIC, { count: true });
    assert.equal(retry.allowed, false);
    assert.equal(retry.remaining, 0);
    assert.equal(retry.retryAfterS, 1800);
    assert.equal(retry.resetS, 1800);
    assert.equal(retry.state.bannedUntil, banned.bannedUntil);
    assert.equal(decide(banned, T0 + 3_599_999, PUBLIC, { count: true }).allowed, false);
    const after = decide(banned, T0 + 3_600_000, PUBLIC, { count: true });
    assert.deepEqual(after, { allowed: true, limit: 2500, remaining: 2499, resetS: 1, state: { tat: T0 + 3_600_240, bannedUntil: 0 } });
  });

  test('a second later four cells are back: the refill starts at once, no ban', () => {
    const full = burst(undefined, T0, PUBLIC, 2500);
    const later = decide(full.state, T0 + 1000, PUBLIC, { count: true });
    assert.equal(later.allowed, true);
    assert.equal(later.remaining, 3);
  });

  test('a short ban ends before the allowance has refilled: reset counts the longer of the two', () => {
    const params = gcraParams(10, 10_000, 2000);
    const full = burst(undefined, T0, params, 10);
    const banned = decide(full.state, T0, params, { count: true });
    assert.equal(banned.retryAfterS, 2);
    assert.equal(banned.resetS, 10);
    const after = decide(banned.state, T0 + 2000, params, { count: false });
    assert.equal(after.allowed, true);
    assert.equal(after.remaining, 2);
  });

  test('a quota check consumes nothing and never starts a ban', () => {
    const params = gcraParams(3, 3000, 60_000);
    let state = burst(undefined, T0, params, 2).state;
    for (let i = 0; i < 5; i++) {
      const peek = decide(state, T0, params, { count: false });
      assert.equal(peek.remaining, 1);
      assert.deepEqual(peek.state, state);
      state = peek.state;
    }
    const full = decide(state, T0, params, { count: true });
    const peekFull = decide(full.state, T0, params, { count: false });
    assert.equal(peekFull.allowed, false);
    assert.equal(peekFull.retryAfterS, 1);
    assert.equal(peekFull.state.bannedUntil, 0);
  });

  test('fractional emission intervals still allow a burst of exactly `limit`', () => {
    // 6 per second and 18 per second overshoot the window by 0.5 µs and 2 µs when added up at this epoch.
    for (const [limit, windowMs] of [[6, 1000], [18, 1000], [7, 600_000], [2499, 600_000], [9973, 86_400_000]] as const) {
      const params = gcraParams(limit, windowMs, 0);
      const full = burst(undefined, T0 + 13, params, limit);
      assert.equal(full.allowed, true, `${limit}/${windowMs}`);
      assert.equal(full.remaining, 0, `${limit}/${windowMs}`);
      assert.equal(decide(full.state, T0 + 13, params, { count: true }).allowed, false, `${limit}/${windowMs}`);
    }
  });

  test('parameters are checked', () => {
    assert.throws(() => gcraParams(0, 1000, 0), RangeError);
    assert.throws(() => gcraParams(1.5, 1000, 0), RangeError);
    assert.throws(() => gcraParams(10, 0, 0), RangeError);
    assert.throws(() => gcraParams(10, 1000, -1), RangeError);
  });
});
