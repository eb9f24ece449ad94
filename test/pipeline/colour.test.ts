/**
 * Colour management (spec 3.1 "colour handling", 4.1): every source comes out as 8-bit sRGB
 * without a profile (CMYK with and without profile, Display P3, BT.2020 PQ AVIF, CIELAB TIFF,
 * 16-bit and palette PNG), and the `icc` extension keeps an RGB source's profile instead.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { PipelineOutput } from '../../src/pipeline/types.js';
import { expectedPath } from '../helpers/paths.js';
import { assertImage, assertSimilar, fixture, metadataOf, pixelAt, render, px } from './support.js';

/** Mean of each band of a decoded image. */
async function means(image: Buffer | string): Promise<number[]> {
  const { channels } = await sharp(image).stats();
  return channels.slice(0, 3).map((channel) => channel.mean);
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number, what: string): void {
  const far = actual.some((value, index) => Math.abs(value - (expected[index] ?? NaN)) > tolerance);
  assert.ok(!far, `${what}: ${actual.map((v) => v.toFixed(1)).join(',')} vs ${expected.map((v) => v.toFixed(1)).join(',')}`);
}

async function assertSrgbWithoutProfile(output: PipelineOutput): Promise<void> {
  const meta = await metadataOf(output);
  assert.deepEqual([meta.space, meta.depth, meta.hasProfile, meta.icc], ['srgb', 'uchar', false, undefined]);
}

describe('CMYK JPEG to sRGB', () => {
  test('with an embedded profile (reference colourspace.cmyk.jpg: 320x240, letterboxed on white)', async () => {
    const white = [255, 255, 255, 255] as const;
    const plan = { w: px(320), h: px(240), fit: 'contain', cbg: white, output: 'jpg' } as const;
    const output = await render('Channel_digital_image_CMYK_color.jpg', plan);
    await assertImage(output, { format: 'jpeg', width: 320, height: 240, channels: 3 });
    await assertSrgbWithoutProfile(output);
    await assertSimilar(output, 'colourspace.cmyk.jpg');
    assertClose(await means(output.data), await means(expectedPath('colourspace.cmyk.jpg')), 6, 'mean colour');
  });

  test('without a profile (built-in CMYK profile)', async () => {
    const output = await render('Channel_digital_image_CMYK_color_no_profile.jpg', { w: px(320) });
    await assertImage(output, { format: 'jpeg', width: 320, height: 213, channels: 3 });
    await assertSrgbWithoutProfile(output);
    await assertSimilar(output, 'colourspace.cmyk-without-profile.jpg');
    // libvips 8.18's fallback CMYK profile renders about 6-10 levels darker than the one the
    // reference image was made with (whose result matches the embedded-profile conversion).
    assertClose(await means(output.data), await means(expectedPath('colourspace.cmyk-without-profile.jpg')), 12, 'mean colour');
  });
});

/** sRGB (200, 100, 51) stored as Display P3 (187, 105, 62) with the P3 profile attached. */
async function displayP3(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 100, b: 51 } } })
    .withIccProfile('p3')
    .png()
    .toBuffer();
}

describe('wide-gamut and high-bit-depth sources', () => {
  test('Display P3: converted to sRGB values, profile dropped', async () => {
    const input = await displayP3();
    const stored = [...(await sharp(input, { ignoreIcc: true }).raw().toBuffer()).subarray(0, 3)];
    assert.deepEqual(stored, [187, 105, 62]);
    const output = await render(input, {});
    await assertSrgbWithoutProfile(output);
    assertClose(await pixelAt(output, 4, 4), [200, 100, 51], 2, 'pixel');
  });

  test('10-bit BT.2020 PQ AVIF: 8-bit sRGB, neither black nor blown out', async () => {
    const output = await render('cosmos_frame12924_yuv420_10bpc_bt2020_pq_q50.avif', { w: px(256), output: 'png' });
    await assertImage(output, { format: 'png', width: 256, height: 107, channels: 3 });
    await assertSrgbWithoutProfile(output);
    const [r = 0, g = 0, b = 0] = await means(output.data);
    assert.ok(r > 60 && r < 160 && g > 40 && g < 140 && b > 50 && b < 150, `mean ${r},${g},${b}`);
  });

  test('CIELAB TIFF: sRGB with the photo\'s colours (green grass dominates)', async () => {
    const output = await render('cielab-dagams.tiff', { w: px(200), output: 'png' });
    await assertImage(output, { format: 'png', width: 200, height: 133, channels: 3 });
    await assertSrgbWithoutProfile(output);
    const [r = 0, g = 0, b = 0] = await means(output.data);
    assert.ok(g > r && r > b && b > 30 && g < 200, `mean ${r},${g},${b}`);
  });

  test('16-bit RGBA PNG: 8-bit with alpha, the same colours', async () => {
    const output = await render('tbgn2c16.png', {});
    const meta = await assertImage(output, { format: 'png', width: 32, height: 32, channels: 4 });
    assert.equal(meta.depth, 'uchar');
    const reference = await sharp(fixture('tbgn2c16.png')).toColourspace('srgb').raw().toBuffer();
    const decoded = await sharp(output.data).raw().toBuffer();
    assert.ok(decoded.every((value, index) => Math.abs(value - (reference[index] ?? -9)) <= 1), 'pixels differ');
  });

  test('8-bit palette PNG: RGB, no palette in the output', async () => {
    const output = await render('basn3p08.png', {});
    const meta = await assertImage(output, { format: 'png', width: 32, height: 32, channels: 3 });
    assert.equal(meta.isPalette, false);
  });
});

describe('icc (extension): keep the source profile', () => {
  test('an sRGB JPEG keeps its profile only when asked', async () => {
    const source = await sharp(fixture('320x240.jpg')).metadata();
    assert.ok(source.icc !== undefined);
    const kept = await metadataOf(await render('320x240.jpg', { w: px(64), icc: true }));
    assert.ok(kept.icc?.equals(source.icc), 'profile kept byte for byte');
    const stripped = await metadataOf(await render('320x240.jpg', { w: px(64) }));
    assert.deepEqual([stripped.icc, stripped.hasProfile], [undefined, false]);
  });

  test('Display P3: pixels stay in P3 with the P3 profile, in every RGB format', async () => {
    const input = await displayP3();
    const profile = (await sharp(input).metadata()).icc;
    for (const output of ['png', 'jpg', 'webp', 'avif', 'tiff'] as const) {
      const result = await render(input, { icc: true, output, ...(output === 'png' ? {} : { q: 100 }) });
      const meta = await metadataOf(result);
      assert.ok(profile !== undefined && meta.icc?.equals(profile), `${output}: P3 profile attached`);
      if (output === 'png') {
        const stored = [...(await sharp(result.data, { ignoreIcc: true }).raw().toBuffer()).subarray(0, 3)];
        assert.deepEqual(stored, [187, 105, 62]);
      }
    }
  });

  test('CMYK cannot keep its profile in RGB output: converted to sRGB as usual', async () => {
    const output = await render('Channel_digital_image_CMYK_color.jpg', { w: px(64), icc: true });
    await assertSrgbWithoutProfile(output);
  });
});
