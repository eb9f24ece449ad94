/**
 * Miss baseline: raw sharp doing the same transform on the same in-memory buffer, with as many
 * parallel pipelines as pixproxy has workers and one libvips thread each, no HTTP, no fetch.
 */
import sharp, { type Sharp } from 'sharp';

export type Transform = (image: Sharp) => Sharp;

export interface SharpThroughput {
  readonly rps: number;
  /** CPU time per image, every thread of this process included. */
  readonly cpuMs: number;
}

async function runFor(jobs: ReadonlyArray<{ input: Buffer; transform: Transform }>, parallel: number, seconds: number): Promise<number> {
  let done = 0;
  let next = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (performance.now() < end) {
        const job = jobs[next++ % jobs.length];
        if (!job) return;
        await job.transform(sharp(job.input)).toBuffer();
        done += 1;
      }
    }),
  );
  return done;
}

/** Runs `warmupSeconds` unmeasured (as pixproxy's load gets), then measures `seconds`. */
export async function sharpThroughput(
  jobs: ReadonlyArray<{ input: Buffer; transform: Transform }>,
  parallel: number,
  seconds: number,
  warmupSeconds = 0,
): Promise<SharpThroughput> {
  sharp.concurrency(1);
  sharp.cache(false);
  if (warmupSeconds > 0) await runFor(jobs, parallel, warmupSeconds);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const done = await runFor(jobs, parallel, seconds);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { rps: done / elapsed, cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(done, 1) };
}
