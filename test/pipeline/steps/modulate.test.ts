/** Step 8: modulate, `mod` (brightness), `sat`, `hue` in LCh (spec 3.7). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertColours, colourDifference } from '../colours.js';
import { expectedPath } from '../../helpers/paths.js';
import { assertSameBytes, renderQuery, rgbaPng } from '../query.js';
import { assertImage, assertSimilar, PHOTO, pixelAt } from '../support.js';

describe('upstream references', () => {
  const cases: [string, string, string][] = [
    ['hue rotation', 'hue=120', 'modulate-hue-120.jpg'],
    ['brighten', 'mod=2', 'modulate-brightness-2.jpg'],
    ['darken', 'mod=0.5', 'modulate-brightness-0-5.jpg'],
    ['desaturate', 'sat=0.5', 'modulate-saturation-0.5.jpg'],
    ['all three through mod=B,S,H', 'mod=2,0.5,180', 'modulate-all.jpg'],
  ];
  for (const [name, query, expected] of cases) {
    test(`${name}: ${query} (${expected})`, async () => {
      const output = await renderQuery(PHOTO, `w=320&h=240&fit=cover&${query}`);
      await assertImage(output, { format: 'jpeg', width: 320, height: 240, channels: 3 });
      await assertSimilar(output, expected);
      await assertColours(output, expected);
    });
  }

  test('hue angles 30..360 on the SVG test pattern (modulate-hue-angle-*.png)', async () => {
    // Rendered at 256 wide for speed; the comparison scales both images down anyway.
    for (const angle of [30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360]) {
      const output = await renderQuery('tv-test-pattern-146649.svg', `w=256&hue=${angle}`);
      await assertImage(output, { format: 'png', width: 256, height: 192, channels: 4 });
      await assertColours(output, `modulate-hue-angle-${angle}.png`);
    }
  });
  test('the colour comparison tells angles apart (so the test above can fail)', async () => {
    const output = await renderQuery('tv-test-pattern-146649.svg', 'w=256&hue=120');
    const wrong = await colourDifference(output.data, expectedPath('modulate-hue-angle-240.png'));
    assert.ok(wrong > 20, `difference to the 240° reference is only ${wrong}`);
  });
});

describe('values', () => {
  test('sat=0 removes the colour; alpha untouched', async () => {
    const output = await renderQuery(await rgbaPng(1, 1, [200, 40, 40, 77]), 'sat=0');
    const [r = 0, g = 0, b = 0, a] = await pixelAt(output, 0, 0);
    assert.ok(Math.abs(r - g) <= 1 && Math.abs(g - b) <= 1, `${r},${g},${b}`);
    assert.equal(a, 77);
  });
  test('mod multiplies the lightness: mod=0 turns grey black, mod=2 brightens', async () => {
    const grey = await rgbaPng(1, 1, [100, 100, 100, 255]);
    assert.deepEqual(await pixelAt(await renderQuery(grey, 'mod=0'), 0, 0), [0, 0, 0, 255]);
    const [brighter = 0] = await pixelAt(await renderQuery(grey, 'mod=2'), 0, 0);
    assert.ok(brighter > 160, `${brighter}`);
  });
  test('mod=B,S,H is the same as mod, sat and hue', async () => {
    await assertSameBytes(PHOTO, 'w=32&mod=2&sat=0.5&hue=180', ['w=32&mod=2,0.5,180']);
  });
});

describe('neutral and invalid values', () => {
  test('mod=1, sat=1, hue=0, hue=360 and garbage do nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', [
      'w=32&mod=1',
      'w=32&sat=1',
      'w=32&hue=0',
      'w=32&hue=360',
      'w=32&mod=1,1,0',
      'w=32&mod=-1,-1',
      'w=32&hue=abc',
      'w=32&sat=10001',
    ]);
  });
  test('hue is normalised to 0..359', async () => {
    await assertSameBytes(PHOTO, 'w=32&hue=300', ['w=32&hue=-60', 'w=32&hue=660']);
  });
  test('mod=-1,-1,-1: invalid brightness and saturation are 1, the third value is a hue of −1°', async () => {
    await assertSameBytes(PHOTO, 'w=32&hue=359', ['w=32&mod=-1,-1,-1,-1']);
  });
});
