/** Where tests find the repository root and the shared weserv fixtures, from dist/ or from source. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** ../shared/fixtures/weserv beside the repository, as on CI; PIXPROXY_FIXTURES overrides. */
export const fixturesDir = process.env.PIXPROXY_FIXTURES ?? resolve(repoRoot, '../shared/fixtures/weserv');

export function fixturePath(name: string): string {
  return join(fixturesDir, name);
}

export function expectedPath(name: string): string {
  return join(fixturesDir, 'expected', name);
}
