/** Step 14: tint (spec 3.7): the image's lightness with the colour's chroma. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertSameBytes, renderQuery, rgbaPng } from '../query.js';
import { metadataOf, PHOTO, pixelAt } from '../support.js';
import { testUpstreamReferences, type ReferenceCase } from '../references.js';

// tint-alpha.png is not tested: its input (an RGBA PNG of the photo) is missing from the fixtures.
describe('upstream references', () => {
  const cases: ReferenceCase[] = [
    ['red', PHOTO, 'tint=FF0000', 'tint-red.jpg'],
    ['green', PHOTO, 'tint=00FF00', 'tint-green.jpg'],
    ['blue', PHOTO, 'tint=0000FF', 'tint-blue.jpg'],
    ['sepia tone', PHOTO, 'tint=704214', 'tint-sepia.jpg'],
    ['a CMYK JPEG, red', 'Channel_digital_image_CMYK_color.jpg', 'tint=FF0000', 'tint-cmyk.jpg'],
  ];
  testUpstreamReferences(cases);
});

describe('colour and alpha', () => {
  test('grey takes the tint at its own lightness; alpha is kept', async () => {
    const output = await renderQuery(await rgbaPng(1, 1, [128, 128, 128, 90]), 'tint=red');
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 4, 1, 90]);
  });
  test('a greyscale source is tinted in colour', async () => {
    const output = await renderQuery('50020484-00001.png', 'w=64&tint=red');
    const meta = await metadataOf(output);
    assert.equal(meta.channels, 3);
    const [r = 0, g = 0] = await pixelAt(output, 32, 24);
    assert.ok(r > g + 20, `${r} vs ${g}`);
  });
  test('a greyscale output stays grey (filt=greyscale comes first)', async () => {
    await assertSameBytes(PHOTO, 'w=32&filt=greyscale', ['w=32&filt=greyscale&tint=red']);
  });
});

describe('neutral and invalid values', () => {
  test('an invalid or fully transparent tint does nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&tint=zz', 'w=32&tint=00FF0000', 'w=32&tint=']);
  });
  test('the tint’s own alpha does not matter', async () => {
    await assertSameBytes(PHOTO, 'w=32&tint=FF0000', ['w=32&tint=80FF0000']);
  });
});
