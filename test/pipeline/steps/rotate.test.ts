/** Step 6: rotation by arbitrary angles (spec 3.6), with rbg filling the corners. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { assertColours } from '../colours.js';
import { assertSameBytes, renderQuery } from '../query.js';
import { assertImage, assertSimilar, PHOTO, pixelAt } from '../support.js';

describe('upstream references', () => {
  test('30° with a solid background stays a JPEG (rotate-solid-bg.jpg)', async () => {
    const output = await renderQuery(PHOTO, 'w=320&ro=30&rbg=FF0000&fsol=0');
    assert.equal(output.extension, 'jpg');
    await assertImage(output, { format: 'jpeg', width: 408, height: 386, channels: 3 });
    await assertSimilar(output, 'rotate-solid-bg.jpg');
    await assertColours(output, 'rotate-solid-bg.jpg');
  });
  test('30° with a semi-transparent background becomes a PNG with alpha (rotate-transparent-bg.png)', async () => {
    const output = await renderQuery(PHOTO, 'w=320&ro=30&rbg=80FF0000&fsol=0');
    assert.equal(output.extension, 'png');
    await assertImage(output, { format: 'png', width: 408, height: 386, channels: 4 });
    await assertSimilar(output, 'rotate-transparent-bg.png');
    await assertColours(output, 'rotate-transparent-bg.png');
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 0, 0, 128]);
  });
  test('after a cover crop, respecting output=jpg: 320×240 by 30° is 397×368', async () => {
    const output = await renderQuery(PHOTO, 'w=320&h=240&fit=cover&ro=30&output=jpg');
    await assertImage(output, { format: 'jpeg', width: 397, height: 368 });
  });
  test('every angle congruent to 30° gives the same canvas', async () => {
    for (const angle of [-3750, -510, -150, 30, 390, 3630]) {
      const output = await renderQuery('320x240.jpg', `ro=${angle}`);
      await assertImage(output, { format: 'png', width: 397, height: 368 });
    }
  });
  test('315° of a 240×240 fill: 339×339', async () => {
    const output = await renderQuery(PHOTO, 'w=240&h=240&fit=fill&ro=315&output=jpg');
    await assertImage(output, { format: 'jpeg', width: 339, height: 339 });
  });
});

describe('corners and alpha', () => {
  test('without rbg the corners are transparent: a JPEG becomes a PNG', async () => {
    const output = await renderQuery('320x240.jpg', 'w=100&ro=45');
    assert.equal(output.extension, 'png');
    assert.deepEqual(await pixelAt(output, 0, 0), [0, 0, 0, 0]);
    const centre = await pixelAt(output, 62, 62);
    assert.equal(centre[3], 255);
  });
  test('a coloured rbg on a greyscale source stays coloured', async () => {
    const output = await renderQuery('50020484-00001.png', 'w=100&ro=30&rbg=red');
    await assertImage(output, { format: 'png', width: 124, height: 114, channels: 3 });
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 0, 0]);
  });
  test('EXIF orientation still applies first: the upright 60×40 photo turns to 72×65', async () => {
    const output = await renderQuery('Landscape_6.jpg', 'w=60&ro=30&rbg=white');
    await assertImage(output, { format: 'jpeg', width: 72, height: 65, channels: 3 });
  });
  test('positive angles turn clockwise', async () => {
    // Red above blue, turned by 45°: clockwise, the red half moves to the upper right.
    const input = await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 0, g: 0, b: 255 } } })
      .composite([{ input: { create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }, top: 0, left: 0 }])
      .png()
      .toBuffer();
    const output = await renderQuery(input, 'ro=45&rbg=black');
    await assertImage(output, { format: 'png', width: 57, height: 57 });
    assert.deepEqual(await pixelAt(output, 38, 18), [255, 0, 0, 255]);
    assert.deepEqual(await pixelAt(output, 18, 38), [0, 0, 255, 255]);
  });
});

describe('animations are not rotated (spec 4.2 item 5)', () => {
  test('n=-1&ro=30 keeps every frame as it was', async () => {
    const output = await renderQuery('dancing-banana.gif', 'n=-1&w=50&ro=30');
    const meta = await assertImage(output, { format: 'gif', width: 50, height: 53 * 8, pages: 8 });
    assert.equal(meta.pageHeight, 53);
    await assertSameBytes('dancing-banana.gif', 'n=-1&w=50', ['n=-1&w=50&ro=30&rbg=red']);
  });
});

describe('neutral and invalid values', () => {
  test('ro=0, ro=360, garbage ro and a lone rbg do nothing', async () => {
    await assertSameBytes('320x240.jpg', 'w=32', ['w=32&ro=0', 'w=32&ro=360', 'w=32&ro=abc', 'w=32&rbg=red', 'w=32&ro=-720']);
  });
  test('multiples of 90 are the orientation step: same as without rbg', async () => {
    await assertSameBytes('320x240.jpg', 'w=32&ro=90', ['w=32&ro=90&rbg=red', 'w=32&ro=-270']);
  });
  test('an invalid rbg is transparent', async () => {
    await assertSameBytes('320x240.jpg', 'w=32&ro=30', ['w=32&ro=30&rbg=zzz']);
  });
});
