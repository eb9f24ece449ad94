/**
 * A stand-in image worker whose job blocks in native code (a synchronous child process), where
 * terminating the thread cannot reach it: like librsvg or a stuck decoder would.
 */
import { execFileSync } from 'node:child_process';
import type { WorkerJob, WorkerReply } from '../../src/workers/protocol.js';

export default function run(job: WorkerJob): WorkerReply {
  if (job.kind === 'ping') return { ok: true, pong: 'blocking' };
  execFileSync('sleep', ['6']);
  return { ok: false, error: { code: 'INTERNAL' } };
}
