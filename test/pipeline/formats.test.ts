/**
 * Output options and multi-page inputs through the whole pipeline (spec 3.8, 3.10, 4.2, 4.4):
 * quality per format, PNG level/filtering, interlacing, lossless WebP/TIFF, pages and frames of
 * GIF/WebP/TIFF, animations kept through resize and format conversion, loop/delay, JSON fields.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { ImageFormat, Plan } from '../../src/plan/types.js';
import { assertFails, assertImage, assertSimilar, fixture, metadataOf, PHOTO, render, px } from './support.js';

async function json(input: string, plan: Plan): Promise<Record<string, unknown>> {
  const parsed: unknown = JSON.parse((await render(input, { ...plan, output: 'json' })).data.toString());
  assert.ok(typeof parsed === 'object' && parsed !== null);
  return parsed as Record<string, unknown>;
}

async function sizeOf(input: string, plan: Plan): Promise<number> {
  return (await render(input, plan)).data.length;
}

describe('q: quality per format', () => {
  const formats: ImageFormat[] = ['jpg', 'webp', 'avif', 'tiff'];
  for (const output of formats) {
    test(`${output}: q=20 < default (80) < q=95`, async () => {
      const plan: Plan = { w: px(160), output };
      const [low, normal, high] = await Promise.all([
        sizeOf(PHOTO, { ...plan, q: 20 }),
        sizeOf(PHOTO, plan),
        sizeOf(PHOTO, { ...plan, q: 95 }),
      ]);
      assert.ok(low < normal && normal < high, `${low} < ${normal} < ${high}`);
    });
  }
});

describe('PNG: l and af', () => {
  test('l=1 is larger than the default level 6', async () => {
    const plan: Plan = { w: px(200), output: 'png' };
    assert.ok((await sizeOf(PHOTO, { ...plan, l: 1 })) > (await sizeOf(PHOTO, plan)));
  });
  test('adaptive filtering changes the encoding; without it the drawing is smaller (reference test)', async () => {
    const plan: Plan = { w: px(320), h: px(240), fit: 'cover' };
    const [filtered, plain] = await Promise.all([sizeOf('50020484-00001.png', { ...plan, af: true }), sizeOf('50020484-00001.png', plan)]);
    assert.ok(plain < filtered, `${plain} < ${filtered}`);
  });
});

describe('il: interlacing', () => {
  test('GIF interlace (DOCS)', async () => {
    assert.equal((await metadataOf(await render('dancing-banana.gif', { w: px(50) }))).isProgressive, false);
    assert.equal((await metadataOf(await render('dancing-banana.gif', { w: px(50), il: true }))).isProgressive, true);
  });
});

describe('ll: lossless', () => {
  async function samePixels(output: ImageFormat): Promise<void> {
    const result = await render('basn3p08.png', { output, ll: true });
    const original = await sharp(fixture('basn3p08.png')).toColourspace('srgb').raw().toBuffer();
    const decoded = await sharp(result.data).raw().toBuffer();
    assert.ok(decoded.equals(original), `${output} changed pixels`);
  }
  test('WebP', () => samePixels('webp'));
  test('TIFF uses a lossless codec (deflate) instead of JPEG', async () => {
    await samePixels('tiff');
    const lossy = await render('basn3p08.png', { output: 'tiff' });
    const original = await sharp(fixture('basn3p08.png')).toColourspace('srgb').raw().toBuffer();
    assert.ok(!(await sharp(lossy.data).raw().toBuffer()).equals(original), 'default TIFF is JPEG-compressed');
  });
});

describe('pages and frames (spec 4.2)', () => {
  test('WebP page=6, w=320&h=339 matches the reference frame', async () => {
    const output = await render('dancing_banana2.lossless.webp', { w: px(320), h: px(339), page: 6 });
    await assertImage(output, { format: 'webp', width: 320, height: 339 });
    assert.equal((await metadataOf(output)).pages ?? 1, 1);
    await assertSimilar(output, 'individual-page.webp');
  });

  test('pyramid TIFF page=3, w=500&h=103 matches the reference', async () => {
    const output = await render('PalaisDuLouvre.tif', { page: 3, w: px(500), h: px(103) });
    await assertImage(output, { format: 'tiff', width: 500, height: 103 });
    await assertSimilar(output, 'tiff-pyramid.tiff');
  });

  test('every page of a TIFF whose pages use eleven different codecs', async () => {
    const sizes = await Promise.all(
      Array.from({ length: 11 }, async (_, page) => {
        const output = await render('MultipleFormats.tif', { page, w: px(300) });
        return `${output.width}x${output.height}`;
      }),
    );
    assert.deepEqual(new Set(sizes), new Set(['300x38']));
  });

  test('TIFF pages of different layouts cannot form one strip: not readable', async () => {
    await assertFails(render('MultipleFormats.tif', { n: -1 }), 'NOT_READABLE');
  });

  test('GIF page=5&n=2: two frames, the page height of one', async () => {
    const output = await render('dancing-banana.gif', { page: 5, n: 2, w: px(99) });
    const meta = await assertImage(output, { format: 'gif', width: 99, height: 210, pages: 2 });
    assert.equal(meta.pageHeight, 105);
  });
});

describe('animations stay animated through resize and conversion', () => {
  test('animated WebP to GIF', async () => {
    const output = await render('dancing_banana2.lossless.webp', { n: -1, w: px(100), output: 'gif' });
    const meta = await assertImage(output, { format: 'gif', width: 100, height: 106 * 8, pages: 8 });
    assert.equal(meta.pageHeight, 106);
    assert.deepEqual(meta.delay, [100, 100, 100, 100, 100, 100, 100, 100]);
  });

  test('animated WebP stays WebP, with the plan loop and delays', async () => {
    const output = await render('dancing_banana2.lossless.webp', { n: 3, w: px(60), loop: 3, delay: [40, 50, 60] });
    assert.equal(output.extension, 'webp');
    const meta = await assertImage(output, { format: 'webp', width: 60, height: 64 * 3, pages: 3 });
    assert.deepEqual([meta.loop, meta.delay], [3, [40, 50, 60]]);
  });

  test('loop=0 is forever, for GIF', async () => {
    const meta = await metadataOf(await render('dancing-banana.gif', { n: 2, w: px(20), loop: 0 }));
    assert.equal(meta.loop, 0);
  });
});

describe('output=json (spec 4.4, the reference tests)', () => {
  test('loop and delay from the plan', async () => {
    const looped = await json('dancing-banana.gif', { n: -1, loop: 1 });
    assert.deepEqual([looped.format, looped.pages, looped.pageHeight, looped.loop], ['gif', 8, 1050, 1]);
    const delayed = await json('dancing-banana.gif', { n: -1, delay: [200] });
    assert.deepEqual(delayed.delay, [200, 200, 200, 200, 200, 200, 200, 200]);
  });

  test('a letterboxed GIF frame reports its page height', async () => {
    const description = await json('dancing-banana.gif', { fit: 'contain', w: px(990), h: px(2100) });
    assert.deepEqual([description.pages, description.pageHeight], [8, 2100]);
  });

  test('CMYK JPEG: 4:4:4:4 chroma, 180 dpi, its profile', async () => {
    assert.equal(
      JSON.stringify(await json('Channel_digital_image_CMYK_color.jpg', {})),
      '{"format":"jpeg","width":500,"height":333,"space":"srgb","channels":3,"depth":"uchar","density":180,"chromaSubsampling":"4:4:4:4","isProgressive":false,"hasProfile":true,"hasAlpha":false,"orientation":1}',
    );
  });

  test('8-bit palette PNG: paletteBitDepth', async () => {
    assert.equal((await json('basn3p08.png', {})).paletteBitDepth, 8);
  });

  test('every type id of spec 4.1', async () => {
    const inputs: [string, string][] = [
      ['4.webp', 'webp'],
      ['G31D.TIF', 'tiff'],
      ['cosmos_frame12924_yuv420_10bpc_bt2020_pq_q50.avif', 'heif'],
      ['check.svg', 'svg'],
      ['sizes.pdf', 'pdf'],
      ['favicon.ico', 'magick'],
      ['84y2.hdr', 'unknown'],
    ];
    const formats = await Promise.all(inputs.map(async ([input]) => (await json(input, { w: px(8) })).format));
    assert.deepEqual(formats, inputs.map(([, type]) => type));
  });
});

describe('jxl (spec 3.8, DOCS)', () => {
  test('encoded by the WebAssembly encoder: a JPEG XL codestream with the jxl type', async () => {
    const output = await render('favicon.ico', { output: 'jxl' });
    assert.equal(output.contentType, 'image/jxl');
    assert.equal(output.extension, 'jxl');
    // A bare codestream starts FF 0A; the ISOBMFF container with a 'JXL ' box.
    const bare = output.data[0] === 0xff && output.data[1] === 0x0a;
    assert.ok(bare || output.data.subarray(4, 8).toString('latin1') === 'JXL ', output.data.subarray(0, 12).toString('hex'));
  });
});
