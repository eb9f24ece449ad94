/** Step 4c: the user's right-angle rotation, flip and flop (spec 3.6), checked pixel by pixel. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { load } from '../../../src/pipeline/steps/load.js';
import { orientation } from '../../../src/pipeline/steps/orientation.js';
import type { Plan } from '../../../src/plan/types.js';
import { assertImage, LIMITS, PHOTO, pixelAt, render, px } from '../support.js';

const R = [255, 0, 0];
const G = [0, 255, 0];
const B = [0, 0, 255];
const W = [255, 255, 255];

/** A 2x2 PNG: red, green on top; blue, white below. */
const quad = await sharp(Buffer.from([...R, ...G, ...B, ...W]), { raw: { width: 2, height: 2, channels: 3 } })
  .png()
  .toBuffer();

async function corners(plan: Plan): Promise<number[][]> {
  const output = await render(quad, plan);
  return [await pixelAt(output, 0, 0), await pixelAt(output, 1, 0), await pixelAt(output, 0, 1), await pixelAt(output, 1, 1)];
}

describe('turns and mirrors', () => {
  const cases: [string, Plan, number[][]][] = [
    ['ro=90 turns clockwise', { ro: 90 }, [B, R, W, G]],
    ['ro=180', { ro: 180 }, [W, B, G, R]],
    ['ro=270', { ro: 270 }, [G, W, R, B]],
    ['flip mirrors top-bottom', { flip: true }, [B, W, R, G]],
    ['flop mirrors left-right', { flop: true }, [G, R, W, B]],
    ['ro=90 then flip', { ro: 90, flip: true }, [W, G, B, R]],
    ['ro=90 then flop', { ro: 90, flop: true }, [R, B, G, W]],
    ['flip and flop', { flip: true, flop: true }, [W, B, G, R]],
  ];
  for (const [name, plan, expected] of cases) {
    test(name, async () => assert.deepEqual(await corners(plan), expected));
  }
  test('arbitrary angles are not this step', async () => {
    // Step 6 rotates by them (test/pipeline/steps/rotate.test.ts); this step leaves them alone.
    const image = await load(quad, { ro: 45 }, { limits: LIMITS, startedAt: performance.now() });
    assert.equal(await orientation(image, { ro: 45 }), image);
  });
});

describe('rotation after the resize (spec 8.13)', () => {
  test('w/h describe the image before the rotation', async () => {
    await assertImage(await render(PHOTO, { w: px(320), h: px(240), fit: 'fill', ro: 270 }), {
      format: 'jpeg',
      width: 240,
      height: 320,
    });
  });
  test('a 320x240 JPEG turned by 90 and 180', async () => {
    await assertImage(await render('320x240.jpg', { ro: 90 }), { format: 'jpeg', width: 240, height: 320 });
    await assertImage(await render('320x240.jpg', { ro: 180 }), { format: 'jpeg', width: 320, height: 240 });
  });
});

describe('animations turn frame by frame (spec 4.2 item 5)', () => {
  test('n=-1&ro=90 on a 990x1050 GIF: 1050 wide, 990 per frame', async () => {
    const output = await render('dancing-banana.gif', { n: -1, ro: 90, w: px(99) });
    const meta = await assertImage(output, { format: 'gif', width: 105, height: 99 * 8, pages: 8 });
    assert.equal(meta.pageHeight, 99);
  });
  test('flip keeps the frame order', async () => {
    const output = await render('dancing-banana.gif', { n: -1, flip: true, w: px(50), output: 'png' });
    const first = await sharp(output.data).extract({ left: 0, top: 0, width: 50, height: 53 }).raw().toBuffer();
    const expected = await render('dancing-banana.gif', { flip: true, w: px(50), output: 'png' });
    const single = await sharp(expected.data).raw().toBuffer();
    // Resizing a strip and a single frame may differ by rounding at the frame edges: compare loosely.
    const diff = first.reduce((sum, value, index) => sum + Math.abs(value - (single[index] ?? 0)), 0) / first.length;
    assert.ok(diff < 4, `mean difference ${diff}`);
  });
});
