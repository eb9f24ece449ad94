/** Step 5: letterboxing for fit=contain, with cbg (spec 3.2). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan } from '../../../src/plan/types.js';
import { assertImage, assertSimilar, PHOTO, pixelAt, render, px } from '../support.js';

const WHITE = [255, 255, 255, 255] as const;
const BLACK = [0, 0, 0, 255] as const;

describe('upstream references', () => {
  const cases: [string, string, Plan, string, number, number, number][] = [
    ['PNG with alpha onto white', 'blackbug.png', { w: px(50), h: px(50), cbg: WHITE }, 'embed-4-into-4.png', 50, 50, 4],
    ['16-bit PNG onto white', 'tbgn2c16.png', { w: px(32), h: px(16), cbg: WHITE }, 'embed-16bit.png', 32, 16, 4],
    ['16-bit PNG onto transparent', 'tbgn2c16.png', { w: px(32), h: px(16) }, 'embed-16bit-rgba.png', 32, 16, 4],
    ['grey + alpha onto transparent', 'grey-8bit-alpha.png', { w: px(32), h: px(16) }, 'embed-2channel.png', 32, 16, 4],
    ['enlarge onto black', '2x2_fdcce6.png', { w: px(320), h: px(240), cbg: BLACK }, 'embed-enlarge.png', 320, 240, 3],
    ['focal point', '2x2_fdcce6.png', { w: px(320), h: px(240), cbg: BLACK, a: 'focal', fpx: 0 }, 'embed-focal.png', 320, 240, 3],
    ['Lab TIFF onto semi-transparent', 'cielab-dagams.tiff', { w: px(64), h: px(128), cbg: [255, 102, 0, 128], output: 'png' }, 'embed-lab-into-rgba.png', 64, 128, 4],
    ['CMYK onto white, not yellow', 'Channel_digital_image_CMYK_color.jpg', { w: px(320), h: px(240), cbg: WHITE }, 'colourspace.cmyk.jpg', 320, 240, 3],
  ];
  for (const [name, input, plan, expected, width, height, channels] of cases) {
    test(name, async () => {
      const output = await render(input, { fit: 'contain', ...plan });
      const format = expected.endsWith('.png') ? 'png' : 'jpeg';
      await assertImage(output, { format, width, height, channels });
      await assertSimilar(output, expected);
    });
  }
});

describe('background and alpha', () => {
  test('transparent by default: a JPEG comes out as PNG with alpha', async () => {
    const output = await render(PHOTO, { w: px(64), h: px(64), fit: 'contain' });
    assert.equal(output.extension, 'png');
    await assertImage(output, { format: 'png', width: 64, height: 64, channels: 4 });
    assert.deepEqual(await pixelAt(output, 32, 0), [0, 0, 0, 0]);
    assert.equal((await pixelAt(output, 32, 32))[3], 255);
  });
  test('an opaque cbg keeps a JPEG a JPEG, without alpha', async () => {
    const output = await render(PHOTO, { w: px(64), h: px(64), fit: 'contain', cbg: [255, 0, 0, 255] });
    assert.equal(output.extension, 'jpg');
    await assertImage(output, { format: 'jpeg', width: 64, height: 64, channels: 3 });
    const [r = 0, g = 0, b = 0] = await pixelAt(output, 32, 1);
    assert.ok(r > 240 && g < 15 && b < 15, `${r},${g},${b}`);
  });
  test('a coloured cbg stays coloured around a greyscale image', async () => {
    const output = await render('50020484-00001.png', { w: px(64), h: px(64), fit: 'contain', cbg: [0, 0, 255, 255] });
    assert.deepEqual(await pixelAt(output, 32, 0), [0, 0, 255]);
  });
  test('the image sits where a says', async () => {
    const output = await render('2x2_fdcce6.png', { w: px(8), h: px(4), fit: 'contain', a: 'left', cbg: BLACK });
    assert.deepEqual(await pixelAt(output, 0, 0), [0xfd, 0xcc, 0x6e]);
    assert.deepEqual(await pixelAt(output, 7, 0), [0, 0, 0]);
  });
  test('we: a small image is letterboxed unscaled', async () => {
    const output = await render('2x2_fdcce6.png', { w: px(6), h: px(6), fit: 'contain', we: true, cbg: BLACK });
    await assertImage(output, { format: 'png', width: 6, height: 6 });
    assert.deepEqual(await pixelAt(output, 2, 2), [0xfd, 0xcc, 0x6e]);
    assert.deepEqual(await pixelAt(output, 1, 2), [0, 0, 0]);
  });
});

describe('animations', () => {
  for (const [w, h] of [
    [400, 300],
    [300, 400],
  ] as const) {
    test(`every frame letterboxed: n=-1&w=${w}&h=${h}`, async () => {
      const output = await render('dancing-banana.gif', { n: -1, w: px(w), h: px(h), fit: 'contain' });
      const meta = await assertImage(output, { format: 'gif', width: w, height: h * 8, pages: 8 });
      assert.equal(meta.pageHeight, h);
    });
  }
});
