import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServiceError } from '../../src/errors.js';
import {
  assertOutputPixels,
  coverCropBox,
  coverCropSize,
  embedBox,
  embedEdges,
  focalCropOffset,
  gravityOffset,
  rectangleCrop,
  resizeTarget,
  resolveTargetSize,
  roundHalfAwayFromZero,
} from '../../src/pipeline/geometry.js';
import type { Fit, Position } from '../../src/plan/types.js';

const px = (value: number): { px: number } => ({ px: value });
const pct = (fraction: number): { pct: number } => ({ pct: fraction });
/** The main upstream test photo. */
const PHOTO = { width: 2725, pageHeight: 2225 };

describe('roundHalfAwayFromZero', () => {
  test('rounds halves away from zero on both sides', () => {
    assert.deepEqual([2.5, 3.5, -2.5, 2.4999, -0.6].map(roundHalfAwayFromZero), [3, 4, -3, 2, -1]);
  });
});

describe('resolveTargetSize (spec 2b-2e)', () => {
  test('pixels pass through, absent means 0', () => {
    assert.deepEqual(resolveTargetSize({ w: px(320) }, PHOTO), { w: 320, h: 0 });
    assert.deepEqual(resolveTargetSize({}, PHOTO), { w: 0, h: 0 });
  });
  test('percentages refer to the loaded width and page height, rounded half away from zero', () => {
    assert.deepEqual(resolveTargetSize({ w: pct(0.5), h: pct(0.1) }, PHOTO), { w: 1363, h: 223 });
  });
  test('dpr multiplies after resolving, then rounds', () => {
    assert.deepEqual(resolveTargetSize({ w: px(160), h: px(120), dpr: 2 }, PHOTO), { w: 320, h: 240 });
    assert.deepEqual(resolveTargetSize({ w: px(3), h: px(5), dpr: 1.5 }, PHOTO), { w: 5, h: 8 });
    assert.deepEqual(resolveTargetSize({ w: pct(0.5), dpr: 2 }, PHOTO), { w: 2726, h: 0 });
  });
  test('dpr=0 removes the sizes; non-positive sizes are not given; results are clamped', () => {
    assert.deepEqual(resolveTargetSize({ w: px(320), h: px(240), dpr: 0 }, PHOTO), { w: 0, h: 0 });
    assert.deepEqual(resolveTargetSize({ w: px(-5), h: px(0) }, PHOTO), { w: 0, h: 0 });
    assert.deepEqual(resolveTargetSize({ w: px(10_000_000), h: px(2_000_000), dpr: 8 }, PHOTO), {
      w: 10_000_000,
      h: 10_000_000,
    });
  });
});

describe('resizeTarget (spec 3.1)', () => {
  const cases: [string, { w: number; h: number }, Fit, boolean, { width: number; pageHeight: number }][] = [
    ['inside, both', { w: 320, h: 240 }, 'inside', false, { width: 294, pageHeight: 240 }],
    ['contain sizes like inside', { w: 320, h: 240 }, 'contain', false, { width: 294, pageHeight: 240 }],
    ['cover fills the box', { w: 320, h: 240 }, 'cover', false, { width: 320, pageHeight: 261 }],
    ['outside fills the box', { w: 320, h: 240 }, 'outside', false, { width: 320, pageHeight: 261 }],
    ['fill ignores the aspect ratio', { w: 320, h: 320 }, 'fill', false, { width: 320, pageHeight: 320 }],
    ['width only', { w: 320, h: 0 }, 'inside', false, { width: 320, pageHeight: 261 }],
    ['height only', { w: 0, h: 320 }, 'inside', false, { width: 392, pageHeight: 320 }],
    ['cover with one size acts like inside', { w: 320, h: 0 }, 'cover', false, { width: 320, pageHeight: 261 }],
    ['fill width only keeps the height', { w: 320, h: 0 }, 'fill', false, { width: 320, pageHeight: 2225 }],
    ['fill height only keeps the width', { w: 0, h: 320 }, 'fill', false, { width: 2725, pageHeight: 320 }],
    ['fill upscales', { w: 3000, h: 3000 }, 'fill', false, { width: 3000, pageHeight: 3000 }],
    ['inside enlarges by default', { w: 3000, h: 0 }, 'inside', false, { width: 3000, pageHeight: 2450 }],
    ['we prevents enlarging', { w: 3000, h: 0 }, 'inside', true, { width: 2725, pageHeight: 2225 }],
    ['we with cover and a larger box', { w: 3000, h: 3000 }, 'cover', true, { width: 2725, pageHeight: 2225 }],
    ['we with cover, smaller axis', { w: 123, h: 100 }, 'cover', true, { width: 123, pageHeight: 100 }],
    ['we with fill caps each axis', { w: 3000, h: 320 }, 'fill', true, { width: 2725, pageHeight: 320 }],
    ['nothing requested', { w: 0, h: 0 }, 'inside', false, { width: 2725, pageHeight: 2225 }],
  ];
  for (const [name, target, fit, we, expected] of cases) {
    test(name, () => assert.deepEqual(resizeTarget(PHOTO, target, fit, we), expected));
  }
  test('no axis shrinks below one pixel', () => {
    assert.deepEqual(resizeTarget({ width: 10, pageHeight: 2 }, { w: 2, h: 0 }, 'inside', false), {
      width: 2,
      pageHeight: 1,
    });
    assert.deepEqual(resizeTarget({ width: 1, pageHeight: 10 }, { w: 0, h: 5 }, 'inside', false), {
      width: 1,
      pageHeight: 5,
    });
  });
  test('rounds half away from zero, not to even', () => {
    assert.deepEqual(resizeTarget({ width: 8, pageHeight: 5 }, { w: 4, h: 0 }, 'inside', false), {
      width: 4,
      pageHeight: 3,
    });
  });
  test('works on the frame of a multi-frame strip', () => {
    assert.deepEqual(resizeTarget({ width: 990, pageHeight: 1050 }, { w: 300, h: 300 }, 'cover', false), {
      width: 300,
      pageHeight: 318,
    });
  });
});

