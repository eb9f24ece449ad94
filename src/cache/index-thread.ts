/**
 * The index thread (see index-reader.ts): walks cacache's bucket files with synchronous reads and
 * posts what it finds in batches, at most two ahead of the event loop's acknowledgements.
 */
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { bucketFiles, CONTROL_ACKED, CONTROL_STOP, parseBucket, readBucketSync, type IndexThreadMessage } from './index-reader.js';

interface IndexThreadData {
  readonly dir: string;
  readonly batch: number;
  readonly control: Int32Array;
}

/** Batches posted but not yet acknowledged, at most. */
const AHEAD = 2;
/** Nice increment below the event loop: reading the index must not take a core from requests. */
const NICE_INCREMENT = 10;

const { dir, batch, control } = workerData as IndexThreadData;
const port = parentPort;
if (!port) throw new Error('index-thread.js runs as a worker thread');

try {
  // On Linux the priority of PRIO_PROCESS 0 is the calling thread's own.
  setPriority(0, Math.min(19, getPriority(0) + NICE_INCREMENT));
} catch {
  // Not permitted or not supported: run at the same priority.
}

const stopped = (): boolean => Atomics.load(control, CONTROL_STOP) === 1;
let sent = 0;
let pending: Extract<IndexThreadMessage, { kind: 'batch' }> = { kind: 'batch', keys: [], sizes: [], sources: [], writtenAt: [] };

function post(): void {
  if (pending.keys.length === 0) return;
  port?.postMessage(pending);
  sent += 1;
  pending = { kind: 'batch', keys: [], sizes: [], sources: [], writtenAt: [] };
  for (;;) {
    const acked = Atomics.load(control, CONTROL_ACKED);
    if (sent - acked < AHEAD || stopped()) return;
    Atomics.wait(control, CONTROL_ACKED, acked, 1000);
  }
}

const result = { files: 0, entries: 0, skipped: 0 };
const scratch = Buffer.alloc(16 * 1024);
for (const file of bucketFiles(dir)) {
  if (stopped()) break;
  const text = readBucketSync(file, scratch);
  if (text === undefined) continue;
  result.files += 1;
  const counts = parseBucket(text, (found) => {
    pending.keys.push(found.key);
    pending.sizes.push(found.size);
    pending.sources.push(found.source);
    pending.writtenAt.push(found.writtenAt);
  });
  result.entries += counts.entries;
  result.skipped += counts.skipped;
  if (pending.keys.length >= batch) post();
}
if (!stopped()) post();
const done: IndexThreadMessage = { kind: 'done', result };
port.postMessage(done);
