/** Step 13: blur (spec 3.7): a Gaussian sigma, or the mild 3x3 box blur. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertSameBytes, rawOf, renderQuery, rgbaPng } from '../query.js';
import { PHOTO } from '../support.js';
import { testUpstreamReferences, type ReferenceCase } from '../references.js';

describe('upstream references', () => {
  const cases: ReferenceCase[] = [
    ['sigma 1', PHOTO, 'blur=1', 'blur-1.jpg'],
    ['sigma 10', PHOTO, 'blur=10', 'blur-10.jpg'],
    ['sigma 0.3', PHOTO, 'blur=0.3', 'blur-0.3.jpg'],
    ['mild', PHOTO, 'blur=true', 'blur-mild.jpg'],
    ['PNG with transparency', 'alpha-layer-1-fill.png', 'blur=10', 'blur-trans.png'],
  ];
  testUpstreamReferences(cases);
});

describe('the kernel', () => {
  test('the mild blur averages the 3×3 neighbourhood', async () => {
    // One white pixel in the middle of black: the centre becomes 255/9, and so do its neighbours.
    const pixels = Array.from({ length: 25 }, (_, i) => (i === 12 ? [255, 255, 255, 255] : [0, 0, 0, 255])).flat();
    const { data, channels } = await rawOf(await renderQuery(await rgbaPng(5, 5, pixels), 'blur=true'));
    const at = (x: number, y: number): number => data[(y * 5 + x) * channels] ?? -1;
    assert.deepEqual([at(2, 2), at(1, 1), at(3, 2), at(0, 0)], [28, 28, 28, 0]);
  });
});

describe('neutral and invalid values', () => {
  test('blur=0 does nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&blur=0']);
  });
  test('bare, invalid or out of range sigmas mean the mild blur', async () => {
    await assertSameBytes(PHOTO, 'w=32&blur=true', ['w=32&blur', 'w=32&blur=0.2', 'w=32&blur=1001', 'w=32&blur=abc']);
  });
});
