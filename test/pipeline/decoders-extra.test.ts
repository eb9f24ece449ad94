/**
 * Inputs sharp cannot read, decoded in JavaScript/WebAssembly and handed to sharp as raw pixels:
 * PDF, HEIC, ICO, BMP and Radiance HDR. Also the vector rule of spec 3.1 (render at the output
 * resolution) for PDF and SVG, and the input limit being enforced before any pixel is decoded.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan } from '../../src/plan/types.js';
import { assertFails, assertImage, assertSimilar, fixture, LIMITS, pixelAt, render, px } from './support.js';
import { bmp, bmp16, pdfWithBlueLeftHalf, rle8Bmp, radiance, rleScanline, svgWithBlueLeftHalf } from './synthetic.js';

async function json(input: string | Buffer, plan: Plan): Promise<Record<string, unknown>> {
  const output = await render(input, { ...plan, output: 'json' });
  const parsed: unknown = JSON.parse(output.data.toString());
  assert.ok(typeof parsed === 'object' && parsed !== null);
  return parsed as Record<string, unknown>;
}

const BLUE = [0, 0, 255];
const WHITE = [255, 255, 255];

describe('PDF (PDFium, type pdf)', () => {
  test('page=1&w=500&output=jpg matches the reference thumbnail', async () => {
    const output = await render('sizes.pdf', { page: 1, w: px(500), output: 'jpg' });
    assert.equal(output.inputType, 'pdf');
    await assertImage(output, { format: 'jpeg', width: 500, height: 249 });
    await assertSimilar(output, 'pdf-thumbnail.jpg');
  });

  test('the first page by default, delivered as PNG with (opaque) alpha, like libvips', async () => {
    const output = await render('sizes.pdf', {});
    assert.equal(output.extension, 'png');
    await assertImage(output, { format: 'png', width: 612, height: 792, channels: 4 });
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 255, 255, 255]);
  });

  test('JSON: format, density 72, total pages', async () => {
    assert.deepEqual(await json('sizes.pdf', { page: 2 }), {
      format: 'pdf',
      width: 792,
      height: 612,
      space: 'srgb',
      channels: 4,
      depth: 'uchar',
      density: 72,
      isProgressive: false,
      pages: 3,
      hasProfile: false,
      hasAlpha: true,
      orientation: 0,
    });
  });

  test('page=-1 is the largest page (first of equals), page=-2 the smallest', async () => {
    const largest = await json('sizes.pdf', { page: -1 });
    const smallest = await json('sizes.pdf', { page: -2 });
    assert.deepEqual([largest.width, largest.height, smallest.width, smallest.height], [612, 792, 649, 323]);
  });

  test('n=-1: pages of different sizes become one tall image, as wide as the widest', async () => {
    const all = await json('sizes.pdf', { n: -1 });
    assert.deepEqual([all.width, all.height, all.pageHeight], [792, 792 + 323 + 612, undefined]);
    const two = await json('sizes.pdf', { page: 1, n: 2 });
    assert.deepEqual([two.width, two.height], [792, 323 + 612]);
  });

  test('pages beyond the end are not readable', async () => {
    await assertFails(render('sizes.pdf', { page: 3 }), 'NOT_READABLE');
    await assertFails(render('sizes.pdf', { page: 2, n: 2 }), 'NOT_READABLE');
  });

  test('vectors are rendered at the output size, not enlarged from 72 dpi (spec 3.1)', async () => {
    // 10x10 pt, left half blue: at w=1000 the edge must stay one pixel sharp.
    const output = await render(pdfWithBlueLeftHalf(10, 10), { w: px(1000) });
    await assertImage(output, { format: 'png', width: 1000, height: 1000 });
    assert.deepEqual((await pixelAt(output, 497, 500)).slice(0, 3), BLUE);
    assert.deepEqual((await pixelAt(output, 502, 500)).slice(0, 3), WHITE);
  });

  test('and downscaled by rendering smaller', async () => {
    const output = await render(pdfWithBlueLeftHalf(1000, 500), { w: px(10) });
    await assertImage(output, { format: 'png', width: 10, height: 5 });
    assert.deepEqual((await pixelAt(output, 2, 2)).slice(0, 3), BLUE);
  });

  test('a page declaring more pixels than the limit is refused before it is rendered', async () => {
    // 14400 pt square = 207 million pixels at 72 dpi.
    const error = await assertFails(render(pdfWithBlueLeftHalf(14400, 14400), {}), 'INPUT_PIXELS', '71000000');
    assert.equal(error.message, 'Input image exceeds pixel limit. Width x height should be less than 71000000');
    // The limit counts every loaded page: one page fits, the strip of three does not.
    const limits = { ...LIMITS, maxInputPixels: 1_000_000 };
    await render('sizes.pdf', { w: px(10) }, limits);
    await assertFails(render('sizes.pdf', { n: -1, w: px(10) }, limits), 'INPUT_PIXELS', '1000000');
  });

  test('garbage after a PDF header is not readable', async () => {
    await assertFails(render(Buffer.from('%PDF-1.7\nnot really a pdf'), {}), 'NOT_READABLE');
  });
});

describe('SVG is rendered at the output size too', () => {
  test('w=1000 of a 10x10 SVG keeps a one-pixel edge', async () => {
    const output = await render(svgWithBlueLeftHalf(10, 10), { w: px(1000) });
    await assertImage(output, { format: 'png', width: 1000, height: 1000 });
    assert.deepEqual((await pixelAt(output, 497, 500)).slice(0, 3), BLUE);
    assert.deepEqual((await pixelAt(output, 502, 500)).slice(0, 3), WHITE);
  });

  test('check.svg, w=1024&fit=outside&cx=290&cy=760&cw=40&ch=40 matches svg72.png', async () => {
    const output = await render('check.svg', {
      w: px(1024),
      fit: 'outside',
      crop: { x: px(290), y: px(760), w: px(40), h: px(40) },
    });
    await assertImage(output, { format: 'png', width: 40, height: 40 });
    await assertSimilar(output, 'svg72.png');
  });

  test('percentages still refer to the 72-dpi size; JSON keeps its density', async () => {
    const description = await json('check.svg', { w: { pct: 0.5 } });
    assert.deepEqual([description.width, description.height, description.density], [50, 50, 72]);
  });
});

describe('HEIC (libheif, type heif)', () => {
  const HEIC = 'winter_1440x960.heic';

  test('w=240&h=160&output=jpg matches the reference thumbnail', async () => {
    const output = await render(HEIC, { w: px(240), h: px(160), output: 'jpg' });
    assert.equal(output.inputType, 'heif');
    await assertImage(output, { format: 'jpeg', width: 240, height: 160, channels: 3 });
    await assertSimilar(output, 'heif-thumbnail.jpg');
  });

  test('delivered as AVIF by default (spec 4.3), JSON names heif and the primary image', async () => {
    const output = await render(HEIC, { w: px(48) });
    assert.equal(output.extension, 'avif');
    await assertImage(output, { format: 'heif', width: 48, height: 32 });
    const description = await json(HEIC, {});
    assert.deepEqual(
      [description.format, description.width, description.height, description.pages, description.pagePrimary, description.hasAlpha],
      ['heif', 1440, 960, 1, 0, false],
    );
  });

  test('page beyond the images is not readable', async () => {
    await assertFails(render(HEIC, { page: 1 }), 'NOT_READABLE');
  });

  test('more pixels than the limit: refused from the header', async () => {
    await assertFails(render(HEIC, { w: px(10) }, { ...LIMITS, maxInputPixels: 1_000_000 }), 'INPUT_PIXELS', '1000000');
  });

  test('a truncated file is not readable', async () => {
    const bytes = fixture(HEIC);
    await assertFails(render(bytes.subarray(0, 200), {}), 'NOT_READABLE');
  });
});

describe('ICO (type magick)', () => {
  test('the largest icon by default, PNG output with alpha', async () => {
    const output = await render('favicon.ico', {});
    assert.equal(output.inputType, 'magick');
    assert.equal(output.extension, 'png');
    await assertImage(output, { format: 'png', width: 64, height: 64, channels: 4 });
  });

  test('page=N picks an entry; page=-1/-2 the largest/smallest', async () => {
    const sizes = await Promise.all(
      [{ page: 1 }, { page: 2 }, { page: -1 }, { page: -2 }].map(async (plan) => (await json('favicon.ico', plan)).width),
    );
    assert.deepEqual(sizes, [32, 24, 64, 16]);
    assert.equal((await json('favicon.ico', {})).pages, 4);
  });

  test('n=2: entries of different sizes stack into one tall image', async () => {
    const description = await json('favicon.ico', { n: 2 });
    assert.deepEqual([description.width, description.height], [64, 96]);
  });

  test('an entry beyond the directory is not readable', async () => {
    await assertFails(render('favicon.ico', { page: 4 }), 'NOT_READABLE');
  });
});

describe('BMP (type magick)', () => {
  const RED = [255, 0, 0];
  const GREEN = [0, 255, 0];
  const rows = [
    [RED, GREEN, BLUE],
    [WHITE, [10, 20, 30], [0, 0, 0]],
  ];

  test('24-bit, bottom-up: every pixel, PNG output', async () => {
    const output = await render(bmp({ width: 3, height: 2, depth: 24, rows }), {});
    assert.equal(output.inputType, 'magick');
    await assertImage(output, { format: 'png', width: 3, height: 2, channels: 3 });
    assert.deepEqual(await pixelAt(output, 0, 0), RED);
    assert.deepEqual(await pixelAt(output, 2, 0), BLUE);
    assert.deepEqual(await pixelAt(output, 1, 1), [10, 20, 30]);
  });

  test('top-down rows and a gap before the pixels', async () => {
    const output = await render(bmp({ width: 3, height: 2, depth: 24, rows, topDown: true, gap: 6 }), {});
    assert.deepEqual(await pixelAt(output, 0, 0), RED);
    assert.deepEqual(await pixelAt(output, 0, 1), WHITE);
  });

  test('32-bit keeps real alpha; an all-zero fourth byte means opaque', async () => {
    const withAlpha = await render(bmp({ width: 2, height: 1, depth: 32, rows: [[[255, 0, 0, 255], [0, 0, 255, 0]]] }), {});
    await assertImage(withAlpha, { format: 'png', width: 2, height: 1, channels: 4 });
    assert.deepEqual(await pixelAt(withAlpha, 0, 0), [255, 0, 0, 255]);
    assert.equal((await pixelAt(withAlpha, 1, 0))[3], 0);
    const reserved = await render(bmp({ width: 2, height: 1, depth: 32, rows: [[[255, 0, 0, 0], [0, 0, 255, 0]]] }), {});
    await assertImage(reserved, { format: 'png', width: 2, height: 1, channels: 3 });
  });

  test('palettes: 8-bit and 1-bit', async () => {
    const palette = [[0, 0, 0], [255, 255, 0]];
    const eight = await render(bmp({ width: 2, height: 1, depth: 8, palette, rows: [[1, 0]] }), {});
    assert.deepEqual(await pixelAt(eight, 0, 0), [255, 255, 0]);
    assert.deepEqual(await pixelAt(eight, 1, 0), [0, 0, 0]);
    const one = await render(bmp({ width: 10, height: 1, depth: 1, palette, rows: [[1, 1, 1, 0, 1, 1, 1, 1, 1, 1]] }), {});
    const row = await Promise.all(Array.from({ length: 10 }, async (_, x) => (await pixelAt(one, x, 0))[0]));
    assert.deepEqual(row, [255, 255, 255, 0, 255, 255, 255, 255, 255, 255]);
  });

  test('a truncated file is decoded as far as it goes', async () => {
    const whole = bmp({ width: 3, height: 2, depth: 24, rows });
    // Bottom-up: the bottom row is stored first and survives.
    const output = await render(whole.subarray(0, whole.length - 6), {});
    assert.deepEqual(await pixelAt(output, 0, 1), WHITE);
  });

  test('RLE8: runs, end of line, absolute runs and end of bitmap', async () => {
    const output = await render(rle8Bmp(), {});
    await assertImage(output, { format: 'png', width: 3, height: 2, channels: 3 });
    assert.deepEqual(await pixelAt(output, 0, 0), [0, 0, 255]);
    assert.deepEqual(await pixelAt(output, 1, 0), [0, 0, 0]);
    assert.deepEqual(await pixelAt(output, 2, 0), [255, 0, 0]);
    assert.deepEqual(await pixelAt(output, 1, 1), [255, 0, 0]);
  });

  test('16 bits per pixel: 5-6-5 bit fields and the 5-5-5 default', async () => {
    for (const layout of ['565', '555'] as const) {
      const output = await render(bmp16(layout), {});
      assert.deepEqual(await pixelAt(output, 0, 0), [255, 0, 0], layout);
      assert.deepEqual(await pixelAt(output, 1, 0), [0, 0, 255], layout);
    }
  });

  test('a header declaring more pixels than the limit is refused', async () => {
    const huge = bmp({ width: 1, height: 1, depth: 24, rows: [[RED]] });
    huge.writeInt32LE(100_000, 18);
    huge.writeInt32LE(100_000, 22);
    await assertFails(render(huge, {}), 'INPUT_PIXELS', '71000000');
  });
});

describe('Radiance HDR (type unknown)', () => {
  test('w=320&h=240&fit=cover&output=jpg matches the reference', async () => {
    const output = await render('84y2.hdr', { w: px(320), h: px(240), fit: 'cover', output: 'jpg' });
    assert.equal(output.inputType, 'unknown');
    await assertImage(output, { format: 'jpeg', width: 320, height: 240 });
    await assertSimilar(output, 'radiance.jpg');
  });

  test('PNG by default; 500x350', async () => {
    const output = await render('84y2.hdr', { output: 'json' });
    assert.deepEqual(JSON.parse(output.data.toString()), {
      format: 'unknown',
      width: 500,
      height: 350,
      space: 'srgb',
      channels: 3,
      depth: 'uchar',
      isProgressive: false,
      hasProfile: false,
      hasAlpha: false,
      orientation: 0,
    });
    assert.equal((await render('84y2.hdr', { w: px(10) })).extension, 'png');
  });

  test('RGBE to sRGB: linear light through the sRGB curve, clipped above 1', async () => {
    // Exponent 129: values (m + 0.5) / 128. Run-length scanlines (width 8).
    const file = radiance(8, 2, [...rleScanline(8, [128, 64, 32, 129]), ...rleScanline(8, [16, 0, 0, 129])]);
    const output = await render(file, {});
    await assertImage(output, { format: 'png', width: 8, height: 2, channels: 3 });
    assert.deepEqual(await pixelAt(output, 7, 0), [255, 188, 138]);
    assert.deepEqual(await pixelAt(output, 0, 1), [101, 13, 13]);
  });

  test('flat scanlines with old-style repeats, and a truncated file', async () => {
    // Width 3: one pixel, then (1, 1, 1, 2) repeats it twice.
    const file = radiance(3, 2, [64, 64, 64, 129, 1, 1, 1, 2]);
    const output = await render(file, {});
    assert.deepEqual(await pixelAt(output, 2, 0), [188, 188, 188]);
    // The second row is missing: black.
    assert.deepEqual(await pixelAt(output, 1, 1), [0, 0, 0]);
  });

  test('a declared size over the limit is refused', async () => {
    await assertFails(render(radiance(10_000, 10_000, []), {}), 'INPUT_PIXELS', '71000000');
  });
});
