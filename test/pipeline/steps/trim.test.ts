/** Step 3: trim (spec 3.4), on the full-size image before the resize. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { assertColours } from '../colours.js';
import { assertSameBytes, rawOf, renderQuery } from '../query.js';
import { assertImage, assertSimilar, metadataOf } from '../support.js';

/** `width`×`height` of `border`, with an opaque `box` of `inner` at (left, top). */
async function framed(
  size: { width: number; height: number },
  border: { r: number; g: number; b: number; alpha: number },
  box: { left: number; top: number; width: number; height: number },
  inner = { r: 0, g: 0, b: 0, alpha: 1 },
): Promise<Buffer> {
  const patch = await sharp({ create: { width: box.width, height: box.height, channels: 4, background: inner } })
    .png()
    .toBuffer();
  return sharp({ create: { ...size, channels: 4, background: border } })
    .composite([{ input: patch, left: box.left, top: box.top }])
    .png()
    .toBuffer();
}

const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };

describe('upstream references', () => {
  test('threshold 25, then a cover resize (alpha-layer-1-fill-trim-resize.png)', async () => {
    const output = await renderQuery('alpha-layer-1-fill.png', 'w=450&h=322&fit=cover&trim=25');
    await assertImage(output, { format: 'png', width: 450, height: 322, channels: 4 });
    await assertSimilar(output, 'alpha-layer-1-fill-trim-resize.png');
    await assertColours(output, 'alpha-layer-1-fill-trim-resize.png');
  });
  test('16-bit PNG with transparency (trim-16bit-rgba.png)', async () => {
    const output = await renderQuery('tbgn2c16.png', 'w=32&h=32&fit=cover&trim=10');
    await assertImage(output, { format: 'png', width: 32, height: 32, channels: 4 });
    await assertSimilar(output, 'trim-16bit-rgba.png');
    await assertColours(output, 'trim-16bit-rgba.png');
  });
  test('trimmed before the resize: w=300 of the trimmed ink layer is square (alpha-layer-2-trim-resize.jpg)', async () => {
    const output = await renderQuery('alpha-layer-2-ink.jpg', 'w=300&trim=10');
    await assertImage(output, { format: 'jpeg', width: 300, height: 300, channels: 3 });
    await assertSimilar(output, 'alpha-layer-2-trim-resize.jpg');
    await assertColours(output, 'alpha-layer-2-trim-resize.jpg');
  });
  test('an aggressive threshold finds no box: the image is unchanged', async () => {
    // Untrimmed 2048×1536 resized to w=64 keeps its 4:3 shape.
    await assertImage(await renderQuery('alpha-layer-0-background.png', 'w=64&trim=200'), {
      format: 'png',
      width: 64,
      height: 48,
    });
  });
  test('images smaller than 3×3 are left alone', async () => {
    await assertImage(await renderQuery('1x1.png', 'trim=200'), { format: 'png', width: 1, height: 1 });
  });
});

