/** sRGB <-> CIELAB (D65) conversions used by the duotone and tint tables. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labToSrgb, lightness, srgbToLab, type Triple } from '../../src/pipeline/cielab.js';

function assertClose(actual: Triple, expected: Triple, tolerance: number): void {
  actual.forEach((value, i) => {
    assert.ok(Math.abs(value - (expected[i] ?? 0)) <= tolerance, `${actual.join(',')} vs ${expected.join(',')}`);
  });
}

describe('srgbToLab', () => {
  test('white, black and the primaries have their textbook values', () => {
    assertClose(srgbToLab([255, 255, 255]), [100, 0, 0], 0.02);
    assertClose(srgbToLab([0, 0, 0]), [0, 0, 0], 1e-9);
    assertClose(srgbToLab([255, 0, 0]), [53.24, 80.09, 67.2], 0.05);
    assertClose(srgbToLab([0, 255, 0]), [87.73, -86.18, 83.18], 0.05);
    assertClose(srgbToLab([0, 0, 255]), [32.3, 79.19, -107.86], 0.05);
  });
  test('greys have no chroma', () => {
    const [, a = 1, b = 1] = srgbToLab([128, 128, 128]);
    assert.ok(Math.abs(a) < 0.02 && Math.abs(b) < 0.02);
  });
});

describe('labToSrgb', () => {
  test('inverts srgbToLab', () => {
    for (const rgb of [
      [12, 200, 99],
      [255, 255, 255],
      [1, 2, 3],
      [200, 54, 88],
    ] as const) {
      assertClose(labToSrgb(srgbToLab(rgb)), rgb, 0.02);
    }
  });
});

describe('lightness', () => {
  test('L of a relative luminance: 0 -> 0, 0.18 -> ~49.5, 1 -> 100', () => {
    assert.equal(lightness(0), 0);
    assert.ok(Math.abs(lightness(0.18) - 49.5) < 0.1);
    assert.ok(Math.abs(lightness(1) - 100) < 1e-9);
  });
});
