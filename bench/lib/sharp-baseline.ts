/**
 * Miss baseline: raw sharp doing the same transform on the same in-memory buffer, with as many
 * parallel pipelines as pixproxy has workers and one libvips thread each, no HTTP, no fetch.
 */
import sharp, { type Sharp } from 'sharp';

export type Transform = (image: Sharp) => Sharp;

export async function sharpThroughput(
  jobs: ReadonlyArray<{ input: Buffer; transform: Transform }>,
  parallel: number,
  seconds: number,
): Promise<number> {
  sharp.concurrency(1);
  sharp.cache(false);
  let done = 0;
  let next = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
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
  return done / ((performance.now() - started) / 1000);
}
