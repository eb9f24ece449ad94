/**
 * Part of `npm run build`: copies the playground's browser files (src/playground/client: plain
 * JavaScript and CSS, type-checked by their own tsconfig.json) beside the compiled server code, so
 * dist/src is complete on its own (the Docker image ships only dist/src). Copied byte for byte:
 * the files are served as written.
 */
import { copyFileSync, mkdirSync } from 'node:fs';

const FILES = ['app.js', 'query.js', 'style.css'];

const from = new URL('../../src/playground/client/', import.meta.url);
const to = new URL('../src/playground/client/', import.meta.url);
mkdirSync(to, { recursive: true });
for (const name of FILES) copyFileSync(new URL(name, from), new URL(name, to));
