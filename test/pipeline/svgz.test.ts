/** Compressed SVG (svgz) and the SVG element budget, through the pipeline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { ServiceError } from '../../src/errors.js';
import { renderQuery } from './query.js';

test('an svgz whose start inflates to more than a kilobyte is recognised and rendered', async () => {
  const comment = `<!-- ${'x'.repeat(3000)} -->`;
  const svg = `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">${comment}<rect width="40" height="20" fill="red"/></svg>`;
  const output = await renderQuery(gzipSync(Buffer.from(svg)), 'w=80');
  const meta = await sharp(output.data).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 80, 40]);
});

test('an SVG with more elements than librsvg can hold cheaply is refused before parsing', async () => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${'<rect width="1" height="1"/>'.repeat(60_000)}</svg>`;
  await assert.rejects(renderQuery(Buffer.from(svg), 'w=10'), (error: unknown) => error instanceof ServiceError && error.code === 'NOT_READABLE');
});
