/**
 * Reads cacache's on-disk index after a restart, in the background and a few files at a time, so
 * that serving (including hits from disk, which do their own index lookup) never waits for it.
 * `cacache.ls` instead reads every bucket with 125 reads in flight, which fills libuv's thread pool
 * ahead of the requests' own reads, and collects every entry, metadata and all, into one object.
 *
 * The format (cacache 20, `index-v5`): one bucket file per key at
 * `index-v5/<h[0..2]>/<h[2..4]>/<h[4..]>` where h is the hex SHA-256 of the key. Each write appends
 * a line `\n<sha1 of json>\t<json>` with `{key, integrity, time, size, metadata}`; for a key the
 * last valid line wins, a line whose checksum fails is ignored (as cacache's reads do), and a null
 * integrity is a deletion. We only ever remove buckets whole, but honour all of it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isIndexableKey } from './compact-index.js';
import { isCachedMeta } from './store.js';

/** cacache's index directory (its `cache-version.index` is 5 in cacache 20). */
export const INDEX_DIR = 'index-v5';

export interface FoundEntry {
  readonly key: string;
  readonly size: number;
  readonly source: string;
  /** When the entry was produced (Unix ms). */
  readonly writtenAt: number;
}

export interface ReadIndexOptions {
  /** Reads in flight at once; libuv has 4 threads by default and requests need them too. */
  readonly concurrency?: number;
  /** Files each reader handles before giving the event loop a turn. */
  readonly batch?: number;
  /** Stops reading (the cache is closing). */
  readonly signal?: AbortSignal;
}

export interface ReadIndexResult {
  readonly files: number;
  readonly entries: number;
  /** Lines that failed their checksum, did not parse, or are not pixproxy entries. */
  readonly skipped: number;
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/** fs.readFile with a callback: in Node 20 it is cheaper per small file than fs/promises' readFile. */
function readText(path: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    readFile(path, 'utf8', (error, text) => {
      if (!error) resolve(text);
      else if (error.code === 'ENOENT' || error.code === 'EISDIR') resolve(undefined); // removed meanwhile
      else reject(error);
    });
  });
}

/** Runs `work` over `items` with at most `concurrency` at once, yielding every `batch` items. */
export async function forEachLimit<T>(items: readonly T[], concurrency: number, batch: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async (): Promise<void> => {
    let done = 0;
    while (next < items.length && !signal?.aborted) {
      const item = items[next] as T;
      next += 1;
      await work(item);
      done += 1;
      if (done % batch === 0) await yieldToLoop();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}

interface BucketCounts {
  entries: number;
  skipped: number;
}

/** The live entries of one bucket file. */
export function parseBucket(text: string, onEntry: (entry: FoundEntry) => void): BucketCounts {
  const counts = { entries: 0, skipped: 0 };
  // Nearly every bucket holds one line for one key; a Map only when there are more.
  let latest: Map<string, FoundEntry | undefined> | undefined;
  let only: FoundEntry | undefined;
  let onlyKey: string | undefined;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const tab = line.indexOf('\t');
    const json = line.slice(tab + 1);
    if (tab < 0 || createHash('sha1').update(json).digest('hex') !== line.slice(0, tab)) {
      counts.skipped += 1;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      counts.skipped += 1;
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    const raw = parsed as Record<string, unknown>;
    if (typeof raw.key !== 'string') continue;
    let found: FoundEntry | undefined;
    if (typeof raw.integrity === 'string' && typeof raw.size === 'number' && isCachedMeta(raw.metadata) && isIndexableKey(raw.key)) {
      found = { key: raw.key, size: raw.size, source: raw.metadata.source, writtenAt: raw.metadata.createdAt };
    } else if (raw.integrity) {
      counts.skipped += 1; // someone else's entry in our directory
    }
    if (latest) latest.set(raw.key, found);
    else if (onlyKey === undefined || onlyKey === raw.key) {
      onlyKey = raw.key;
      only = found;
    } else {
      latest = new Map([[onlyKey, only]]);
      latest.set(raw.key, found);
    }
  }
  if (latest) {
    for (const found of latest.values()) {
      if (!found) continue;
      onEntry(found);
      counts.entries += 1;
    }
  } else if (only) {
    onEntry(only);
    counts.entries += 1;
  }
  return counts;
}

/**
 * Calls `onEntry` for every live entry of the index under `dir`, one top-level directory (1/256 of
 * the index) at a time: list its subdirectories, then read their bucket files.
 */
export async function readIndex(dir: string, onEntry: (entry: FoundEntry) => void, options: ReadIndexOptions = {}): Promise<ReadIndexResult> {
  const concurrency = options.concurrency ?? 4;
  const batch = options.batch ?? 32;
  const { signal } = options;
  const root = join(dir, INDEX_DIR);
  const result = { files: 0, entries: 0, skipped: 0 };
  for (const top of await listOrEmpty(root)) {
    if (signal?.aborted) break;
    const topDir = join(root, top);
    const files: string[] = [];
    await forEachLimit(await listOrEmpty(topDir), concurrency, batch, signal, async (sub) => {
      const subDir = join(topDir, sub);
      for (const name of await listOrEmpty(subDir)) files.push(join(subDir, name));
    });
    await forEachLimit(files, concurrency, batch, signal, async (file) => {
      const text = await readText(file);
      if (text === undefined) return;
      result.files += 1;
      const counts = parseBucket(text, onEntry);
      result.entries += counts.entries;
      result.skipped += counts.skipped;
    });
  }
  return result;
}
