/**
 * The fast test tier (`npm run test:unit`): the unit tests, without HTTP, workers or origins, run
 * in a few processes rather than one per file. Every file of the full suite runs in a process of its
 * own, which for these small files costs more than the tests (each loads sharp and its fixtures):
 * grouping them is what keeps the tier under half a minute. `npm test` still runs every file, these
 * included, the usual way.
 *
 * The tier is data: which test directories and files each group imports. A file whose hooks sit at
 * the top level (a module-level `beforeEach`) cannot join a group: in a shared process those hooks
 * would run around every other file's tests too. Such files stay in the full suite only.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const UNIT_TIER = {
  /** Tests that decode and encode images with sharp. */
  images: ['pipeline/steps', 'pipeline/geometry.test.js', 'pipeline/dihedral.test.js'],
  /** Pure code and in-process fakes. */
  logic: [
    'plan',
    'url',
    'concurrency',
    'cache/public-api.test.js',
    'service',
    'ratelimit/gcra.test.js',
    'ratelimit/limiter.test.js',
    'config.test.js',
    'buffers.test.js',
    'architecture.test.js',
    'playground/client-query.test.js',
  ],
} as const satisfies Record<string, readonly string[]>;

/** dist/test, seen from dist/scripts/unit. */
const TESTS = fileURLToPath(new URL('../../test/', import.meta.url));

function testFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => (name.endsWith('.test.js') || statSync(join(path, name)).isDirectory() ? testFiles(join(path, name)) : []));
}

/** Imports every test file of a group: node:test collects their tests into this process. */
export async function importGroup(group: keyof typeof UNIT_TIER): Promise<void> {
  for (const entry of UNIT_TIER[group]) {
    for (const file of testFiles(join(TESTS, entry))) await import(pathToFileURL(file).href);
  }
}
