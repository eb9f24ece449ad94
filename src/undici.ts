/**
 * undici, the package in node_modules, on either runtime. Bun answers the bare specifier `undici`
 * with a built-in stand-in whose Agent is an empty class (its `request` never connects), which would
 * take away the checked connector every origin fetch goes through. The package's own entry file,
 * imported by path, is the real undici, and it runs on Bun. On Node the import is the usual one.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as bundled from 'undici';
import { onBun } from './runtime.js';

export type Undici = typeof bundled;

async function packageUndici(): Promise<Undici> {
  const root = dirname(createRequire(import.meta.url).resolve('undici/package.json'));
  return (await import(pathToFileURL(join(root, 'index.js')).href)) as Undici;
}

export const undici: Undici = onBun ? await packageUndici() : bundled;
