/**
 * `npm run docs`: rewrites the generated tables of README.md (configuration, parameters) from the
 * settings table and the parameter table. The tests fail when the README and the tables disagree.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { defaultTextOf, settings } from '../src/config.js';
import { parameterTableMarkdown } from '../src/plan/parameter-table.js';

export function configTableMarkdown(): string {
  return [
    '| Variable | Default | Meaning |',
    '| --- | --- | --- |',
    ...settings.map((s) => {
      const text = defaultTextOf(s);
      const plain = /^[\w./:-]+$/.test(text);
      return `| \`${s.env}\` | ${plain ? `\`${text}\`` : text} | ${s.doc} |`;
    }),
  ].join('\n');
}

function replaceBetween(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} section`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

async function main(): Promise<void> {
  const path = new URL('../../README.md', import.meta.url);
  let readme = await readFile(path, 'utf8');
  readme = replaceBetween(readme, 'config', configTableMarkdown());
  readme = replaceBetween(readme, 'parameters', parameterTableMarkdown());
  await writeFile(path, readme);
  process.stdout.write('README.md tables regenerated\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').slice(-2).join('/'))) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
