/**
 * The README's generated tables match the code, and nothing is marked supported without a test:
 * for every supported parameter (or one of its synonyms) some test sends it in a query.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parameterRows, parameterTableMarkdown } from '../src/plan/parameter-table.js';
import { configTableMarkdown } from '../scripts/readme-tables.js';
import { repoRoot } from './helpers/paths.js';

async function section(name: string): Promise<string> {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  const start = `<!-- ${name}:start -->\n`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(`\n<!-- ${name}:end -->`);
  assert.ok(from >= 0 && to > from, `README has a ${name} section`);
  return readme.slice(from + start.length, to);
}

async function testSources(dir: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) text += await testSources(path);
    else if (entry.name.endsWith('.ts')) text += await readFile(path, 'utf8');
  }
  return text;
}

test('the README tables are current (run `npm run docs` after changing settings or parameters)', async () => {
  assert.equal(await section('config'), configTableMarkdown());
  assert.equal(await section('parameters'), parameterTableMarkdown());
});

test('every parameter marked supported is sent in a query by some test', async () => {
  const sources = await testSources(join(repoRoot, 'test'));
  const untested: string[] = [];
  for (const row of parameterRows()) {
    if (!row.supported) continue;
    const spellings = [row.key, ...row.synonyms].map((key) => key.replace(/[-]/g, '\\$&'));
    // In a query string: `key=` at its start or after `&`/`?`, or a bare `&key` flag.
    const names = spellings.join('|');
    const used = new RegExp(`[?&'"\`](${names})=|[?&](${names})(&|'|"|\`)`);
    if (!used.test(sources)) untested.push(row.key);
  }
  assert.deepEqual(untested, []);
});
