/** Step 4d: cover crops by position, focal point and smart crop (spec 3.3). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan, Position } from '../../../src/plan/types.js';
import { assertImage, assertSimilar, PHOTO, render, px } from '../support.js';

/** Upstream weserv: which reference each position of the photo must look like. */
const POSITIONS: [number, number, Exclude<Position, 'center'> | undefined, string][] = [
  [320, 80, 'top-left', 'position-top.jpg'],
  [80, 320, 'top-left', 'position-left.jpg'],
  [320, 80, 'top', 'position-top.jpg'],
  [320, 80, 'top-right', 'position-top.jpg'],
  [80, 320, 'top-right', 'position-right.jpg'],
  [80, 320, 'left', 'position-left.jpg'],
  [320, 80, undefined, 'position-center.jpg'],
  [80, 320, undefined, 'position-centre.jpg'],
  [80, 320, 'right', 'position-right.jpg'],
  [320, 80, 'bottom-left', 'position-bottom.jpg'],
  [80, 320, 'bottom-left', 'position-left.jpg'],
  [320, 80, 'bottom', 'position-bottom.jpg'],
  [320, 80, 'bottom-right', 'position-bottom.jpg'],
  [80, 320, 'bottom-right', 'position-right.jpg'],
];

describe('nine positions', () => {
  for (const [w, h, a, expected] of POSITIONS) {
    test(`${w}x${h} ${a ?? 'center'}`, async () => {
      const output = await render(PHOTO, { w: px(w), h: px(h), fit: 'cover', ...(a === undefined ? {} : { a }) });
      await assertImage(output, { format: 'jpeg', width: w, height: h });
      await assertSimilar(output, expected);
    });
  }
});

describe('focal point', () => {
  const cases: [number, number, Plan, string][] = [
    [320, 80, { fpx: 0.5, fpy: 0 }, 'position-top.jpg'],
    [80, 320, { fpx: 0, fpy: 0 }, 'position-left.jpg'],
    [80, 320, { fpx: 1 }, 'position-right.jpg'],
    [80, 320, {}, 'position-centre.jpg'],
    [320, 80, { fpx: 1, fpy: 1 }, 'position-bottom.jpg'],
  ];
  for (const [w, h, focal, expected] of cases) {
    test(`${w}x${h} ${JSON.stringify(focal)}`, async () => {
      const output = await render(PHOTO, { w: px(w), h: px(h), fit: 'cover', a: 'focal', ...focal });
      await assertImage(output, { format: 'jpeg', width: w, height: h });
      await assertSimilar(output, expected);
    });
  }
});

describe('smart crop', () => {
  const cases: [string, string, number, number, 'entropy' | 'attention', string, number][] = [
    ['entropy, JPEG', PHOTO, 80, 320, 'entropy', 'crop-strategy-entropy.jpg', 3],
    ['entropy, PNG with alpha', 'blackbug.png', 320, 80, 'entropy', 'crop-strategy-entropy.png', 4],
    ['attention, JPEG', PHOTO, 80, 320, 'attention', 'crop-strategy-attention.jpg', 3],
    ['attention, PNG with alpha', 'embedgravitybird.png', 200, 200, 'attention', 'crop-strategy-attention.png', 4],
  ];
  for (const [name, input, w, h, a, expected, channels] of cases) {
    test(name, async () => {
      const output = await render(input, { w: px(w), h: px(h), fit: 'cover', a });
      await assertImage(output, { format: expected.endsWith('.png') ? 'png' : 'jpeg', width: w, height: h, channels });
      await assertSimilar(output, expected);
    });
  }
});

describe('animations', () => {
  test('every frame is cropped: n=-1&w=300&h=300&fit=cover', async () => {
    const output = await render('dancing-banana.gif', { n: -1, w: px(300), h: px(300), fit: 'cover' });
    const meta = await assertImage(output, { format: 'gif', width: 300, height: 2400, pages: 8 });
    assert.equal(meta.pageHeight, 300);
  });
  test('smart crop falls back to the centre for a strip of frames', async () => {
    const smart = await render('dancing-banana.gif', { n: -1, w: px(100), h: px(50), fit: 'cover', a: 'entropy', output: 'png' });
    const centre = await render('dancing-banana.gif', { n: -1, w: px(100), h: px(50), fit: 'cover', output: 'png' });
    assert.ok(smart.data.equals(centre.data));
  });
  test('a is ignored without fit=cover', async () => {
    const output = await render(PHOTO, { w: px(320), h: px(80), a: 'top' });
    await assertImage(output, { format: 'jpeg', width: 98, height: 80 });
  });
});
