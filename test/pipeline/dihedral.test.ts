/** The right-angle orientation algebra, checked against naive pixel-grid transforms. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  asSharpCalls,
  compose,
  fromExif,
  fromUser,
  isUpright,
  keepsFrameOrder,
  swapsAxes,
  UPRIGHT,
  type Orientation,
  type RightAngle,
} from '../../src/pipeline/dihedral.js';

type Grid = readonly (readonly string[])[];

/** 2 rows x 3 columns of distinct cells: every transform gives a different grid. */
const GRID: Grid = [
  ['a', 'b', 'c'],
  ['d', 'e', 'f'],
];

const height = (grid: Grid): number => grid.length;
const width = (grid: Grid): number => grid[0]?.length ?? 0;
const cell = (grid: Grid, row: number, column: number): string => grid[row]?.[column] ?? '?';
const build = (rows: number, columns: number, at: (row: number, column: number) => string): Grid =>
  Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (__, column) => at(row, column)));

const rotate90 = (g: Grid): Grid => build(width(g), height(g), (r, c) => cell(g, height(g) - 1 - c, r));
const flop = (g: Grid): Grid => g.map((row) => [...row].reverse());
const flip = (g: Grid): Grid => [...g].reverse();
const transpose = (g: Grid): Grid => build(width(g), height(g), (r, c) => cell(g, c, r));
const transverse = (g: Grid): Grid => build(width(g), height(g), (r, c) => cell(g, height(g) - 1 - c, width(g) - 1 - r));
const rotate = (g: Grid, degrees: number): Grid => (degrees <= 0 ? g : rotate(rotate90(g), degrees - 90));

/** Rotate clockwise, then mirror: what an Orientation means. */
const apply = (o: Orientation, g: Grid): Grid => (o.flop ? flop(rotate(g, o.rotate)) : rotate(g, o.rotate));

const ALL: Orientation[] = ([0, 90, 180, 270] as RightAngle[]).flatMap((r) => [
  { rotate: r, flop: false },
  { rotate: r, flop: true },
]);

describe('fromExif', () => {
  // What each EXIF tag needs to display upright, by definition of the tag.
  const fixes: [number, (g: Grid) => Grid][] = [
    [1, (g) => g],
    [2, flop],
    [3, (g) => rotate(g, 180)],
    [4, flip],
    [5, transpose],
    [6, (g) => rotate(g, 90)],
    [7, transverse],
    [8, (g) => rotate(g, 270)],
  ];
  for (const [tag, fix] of fixes) {
    test(`tag ${tag}`, () => assert.deepEqual(apply(fromExif(tag), GRID), fix(GRID)));
  }
  test('missing or unknown tags mean upright', () => {
    assert.deepEqual(fromExif(undefined), UPRIGHT);
    assert.deepEqual(fromExif(0), UPRIGHT);
    assert.deepEqual(fromExif(9), UPRIGHT);
  });
});

describe('fromUser', () => {
  for (const ro of [0, 90, 180, 270]) {
    for (const flipped of [false, true]) {
      for (const flopped of [false, true]) {
        test(`ro=${ro} flip=${flipped} flop=${flopped}: rotate, then flip, then flop`, () => {
          let expected = rotate(GRID, ro);
          if (flipped) expected = flip(expected);
          if (flopped) expected = flop(expected);
          assert.deepEqual(apply(fromUser(ro, flipped, flopped), GRID), expected);
        });
      }
    }
  }
});

describe('compose', () => {
  test('equals applying one after the other, for all 64 pairs', () => {
    for (const first of ALL) {
      for (const second of ALL) {
        assert.deepEqual(apply(compose(first, second), GRID), apply(second, apply(first, GRID)), `${JSON.stringify([first, second])}`);
      }
    }
  });
  test('every orientation has an inverse', () => {
    for (const o of ALL) assert.ok(ALL.some((other) => isUpright(compose(o, other))));
  });
});

describe('asSharpCalls', () => {
  test('sharp mirrors first, then rotates: same result', () => {
    for (const o of ALL) {
      const calls = asSharpCalls(o);
      const mirrored = calls.flop ? flop(GRID) : GRID;
      assert.deepEqual(rotate(mirrored, calls.rotate), apply(o, GRID), JSON.stringify(o));
    }
  });
});

describe('predicates', () => {
  test('swapsAxes for quarter turns only', () => {
    assert.deepEqual(
      ALL.map((o) => swapsAxes(o)),
      [false, false, true, true, false, false, true, true],
    );
  });
  test('only mirrors keep a strip of frames in order', () => {
    assert.deepEqual(
      ALL.map((o) => keepsFrameOrder(o)),
      [true, true, false, false, false, false, false, false],
    );
  });
});