describe('assertOutputPixels (spec 3.1, 7)', () => {
  test('counts every frame and allows exactly the limit', () => {
    assert.doesNotThrow(() => assertOutputPixels({ width: 1000, pageHeight: 71 }, 1000, 71_000_000));
    assert.throws(
      () => assertOutputPixels({ width: 1000, pageHeight: 71 }, 1001, 71_000_000),
      (error: unknown) => error instanceof ServiceError && error.code === 'OUTPUT_PIXELS' && error.detail === '71000000',
    );
  });
  test('w=10000000&h=10000000&fit=fill on the photo fails before any pixel work', () => {
    const frame = resizeTarget(PHOTO, { w: 10_000_000, h: 10_000_000 }, 'fill', false);
    assert.throws(() => assertOutputPixels(frame, 1, 71_000_000), /Output image exceeds pixel limit/);
  });
});

describe('gravityOffset (spec 3.3 table)', () => {
  const outer = { width: 392, height: 320 };
  const inner = { width: 80, height: 300 };
  const expected: Record<Exclude<Position, 'entropy' | 'attention' | 'focal'>, [number, number]> = {
    center: [156, 10],
    top: [156, 0],
    bottom: [156, 20],
    left: [0, 10],
    right: [312, 10],
    'top-left': [0, 0],
    'top-right': [312, 0],
    'bottom-left': [0, 20],
    'bottom-right': [312, 20],
  };
  for (const [position, [left, top]] of Object.entries(expected)) {
    test(position, () => assert.deepEqual(gravityOffset(outer, inner, position as Position), { left, top }));
  }
  test('centre offsets truncate', () => {
    assert.deepEqual(gravityOffset({ width: 101, height: 51 }, { width: 50, height: 50 }, 'center'), {
      left: 25,
      top: 0,
    });
  });
  test('smart positions fall back to the centre', () => {
    assert.deepEqual(gravityOffset(outer, inner, 'entropy'), { left: 156, top: 10 });
  });
});

describe('cover alignment (spec 3.3)', () => {
  test('crop size is the box clipped to the frame', () => {
    assert.deepEqual(coverCropSize({ width: 392, pageHeight: 320 }, { w: 80, h: 320 }), { width: 80, height: 320 });
    assert.deepEqual(coverCropSize({ width: 2725, pageHeight: 2225 }, { w: 3000, h: 100 }), {
      width: 2725,
      height: 100,
    });
  });
  test('nothing to crop when the frame already has the size', () => {
    assert.equal(coverCropSize({ width: 320, pageHeight: 240 }, { w: 320, h: 240 }), undefined);
    assert.equal(coverCropSize({ width: 2725, pageHeight: 2225 }, { w: 3000, h: 3000 }), undefined);
    assert.equal(coverCropSize({ width: 320, pageHeight: 261 }, { w: 320, h: 0 }), undefined);
  });
  test('focal point: W0/f formula, clamped to the frame', () => {
    const frame = { width: 320, pageHeight: 261 };
    const crop = { width: 320, height: 80 };
    const loaded = PHOTO;
    assert.deepEqual(focalCropOffset(frame, crop, { fpx: 0.5, fpy: 0, loaded }), { left: 0, top: 0 });
    assert.deepEqual(focalCropOffset(frame, crop, { fpx: 0.5, fpy: 0.5, loaded }), { left: 0, top: 91 });
    assert.deepEqual(focalCropOffset(frame, crop, { fpx: 0.5, fpy: 1, loaded }), { left: 0, top: 181 });
  });
  test('coverCropBox uses the gravity table or the focal point', () => {
    const frame = { width: 392, pageHeight: 320 };
    const crop = { width: 80, height: 320 };
    const focal = { fpx: 1, fpy: 0.5, loaded: PHOTO };
    assert.deepEqual(coverCropBox(frame, crop, 'right', focal), { left: 312, top: 0, width: 80, height: 320 });
    assert.deepEqual(coverCropBox(frame, crop, 'focal', focal), { left: 312, top: 0, width: 80, height: 320 });
    assert.deepEqual(coverCropBox(frame, crop, 'center', focal), { left: 156, top: 0, width: 80, height: 320 });
  });
});