describe('the box', () => {
  test('edges like the top-left pixel are cut, to the exact box', async () => {
    const input = await framed({ width: 40, height: 30 }, WHITE, { left: 7, top: 5, width: 12, height: 9 });
    const output = await renderQuery(input, 'trim=10');
    await assertImage(output, { format: 'png', width: 12, height: 9 });
    const { data } = await rawOf(output);
    assert.deepEqual([...data.subarray(0, 4)], [0, 0, 0, 255]);
  });
  test('a uniform image is all background: unchanged (no zero-size crop)', async () => {
    const input = await sharp({ create: { width: 9, height: 7, channels: 3, background: WHITE } }).png().toBuffer();
    await assertImage(await renderQuery(input, 'trim=10'), { format: 'png', width: 9, height: 7 });
  });
  test('tbg compares against another colour than the top-left pixel', async () => {
    // A 2 px red border around white, with a black box inside.
    const white = await framed({ width: 36, height: 26 }, WHITE, { left: 10, top: 8, width: 6, height: 5 });
    const input = await sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } })
      .composite([{ input: white, left: 2, top: 2 }])
      .png()
      .toBuffer();
    // Against the top-left red: only the border goes.
    await assertImage(await renderQuery(input, 'trim=10'), { format: 'png', width: 36, height: 26 });
    await assertImage(await renderQuery(input, 'trim=10&tbg=red'), { format: 'png', width: 36, height: 26 });
    // Against white the red border differs, so nothing is trimmed.
    await assertImage(await renderQuery(input, 'trim=10&tbg=white'), { format: 'png', width: 40, height: 30 });
  });
  test('transparent edges: the top-left pixel is flattened onto black', async () => {
    const clear = { r: 255, g: 255, b: 255, alpha: 0 };
    const input = await framed({ width: 30, height: 20 }, clear, { left: 4, top: 3, width: 10, height: 8 }, WHITE);
    const output = await renderQuery(input, 'trim=10');
    await assertImage(output, { format: 'png', width: 10, height: 8, channels: 4 });
  });
  test('the tolerance decides what is similar', async () => {
    const grey = { r: 235, g: 235, b: 235, alpha: 1 };
    const input = await framed({ width: 30, height: 20 }, WHITE, { left: 5, top: 5, width: 10, height: 6 }, grey);
    await assertImage(await renderQuery(input, 'trim=10'), { format: 'png', width: 10, height: 6 });
    // 20 levels of difference are within a tolerance of 30: all background, unchanged.
    await assertImage(await renderQuery(input, 'trim=30'), { format: 'png', width: 30, height: 20 });
  });
});

describe('animations: only left and right are trimmed (spec 4.2 item 5)', () => {
  test('each frame keeps its height; the width is that of all frames together', async () => {
    // Three 30×20 white frames with a black box at a different place in each.
    const boxes = [
      { left: 5, top: 4, width: 6, height: 5 },
      { left: 12, top: 9, width: 8, height: 6 },
      { left: 9, top: 2, width: 4, height: 3 },
    ];
    const frames = await Promise.all(
      boxes.map(async (box) => sharp(await framed({ width: 30, height: 20 }, WHITE, box)).raw().toBuffer()),
    );
    const input = await sharp(Buffer.concat(frames), { raw: { width: 30, height: 60, channels: 4, pageHeight: 20 } })
      .webp({ lossless: true })
      .toBuffer();
    const output = await renderQuery(input, 'n=-1&trim=10');
    const meta = await assertImage(output, { format: 'webp', width: 15, height: 60, pages: 3 });
    assert.equal(meta.pageHeight, 20);
  });
  test('the animated banana: 990 wide trimmed to 930, frames stay 1050 high', async () => {
    // w=93 keeps the test fast: 930×1050 frames scale by exactly 10.
    const output = await renderQuery('dancing-banana.gif', 'n=-1&trim=25&w=93');
    const meta = await assertImage(output, { format: 'gif', width: 93, height: 105 * 8, pages: 8 });
    assert.equal(meta.pageHeight, 105);
  });
});

describe('neutral and invalid values', () => {
  const input = framed({ width: 40, height: 30 }, WHITE, { left: 7, top: 5, width: 12, height: 9 });
  test('trim=0, trim=255, trim=-5 and a lone tbg do nothing', async () => {
    await assertSameBytes(await input, 'w=20', ['w=20&trim=0', 'w=20&trim=255', 'w=20&trim=-5', 'w=20&tbg=red']);
  });
  test('bare or non-numeric trim means 10', async () => {
    await assertSameBytes(await input, 'w=20&trim=10', ['w=20&trim', 'w=20&trim=', 'w=20&trim=abc']);
    await assertImage(await renderQuery(await input, 'trim'), { format: 'png', width: 12, height: 9 });
  });
  test('the trimmed output keeps its alpha', async () => {
    const clear = { r: 0, g: 0, b: 0, alpha: 0 };
    const transparent = await framed({ width: 30, height: 20 }, clear, { left: 4, top: 3, width: 10, height: 8 }, WHITE);
    const meta = await metadataOf(await renderQuery(transparent, 'trim=10'));
    assert.equal(meta.hasAlpha, true);
  });
});
