/**
 * Responses recorded from pixproxy (path, headers, body), written to a directory for the fixed
 * baseline server to replay. Headers uWS writes itself are left out.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Recorded {
  readonly body: Buffer;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

const writtenByUws = new Set(['content-length', 'date', 'uwebsockets', 'connection', 'keep-alive', 'transfer-encoding']);

/** GETs `path` and keeps what the baseline needs to answer it the same way. */
export async function record(base: string, path: string): Promise<Recorded> {
  const res = await fetch(base + path);
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return { body, headers: [...res.headers].filter(([name]) => !writtenByUws.has(name)) };
}

interface IndexEntry {
  readonly path: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export function writeRecorded(responses: ReadonlyMap<string, Recorded>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pixproxy-recorded-'));
  const index: IndexEntry[] = [];
  for (const [path, response] of responses) {
    writeFileSync(join(dir, String(index.length)), response.body);
    index.push({ path, headers: response.headers });
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return dir;
}

export function readRecorded(dir: string): Map<string, Recorded> {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as IndexEntry[];
  return new Map(index.map((entry, i) => [entry.path, { body: readFileSync(join(dir, String(i))), headers: entry.headers }]));
}
