/** Step 1: format sniffing, page selection, limits, and what unreadable input turns into. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFails, assertImage, fixture, LIMITS, PHOTO, render, px } from '../support.js';

/** Processed output described as JSON: sizes without encoding pixels. */
async function describeOutput(name: string | Buffer, plan: object): Promise<Record<string, unknown>> {
  const output = await render(name, { ...plan, output: 'json' });
  const parsed: unknown = JSON.parse(output.data.toString());
  assert.ok(typeof parsed === 'object' && parsed !== null);
  return parsed as Record<string, unknown>;
}

describe('input formats, recognised by their bytes', () => {
  const cases: [string, string, string][] = [
    [PHOTO, 'jpeg', 'jpeg'],
    ['blackbug.png', 'png', 'png'],
    ['4.webp', 'webp', 'webp'],
    ['dancing-banana.gif', 'gif', 'gif'],
    ['G31D.TIF', 'tiff', 'tiff'],
    ['cosmos_frame12924_yuv420_10bpc_bt2020_pq_q50.avif', 'heif', 'heif'],
    ['check.svg', 'svg', 'png'],
  ];
  for (const [name, inputType, decodedAs] of cases) {
    test(`${name} is ${inputType}`, async () => {
      const output = await render(name, { w: px(16) });
      assert.equal(output.inputType, inputType);
      const meta = await assertImage(output, { format: decodedAs, width: 16, height: output.height });
      assert.equal(meta.format, decodedAs);
    });
  }

  test('an SVG with a prolog and a comment, and a gzip-compressed one', async () => {
    const svg = '<?xml version="1.0"?>\n<!-- drawn by hand -->\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><rect width="4" height="2" fill="red"/></svg>';
    const output = await render(Buffer.from(svg), {});
    await assertImage(output, { format: 'png', width: 4, height: 2 });
    const { gzipSync } = await import('node:zlib');
    const zipped = await render(gzipSync(Buffer.from(svg)), {});
    await assertImage(zipped, { format: 'png', width: 4, height: 2 });
  });
});

describe('NOT_AN_IMAGE: bytes no decoder recognises', () => {
  const cases: [string, Buffer][] = [
    ['garbage', Buffer.from([0x00, 0x13, 0x37, 0x42, 0x99, 0xfe, 0x01, 0x02, 0x03, 0x04])],
    ['an HTML page', Buffer.from('<!doctype html><html><body>Not found</body></html>')],
    ['an empty body', Buffer.alloc(0)],
  ];
  for (const [name, bytes] of cases) {
    test(name, async () => {
      const error = await assertFails(render(bytes, { w: px(10) }), 'NOT_AN_IMAGE');
      assert.equal(error.message, 'Invalid or unsupported image format. Is it a valid image?');
      assert.equal(error.status, 404);
    });
  }
});

describe('NOT_READABLE, or decoded as far as it goes (spec 2.1)', () => {
  test('a GIF header alone', async () => {
    const error = await assertFails(render(Buffer.from('GIF89a'), {}), 'NOT_READABLE');
    assert.equal(error.message, 'Image not readable. Is it a valid image?');
  });

  const photo = fixture(PHOTO);
  const bug = fixture('blackbug.png');
  const truncated: [string, Buffer, 'decoded' | 'NOT_READABLE'][] = [
    ['JPEG cut in half', photo.subarray(0, photo.length >> 1), 'decoded'],
    ['JPEG cut to 100 bytes', photo.subarray(0, 100), 'NOT_READABLE'],
    ['PNG cut in half', bug.subarray(0, bug.length >> 1), 'decoded'],
    ['PNG cut to 100 bytes', bug.subarray(0, 100), 'decoded'],
    ['PNG cut inside its header', bug.subarray(0, 40), 'NOT_READABLE'],
  ];
  for (const [name, bytes, expected] of truncated) {
    test(`${name}: ${expected}`, async () => {
      if (expected === 'decoded') {
        const output = await render(bytes, { w: px(64) });
        assert.equal(output.width, 64);
      } else {
        await assertFails(render(bytes, { w: px(64) }), 'NOT_READABLE');
      }
    });
  }
});

describe('pages (spec 4.2)', () => {
  test('page= picks one page of a multi-page TIFF', async () => {
    const json = await describeOutput('PalaisDuLouvre.tif', { page: 3 });
    assert.deepEqual([json.width, json.height, json.pages], [500, 103, 6]);
  });

  test('page=-1 is the largest page, page=-2 the smallest', async () => {
    assert.deepEqual(await describeOutput('PalaisDuLouvre.tif', { page: -1 }).then((j) => [j.width, j.height]), [4000, 828]);
    assert.deepEqual(await describeOutput('PalaisDuLouvre.tif', { page: -2 }).then((j) => [j.width, j.height]), [125, 25]);
  });

  test('n frames from page form one strip', async () => {
    const json = await describeOutput('dancing_banana2.lossless.webp', { page: 2, n: 3 });
    assert.deepEqual([json.width, json.height, json.pageHeight, json.pages], [990, 3150, 1050, 8]);
  });

  test('n=-1 loads every frame from page to the end', async () => {
    const json = await describeOutput('dancing-banana.gif', { page: 5, n: -1 });
    assert.deepEqual([json.height, json.pageHeight], [3 * 1050, 1050]);
  });

  test('page and n are ignored for single-page formats', async () => {
    const json = await describeOutput(PHOTO, { page: 3, n: 4 });
    assert.deepEqual([json.width, json.height], [2725, 2225]);
  });

  test('pages beyond the end: NOT_READABLE', async () => {
    await assertFails(render('dancing-banana.gif', { n: 9 }), 'NOT_READABLE');
    await assertFails(render('dancing-banana.gif', { page: 8 }), 'NOT_READABLE');
  });
});

describe('limits (spec 7)', () => {
  test('giant.svg exceeds the input pixel limit', async () => {
    const error = await assertFails(render('giant.svg', {}), 'INPUT_PIXELS', '71000000');
    assert.equal(error.message, 'Input image exceeds pixel limit. Width x height should be less than 71000000');
  });

  test('the input limit is configuration', async () => {
    await assertFails(render(PHOTO, { w: px(10) }, { ...LIMITS, maxInputPixels: 6_000_000 }), 'INPUT_PIXELS', '6000000');
  });

  test('the input limit counts every loaded frame', async () => {
    const limits = { ...LIMITS, maxInputPixels: 5_000_000 };
    await render('dancing-banana.gif', { w: px(10) }, limits);
    await assertFails(render('dancing-banana.gif', { n: -1, w: px(10) }, limits), 'INPUT_PIXELS', '5000000');
  });

  test('more than 256 pages: n=-1, page=-1, or an explicit n', async () => {
    const error = await assertFails(render('1024-pages.gif', { n: -1 }), 'TOO_MANY_PAGES', '256');
    assert.equal(error.message, 'Input image exceeds the maximum number of pages. Number of pages should be less than 256');
    await assertFails(render('1024-pages.gif', { page: -1 }), 'TOO_MANY_PAGES', '256');
    await assertFails(render('1024-pages.gif', { n: 300 }), 'TOO_MANY_PAGES', '256');
    await assertFails(render('dancing-banana.gif', { n: -1 }, { ...LIMITS, maxPages: 4 }), 'TOO_MANY_PAGES', '4');
  });
});
