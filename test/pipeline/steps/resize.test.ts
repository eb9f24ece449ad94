/** Step 4b: sizes, fits, dpr, we, percentages, frames, vectors and the output limit (spec 3.1, 3.2). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { Plan } from '../../../src/plan/types.js';
import { assertFails, assertImage, fixture, PHOTO, pct, render, px } from '../support.js';

describe('fits on the 2725x2225 photo (upstream weserv expectations)', () => {
  const cases: [string, Plan, number, number][] = [
    ['inside with both sizes', { w: px(320), h: px(240) }, 294, 240],
    ['inside with the width only', { w: px(320) }, 320, 261],
    ['inside with the height only', { h: px(320) }, 392, 320],
    ['dpr doubles both sizes', { w: px(160), h: px(120), dpr: 2 }, 294, 240],
    ['enlarges by default', { w: px(3000) }, 3000, 2450],
    ['we keeps it from enlarging', { w: px(3000), we: true }, 2725, 2225],
    ['cover crops to the box', { w: px(320), h: px(240), fit: 'cover' }, 320, 240],
    ['cover with we, smaller axis', { w: px(123), h: px(100), fit: 'cover', we: true }, 123, 100],
    ['cover with we and a larger box', { w: px(3000), h: px(3000), fit: 'cover', we: true }, 2725, 2225],
    ['cover with one size acts like inside', { w: px(320), fit: 'cover' }, 320, 261],
    ['outside covers the box without cropping', { w: px(320), h: px(240), fit: 'outside' }, 320, 261],
    ['contain letterboxes to the box', { w: px(320), h: px(320), fit: 'contain', cbg: [0, 0, 0, 255] }, 320, 320],
    ['contain without letterbox when it fits', { w: px(320), h: px(261), fit: 'contain' }, 320, 261],
    ['fill stretches', { w: px(320), h: px(320), fit: 'fill' }, 320, 320],
    ['fill with the width only keeps the height', { w: px(320), fit: 'fill' }, 320, 2225],
    ['fill with the height only keeps the width', { h: px(320), fit: 'fill' }, 2725, 320],
    ['percentages of the loaded size', { w: pct(0.1), h: pct(0.1), fit: 'fill' }, 273, 223],
  ];
  for (const [name, plan, width, height] of cases) {
    test(name, async () => {
      await assertImage(await render(PHOTO, plan), { format: 'jpeg', width, height });
    });
  }
  test('no size: the image keeps its size', async () => {
    await assertImage(await render('320x240.jpg', {}), { format: 'jpeg', width: 320, height: 240 });
  });
});

describe('frames and vectors', () => {
  test('every frame of an animation is resized: n=-1&w=100', async () => {
    const output = await render('dancing-banana.gif', { n: -1, w: px(100) });
    const meta = await assertImage(output, { format: 'gif', width: 100, height: 106 * 8, pages: 8 });
    assert.equal(meta.pageHeight, 106);
  });

  test('a TIFF page (not the whole file) is what gets resized', async () => {
    await assertImage(await render('MultipleFormats.tif', { page: 8, w: px(60) }), { format: 'tiff', width: 60, height: 8 });
  });

  test('SVG is rendered at the output size, not upscaled from 72 dpi', async () => {
    const output = await render('check.svg', { w: px(1024) });
    await assertImage(output, { format: 'png', width: 1024, height: 1024 });
    const upscaled = await sharp(await sharp(fixture('check.svg')).png().toBuffer()).resize(1024).png().toBuffer();
    // Crisp edges: few partly transparent pixels, where an upscaled raster blurs every edge.
    const blurred = async (png: Buffer): Promise<number> => {
      const alpha = await sharp(png).ensureAlpha().extractChannel(3).raw().toBuffer();
      return alpha.filter((value) => value > 0 && value < 255).length;
    };
    const ours = await blurred(output.data);
    const theirs = await blurred(upscaled);
    assert.ok(ours * 5 < theirs, `${ours} soft edge pixels vs ${theirs} when upscaled`);
  });

  test('a tiny SVG keeps at least one pixel per axis', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="2"></svg>');
    await assertImage(await render(svg, { w: px(2) }), { format: 'png', width: 2, height: 1 });
  });

  test('colour: CMYK and greyscale come out as 3-band sRGB', async () => {
    await assertImage(await render('Channel_digital_image_CMYK_color.jpg', { w: px(32) }), {
      format: 'jpeg',
      width: 32,
      height: 21,
      channels: 3,
    });
    const grey = await assertImage(await render('50020484-00001.png', { w: px(32) }), {
      format: 'png',
      width: 32,
      height: 24,
      channels: 3,
    });
    assert.equal(grey.space, 'srgb');
  });
});

describe('output pixel limit (spec 3.1, 8.35)', () => {
  test('w=10000000&h=10000000&fit=fill fails fast, before any pixel work', async () => {
    const started = performance.now();
    const error = await assertFails(
      render(PHOTO, { w: px(10_000_000), h: px(10_000_000), fit: 'fill' }),
      'OUTPUT_PIXELS',
      '71000000',
    );
    assert.equal(error.message, 'Output image exceeds pixel limit. Width x height should be less than 71000000');
    assert.ok(performance.now() - started < 1000);
  });
  test('counts every frame', async () => {
    await assertFails(
      render('dancing-banana.gif', { n: -1, w: px(990) }, { maxInputPixels: 71e6, maxOutputPixels: 8_000_000, maxPages: 256, timeoutSeconds: 10, enabledOutputs: ['gif'] }),
      'OUTPUT_PIXELS',
      '8000000',
    );
  });
});
