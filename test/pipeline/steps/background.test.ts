/** Step 15: background `bg` under an image with alpha (spec 3.7). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertColours } from '../colours.js';
import { assertSameBytes, renderQuery, rgbaPng } from '../query.js';
import { assertImage, assertSimilar, metadataOf, PHOTO, pixelAt } from '../support.js';

const COVER = 'w=400&h=300&fit=cover';

describe('upstream references', () => {
  const cases: [string, string, string, string, number][] = [
    ['flatten to white', 'blackbug.png', `${COVER}&bg=white`, 'flatten-white.png', 3],
    ['flatten to a named colour', 'blackbug.png', `${COVER}&bg=darkorange`, 'flatten-orange.png', 3],
    ['flatten to a hex colour', 'blackbug.png', `${COVER}&bg=FF8C00`, 'flatten-orange.png', 3],
    ['blurred alpha edges flatten cleanly', 'blackbug.png', `${COVER}&blur=1&bg=darkorange`, 'flatten-blur-orange.png', 3],
    ['semi-transparent: composited, alpha kept', 'blackbug.png', `${COVER}&bg=80FF8C00`, 'composite-50-orange.png', 4],
  ];
  for (const [name, input, query, expected, channels] of cases) {
    test(`${name}: ${query} (${expected})`, async () => {
      const output = await renderQuery(input, query);
      assert.equal(output.extension, 'png');
      await assertImage(output, { format: 'png', width: 400, height: 300, channels });
      await assertSimilar(output, expected);
      await assertColours(output, expected);
    });
  }
  test('16-bit PNG with transparency (flatten-rgb16-orange.png)', async () => {
    const output = await renderQuery('tbgn2c16.png', 'bg=darkorange');
    await assertImage(output, { format: 'png', width: 32, height: 32, channels: 3 });
    await assertColours(output, 'flatten-rgb16-orange.png', 1);
  });
  test('greyscale: flattened onto the colour’s luminance, one band (flatten-2channel.png)', async () => {
    const output = await renderQuery('grey-8bit-alpha.png', 'w=320&h=240&fit=cover&filt=greyscale&bg=darkorange');
    await assertImage(output, { format: 'png', width: 320, height: 240, channels: 1 });
    await assertSimilar(output, 'flatten-2channel.png');
    await assertColours(output, 'flatten-2channel.png');
  });
});

describe('pixels', () => {
  const input = rgbaPng(2, 1, [255, 255, 255, 128, 255, 0, 0, 0]);
  test('opaque: c·α + bg·(1−α), alpha dropped', async () => {
    const output = await renderQuery(await input, 'bg=FF8C00');
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 198, 128]);
    assert.deepEqual(await pixelAt(output, 1, 0), [255, 140, 0]);
  });
  test('semi-transparent: the reference’s formula, img + bg·(1−α) and α + α_bg·(1−α)', async () => {
    const output = await renderQuery(await input, 'bg=80FF8C00');
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 255, 255, 192]);
    assert.deepEqual(await pixelAt(output, 1, 0), [255, 140, 0, 128]);
  });
});

describe('only images with alpha', () => {
  test('a JPEG is untouched and stays a JPEG', async () => {
    const output = await renderQuery(PHOTO, 'w=32&bg=FF0000');
    assert.equal(output.extension, 'jpg');
    assert.equal((await metadataOf(output)).channels, 3);
    await assertSameBytes(PHOTO, 'w=32', ['w=32&bg=FF0000']);
  });
  test('an invalid or fully transparent bg does nothing', async () => {
    await assertSameBytes('blackbug.png', 'w=32', ['w=32&bg=0FFF', 'w=32&bg=zz', 'w=32&bg=']);
    assert.equal((await metadataOf(await renderQuery('blackbug.png', 'w=32&bg=0FFF'))).channels, 4);
  });
  test('alpha added by a letterbox is flattened too', async () => {
    const output = await renderQuery(PHOTO, 'w=32&h=32&fit=contain&bg=blue');
    assert.equal(output.extension, 'jpg');
    const [r = 255, g = 255, b = 0] = await pixelAt(output, 16, 0);
    assert.ok(r < 15 && g < 15 && b > 240, `${r},${g},${b}`);
  });
});
