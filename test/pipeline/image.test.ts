/**
 * How steps turn into sharp pipelines: queued operations, merges, and the few places where
 * pixels must be computed in between because sharp would run operations in another order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { PipelineImage } from '../../src/pipeline/image.js';
import { GEOMETRY_STEPS } from '../../src/pipeline/index.js';
import { load } from '../../src/pipeline/steps/load.js';
import type { Plan } from '../../src/plan/types.js';
import { fixture, LIMITS, PHOTO, render, px } from './support.js';


async function prepare(name: string, plan: Plan): Promise<PipelineImage> {
  let image = await load(fixture(name), plan, { limits: LIMITS, startedAt: performance.now() });
  for (const step of GEOMETRY_STEPS) image = await step(image, plan);
  return image;
}

const kinds = (image: PipelineImage): string[] => image.ops.map((op) => op.kind);

describe('the common path is one sharp pass', () => {
  test('trim of an opaque JPEG holds no decoded copy: the box is a crop queued before the resize', async () => {
    const plan: Plan = { trim: 10, w: px(200) };
    let image = await load(fixture('alpha-layer-2-ink.jpg'), plan, { limits: LIMITS, startedAt: performance.now() });
    for (const step of GEOMETRY_STEPS) image = await step(image, plan);
    assert.equal(image.materialisations, 0);
    assert.equal(image.pixels, undefined);
    assert.deepEqual(kinds(image), ['extract', 'resize']);
  });

  test('gam: a whole-frame crop first, so sharp cannot shrink on load, in the same pass', async () => {
    const plan: Plan = { gam: 2.2, w: px(200) };
    let image = await load(fixture('Landscape_6.jpg'), plan, { limits: LIMITS, startedAt: performance.now() });
    for (const step of GEOMETRY_STEPS) image = await step(image, plan);
    assert.equal(image.materialisations, 0);
    assert.deepEqual(kinds(image), ['extract', 'resize', 'orient']);
  });

  test('EXIF-rotated JPEG, cover crop: resize (axes swapped), orient, extract', async () => {
    const image = await prepare('Landscape_6.jpg', { w: px(320), h: px(100), fit: 'cover', a: 'top' });
    assert.equal(image.materialisations, 0);
    assert.deepEqual(kinds(image), ['resize', 'orient', 'extract']);
    // Stored 400x600, upright 600x400: resized upright to 320x213, i.e. 213x320 as stored.
    assert.deepEqual(image.ops[0], { kind: 'resize', width: 213, pageHeight: 320, fastShrinkOnLoad: true });
    assert.deepEqual([image.width, image.pageHeight], [320, 100]);
  });

  test('letterbox: resize, extend; the transparent background adds alpha', async () => {
    const image = await prepare(PHOTO, { w: px(320), h: px(320), fit: 'contain' });
    assert.equal(image.materialisations, 0);
    assert.deepEqual(kinds(image), ['resize', 'extend']);
    assert.equal(image.hasAlpha, true);
  });

  test('a cover crop and a rectangle crop become one extract', async () => {
    const image = await prepare(PHOTO, {
      w: px(500),
      h: px(500),
      fit: 'cover',
      a: 'top',
      crop: { x: px(10), y: px(10), w: px(100), h: px(100) },
    });
    assert.equal(image.materialisations, 0);
    assert.deepEqual(image.ops.at(-1), { kind: 'extract', rect: { left: 10 + 56, top: 10, width: 100, height: 100 } });
  });

  test('EXIF and user turns merge; here they cancel out', async () => {
    const image = await prepare('Landscape_6.jpg', { w: px(320), ro: 270 });
    assert.deepEqual(kinds(image), ['resize']);
    assert.equal(image.materialisations, 0);
  });

  test('a mirror of an animation is queued, per frame by sharp itself', async () => {
    const image = await prepare('dancing-banana.gif', { n: -1, w: px(100), flop: true });
    assert.deepEqual(kinds(image), ['resize', 'orient']);
    assert.equal(image.materialisations, 0);
  });
});

describe('pixels are computed in between only where sharp would reorder', () => {
  test('smart crop after a resize', async () => {
    const image = await prepare(PHOTO, { w: px(80), h: px(320), fit: 'cover', a: 'entropy' });
    assert.equal(image.materialisations, 1);
    assert.deepEqual(kinds(image), ['smartcrop']);
  });

  test('precrop after a turn (sharp would crop before turning)', async () => {
    const image = await prepare(PHOTO, { ro: 90, precrop: true, crop: { w: px(100), h: px(50) }, w: px(20) });
    assert.equal(image.materialisations, 1);
    assert.deepEqual(kinds(image), ['extract', 'resize']);
  });

  test('precrop without a turn stays one pass', async () => {
    const image = await prepare(PHOTO, { precrop: true, crop: { w: px(100), h: px(50) }, w: px(20) });
    assert.equal(image.materialisations, 0);
    assert.deepEqual(kinds(image), ['extract', 'resize']);
  });

  test('a coloured letterbox on greyscale pixels', async () => {
    const image = await prepare('50020484-00001.png', { w: px(100), h: px(100), fit: 'contain', cbg: [255, 0, 0, 255] });
    assert.equal(image.materialisations, 1);
    assert.equal(image.grey, false);
  });

  test('quarter turns of an animation go frame by frame, keeping the frame order', async () => {
    const image = await prepare('dancing-banana.gif', { n: -1, ro: 90 });
    assert.equal(image.materialisations, 1);
    assert.deepEqual([image.width, image.pageHeight, image.pages], [1050, 990, 8]);

    const output = await render('dancing-banana.gif', { n: -1, ro: 90, output: 'png', l: 1 });
    for (const page of [0, 5]) {
      const frame = await sharp(output.data).extract({ left: 0, top: page * 990, width: 1050, height: 990 }).raw().toBuffer();
      const expected = await sharp(fixture('dancing-banana.gif'), { page }).rotate(90).ensureAlpha().raw().toBuffer();
      assert.ok(frame.equals(expected), `frame ${page} differs`);
    }
  });
});
