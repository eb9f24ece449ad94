/**
 * Reads cacache's on-disk index after a restart without holding up serving: a thread of its own
 * (index-thread.ts) walks the bucket files with synchronous reads, which cost a quarter of what the
 * same reads cost through libuv's thread pool (9.3 s for 60 k entries with 4 reads in flight, 2.2 s
 * synchronously on the same box) and leave that pool to the requests' own reads (a disk hit does
 * its own index lookup through it). The thread runs at a lower priority and hands entries over in
 * batches of a few hundred; the event loop adds each batch to the compact index (well under a
 * millisecond) and acknowledges it, and the thread never runs more than two batches ahead.
 * `cacache.ls` instead reads every bucket with 125 reads in flight and collects every entry,
 * metadata and all, into one object.
 *
 * The format (cacache 20, `index-v5`): one bucket file per key at
 * `index-v5/<h[0..2]>/<h[2..4]>/<h[4..]>` where h is the hex SHA-256 of the key. Each write appends
 * a line `\n<sha1 of json>\t<json>` with `{key, integrity, time, size, metadata}`; for a key the
 * last valid line wins, a line whose checksum fails is ignored (as cacache's reads do), and a null
 * integrity is a deletion. We only ever remove buckets whole, but honour all of it.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isIndexableKey } from './compact-index.js';
import { isCachedMeta } from './meta.js';

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
  /** Entries per batch handed to the event loop. */
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

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function forEachLimit<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
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

function listOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Every bucket file under the index directory, one directory listing at a time (synchronous). */
export function* bucketFiles(dir: string): Generator<string> {
  const root = join(dir, INDEX_DIR);
  for (const top of listOrEmpty(root)) {
    for (const sub of listOrEmpty(join(root, top))) {
      const subDir = join(root, top, sub);
      for (const name of listOrEmpty(subDir)) yield join(subDir, name);
    }
  }
}

/** A bucket's text with open, read, close (no stat: nearly all are far below `scratch`'s size). */
export function readBucketSync(path: string, scratch: Buffer): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined; // removed meanwhile
    throw error;
  }
  try {
    const length = readSync(fd, scratch, 0, scratch.length, 0);
    return length < scratch.length ? scratch.toString('utf8', 0, length) : readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Messages from the index thread. */
export type IndexThreadMessage =
  | { readonly kind: 'batch'; readonly keys: string[]; readonly sizes: number[]; readonly sources: string[]; readonly writtenAt: number[] }
  | { readonly kind: 'done'; readonly result: ReadIndexResult };

/** Slots of the control array shared with the index thread. */
export const CONTROL_ACKED = 0;
export const CONTROL_STOP = 1;

/**
 * Calls `onEntry` for every live entry of the index under `dir`, from the index thread, a batch at
 * a time. Resolves with what was read (less than everything when `signal` stopped it).
 */
export function readIndex(dir: string, onEntry: (entry: FoundEntry) => void, options: ReadIndexOptions = {}): Promise<ReadIndexResult> {
  const control = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL('./index-thread.js', import.meta.url), {
    workerData: { dir, batch: options.batch ?? 256, control },
    // Parsing makes short-lived garbage only; the thread exits when done.
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
  });
  worker.unref();
  return new Promise((resolve, reject) => {
    let result: ReadIndexResult | undefined;
    const stop = (): void => {
      Atomics.store(control, CONTROL_STOP, 1);
      Atomics.notify(control, CONTROL_ACKED);
    };
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    worker.on('message', (message: IndexThreadMessage) => {
      if (message.kind === 'done') {
        result = message.result;
        options.signal?.removeEventListener('abort', stop);
        resolve(result);
        return;
      }
      for (let i = 0; i < message.keys.length; i += 1) {
        onEntry({ key: message.keys[i] as string, size: message.sizes[i] ?? 0, source: message.sources[i] as string, writtenAt: message.writtenAt[i] ?? 0 });
      }
      Atomics.add(control, CONTROL_ACKED, 1);
      Atomics.notify(control, CONTROL_ACKED);
    });
    worker.once('error', (error) => {
      options.signal?.removeEventListener('abort', stop);
      reject(error);
    });
    worker.once('exit', (code) => {
      options.signal?.removeEventListener('abort', stop);
      if (!result) reject(new Error(`the index thread exited with code ${code} before it was done`));
    });
  });
}