describe('embed (spec 3.2)', () => {
  test('box is w x h, missing sizes taken from the frame', () => {
    assert.deepEqual(embedBox({ width: 294, pageHeight: 240 }, { w: 320, h: 240 }), { width: 320, height: 240 });
    assert.deepEqual(embedBox({ width: 2725, pageHeight: 2225 }, { w: 3000, h: 0 }), { width: 3000, height: 2225 });
    assert.equal(embedBox({ width: 320, pageHeight: 261 }, { w: 320, h: 0 }), undefined);
  });
  test('centre offsets truncate; the far edges get the rest', () => {
    assert.deepEqual(embedEdges({ width: 293, pageHeight: 240 }, { width: 320, height: 240 }, 'center', { fpx: 0.5, fpy: 0.5 }), {
      top: 0,
      left: 13,
      bottom: 0,
      right: 14,
    });
  });
  test('positions put the image against the named edges', () => {
    const frame = { width: 2, pageHeight: 2 };
    const box = { width: 10, height: 6 };
    const focal = { fpx: 0.5, fpy: 0.5 };
    assert.deepEqual(embedEdges(frame, box, 'bottom-right', focal), { top: 4, left: 8, bottom: 0, right: 0 });
    assert.deepEqual(embedEdges(frame, box, 'top', focal), { top: 0, left: 4, bottom: 4, right: 4 });
    assert.deepEqual(embedEdges(frame, box, 'attention', focal), { top: 2, left: 4, bottom: 2, right: 4 });
  });
  test('focal: round((box - frame) * fp)', () => {
    const frame = { width: 2, pageHeight: 2 };
    const box = { width: 320, height: 240 };
    assert.deepEqual(embedEdges(frame, box, 'focal', { fpx: 0, fpy: 0.5 }), { top: 119, left: 0, bottom: 119, right: 318 });
    assert.deepEqual(embedEdges(frame, box, 'focal', { fpx: 0.25, fpy: 1 }), { top: 238, left: 80, bottom: 0, right: 238 });
  });
});

describe('rectangleCrop (spec 3.3)', () => {
  const frame = { width: 320, pageHeight: 240 };
  test('a plain rectangle', () => {
    assert.deepEqual(rectangleCrop(frame, { x: px(2), y: px(2), w: px(20), h: px(20) }), {
      left: 2,
      top: 2,
      width: 20,
      height: 20,
    });
  });
  test('negative size takes the remaining width', () => {
    assert.deepEqual(rectangleCrop(frame, { x: px(10), y: px(10), w: px(-10), h: px(10) }), {
      left: 10,
      top: 10,
      width: 310,
      height: 10,
    });
  });
  test('an origin outside the frame snaps to 0', () => {
    assert.deepEqual(rectangleCrop(frame, { x: px(3000), y: px(10), w: px(10), h: px(10) }), {
      left: 0,
      top: 10,
      width: 10,
      height: 10,
    });
  });
  test('percentages of the current frame; too large sizes are clipped', () => {
    assert.deepEqual(rectangleCrop(frame, { x: px(10), y: px(10), w: pct(0.5), h: pct(1) }), {
      left: 10,
      top: 10,
      width: 160,
      height: 230,
    });
  });
  test('missing values: origin 0, size the rest', () => {
    assert.deepEqual(rectangleCrop(frame, { x: px(10), y: px(10) }), { left: 10, top: 10, width: 310, height: 230 });
    assert.deepEqual(rectangleCrop(frame, {}), { left: 0, top: 0, width: 320, height: 240 });
  });
  test('limited to the image boundaries', () => {
    assert.deepEqual(rectangleCrop(PHOTO, { x: px(2405), y: px(1985), w: px(30000), h: px(30000) }), {
      left: 2405,
      top: 1985,
      width: 320,
      height: 240,
    });
  });
});
