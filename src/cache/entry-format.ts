/**
 * cacache's on-disk format for writing one entry, as cacache 20 lays it out (lib/content/write.js,
 * lib/entry-index.js): the content under content-v2/<algorithm>/<hex, split 2/2/rest>, named by its
 * sha512 integrity, and one line appended to the key's bucket under index-v5/<sha256(key) split the
 * same way>: "\n" + sha1(json) + "\t" + json, json being {key, integrity, time, size, metadata}.
 * cacache itself reads, verifies and deletes what is written this way; the format test checks that.
 *
 * Content goes to a temporary file and is renamed into place before the index line is written, as
 * cacache does, so a crash leaves at worst unreferenced content (which `verify` reclaims), never an
 * entry pointing at half-written bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function segments(hex: string): [string, string, string] {
  return [hex.slice(0, 2), hex.slice(2, 4), hex.slice(4)];
}

/** The content's integrity string (`sha512-<base64>`) and where cacache keeps it. */
export function contentLocation(dir: string, data: Uint8Array): { integrity: string; path: string } {
  const digest = createHash('sha512').update(data).digest();
  return {
    integrity: `sha512-${digest.toString('base64')}`,
    path: join(dir, 'content-v2', 'sha512', ...segments(digest.toString('hex'))),
  };
}

/** The bucket file that holds a key's index lines. */
export function bucketPath(dir: string, key: string): string {
  return join(dir, 'index-v5', ...segments(createHash('sha256').update(key).digest('hex')));
}

/** One index line, checksummed as cacache checks it on read. */
export function indexLine(entry: { key: string; integrity: string; time: number; size: number; metadata: unknown }): string {
  const json = JSON.stringify(entry);
  return `\n${createHash('sha1').update(json).digest('hex')}\t${json}`;
}

/**
 * Writes one entry with synchronous calls (for a thread of its own, where blocking costs nobody);
 * returns the content's integrity.
 */
export function writeEntrySync(dir: string, key: string, data: Uint8Array, metadata: unknown, time = Date.now()): string {
  const content = contentLocation(dir, data);
  // Content-addressed: bytes already stored under this name are these bytes.
  if (!existsSync(content.path)) {
    const tmpDir = join(dir, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomBytes(8).toString('hex'));
    try {
      writeFileSync(tmp, data, { flag: 'wx' });
      mkdirSync(dirname(content.path), { recursive: true });
      renameSync(tmp, content.path);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
  }
  const bucket = bucketPath(dir, key);
  mkdirSync(dirname(bucket), { recursive: true });
  appendFileSync(bucket, indexLine({ key, integrity: content.integrity, time, size: data.byteLength, metadata }));
  return content.integrity;
}
