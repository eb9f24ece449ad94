/**
 * The entry writer's thread (see entry-writer.ts): writes each entry it is sent with synchronous
 * calls and answers with its integrity or the error's message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeEntrySync } from './entry-format.js';
import type { WriteReply, WriteRequest } from './entry-writer.js';

const port = parentPort;
if (!port) throw new Error('entry-writer-thread.js runs as a worker thread');
const { dir } = workerData as { readonly dir: string };

port.on('message', (request: WriteRequest) => {
  let reply: WriteReply;
  try {
    reply = { id: request.id, integrity: writeEntrySync(dir, request.key, request.data, request.metadata, request.time) };
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) };
  }
  port.postMessage(reply);
});
