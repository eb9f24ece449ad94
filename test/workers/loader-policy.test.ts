/**
 * The loader restriction is process-wide (libvips is loaded once per process), so it is tested in
 * a child process of its own: before restricting, a loader the service does not need works; after,
 * it is refused, while every supported format still decodes through the real pipeline, raw pixel
 * input (the JavaScript/WebAssembly decoders' path) included.
 *
 * This sharp build compiles in no PPM, FITS, Radiance, matrix or CSV loader, so the refused loader
 * shown is libvips' own `.v` format (file loader), the one unneeded loader it does have.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ALLOWED_LOADERS } from '../../src/workers/loader-policy.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';

const run = promisify(execFile);

const dist = (path: string): string => pathToFileURL(join(repoRoot, 'dist', path)).href;

/** A 2x1 24-bit BMP (blue, red), written out by hand. */
function tinyBmp(): Buffer {
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + 8, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(1, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(8, 34);
  return Buffer.concat([header, Buffer.from([255, 0, 0, 0, 0, 255, 0, 0])]);
}

const childScript = `
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
const { restrictLoaders } = await import(process.env.POLICY);
const { runPipeline } = await import(process.env.PIPELINE);
const { parsePlan } = await import(process.env.PARSE);
const inputs = JSON.parse(process.env.INPUTS);
const results = {};
const attempt = async (name, work) => {
  try { results[name] = 'ok ' + (await work()); } catch (error) { results[name] = 'refused ' + String(error.message).split('\\n')[0]; }
};
const dir = mkdtempSync(join(tmpdir(), 'loader-policy-'));
const vips = join(dir, 'tiny.v');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
await sharp({ create: { width: 2, height: 2, channels: 3, background: 'red' } }).toFile(vips);
await attempt('vips file before', async () => (await sharp(vips).metadata()).format);
restrictLoaders(sharp);
await attempt('vips file after', async () => (await sharp(vips).metadata()).format);
await attempt('vips buffer after', async () => (await sharp(readFileSync(vips)).metadata()).format);
const limits = { maxInputPixels: 71000000, maxOutputPixels: 71000000, maxPages: 256, timeoutSeconds: 10, enabledOutputs: ['png', 'json'] };
for (const [name, path] of Object.entries(inputs)) {
  await attempt(name, async () => {
    const out = await runPipeline(readFileSync(path), parsePlan('w=16&output=png'), limits);
    return out.inputType + ' ' + out.width;
  });
}
await attempt('raw pixels', async () => (await sharp(Buffer.alloc(12, 128), { raw: { width: 2, height: 2, channels: 3 } }).png().toBuffer()).length > 0);
await attempt('png by path', async () => (await sharp(inputs.png).metadata()).format);
process.stdout.write(JSON.stringify(results));
`;

test('only the supported formats decode once loaders are restricted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'loader-policy-bmp-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bmp = join(dir, 'tiny.bmp');
  await writeFile(bmp, tinyBmp());
  const inputs = {
    jpeg: fixturePath('320x240.jpg'),
    png: fixturePath('1x1.png'),
    webp: fixturePath('4.webp'),
    tiff: fixturePath('G31D.TIF'),
    gif: fixturePath('dancing-banana.gif'),
    svg: fixturePath('check.svg'),
    avif: fixturePath('cosmos_frame12924_yuv420_10bpc_bt2020_pq_q50.avif'),
    heic: fixturePath('winter_1440x960.heic'),
    pdf: fixturePath('sizes.pdf'),
    ico: fixturePath('favicon.ico'),
    hdr: fixturePath('84y2.hdr'),
    bmp,
  };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', childScript], {
    cwd: repoRoot,
    env: {
      ...process.env,
      POLICY: dist('src/workers/loader-policy.js'),
      PIPELINE: dist('src/pipeline/index.js'),
      PARSE: dist('src/plan/parse.js'),
      INPUTS: JSON.stringify(inputs),
    },
    timeout: 60_000,
  });
  const results = JSON.parse(stdout) as Record<string, string>;
  t.diagnostic(JSON.stringify(results));
  assert.equal(results['vips file before'], 'ok vips');
  assert.equal(results['vips file after'], 'refused Input file contains unsupported image format');
  assert.equal(results['vips buffer after'], 'refused Input buffer contains unsupported image format');
  assert.deepEqual(
    Object.fromEntries(Object.keys(inputs).map((name) => [name, results[name]])),
    {
      jpeg: 'ok jpeg 16',
      png: 'ok png 16',
      webp: 'ok webp 16',
      tiff: 'ok tiff 16',
      gif: 'ok gif 16',
      svg: 'ok svg 16',
      avif: 'ok heif 16',
      heic: 'ok heif 16',
      pdf: 'ok pdf 16',
      ico: 'ok magick 16',
      hdr: 'ok unknown 16',
      bmp: 'ok magick 16',
    },
  );
  assert.equal(results['raw pixels'], 'ok true');
  assert.equal(results['png by path'], 'ok png');
});

test('the allowed list names loader families only', () => {
  assert.deepEqual([...ALLOWED_LOADERS], [
    'VipsForeignLoadJpeg',
    'VipsForeignLoadPng',
    'VipsForeignLoadWebp',
    'VipsForeignLoadTiff',
    'VipsForeignLoadNsgif',
    'VipsForeignLoadSvg',
    'VipsForeignLoadHeif',
  ]);
});
