/** Mask geometry of spec 3.5: shapes, scaling to the frame, the mtrim box and the SVG documents. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cutoutSvg,
  maskGeometry,
  maskTrimRect,
  outlinePath,
  surroundSvg,
  type Outline,
  type Point,
} from '../../src/pipeline/mask-shape.js';
import type { MaskShape } from '../../src/plan/types.js';

const FRAME = { width: 320, pageHeight: 240 };

function points(outline: Outline): readonly Point[] {
  assert.equal(outline.kind, 'polygon');
  return outline.kind === 'polygon' ? outline.points : [];
}

function bounds(list: readonly Point[]): [number, number, number, number] {
  const xs = list.map(([x]) => x);
  const ys = list.map(([, y]) => y);
  return [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
}

describe('circle and ellipse', () => {
  test('circle: radius min(W,P)/2 at the centre, box m×m', () => {
    assert.deepEqual(maskGeometry('circle', FRAME), {
      outline: { kind: 'ellipse', cx: 160, cy: 120, rx: 120, ry: 120 },
      box: { width: 240, height: 240 },
    });
  });
  test('ellipse: stretched over the whole frame', () => {
    assert.deepEqual(maskGeometry('ellipse', FRAME), {
      outline: { kind: 'ellipse', cx: 160, cy: 120, rx: 160, ry: 120 },
      box: { width: 320, height: 240 },
    });
  });
});

describe('polygons, star and heart', () => {
  const cases: [MaskShape, number, { width: number; height: number }][] = [
    ['triangle', 3, { width: 277, height: 240 }],
    ['triangle-180', 3, { width: 277, height: 240 }],
    ['square', 4, { width: 240, height: 240 }],
    ['pentagon', 5, { width: 252, height: 240 }],
    ['pentagon-180', 5, { width: 252, height: 240 }],
    ['hexagon', 6, { width: 208, height: 240 }],
    ['star', 10, { width: 252, height: 240 }],
    ['heart', 315, { width: 266, height: 240 }],
  ];
  for (const [shape, count, box] of cases) {
    test(`${shape}: ${count} points, scaled to touch the frame on the limiting axis, box ${box.width}×${box.height}`, () => {
      const geometry = maskGeometry(shape, FRAME);
      const list = points(geometry.outline);
      assert.equal(list.length, count);
      assert.deepEqual(geometry.box, box);
      const [left, right, top, bottom] = bounds(list);
      // Vertical is the limiting axis on 320×240: the shape spans the height (to within the
      // reference's rounding of the raw box) and is centred horizontally.
      assert.ok(Math.abs(top) < 0.2 && Math.abs(bottom - 240) < 0.2, `${shape}: y ${top}..${bottom}`);
      assert.ok(Math.abs(left + right - 320) < 1, `${shape}: x ${left}..${right}`);
    });
  }
  test('the first vertex points up; -180 variants point down', () => {
    const [up] = points(maskGeometry('triangle', FRAME).outline);
    const [down] = points(maskGeometry('triangle-180', FRAME).outline);
    assert.deepEqual(up?.map((v) => Math.round(v)), [160, 0]);
    assert.deepEqual(down?.map((v) => Math.round(v)), [160, 240]);
  });
  test('square is a diamond: vertices at the middles of the box sides', () => {
    const list = points(maskGeometry('square', FRAME).outline).map(([x, y]) => [Math.round(x), Math.round(y)]);
    assert.deepEqual(list, [
      [160, 0],
      [280, 120],
      [160, 240],
      [40, 120],
    ]);
  });
  test('star: inner vertices at 0.382 of the outer radius', () => {
    const list = points(maskGeometry('star', { width: 400, pageHeight: 400 }).outline);
    // The outer vertices form a regular pentagon: their mean is the centre.
    const outerPoints = list.filter((_, i) => i % 2 === 0);
    const cx = outerPoints.reduce((sum, [x]) => sum + x, 0) / 5;
    const cy = outerPoints.reduce((sum, [, y]) => sum + y, 0) / 5;
    const radius = ([x, y]: Point): number => Math.hypot(x - cx, y - cy);
    const outer = radius(list[0] ?? [0, 0]);
    const inner = radius(list[1] ?? [0, 0]);
    assert.ok(Math.abs(inner / outer - 0.382) < 0.002, `${inner / outer}`);
  });
  test('the animated reference: a star on 300×300 has a 300×285 box', () => {
    assert.deepEqual(maskGeometry('star', { width: 300, pageHeight: 300 }).box, { width: 300, height: 285 });
  });
  test('on a tall frame the width limits', () => {
    const geometry = maskGeometry('hexagon', { width: 100, pageHeight: 400 });
    const [left, right] = bounds(points(geometry.outline));
    // Within a pixel: the raw box is rounded before scaling (86.6 -> 87 wide), as in the reference.
    assert.ok(Math.abs(left) < 1 && Math.abs(right - 100) < 1, `${left}..${right}`);
    assert.equal(geometry.box.width, 100);
  });
});

describe('maskTrimRect (mtrim)', () => {
  test('the centred shape box, rounded half away from zero', () => {
    const triangle = maskGeometry('triangle', FRAME);
    assert.deepEqual(maskTrimRect('triangle', FRAME, triangle.box), { left: 22, top: 0, width: 277, height: 240 });
    assert.deepEqual(maskTrimRect('circle', FRAME, { width: 240, height: 240 }), { left: 40, top: 0, width: 240, height: 240 });
  });
  test('never for an ellipse, nor when the box is the frame', () => {
    assert.equal(maskTrimRect('ellipse', FRAME, { width: 100, height: 100 }), undefined);
    assert.equal(maskTrimRect('circle', { width: 50, pageHeight: 50 }, { width: 50, height: 50 }), undefined);
  });
});

describe('SVG', () => {
  const diamond = maskGeometry('square', { width: 4, pageHeight: 2 }).outline;
  test('polygon and arc paths, shifted by a crop origin', () => {
    assert.equal(outlinePath(diamond), 'M2 0 L3 1 L2 2 L1 1 Z');
    assert.equal(outlinePath(diamond, { left: 1, top: 1 }), 'M1 -1 L2 0 L1 1 L0 0 Z');
    const circle = maskGeometry('circle', { width: 4, pageHeight: 2 }).outline;
    assert.equal(outlinePath(circle, { left: 1, top: 0 }), 'M0 1 a1 1 0 1 0 2 0 a1 1 0 1 0 -2 0 Z');
  });
  test('the cut-out: the shape, opaque', () => {
    assert.equal(
      cutoutSvg(diamond, { width: 4, height: 2 }),
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><path d="M2 0 L3 1 L2 2 L1 1 Z" fill="#000"/></svg>',
    );
  });
  test('the surround: frame minus shape by the even-odd rule, in the mbg colour and opacity', () => {
    assert.equal(
      surroundSvg(diamond, { width: 4, height: 2 }, [255, 0, 0, 128]),
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"><path d="M2 0 L3 1 L2 2 L1 1 Z M0 0 h4 v2 h-4 Z" ' +
        'fill-rule="evenodd" fill="rgb(255,0,0)" fill-opacity="0.502"/></svg>',
    );
  });
});
