/** Step 7: deprecated linear brightness `bri` (spec 3.7). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertSameBytes, renderQuery, rgbaPng } from '../query.js';
import { PHOTO, pixelAt } from '../support.js';
import { testUpstreamReferences, type ReferenceCase } from '../references.js';

describe('upstream references', () => {
  const cases: ReferenceCase[] = [
    ['increase', PHOTO, 'bri=30', 'brightness-increase.jpg'],
    ['decrease', PHOTO, 'bri=-30', 'brightness-decrease.jpg'],
    ['PNG with transparency', 'alpha-layer-1-fill.png', 'bri=30', 'brightness-trans.png'],
  ];
  testUpstreamReferences(cases);
});

describe('the offset', () => {
  test('adds bri·2.55 to the colour bands, clipped; alpha untouched', async () => {
    const input = await rgbaPng(2, 1, [100, 0, 250, 128, 10, 20, 30, 255]);
    const output = await renderQuery(input, 'bri=20');
    assert.deepEqual(await pixelAt(output, 0, 0), [151, 51, 255, 128]);
    // 30 − 25.5 = 4.5: libvips truncates when it casts back to 8 bits.
    const darker = await renderQuery(input, 'bri=-10');
    assert.deepEqual(await pixelAt(darker, 1, 0), [0, 0, 4, 255]);
  });
});

describe('neutral and invalid values', () => {
  test('bri=0, out of range and garbage values do nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&bri=0', 'w=32&bri=101', 'w=32&bri=-101', 'w=32&bri=100000000', 'w=32&bri']);
  });
});
