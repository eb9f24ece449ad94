/** Step 12: filters (spec 3.7): greyscale, sepia, duotone and negate. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertColours } from '../colours.js';
import { assertSameBytes, renderQuery, rgbaPng } from '../query.js';
import { assertImage, assertSimilar, metadataOf, PHOTO, pixelAt } from '../support.js';

const COVER = 'w=320&h=240&fit=cover';

describe('greyscale', () => {
  test('one band out (greyscale.jpg)', async () => {
    const output = await renderQuery(PHOTO, `${COVER}&filt=greyscale`);
    await assertImage(output, { format: 'jpeg', width: 320, height: 240, channels: 1 });
    await assertSimilar(output, 'greyscale.jpg');
    await assertColours(output, 'greyscale.jpg');
  });
  test('with alpha: grey and alpha, two bands', async () => {
    const output = await renderQuery('blackbug.png', 'w=64&filt=greyscale');
    const meta = await metadataOf(output);
    assert.deepEqual([meta.channels, meta.hasAlpha], [2, true]);
  });
});

describe('sepia', () => {
  test('JPEG (sepia.jpg)', async () => {
    const output = await renderQuery(PHOTO, `${COVER}&filt=sepia`);
    await assertImage(output, { format: 'jpeg', width: 320, height: 240, channels: 3 });
    await assertSimilar(output, 'sepia.jpg');
    await assertColours(output, 'sepia.jpg');
  });
  test('PNG with transparency (sepia-trans.png)', async () => {
    const output = await renderQuery('alpha-layer-1-fill.png', `${COVER}&filt=sepia`);
    await assertImage(output, { format: 'png', width: 320, height: 240, channels: 4 });
    await assertSimilar(output, 'sepia-trans.png');
    await assertColours(output, 'sepia-trans.png');
  });
  test('the recombination matrix, alpha untouched', async () => {
    // R = .3588·100 + .7044·150 + .1368·200 = 168.9, G = 140.75, B = 112.6 (truncated by libvips)
    const output = await renderQuery(await rgbaPng(1, 1, [100, 150, 200, 60]), 'filt=sepia');
    assert.deepEqual(await pixelAt(output, 0, 0), [168, 140, 112, 60]);
  });
});

describe('duotone', () => {
  test('JPEG (duotone.jpg)', async () => {
    const output = await renderQuery(PHOTO, `${COVER}&filt=duotone`);
    await assertImage(output, { format: 'jpeg', width: 320, height: 240, channels: 3 });
    await assertSimilar(output, 'duotone.jpg');
    await assertColours(output, 'duotone.jpg');
  });
  test('grey with alpha becomes RGB with alpha (duotone-alpha.png)', async () => {
    const output = await renderQuery('grey-8bit-alpha.png', `${COVER}&filt=duotone`);
    await assertImage(output, { format: 'png', width: 320, height: 240, channels: 4 });
    await assertSimilar(output, 'duotone-alpha.png');
    await assertColours(output, 'duotone-alpha.png');
  });
  test('black becomes start, white becomes stop; alpha kept', async () => {
    const input = await rgbaPng(2, 1, [0, 0, 0, 255, 255, 255, 255, 100]);
    const output = await renderQuery(input, 'filt=duotone&start=0000ff&stop=ffff00');
    assert.deepEqual(await pixelAt(output, 0, 0), [0, 0, 255, 255]);
    assert.deepEqual(await pixelAt(output, 1, 0), [255, 255, 0, 100]);
    const defaults = await renderQuery(input, 'filt=duotone');
    assert.deepEqual(await pixelAt(defaults, 0, 0), [0xc8, 0x36, 0x58, 255]);
    assert.deepEqual(await pixelAt(defaults, 1, 0), [0xd8, 0xe7, 0x4f, 100]);
  });
  test('an invalid start or stop is black', async () => {
    const input = await rgbaPng(1, 1, [0, 0, 0, 255]);
    const output = await renderQuery(input, 'filt=duotone&start=zz');
    assert.deepEqual(await pixelAt(output, 0, 0), [0, 0, 0, 255]);
  });
});

describe('negate', () => {
  const cases: [string, string, string, string, number][] = [
    ['JPEG', PHOTO, 'negate.jpg', 'jpeg', 3],
    ['greyscale PNG', '50020484-00001.png', 'negate.png', 'png', 3],
    ['PNG with transparency', 'blackbug.png', 'negate-trans.png', 'png', 4],
    ['grey PNG with alpha', 'grey-8bit-alpha.png', 'negate-alpha.png', 'png', 4],
    ['WebP', '4.webp', 'negate.webp', 'webp', 3],
    ['WebP with transparency', '5_webp_a.webp', 'negate-trans.webp', 'webp', 4],
  ];
  for (const [name, input, expected, format, channels] of cases) {
    test(`${name} (${expected})`, async () => {
      const output = await renderQuery(input, `${COVER}&filt=negate`);
      await assertImage(output, { format, width: 320, height: 240, channels });
      await assertSimilar(output, expected);
      await assertColours(output, expected);
    });
  }
  test('colour bands inverted, alpha kept', async () => {
    const output = await renderQuery(await rgbaPng(1, 1, [0, 100, 255, 70]), 'filt=negate');
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 155, 0, 70]);
  });
});

describe('neutral and invalid values', () => {
  test('start and stop only matter for duotone', async () => {
    await assertSameBytes(PHOTO, 'w=32&filt=sepia', ['w=32&filt=sepia&start=red&stop=blue']);
  });
  test('filt=none, unknown (case-sensitive) names and lone start or stop do nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&filt=none', 'w=32&filt=Sepia', 'w=32&filt=grayscale', 'w=32&start=red', 'w=32&stop=red']);
  });
});
