/** Step 4e: the rectangle crop, after the resize or before it with precrop (spec 3.3). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CropRect } from '../../../src/plan/types.js';
import { assertImage, assertSimilar, PHOTO, pct, render, px } from '../support.js';

const rect = (x: number, y: number, w: number, h: number): CropRect => ({ x: px(x), y: px(y), w: px(w), h: px(h) });

describe('partial extract (upstream references)', () => {
  const cases: [string, CropRect, string, string, number, number][] = [
    [PHOTO, rect(2, 2, 20, 20), 'jpeg', 'extract.jpg', 20, 20],
    ['50020484-00001.png', rect(200, 300, 400, 200), 'png', 'extract.png', 400, 200],
    ['4.webp', rect(100, 50, 125, 200), 'webp', 'extract.webp', 125, 200],
    ['G31D.TIF', rect(34, 63, 341, 529), 'tiff', 'extract.tiff', 341, 529],
  ];
  for (const [input, crop, format, expected, width, height] of cases) {
    test(`${input} -> ${expected}`, async () => {
      const output = await render(input, { crop });
      await assertImage(output, { format, width, height });
      await assertSimilar(output, expected);
    });
  }
});

describe('order with the other geometry', () => {
  test('precrop: crop the original, then resize', async () => {
    const output = await render(PHOTO, { crop: rect(10, 10, 10, 500), w: px(100), h: px(100), fit: 'cover', precrop: true });
    await assertImage(output, { format: 'jpeg', width: 100, height: 100 });
    await assertSimilar(output, 'extract-resize.jpg');
  });
  test('resize, cover crop, then the rectangle', async () => {
    const output = await render(PHOTO, { w: px(500), h: px(500), fit: 'cover', a: 'top', crop: rect(10, 10, 100, 100) });
    await assertImage(output, { format: 'jpeg', width: 100, height: 100 });
    await assertSimilar(output, 'resize-crop-extract.jpg');
  });
  test('rotate, then the rectangle', async () => {
    const output = await render('grey-8bit-alpha.png', { ro: 90, crop: rect(20, 10, 280, 380) });
    await assertImage(output, { format: 'png', width: 280, height: 380, channels: 4 });
    await assertSimilar(output, 'rotate-extract.png');
  });
  test('an SVG rendered at size, then cut (coordinates at the output resolution)', async () => {
    const output = await render('check.svg', { w: px(1024), fit: 'outside', crop: rect(290, 760, 40, 40) });
    await assertImage(output, { format: 'png', width: 40, height: 40 });
    await assertSimilar(output, 'svg72.png');
  });
  test('precrop with a turn: the crop is of the turned image', async () => {
    const output = await render(PHOTO, { ro: 90, precrop: true, crop: { w: px(100), h: px(50) } });
    await assertImage(output, { format: 'jpeg', width: 100, height: 50 });
  });
});

describe('snapping (spec 3.3, 8.21)', () => {
  const cases: [string, CropRect, number, number][] = [
    ['limited to the image boundaries', rect(2405, 1985, 30000, 30000), 320, 240],
    ['negative width: the rest of the row', rect(10, 10, -10, 10), 310, 10],
    ['negative height: the rest of the column', rect(10, 10, 10, -10), 10, 230],
    ['origin outside the image: 0', rect(3000, 10, 10, 10), 10, 10],
    ['percent width', { x: px(10), y: px(10), w: pct(0.5), h: pct(1) }, 160, 230],
    ['percent height', { x: px(10), y: px(10), w: pct(1), h: pct(0.5) }, 310, 120],
    ['invalid sizes (absent): the rest', { x: px(10), y: px(10) }, 310, 230],
  ];
  for (const [name, crop, width, height] of cases) {
    test(name, async () => {
      // The first case crops the original; the others a 320x240 cover crop, as upstream.
      const plan = name.startsWith('limited') ? { crop } : { w: px(320), h: px(240), fit: 'cover' as const, crop };
      await assertImage(await render(PHOTO, plan), { format: 'jpeg', width, height });
    });
  }
});

describe('animations', () => {
  test('every frame is cropped: n=-1&cx=240&cw=510', async () => {
    const output = await render('dancing-banana.gif', { n: -1, crop: { x: px(240), w: px(510) }, output: 'gif' });
    const meta = await assertImage(output, { format: 'gif', width: 510, height: 1050 * 8, pages: 8 });
    assert.equal(meta.pageHeight, 1050);
  });
  test('and the frame height follows ch', async () => {
    const output = await render('dancing-banana.gif', { n: -1, w: px(99), crop: { y: px(10), h: px(50) } });
    const meta = await assertImage(output, { format: 'gif', width: 99, height: 400, pages: 8 });
    assert.equal(meta.pageHeight, 50);
  });
});
