/**
 * sRGB <-> CIELAB (D65) for single colours, as libvips converts them (sRGB -> linear scRGB -> XYZ
 * -> Lab, white point D65). Used to build lookup tables that interpolate colours in Lab; pure code.
 */

export type Triple = readonly [number, number, number];

/** libvips' D65 white (VIPS_D65_X0, _Y0, _Z0). */
const WHITE: Triple = [95.047, 100, 108.8827];

/** Linear RGB -> XYZ (sRGB primaries, D65), scaled so that Y of white is 100. */
const TO_XYZ = [
  [41.24, 35.76, 18.05],
  [21.26, 71.52, 7.22],
  [1.93, 11.92, 95.05],
] as const;

/** The inverse of TO_XYZ. */
const FROM_XYZ = [
  [0.032406, -0.015372, -0.004986],
  [-0.009689, 0.018758, 0.000415],
  [0.000557, -0.00204, 0.01057],
] as const;

const EPSILON = 216 / 24389;
const KAPPA = 24389 / 27;

/** An 8-bit sRGB band value as linear light, 0..1. */
export function toLinear(channel: number): number {
  const v = channel / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance (0..1) of linear RGB: the Y row of the sRGB -> XYZ matrix. */
export function luminanceOfLinear(r: number, g: number, b: number): number {
  return (TO_XYZ[1][0] * r + TO_XYZ[1][1] * g + TO_XYZ[1][2] * b) / 100;
}

/** CIELAB L (0..100) of a relative luminance (0..1). */
export function lightness(y: number): number {
  return 116 * labF(y) - 16;
}

function labF(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

function fromLinear(value: number): number {
  const v = value <= 0.0031308 ? value * 12.92 : 1.055 * value ** (1 / 2.4) - 0.055;
  return v * 255;
}

function multiply(matrix: readonly (readonly [number, number, number])[], [x, y, z]: Triple): Triple {
  const row = (index: number): number => {
    const [a = 0, b = 0, c = 0] = matrix[index] ?? [];
    return a * x + b * y + c * z;
  };
  return [row(0), row(1), row(2)];
}

/** 8-bit sRGB (0..255 per band) -> L (0..100), a, b. */
export function srgbToLab(rgb: Triple): Triple {
  const [x, y, z] = multiply(TO_XYZ, [toLinear(rgb[0]), toLinear(rgb[1]), toLinear(rgb[2])]);
  const fx = labF(x / WHITE[0]);
  const fy = labF(y / WHITE[1]);
  const fz = labF(z / WHITE[2]);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** L, a, b -> sRGB as unrounded, unclipped values on the 0..255 scale. */
export function labToSrgb([l, a, b]: Triple): Triple {
  const fy = (l + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inverse = (t: number): number => (t ** 3 > EPSILON ? t ** 3 : (116 * t - 16) / KAPPA);
  const y = l > KAPPA * EPSILON ? fy ** 3 : l / KAPPA;
  const xyz: Triple = [inverse(fx) * WHITE[0], y * WHITE[1], inverse(fz) * WHITE[2]];
  const [r, g, bl] = multiply(FROM_XYZ, xyz);
  return [fromLinear(r), fromLinear(g), fromLinear(bl)];
}
