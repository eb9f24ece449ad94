/** Step 9: sigmoidal contrast `con` through a lookup table (spec 3.7). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contrastLut } from '../../../src/pipeline/luts.js';
import { assertColours } from '../colours.js';
import { assertSameBytes, renderQuery, rgbaPng } from '../query.js';
import { assertImage, assertSimilar, PHOTO, pixelAt } from '../support.js';

describe('upstream references', () => {
  for (const [name, query, expected] of [
    ['increase', 'con=30', 'contrast-increase.jpg'],
    ['decrease', 'con=-30', 'contrast-decrease.jpg'],
  ] as const) {
    test(`${name}: ${query} (${expected})`, async () => {
      const output = await renderQuery(PHOTO, `w=320&h=240&fit=cover&${query}`);
      await assertImage(output, { format: 'jpeg', width: 320, height: 240, channels: 3 });
      await assertSimilar(output, expected);
      await assertColours(output, expected);
    });
  }
});

describe('the table', () => {
  test('maps every band through the LUT, alpha included (spec 8.18)', async () => {
    const input = await rgbaPng(2, 1, [64, 128, 192, 64, 0, 255, 10, 255]);
    const lut = contrastLut(30);
    const output = await renderQuery(input, 'con=30');
    assert.deepEqual(await pixelAt(output, 0, 0), [lut[64], lut[128], lut[192], lut[64]]);
    assert.deepEqual(await pixelAt(output, 0, 0), [22, 128, 233, 22]);
    // The endpoints stay: opaque stays opaque, black black, white white.
    assert.deepEqual(await pixelAt(output, 1, 0), [0, 255, lut[10], 255]);
  });
  test('negative contrast flattens towards the middle', async () => {
    const output = await renderQuery(await rgbaPng(1, 1, [64, 128, 192, 255]), 'con=-100');
    assert.deepEqual(await pixelAt(output, 0, 0), [118, 127, 136, 255]);
  });
});

describe('neutral and invalid values', () => {
  test('con=0, out of range and garbage values do nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&con=0', 'w=32&con=101', 'w=32&con=-101', 'w=32&con=100000000', 'w=32&con']);
  });
});
