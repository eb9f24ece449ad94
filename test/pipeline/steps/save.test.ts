/** Step 17: output format choice, encoder settings, animation, JSON, disabled savers (spec 3.8, 4). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ImageFormat, Plan } from '../../../src/plan/types.js';
import { assertFails, assertImage, LIMITS, metadataOf, PHOTO, pixelAt, render, px } from '../support.js';

describe('explicit output formats', () => {
  const cases: [ImageFormat, string, string][] = [
    ['jpg', 'jpeg', 'image/jpeg'],
    ['png', 'png', 'image/png'],
    ['webp', 'webp', 'image/webp'],
    ['avif', 'heif', 'image/avif'],
    ['tiff', 'tiff', 'image/tiff'],
    ['gif', 'gif', 'image/gif'],
  ];
  for (const [output, decoded, contentType] of cases) {
    test(output, async () => {
      const result = await render(PHOTO, { w: px(64), output });
      assert.equal(result.contentType, contentType);
      assert.equal(result.extension, output);
      assert.equal(result.inputType, 'jpeg');
      await assertImage(result, { format: decoded, width: 64, height: 52 });
    });
  }
  test('no metadata survives (EXIF, ICC)', async () => {
    const meta = await metadataOf(await render('320x240.jpg', { w: px(64) }));
    assert.deepEqual([meta.exif, meta.icc, meta.hasProfile], [undefined, undefined, false]);
  });
});

describe('origin format (spec 4.3)', () => {
  const cases: [string, Plan, string][] = [
    [PHOTO, {}, 'jpg'],
    ['blackbug.png', {}, 'png'],
    ['4.webp', {}, 'webp'],
    ['G31D.TIF', {}, 'tiff'],
    ['dancing-banana.gif', {}, 'gif'],
    ['cosmos_frame12924_yuv420_10bpc_bt2020_pq_q50.avif', {}, 'avif'],
    ['check.svg', {}, 'png'],
    ['blackbug.png', { output: 'auto' }, 'png'],
  ];
  for (const [input, plan, extension] of cases) {
    test(`${input} ${JSON.stringify(plan)} -> ${extension}`, async () => {
      assert.equal((await render(input, { w: px(16), ...plan })).extension, extension);
    });
  }
});

describe('encoder settings (spec 3.8)', () => {
  test('q: lower quality, smaller file', async () => {
    const low = await render(PHOTO, { w: px(200), q: 10 });
    const high = await render(PHOTO, { w: px(200), q: 95 });
    assert.ok(low.data.length * 2 < high.data.length, `${low.data.length} vs ${high.data.length}`);
  });
  test('jpg: 4:2:0 below q=90, 4:4:4 from q=90', async () => {
    assert.equal((await metadataOf(await render(PHOTO, { w: px(64) }))).chromaSubsampling, '4:2:0');
    assert.equal((await metadataOf(await render(PHOTO, { w: px(64), q: 89 }))).chromaSubsampling, '4:2:0');
    assert.equal((await metadataOf(await render(PHOTO, { w: px(64), q: 90 }))).chromaSubsampling, '4:4:4');
  });
  test('il: progressive JPEG and interlaced PNG', async () => {
    assert.equal((await metadataOf(await render(PHOTO, { w: px(64) }))).isProgressive, false);
    assert.equal((await metadataOf(await render(PHOTO, { w: px(64), il: true }))).isProgressive, true);
    assert.equal((await metadataOf(await render(PHOTO, { w: px(64), il: true, output: 'png' }))).isProgressive, true);
  });
  test('l: PNG compression level', async () => {
    const fast = await render(PHOTO, { w: px(200), output: 'png', l: 0 });
    const small = await render(PHOTO, { w: px(200), output: 'png', l: 9 });
    assert.ok(small.data.length < fast.data.length);
  });
  test('ll: lossless WebP keeps every pixel', async () => {
    const output = await render('2x2_fdcce6.png', { output: 'webp', ll: true });
    assert.deepEqual(await pixelAt(output, 1, 1), [0xfd, 0xcc, 0x6e]);
  });
  test('jpg flattens alpha onto black', async () => {
    const output = await render('blackbug.png', { w: px(64), output: 'jpg' });
    await assertImage(output, { format: 'jpeg', width: 64, height: 48, channels: 3 });
    const [r = 255, g = 255, b = 255] = await pixelAt(output, 0, 0);
    assert.ok(r + g + b < 10, `corner ${r},${g},${b}`);
  });
});

describe('animation (spec 4.2)', () => {
  test('n=-1 stays animated as GIF and WebP', async () => {
    for (const output of ['gif', 'webp'] as const) {
      const result = await render('dancing-banana.gif', { n: -1, w: px(50), output });
      const meta = await assertImage(result, { format: output, width: 50, height: 53 * 8, pages: 8 });
      assert.equal(meta.pageHeight, 53);
      assert.deepEqual(meta.delay, [100, 100, 100, 100, 100, 100, 100, 100]);
    }
  });
  test('n=1 (default) gives the first frame only', async () => {
    const meta = await metadataOf(await render('dancing_banana2.lossless.webp', { w: px(50) }));
    assert.equal(meta.pages ?? 1, 1);
  });
  test('loop and delay from the plan; one delay applies to every frame', async () => {
    const meta = await metadataOf(await render('dancing-banana.gif', { n: 3, w: px(20), loop: 2, delay: [250] }));
    assert.deepEqual([meta.loop, meta.delay], [2, [250, 250, 250]]);
  });
  test('the delays of the loaded frames', async () => {
    const meta = await metadataOf(await render('dancing-banana.gif', { page: 6, n: -1, w: px(20), delay: [10, 20] }));
    assert.deepEqual(meta.delay, [10, 20]);
  });
  test('PNG and AVIF get the whole strip as one tall image; TIFF becomes multi-page', async () => {
    await assertImage(await render('dancing-banana.gif', { n: 3, w: px(20), output: 'png' }), { format: 'png', width: 20, height: 63 });
    const avif = await metadataOf(await render('dancing-banana.gif', { n: 3, w: px(20), output: 'avif' }));
    assert.deepEqual([avif.width, avif.height, avif.pages], [20, 63, 1]);
    const tiff = await metadataOf(await render('dancing-banana.gif', { n: 3, w: px(20), output: 'tiff' }));
    assert.deepEqual([tiff.width, tiff.height, tiff.pages, tiff.pageHeight], [20, 63, 3, 21]);
  });
});

describe('output=json (spec 4.4)', () => {
  test('the spec example, byte for byte', async () => {
    const output = await render(PHOTO, { w: px(300), h: px(300), fit: 'cover', output: 'json' });
    assert.equal(output.contentType, 'application/json');
    assert.equal(output.extension, undefined);
    assert.deepEqual([output.width, output.height], [300, 300]);
    assert.equal(
      output.data.toString(),
      '{"format":"jpeg","width":300,"height":300,"space":"srgb","channels":3,"depth":"uchar","density":72,"chromaSubsampling":"4:2:0","isProgressive":false,"hasProfile":false,"hasAlpha":false,"orientation":0}',
    );
  });
  test('an animation: pages, pageHeight, loop, delay', async () => {
    const output = await render('dancing-banana.gif', { n: -1, w: px(100), output: 'json' });
    assert.equal(
      output.data.toString(),
      '{"format":"gif","width":100,"height":848,"space":"srgb","channels":4,"depth":"uchar","isProgressive":false,"paletteBitDepth":3,"pages":8,"pageHeight":106,"loop":0,"delay":[100,100,100,100,100,100,100,100],"hasProfile":false,"hasAlpha":true,"orientation":0}',
    );
  });
  test('format names the input; alpha from a letterbox shows', async () => {
    const json: unknown = JSON.parse((await render('check.svg', { w: px(10), output: 'json' })).data.toString());
    assert.deepEqual(json, {
      format: 'svg',
      width: 10,
      height: 10,
      space: 'srgb',
      channels: 4,
      depth: 'uchar',
      density: 72,
      isProgressive: false,
      hasProfile: false,
      hasAlpha: true,
      orientation: 0,
    });
  });
  test('orientation: a tag that needed no turn stays, any turn removes it', async () => {
    const orientationOf = async (input: string, plan: Plan): Promise<unknown> =>
      (JSON.parse((await render(input, { ...plan, output: 'json' })).data.toString()) as { orientation: unknown }).orientation;
    assert.equal(await orientationOf('Landscape_1.jpg', {}), 1);
    assert.equal(await orientationOf('Landscape_1.jpg', { flip: true }), 0);
    assert.equal(await orientationOf('Landscape_6.jpg', {}), 0);
  });
});

describe('disabled savers (spec 5)', () => {
  test('jxl disabled by configuration', async () => {
    const limits = { ...LIMITS, enabledOutputs: LIMITS.enabledOutputs.filter((format) => format !== 'jxl') };
    const error = await assertFails(render(PHOTO, { w: px(10), output: 'jxl' }, limits), 'SAVER_DISABLED');
    assert.equal(error.message, 'Saving to jxl is disabled. Supported savers: jpg, png, webp, avif, tiff, gif, json');
    assert.equal(error.status, 400);
  });
  test('the list follows configuration, in the spec order', async () => {
    const limits = { ...LIMITS, enabledOutputs: ['json', 'gif', 'jpg'] as const };
    const error = await assertFails(render(PHOTO, { w: px(10), output: 'png' }, limits), 'SAVER_DISABLED');
    assert.equal(error.message, 'Saving to png is disabled. Supported savers: jpg, gif, json');
  });
  test('json can be disabled', async () => {
    const error = await assertFails(render(PHOTO, { output: 'json' }, { ...LIMITS, enabledOutputs: ['jpg'] }), 'SAVER_DISABLED');
    assert.equal(error.message, 'Saving to json is disabled. Supported savers: jpg');
  });
  test('the origin format is checked too', async () => {
    await assertFails(render('blackbug.png', { w: px(10) }, { ...LIMITS, enabledOutputs: ['jpg'] }), 'SAVER_DISABLED', 'png is disabled. Supported savers: jpg');
  });
});
