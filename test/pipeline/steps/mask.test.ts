/** Step 16: mask (spec 3.5): shapes, mbg, mtrim, animations, and its place after bg. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { MaskShape } from '../../../src/plan/types.js';
import { assertColours } from '../colours.js';
import { assertSameBytes, rawOf, renderQuery } from '../query.js';
import { assertImage, assertSimilar, metadataOf, PHOTO, pixelAt } from '../support.js';

const COVER = 'w=320&h=240&fit=cover';

describe('upstream references: every shape on the photo', () => {
  const shapes: MaskShape[] = [
    'circle',
    'ellipse',
    'triangle',
    'triangle-180',
    'pentagon',
    'pentagon-180',
    'hexagon',
    'square',
    'star',
    'heart',
  ];
  for (const shape of shapes) {
    test(`mask=${shape} (mask-${shape}.png)`, async () => {
      const output = await renderQuery(PHOTO, `${COVER}&mask=${shape}`);
      assert.equal(output.extension, 'png');
      await assertImage(output, { format: 'png', width: 320, height: 240, channels: 4 });
      await assertSimilar(output, `mask-${shape}.png`);
      await assertColours(output, `mask-${shape}.png`);
    });
  }
});

describe('upstream references: trim, alpha and backgrounds', () => {
  const cases: [string, string, string, string, number, number][] = [
    ['circle trimmed to its box', PHOTO, `${COVER}&mask=circle&mtrim=true`, 'mask-circle-trim.png', 240, 240],
    ['star on a transparent PNG', 'alpha-layer-0-background.png', `${COVER}&mask=star`, 'mask-star-trans.png', 320, 240],
    ['star with a red surround', 'alpha-layer-0-background.png', `${COVER}&mask=star&mbg=red`, 'mask-star-trans-bg.png', 320, 240],
    ['grey PNG with alpha', 'grey-8bit-alpha.png', `${COVER}&mask=triangle-180`, 'mask-2channel.png', 320, 240],
  ];
  for (const [name, input, query, expected, width, height] of cases) {
    test(`${name} (${expected})`, async () => {
      const output = await renderQuery(input, query);
      await assertImage(output, { format: 'png', width, height, channels: 4 });
      await assertSimilar(output, expected);
      await assertColours(output, expected);
    });
  }
  test('an animation: every frame masked, trimmed and surrounded (mask-star-anim.gif)', async () => {
    const output = await renderQuery('dancing-banana.gif', 'n=-1&w=300&h=300&fit=cover&mask=star&mbg=red&mtrim=true');
    const meta = await assertImage(output, { format: 'gif', width: 300, height: 285 * 8, pages: 8 });
    assert.equal(meta.pageHeight, 285);
    await assertSimilar(output, 'mask-star-anim.gif');
    await assertColours(output, 'mask-star-anim.gif');
  });
});

describe('alpha and output format (spec 4.3)', () => {
  test('a JPEG with a mask becomes a PNG: corners transparent, centre opaque', async () => {
    const output = await renderQuery(PHOTO, 'w=64&h=48&fit=cover&mask=circle');
    assert.equal(output.extension, 'png');
    assert.equal((await pixelAt(output, 0, 0))[3], 0);
    assert.equal((await pixelAt(output, 32, 24))[3], 255);
  });
  test('an opaque mbg on a JPEG: still a JPEG, no alpha, corners in mbg', async () => {
    const output = await renderQuery(PHOTO, 'w=64&h=48&fit=cover&mask=circle&mbg=red');
    assert.equal(output.extension, 'jpg');
    assert.equal((await metadataOf(output)).channels, 3);
    const [r = 0, g = 255, b = 255] = await pixelAt(output, 0, 0);
    assert.ok(r > 240 && g < 15 && b < 15, `${r},${g},${b}`);
  });
  test('a semi-transparent mbg: alpha, corners in that colour and opacity', async () => {
    const output = await renderQuery(PHOTO, 'w=64&h=48&fit=cover&mask=circle&mbg=800000ff');
    assert.equal(output.extension, 'png');
    assert.deepEqual(await pixelAt(output, 0, 0), [0, 0, 255, 128]);
  });
  test('a greyscale output keeps its alpha: two bands', async () => {
    const output = await renderQuery(PHOTO, 'w=64&h=48&fit=cover&filt=greyscale&mask=circle');
    const meta = await metadataOf(output);
    assert.deepEqual([meta.format, meta.channels], ['png', 2]);
  });
});

describe('mtrim', () => {
  test('a triangle on 320×240 is trimmed to its 277×240 box', async () => {
    await assertImage(await renderQuery(PHOTO, `${COVER}&mask=triangle&mtrim`), { format: 'png', width: 277, height: 240 });
  });
  test('never for an ellipse', async () => {
    await assertSameBytes(PHOTO, 'w=64&mask=ellipse', ['w=64&mask=ellipse&mtrim=true']);
  });
});

describe('animations: the shape is repeated on every frame', () => {
  test('each frame gets the same alpha', async () => {
    // Three opaque 20×16 frames of different colours.
    const frames = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ].map((rgb) => Array.from({ length: 20 * 16 }, () => [...rgb, 255]).flat());
    const input = await sharp(Buffer.from(frames.flat()), { raw: { width: 20, height: 48, channels: 4, pageHeight: 16 } })
      .webp({ lossless: true })
      .toBuffer();
    const output = await renderQuery(input, 'n=-1&mask=circle&output=png');
    const { data, channels } = await rawOf(output);
    assert.equal(channels, 4);
    const alphaOf = (frame: number): number[] =>
      Array.from({ length: 20 * 16 }, (_, i) => data[(frame * 20 * 16 + i) * 4 + 3] ?? -1);
    assert.deepEqual(alphaOf(1), alphaOf(0));
    assert.deepEqual(alphaOf(2), alphaOf(0));
    assert.equal(alphaOf(0)[0], 0);
    assert.equal(alphaOf(0)[8 * 20 + 10], 255);
  });
});

describe('order: bg (15) runs before the mask (16)', () => {
  test('bg cannot fill the mask corners: they stay transparent', async () => {
    const output = await renderQuery('blackbug.png', 'w=64&h=48&fit=cover&bg=white&mask=circle');
    assert.equal((await pixelAt(output, 0, 0))[3], 0);
    // Inside the circle the image was flattened onto white: opaque.
    assert.equal((await pixelAt(output, 32, 24))[3], 255);
  });
  test('mbg fills them; with nothing transparent left the alpha band goes', async () => {
    const output = await renderQuery('blackbug.png', 'w=64&h=48&fit=cover&bg=white&mask=circle&mbg=red');
    assert.deepEqual(await pixelAt(output, 0, 0), [255, 0, 0]);
  });
});

describe('neutral and invalid values', () => {
  test('mask=none, unknown (case-sensitive) shapes, and mbg or mtrim alone do nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&mask=none', 'w=32&mask=Circle', 'w=32&mbg=red', 'w=32&mtrim=true']);
  });
  test('an invalid or fully transparent mbg is transparent', async () => {
    await assertSameBytes(PHOTO, 'w=32&mask=star', ['w=32&mask=star&mbg=zz', 'w=32&mask=star&mbg=00ff0000']);
  });
  test('shape is a synonym of mask, strim of mtrim', async () => {
    await assertSameBytes(PHOTO, 'w=32&mask=star&mtrim=true', ['w=32&shape=star&strim=true']);
  });
});
