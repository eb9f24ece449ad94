/** Step 10: gamma `gam` darkens the colour bands after the resize (spec 3.7). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { contrastLut, gammaLut } from '../../../src/pipeline/luts.js';
import { assertColours } from '../colours.js';
import { assertSameBytes, renderQuery, rgbaPng } from '../query.js';
import { assertImage, assertSimilar, fixture, PHOTO, pixelAt } from '../support.js';

describe('upstream references', () => {
  test('bare gam is 2.2 (gamma-2.2.jpg)', async () => {
    const output = await renderQuery('gamma_dalai_lama_gray.jpg', 'gam=true&q=95');
    await assertImage(output, { format: 'jpeg', width: 258, height: 222 });
    await assertSimilar(output, 'gamma-2.2.jpg');
    await assertColours(output, 'gamma-2.2.jpg');
  });
  test('gam=3 (gamma-3.0.jpg)', async () => {
    const output = await renderQuery('gamma_dalai_lama_gray.jpg', 'gam=3&q=95');
    await assertImage(output, { format: 'jpeg', width: 258, height: 222 });
    await assertSimilar(output, 'gamma-3.0.jpg');
    await assertColours(output, 'gamma-3.0.jpg');
  });
  test('PNG with transparency (gamma-alpha.png)', async () => {
    const output = await renderQuery('alpha-layer-1-fill.png', 'w=320&gam=true');
    await assertImage(output, { format: 'png', width: 320, height: 240, channels: 4 });
    await assertSimilar(output, 'gamma-alpha.png');
    await assertColours(output, 'gamma-alpha.png');
  });
});

describe('the curve', () => {
  test('gam=2.2 maps 128 to 55; alpha untouched', async () => {
    const output = await renderQuery(await rgbaPng(1, 1, [128, 0, 255, 128]), 'gam=2.2');
    assert.deepEqual(await pixelAt(output, 0, 0), [55, 0, 255, 128]);
  });
  test('applied after the resize, to pixels resized from the full decode (no shrink-on-load, spec 4a)', async () => {
    // The reference resizes raw pixels, which sharp cannot shrink on load.
    const { data, info } = await sharp(fixture(PHOTO)).raw().toBuffer({ resolveWithObject: true });
    const plain = await sharp(data, { raw: info }).resize(40, 30, { fit: 'fill' }).raw().toBuffer();
    const darkened = await sharp((await renderQuery(PHOTO, 'w=40&h=30&fit=fill&output=png&gam=2.2')).data).raw().toBuffer();
    const lut = gammaLut(2.2);
    assert.deepEqual([...darkened], [...plain].map((value) => lut[value]));
  });
});

describe('order', () => {
  test('after contrast (step 9), before the filters (step 12)', async () => {
    const input = await rgbaPng(1, 1, [128, 200, 40, 255]);
    const [c, g] = [contrastLut(30), gammaLut(2.2)];
    const output = await renderQuery(input, 'con=30&gam=2.2');
    assert.deepEqual(await pixelAt(output, 0, 0), [g[c[128] ?? 0], g[c[200] ?? 0], g[c[40] ?? 0], 255]);
    assert.notDeepEqual(await pixelAt(output, 0, 0), [c[g[128] ?? 0], c[g[200] ?? 0], c[g[40] ?? 0], 255]);
    const negated = await renderQuery(input, 'gam=2.2&filt=negate');
    assert.deepEqual(await pixelAt(negated, 0, 0), [255 - (g[128] ?? 0), 255 - (g[200] ?? 0), 255 - (g[40] ?? 0), 255]);
  });
});

describe('neutral and invalid values', () => {
  test('gam=0 does nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&gam=0']);
  });
  test('bare, invalid or out of range values mean 2.2', async () => {
    await assertSameBytes(PHOTO, 'w=32&gam=2.2', ['w=32&gam', 'w=32&gam=0.5', 'w=32&gam=3.1', 'w=32&gam=abc', 'w=32&gam=100000000']);
  });
});
