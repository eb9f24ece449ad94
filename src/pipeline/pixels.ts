/**
 * Per-pixel arithmetic on raw 8-bit sRGB strips that sharp has no operation for, or not in the
 * reference's variant: flattening for trim and `bg`, and the reference's semi-transparent `bg`
 * composite (spec 3.4, 3.7). Pure code over buffers.
 */
import type { Rgba } from '../plan/types.js';
import type { Triple } from './cielab.js';
import type { RawPixels, Space } from './image.js';

const MAX = 255;

function toUchar(value: number): number {
  return Math.min(MAX, Math.max(0, Math.round(value)));
}

/** The colour bands over an opaque background: `c·α + bg·(1−α)`, alpha dropped. */
export function flatten(pixels: RawPixels, background: Triple): RawPixels {
  const { data, channels } = pixels;
  if (channels === 3) return pixels;
  const pixelCount = data.length / 4;
  const output = Buffer.alloc(pixelCount * 3);
  for (let p = 0; p < pixelCount; p++) {
    const alpha = (data[p * 4 + 3] ?? 0) / MAX;
    for (let band = 0; band < 3; band++) {
      output[p * 3 + band] = toUchar((data[p * 4 + band] ?? 0) * alpha + (background[band] ?? 0) * (1 - alpha));
    }
  }
  return { data: output, channels: 3 };
}

/** Spec 3.4: the trim background by default is the top-left pixel, flattened onto black. */
export function topLeftColour(pixels: RawPixels): Triple {
  const { data, channels } = pixels;
  const alpha = channels === 4 ? (data[3] ?? 0) / MAX : 1;
  const band = (index: number): number => toUchar((data[index] ?? 0) * alpha);
  return [band(0), band(1), band(2)];
}

/** Rec. 709 luma of a colour: what a greyscale image's background colour becomes. */
export function luminance([r, g, b]: Triple | Rgba): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * Spec 3.7 `bg` on an image with alpha. Opaque colour, or a greyscale image: flattened onto it
 * (the colour's luminance for greyscale, whatever its alpha), alpha dropped. Semi-transparent
 * colour: the reference composites the image over a solid layer treating both as premultiplied,
 * `out = img + bg·(1−α_img)`, `α = α_img + α_bg·(1−α_img)`, keeping alpha.
 */
export function compositeBackground(pixels: RawPixels, colour: Rgba, space: Space): RawPixels {
  if (pixels.channels === 3) return pixels;
  if (space === 'b-w') {
    const grey = luminance(colour);
    return flatten(pixels, [grey, grey, grey]);
  }
  const [r, g, b, a] = colour;
  if (a === MAX) return flatten(pixels, [r, g, b]);

  const { data } = pixels;
  const output = Buffer.alloc(data.length);
  const background = [r, g, b];
  const backgroundAlpha = a / MAX;
  for (let i = 0; i < data.length; i += 4) {
    const alpha = (data[i + 3] ?? 0) / MAX;
    for (let band = 0; band < 3; band++) {
      output[i + band] = toUchar((data[i + band] ?? 0) + (background[band] ?? 0) * (1 - alpha));
    }
    output[i + 3] = toUchar((alpha + backgroundAlpha * (1 - alpha)) * MAX);
  }
  return { data: output, channels: 4 };
}
