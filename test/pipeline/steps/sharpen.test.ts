/** Step 11: sharpen (spec 3.7): a sigma with flat/jagged slopes, or the mild 3x3 kernel. */
import { describe, test } from 'node:test';
import { assertSameBytes } from '../query.js';
import { PHOTO } from '../support.js';
import { testUpstreamReferences, type ReferenceCase } from '../references.js';

describe('upstream references', () => {
  const cases: ReferenceCase[] = [
    ['sigma 6 ("radius 10")', PHOTO, 'sharp=6', 'sharpen-10.jpg'],
    ['sigma 1.5, flat 0.5, jagged 2.5', PHOTO, 'sharp=1.5&sharpf=0.5&sharpj=2.5', 'sharpen-3-0.5-2.5.jpg'],
    ['the same as sharp=F,J,S', PHOTO, 'sharp=0.5,2.5,1.5', 'sharpen-3-0.5-2.5.jpg'],
    ['sigma 3.5, flat 2, jagged 4', PHOTO, 'sharp=3.5&sharpf=2&sharpj=4', 'sharpen-5-2-4.jpg'],
    ['a CMYK JPEG comes out sRGB', 'Channel_digital_image_CMYK_color.jpg', 'sharp=6', 'sharpen-cmyk.jpg'],
    ['mild', PHOTO, 'sharp=true', 'sharpen-mild.jpg'],
    ['PNG with transparency', 'blackbug.png', 'sharp=5&sharpf=4&sharpj=8', 'sharpen-rgba.png'],
  ];
  testUpstreamReferences(cases);
});

describe('neutral and invalid values', () => {
  test('sharp=0, an empty sharp, two values (slopes only) and lone slopes do nothing', async () => {
    await assertSameBytes(PHOTO, 'w=32', ['w=32&sharp=0', 'w=32&sharp=', 'w=32&sharp=0.5,2.5', 'w=32&sharpf=3&sharpj=4']);
  });
  test('bare, invalid or out of range sigmas mean the mild kernel', async () => {
    await assertSameBytes(PHOTO, 'w=32&sharp=true', ['w=32&sharp', 'w=32&sharp=-1', 'w=32&sharp=11', 'w=32&sharp=-1,-1,-1,-1']);
  });
  test('the mild kernel ignores the slopes; default slopes are 1 and 2', async () => {
    await assertSameBytes(PHOTO, 'w=32&sharp=true', ['w=32&sharp=true&sharpf=5&sharpj=9']);
    await assertSameBytes(PHOTO, 'w=32&sharp=2', ['w=32&sharp=2&sharpf=1&sharpj=2', 'w=32&sharp=2&sharpf=-3']);
  });
});
