/** Raw pixel arithmetic for trim and bg (spec 3.4, 3.7), checked on a few hand-made pixels. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compositeBackground, flatten, luminance, topLeftColour } from '../../src/pipeline/pixels.js';

/** Two RGBA pixels: half-transparent white, fully transparent red. */
const rgba = { data: Buffer.from([255, 255, 255, 128, 255, 0, 0, 0]), channels: 4 as const };
const ORANGE = [255, 140, 0, 255] as const;

describe('flatten', () => {
  test('c·α + bg·(1−α), alpha dropped', () => {
    const out = flatten(rgba, [0, 0, 200]);
    assert.equal(out.channels, 3);
    assert.deepEqual([...out.data], [128, 128, 228, 0, 0, 200]);
  });
  test('pixels without alpha are returned as they are', () => {
    const rgb = { data: Buffer.from([1, 2, 3]), channels: 3 as const };
    assert.equal(flatten(rgb, [9, 9, 9]), rgb);
  });
});

describe('topLeftColour (the default trim background)', () => {
  test('the first pixel, flattened onto black', () => {
    assert.deepEqual(topLeftColour(rgba), [128, 128, 128]);
    assert.deepEqual(topLeftColour({ data: Buffer.from([10, 20, 30, 40, 50, 60]), channels: 3 }), [10, 20, 30]);
  });
});

describe('compositeBackground (bg)', () => {
  test('an opaque colour flattens and drops alpha', () => {
    const out = compositeBackground(rgba, ORANGE, 'srgb');
    assert.equal(out.channels, 3);
    assert.deepEqual([...out.data], [255, 198, 128, 255, 140, 0]);
  });
  test('a semi-transparent colour: the reference’s premultiplied-style composite, alpha kept', () => {
    // out = img + bg·(1−α), α = α_img + α_bg·(1−α_img), with α_bg = 128/255
    const out = compositeBackground(rgba, [255, 140, 0, 128], 'srgb');
    assert.equal(out.channels, 4);
    assert.deepEqual([...out.data], [255, 255, 255, 192, 255, 140, 0, 128]);
  });
  test('greyscale images flatten onto the colour’s luminance, whatever its alpha', () => {
    const grey = { data: Buffer.from([100, 100, 100, 0, 100, 100, 100, 255]), channels: 4 as const };
    const level = Math.round(luminance(ORANGE));
    assert.equal(level, 154);
    for (const colour of [ORANGE, [255, 140, 0, 128] as const]) {
      const out = compositeBackground(grey, colour, 'b-w');
      assert.deepEqual([...out.data], [level, level, level, 100, 100, 100]);
    }
  });
  test('images without alpha are untouched', () => {
    const rgb = { data: Buffer.from([1, 2, 3]), channels: 3 as const };
    assert.equal(compositeBackground(rgb, ORANGE, 'srgb'), rgb);
  });
});
