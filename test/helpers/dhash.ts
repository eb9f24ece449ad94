/**
 * Perceptual comparison of images for golden tests, as upstream weserv and sharp do it: a 64-bit
 * difference hash (dHash) of a 9x8 greyscale thumbnail, compared by Hamming distance.
 */
import sharp from 'sharp';

/** Upstream weserv accepts distances below 5 of 64 bits (~7%). */
export const SIMILAR = 5;

/**
 * Each bit says whether a pixel is brighter than its right neighbour. Transparent areas are
 * flattened onto mid-grey and the luminance is stretched, so only structure counts.
 */
export async function dhash(image: Buffer | string): Promise<bigint> {
  const pixels = await sharp(image, { pages: 1 })
    .flatten({ background: '#808080' })
    .resize(9, 8, { fit: 'fill' })
    .greyscale()
    .normalise({ lower: 0, upper: 100 })
    .raw()
    .toBuffer();
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const left = pixels[y * 9 + x] ?? 0;
      const right = pixels[y * 9 + x + 1] ?? 0;
      hash = (hash << 1n) | (left > right ? 1n : 0n);
    }
  }
  return hash;
}

/** Number of differing bits. */
export function hammingDistance(a: bigint, b: bigint): number {
  let difference = a ^ b;
  let count = 0;
  while (difference !== 0n) {
    count += Number(difference & 1n);
    difference >>= 1n;
  }
  return count;
}

/** Distance between the hashes of two images. */
export async function dhashDistance(actual: Buffer | string, expected: Buffer | string): Promise<number> {
  const [a, b] = await Promise.all([dhash(actual), dhash(expected)]);
  return hammingDistance(a, b);
}
