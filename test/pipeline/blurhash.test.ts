/** `output=blurhash` (extension): a BlurHash of the processed image, as text. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { blurhashComponents } from '../../src/pipeline/blurhash.js';
import { LIMITS, PHOTO, render, px } from './support.js';

const BASE83 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

/** Components encoded in the first character of a BlurHash. */
function componentsOf(hash: string): { x: number; y: number } {
  const flag = BASE83.indexOf(hash[0] ?? '');
  return { x: (flag % 9) + 1, y: Math.floor(flag / 9) + 1 };
}

/** The average colour a BlurHash carries (its DC component, 8-bit sRGB). */
function averageOf(hash: string): number[] {
  const value = [...hash.slice(2, 6)].reduce((sum, char) => sum * 83 + BASE83.indexOf(char), 0);
  return [value >> 16, (value >> 8) & 255, value & 255];
}

const toLinear = (value: number): number => {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const toSrgb = (linear: number): number =>
  Math.round(255 * (linear <= 0.0031308 ? linear * 12.92 : 1.055 * linear ** (1 / 2.4) - 0.055));

/** Average colour of an encoded image, averaged in linear light as BlurHash does. */
async function linearAverage(image: Buffer): Promise<number[]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let index = 0; index < data.length; index += info.channels) {
    for (let band = 0; band < 3; band++) sums[band] = (sums[band] ?? 0) + toLinear(data[index + band] ?? 0);
  }
  return sums.map((sum) => toSrgb(sum / (info.width * info.height)));
}

function assertNear(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  const far = actual.some((value, band) => Math.abs(value - (expected[band] ?? NaN)) > tolerance);
  assert.ok(!far, `${actual.join(',')} vs ${expected.join(',')}`);
}

describe('blurhashComponents: about 12, shared out by the aspect ratio', () => {
  const cases: [number, number, number, number][] = [
    [400, 300, 4, 3],
    [300, 400, 3, 4],
    [100, 100, 3, 3],
    [1600, 900, 5, 3],
    [4000, 1000, 7, 2],
    [100_000, 1, 9, 1],
  ];
  for (const [width, height, x, y] of cases) {
    test(`${width}x${height}: ${x}x${y}`, () => assert.deepEqual(blurhashComponents({ width, height }), { x, y }));
  }
});

describe('output=blurhash', () => {
  test('text, no file extension, the processed size, 4x3 components for a 300x245 photo', async () => {
    const output = await render(PHOTO, { w: px(300), output: 'blurhash' });
    assert.equal(output.contentType, 'text/plain; charset=utf-8');
    assert.equal(output.extension, undefined);
    assert.deepEqual([output.width, output.height, output.inputType], [300, 245, 'jpeg']);
    const hash = output.data.toString();
    assert.match(hash, /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]+$/);
    assert.deepEqual(componentsOf(hash), { x: 4, y: 3 });
    assert.equal(hash.length, 4 + 2 * 4 * 3);
    // The placeholder has the photo's average colour.
    assertNear(averageOf(hash), await linearAverage((await render(PHOTO, { w: px(300), output: 'png' })).data), 4);
  });

  test('describes the processed image: a portrait crop gets 3x4 components', async () => {
    const hash = (await render(PHOTO, { w: px(90), h: px(120), fit: 'cover', output: 'blurhash' })).data.toString();
    assert.deepEqual(componentsOf(hash), { x: 3, y: 4 });
  });

  test('a flat colour encodes exactly (no detail components)', async () => {
    const hash = (await render('2x2_fdcce6.png', { output: 'blurhash' })).data.toString();
    assert.deepEqual(averageOf(hash), [0xfd, 0xcc, 0x6e]);
    assert.equal(hash, 'K9T7Y@~9fQ~9oLfQfQfQfQ');
  });

  test('transparency is flattened onto white', async () => {
    const hash = (await render('1x1.png', { output: 'blurhash' })).data.toString();
    assert.deepEqual(averageOf(hash), [255, 255, 255]);
  });

  test('an animation is described by its first frame', async () => {
    const all = await render('dancing-banana.gif', { n: -1, w: px(100), output: 'blurhash' });
    const first = await render('dancing-banana.gif', { w: px(100), output: 'blurhash' });
    assert.equal(all.height, 106 * 8);
    assert.equal(all.data.toString(), first.data.toString());
  });

  test('not subject to the configured savers (it is not one of the spec\'s)', async () => {
    const output = await render(PHOTO, { w: px(40), output: 'blurhash' }, { ...LIMITS, enabledOutputs: ['jpg'] });
    assert.equal(output.contentType, 'text/plain; charset=utf-8');
  });
});
