/**
 * Preloaded into the service under measurement (`node --import`): every JavaScript thread (the
 * main thread, each worker) appends its Linux thread id and its script to the file named by
 * PIXPROXY_THREAD_ROLES, so per-thread CPU in /proc can be told apart. Node names all of them
 * "node"; libvips names its own threads. Only the bench loads this.
 */
import { appendFileSync, readlinkSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.PIXPROXY_THREAD_ROLES;
if (file) {
  const tid = readlinkSync('/proc/thread-self').split('/').pop() ?? '';
  const script = isMainThread ? 'main' : (process.argv[1] ?? '');
  appendFileSync(file, `${tid} ${isMainThread ? 'main' : 'worker'} ${script}\n`);
}
