import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MAX_AGE, maxAgeSeconds, parseDurationSeconds } from '../../src/plan/duration.js';

describe('parseDurationSeconds', () => {
  test('each unit', () => {
    assert.equal(parseDurationSeconds('1y'), 31_536_000);
    assert.equal(parseDurationSeconds('1M'), 2_592_000);
    assert.equal(parseDurationSeconds('1w'), 604_800);
    assert.equal(parseDurationSeconds('1d'), 86_400);
    assert.equal(parseDurationSeconds('1h'), 3_600);
    assert.equal(parseDurationSeconds('1m'), 60);
    assert.equal(parseDurationSeconds('1s'), 1);
  });
  test('bare number = seconds', () => {
    assert.equal(parseDurationSeconds('86400'), 86_400);
    assert.equal(parseDurationSeconds('0'), 0);
  });
  test('combined units in descending order, trailing number as seconds', () => {
    assert.equal(parseDurationSeconds('1w3d'), 864_000);
    assert.equal(parseDurationSeconds('1d12h'), 129_600);
    assert.equal(parseDurationSeconds('1y1M1w1d1h1m1s'), 31_536_000 + 2_592_000 + 604_800 + 86_400 + 3_600 + 60 + 1);
    assert.equal(parseDurationSeconds('1d30'), 86_430);
    assert.equal(parseDurationSeconds('31d'), 2_678_400);
  });
  test('unparsable', () => {
    for (const text of ['', 'd', '1x', '1D', '3d1w', '1d1d', '1ms', '-1d', '1.5d', '1d%20', 'abc', '1 d']) {
      assert.equal(parseDurationSeconds(text), undefined, text);
    }
  });
});

describe('maxAgeSeconds', () => {
  test('absent → one year', () => {
    assert.equal(maxAgeSeconds(undefined), DEFAULT_MAX_AGE);
    assert.equal(DEFAULT_MAX_AGE, 31_536_000);
  });
  test('within 1 day..1 year kept', () => {
    assert.equal(maxAgeSeconds('1d'), 86_400);
    assert.equal(maxAgeSeconds('86400'), 86_400);
    assert.equal(maxAgeSeconds('31d'), 2_678_400);
    assert.equal(maxAgeSeconds('1w3d'), 864_000);
    assert.equal(maxAgeSeconds('1y'), 31_536_000);
    assert.equal(maxAgeSeconds('365d'), 31_536_000);
  });
  test('outside the range or unparsable → one year', () => {
    assert.equal(maxAgeSeconds('86399'), DEFAULT_MAX_AGE);
    assert.equal(maxAgeSeconds('23h'), DEFAULT_MAX_AGE);
    assert.equal(maxAgeSeconds('1y1s'), DEFAULT_MAX_AGE);
    assert.equal(maxAgeSeconds('2y'), DEFAULT_MAX_AGE);
    assert.equal(maxAgeSeconds('garbage'), DEFAULT_MAX_AGE);
    assert.equal(maxAgeSeconds(''), DEFAULT_MAX_AGE);
    assert.equal(maxAgeSeconds('99999999999999999999999'), DEFAULT_MAX_AGE);
  });
});
