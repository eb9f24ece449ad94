/**
 * Entries written by our thread in cacache's format are what cacache itself would have written:
 * cacache reads them back (content, metadata, integrity), verifies them, deletes them, and the
 * index reader finds them. Also: identical content is stored once, and a write into a directory
 * that cannot be written fails the promise instead of the thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cacache from 'cacache';
import { EntryWriter } from '../../src/cache/entry-writer.js';
import { bucketPath, contentLocation } from '../../src/cache/entry-format.js';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-writer-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const meta = { v: 1, contentType: 'image/png', width: 3, height: 2, source: 'abc' };

test('cacache reads, verifies and deletes what the writer wrote', () =>
  withDir(async (dir) => {
    const writer = new EntryWriter(dir);
    const data = Buffer.from('some image bytes');
    const integrity = await writer.put('a'.repeat(64), data, meta);
    const viaCacache = await cacache.put(join(dir, 'reference'), 'a'.repeat(64), data, { metadata: meta });
    assert.equal(integrity, viaCacache.toString(), 'the same integrity cacache computes');

    const read = await cacache.get(dir, 'a'.repeat(64));
    assert.deepEqual(read.data, data);
    assert.deepEqual(read.metadata, meta);
    assert.equal(read.integrity, integrity);
    assert.equal(read.size, data.length);

    const stats = (await cacache.verify(dir)) as { verifiedContent: number; badContentCount: number; reclaimedCount: number };
    assert.equal(stats.verifiedContent, 1);
    assert.equal(stats.badContentCount, 0);
    assert.equal(stats.reclaimedCount, 0, 'nothing unreferenced left behind (no temporary files)');

    await cacache.rm.entry(dir, 'a'.repeat(64));
    assert.equal(await cacache.get.info(dir, 'a'.repeat(64)), null);
    await writer.close();
  }));

test('identical content is stored once, under every key that has it; the last write of a key wins', () =>
  withDir(async (dir) => {
    const writer = new EntryWriter(dir);
    const data = Buffer.from([1, 2, 3, 4]);
    const [one, two] = await Promise.all([writer.put('1'.repeat(64), data, meta), writer.put('2'.repeat(64), data, meta)]);
    assert.equal(one, two);
    assert.deepEqual(await readFile(contentLocation(dir, data).path), data);
    await writer.put('1'.repeat(64), Buffer.from([9]), { ...meta, width: 9 });
    const latest = await cacache.get(dir, '1'.repeat(64));
    assert.deepEqual([...latest.data], [9]);
    assert.equal((latest.metadata as typeof meta).width, 9);
    await writer.close();
  }));

test('a failed write rejects its promise; the writer goes on', { skip: process.getuid?.() === 0 ? 'root ignores directory permissions' : false }, () =>
  withDir(async (dir) => {
    const writer = new EntryWriter(dir);
    await writer.put('3'.repeat(64), Buffer.from([1]), meta);
    await chmod(dir, 0o500);
    await assert.rejects(writer.put('4'.repeat(64), Buffer.from([2]), meta));
    await chmod(dir, 0o700);
    assert.ok(await writer.put('5'.repeat(64), Buffer.from([3]), meta));
    await writer.close();
  }));

test('a bucket file that is not a directory makes the write fail, not the thread', () =>
  withDir(async (dir) => {
    const writer = new EntryWriter(dir);
    const key = '6'.repeat(64);
    // Put a plain file where the bucket's directory must go.
    const bucketDir = join(bucketPath(dir, key), '..');
    await writer.put('7'.repeat(64), Buffer.from([1]), meta);
    await rm(join(dir, 'index-v5'), { recursive: true, force: true });
    await writeFile(join(dir, 'index-v5'), 'not a directory');
    await assert.rejects(writer.put(key, Buffer.from([2]), meta));
    assert.ok(bucketDir.length > 0);
    await rm(join(dir, 'index-v5'), { force: true });
    assert.ok(await writer.put(key, Buffer.from([2]), meta), 'the thread still writes');
    await writer.close();
  }));
