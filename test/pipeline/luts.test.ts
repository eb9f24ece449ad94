/** Lookup tables of spec 3.7 (contrast, gamma, duotone, tint), checked without images. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { srgbToLab } from '../../src/pipeline/cielab.js';
import {
  applyColourLut,
  applyLut,
  applyTint,
  contrastLut,
  duotoneLut,
  gammaLut,
  tintLut,
} from '../../src/pipeline/luts.js';

const isMonotonic = (lut: Uint8Array): boolean => lut.every((value, i) => i === 0 || value >= (lut[i - 1] ?? 0));

describe('contrastLut (sigmoidal, c = con·0.3)', () => {
  test('the endpoints stay 0 and 255 for every strength (spec 8.18)', () => {
    for (const con of [-100, -73, -30, -1, 1, 30, 64, 100]) {
      const lut = contrastLut(con);
      assert.deepEqual([lut[0], lut[255]], [0, 255], `con=${con}`);
      assert.ok(isMonotonic(lut), `con=${con} is monotonic`);
    }
  });
  test('c > 0 steepens around the midpoint: x(u) = 1/(1+e^{c(0.5−u)}), normalised, truncated', () => {
    // u = 128/255, c = 30: x = 1/(1+e^{-0.0588}) = 0.5147 -> 131.2
    const lut = contrastLut(100);
    assert.deepEqual([lut[64], lut[128], lut[192], lut[254]], [0, 131, 254, 254]);
    const mild = contrastLut(30);
    assert.deepEqual([mild[64], mild[128], mild[192]], [22, 128, 233]);
  });
  test('c < 0 flattens: out = 0.5 − ln((1−x)/x)/a with x between the sigmoid ends', () => {
    // u = 64/255, a = 30: x ≈ 0.25098, ln(2.98437) = 1.0934 -> 0.46355·255 = 118.2
    const lut = contrastLut(-100);
    assert.deepEqual([lut[1], lut[64], lut[128], lut[192], lut[254]], [80, 118, 127, 136, 174]);
  });
});

describe('gammaLut (out = 255·(in/255)^γ, truncated like libvips)', () => {
  test('γ = 2.2 darkens mid-grey 128 to 55 (spec 3.7)', () => {
    assert.equal(gammaLut(2.2)[128], 55);
  });
  test('γ = 3 maps 128 to 32; the ends are fixed; γ = 1 is the identity', () => {
    const lut = gammaLut(3);
    assert.deepEqual([lut[0], lut[128], lut[255]], [0, 32, 255]);
    assert.deepEqual([...gammaLut(1)], Array.from({ length: 256 }, (_, i) => i));
  });
});

describe('applyLut', () => {
  const pixels = { data: Buffer.from([0, 128, 255, 128, 128, 64, 32, 200]), channels: 4 as const };
  test('all bands, alpha included (contrast)', () => {
    const lut = contrastLut(100);
    assert.deepEqual([...applyLut(pixels, lut, 'all').data], [0, 131, 255, 131, 131, 0, 0, 254]);
  });
  test('colour bands only (gamma): alpha untouched', () => {
    const lut = gammaLut(2.2);
    assert.deepEqual([...applyLut(pixels, lut, 'colour').data], [0, 55, 255, 128, 55, 12, 2, 200]);
  });
  test('does not modify its input', () => {
    applyLut(pixels, gammaLut(3), 'all');
    assert.deepEqual([...pixels.data], [0, 128, 255, 128, 128, 64, 32, 200]);
  });
});

describe('duotoneLut (CIELAB gradient from start to stop)', () => {
  const start = [200, 54, 88, 255] as const;
  const stop = [216, 231, 79, 255] as const;
  const lut = duotoneLut(start, stop);
  test('256 entries from exactly start (black) to exactly stop (white)', () => {
    assert.equal(lut.length, 256);
    assert.deepEqual(lut[0], [200, 54, 88]);
    assert.deepEqual(lut[255], [216, 231, 79]);
  });
  test('the middle is the Lab midpoint, not the RGB one', () => {
    assert.deepEqual(lut[128], [214, 151, 88]);
    const [l0 = 0] = srgbToLab([200, 54, 88]);
    const [l1 = 0] = srgbToLab([216, 231, 79]);
    const [lMid = 0] = srgbToLab([214, 151, 88]);
    assert.ok(Math.abs(lMid - (l0 + (l1 - l0) * (128 / 255))) < 0.5, `L ${lMid}`);
  });
  test('black to white is a grey ramp', () => {
    const grey = duotoneLut([0, 0, 0, 255], [255, 255, 255, 255]);
    assert.deepEqual([grey[0], grey[255]], [
      [0, 0, 0],
      [255, 255, 255],
    ]);
    const [r, g, b] = grey[100] ?? [];
    assert.ok(r === g && g === b, `${r},${g},${b}`);
  });
  test('applyColourLut maps the grey level (first band) and keeps alpha', () => {
    const pixels = { data: Buffer.from([0, 0, 0, 77, 255, 255, 255, 200]), channels: 4 as const };
    assert.deepEqual([...applyColourLut(pixels, lut).data], [200, 54, 88, 77, 216, 231, 79, 200]);
  });
});

describe('tintLut (keep L, take the colour’s a and b)', () => {
  test('mid-grey tinted red becomes red at the same lightness', () => {
    const out = applyTint({ data: Buffer.from([128, 128, 128]), channels: 3 }, tintLut([255, 0, 0, 255]));
    assert.deepEqual([...out.data], [255, 4, 1]);
    const [l = 0] = srgbToLab([255, 4, 1]);
    const [greyL = 0] = srgbToLab([128, 128, 128]);
    assert.ok(Math.abs(l - greyL) < 1, `${l} vs ${greyL}`);
  });
  test('the lightness of in-gamut grey levels is kept; alpha is kept', () => {
    const lut = tintLut([0x70, 0x42, 0x14, 255]);
    // Darker levels cannot carry this much chroma in sRGB and are clipped, as in libvips.
    for (const grey of [90, 160, 200]) {
      const out = applyTint({ data: Buffer.from([grey, grey, grey, 99]), channels: 4 }, lut);
      const [r = 0, g = 0, b = 0, a] = out.data;
      const [l = 0, ta = 0, tb = 0] = srgbToLab([r, g, b]);
      const [expectedL = 0] = srgbToLab([grey, grey, grey]);
      assert.ok(Math.abs(l - expectedL) < 1, `grey ${grey}: L ${l} vs ${expectedL}`);
      assert.ok(Math.abs(ta - 16) < 2 && Math.abs(tb - 34.7) < 2.5, `grey ${grey}: a ${ta}, b ${tb}`);
      assert.equal(a, 99);
    }
  });
});
