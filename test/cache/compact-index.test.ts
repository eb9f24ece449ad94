/** The compact index: lookups, recency, eviction choice, purge candidates, loading beside use. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CompactIndex, isIndexableKey } from '../../src/cache/compact-index.js';

const key = (n: number | string): string => createHash('sha256').update(`k${n}`).digest('hex');
/** Keys that share their first 32 bits land in one probe run of the table. */
const clashing = (n: number): string => `deadbeef${key(n).slice(8)}`;

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('compact index', () => {
  test('records, finds, replaces and removes entries, keeping size and bytes', () => {
    const index = new CompactIndex();
    index.record(key(1), 100, 's1');
    index.record(key(2), 250, 's1');
    assert.equal(index.size, 2);
    assert.equal(index.bytes, 350);
    assert.ok(index.has(key(1)));
    assert.ok(!index.has(key(3)));
    index.record(key(1), 40, 's1');
    assert.equal(index.size, 2);
    assert.equal(index.bytes, 290);
    assert.equal(index.sizeOf(key(1)), 40);
    assert.equal(index.remove(key(2)), 250);
    assert.equal(index.remove(key(2)), undefined);
    assert.equal(index.size, 1);
    assert.equal(index.bytes, 40);
    assert.ok(!index.has(key(2)));
  });

  test('only hex SHA-256 keys are indexable', () => {
    assert.ok(isIndexableKey(key(1)));
    assert.ok(!isIndexableKey('abc'));
    assert.ok(!isIndexableKey(key(1).toUpperCase()));
    assert.ok(!isIndexableKey(`${key(1).slice(0, 63)}g`));
    assert.throws(() => new CompactIndex().record('not-a-key', 1, 's'), TypeError);
    assert.equal(new CompactIndex().remove('not-a-key'), undefined);
  });

  test('entries in one probe run stay reachable whatever is removed between them', () => {
    const index = new CompactIndex();
    const keys = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? clashing(i) : key(i)));
    keys.forEach((k, i) => index.record(k, i + 1, 's'));
    const removed = new Set<string>();
    for (let i = 0; i < keys.length; i += 3) {
      const k = keys[i] as string;
      index.remove(k);
      removed.add(k);
    }
    for (const k of keys) assert.equal(index.has(k), !removed.has(k), k);
    // Slots freed by removals are reused.
    for (const k of removed) index.record(k, 1, 's');
    for (const k of keys) assert.ok(index.has(k));
    assert.equal(index.size, keys.length);
  });

  test('grows past several pages and table sizes; stays under 100 bytes per entry', () => {
    const index = new CompactIndex();
    const n = 60_000;
    for (let i = 0; i < n; i += 1) index.record(key(i), 15_000, `source-${i % 997}`);
    assert.equal(index.size, n);
    assert.equal(index.bytes, n * 15_000);
    for (let i = 0; i < n; i += 7) assert.ok(index.has(key(i)));
    assert.ok(!index.has(key(n)));
    const perEntry = index.allocatedBytes() / n;
    assert.ok(perEntry < 100, `${perEntry.toFixed(1)} bytes per entry`);
  });

  test('eviction picks the least recently used entries, just enough of them', () => {
    const clock = manualClock();
    const index = new CompactIndex(clock.now);
    for (let i = 0; i < 10; i += 1) {
      clock.advance(1);
      index.record(key(i), 100, 's');
    }
    clock.advance(1);
    index.touch(key(0));
    index.touch(key(1));
    const victims = index.oldest(250);
    assert.deepEqual(new Set(victims.keys()), new Set([key(2), key(3), key(4)]));
    assert.equal(victims.bytes, 300);
    assert.deepEqual([...victims.stamps], victims.keys().map((k) => index.stampOf(k)));
    assert.equal(index.oldest(0).count, 0);
    assert.equal(index.oldest(5_000).count, 10);
  });

  test('uses within one millisecond still order', () => {
    const index = new CompactIndex(() => 5_000);
    for (let i = 0; i < 5; i += 1) index.record(key(i), 10, 's');
    index.touch(key(0));
    assert.deepEqual(index.oldest(10).keys(), [key(1)]);
  });

  test('weighted selection matches sorting, on random stamps and sizes', () => {
    let seed = 42;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let round = 0; round < 30; round += 1) {
      const index = new CompactIndex(() => 1e12);
      const rows: { key: string; stamp: number; size: number }[] = [];
      const n = 1 + Math.floor(random() * 400);
      for (let i = 0; i < n; i += 1) {
        // Few distinct stamps, so ties are common.
        const row = { key: key(`${round}-${i}`), stamp: Math.floor(random() * 50), size: Math.floor(random() * 1000) };
        rows.push(row);
        index.beginLoad();
        index.addLoaded(row.key, row.size, 's', row.stamp);
        index.endLoad();
      }
      const total = rows.reduce((sum, row) => sum + row.size, 0);
      const need = Math.floor(random() * total) + 1;
      const victims = index.oldest(need);
      const chosen = new Set(victims.keys());
      const maxChosen = Math.max(...rows.filter((r) => chosen.has(r.key)).map((r) => r.stamp));
      // Every entry older than the newest victim is a victim too.
      for (const row of rows) if (row.stamp < maxChosen) assert.ok(chosen.has(row.key), `round ${round}`);
      assert.ok(victims.bytes >= need, `round ${round}: ${victims.bytes} < ${need}`);
      // Minimal: the last one taken is one of the newest victims; without it, it would not be enough.
      const newest = rows.filter((r) => chosen.has(r.key) && r.stamp === maxChosen);
      const largest = Math.max(...newest.map((r) => r.size));
      assert.ok(victims.bytes - largest < need, `round ${round}: more than needed`);
    }
  });

  test('finds the entries of a source', () => {
    const index = new CompactIndex();
    index.record(key(1), 1, 'a'.repeat(64));
    index.record(key(2), 1, 'b'.repeat(64));
    index.record(key(3), 1, 'a'.repeat(64));
    index.remove(key(3));
    index.record(key(4), 1, 'a'.repeat(64));
    assert.deepEqual(new Set(index.keysOfSource('a'.repeat(64))), new Set([key(1), key(4)]));
    assert.deepEqual(index.keysOfSource('c'.repeat(64)), []);
  });

  test('loading beside use: what this process did wins over what the disk said', () => {
    const clock = manualClock(10_000);
    const index = new CompactIndex(clock.now);
    clock.advance(100);
    index.beginLoad();
    assert.ok(index.loading);
    index.record(key('used'), 500, 's'); // a hit from disk before the loader reached it
    index.record(key('gone'), 10, 's');
    index.remove(key('gone')); // purged or evicted meanwhile
    index.remove(key('never-known')); // removed before the loader reached it
    assert.equal(index.addLoaded(key('used'), 999, 's', 9_000), false, 'a newer record is kept');
    assert.equal(index.sizeOf(key('used')), 500);
    assert.equal(index.addLoaded(key('gone'), 10, 's', 9_000), false, 'a stale read does not revive it');
    assert.equal(index.addLoaded(key('never-known'), 10, 's', 9_000), false);
    assert.equal(index.addLoaded(key('old'), 20, 's', 9_500), true);
    // Written "in the future" by a skewed clock: still older than anything used here.
    assert.equal(index.addLoaded(key('skewed'), 20, 's', 99_999), true);
    index.endLoad();
    assert.ok(!index.loading);
    assert.equal(index.size, 3);
    assert.equal(index.bytes, 540);
    assert.deepEqual(new Set(index.oldest(40).keys()), new Set([key('old'), key('skewed')]));
    // A key removed while loading and written again afterwards is known again.
    index.record(key('gone'), 10, 's');
    assert.ok(index.has(key('gone')));
  });
});
