/** EXIF auto-orientation (spec 3.6): every tag comes out upright, before sizes are applied. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dhashDistance } from '../../helpers/dhash.js';
import { assertImage, assertSimilar, pct, render, px } from '../support.js';

describe('EXIF orientation 1-8, as upstream weserv tests it (w=320)', () => {
  for (let tag = 1; tag <= 8; tag++) {
    test(`Landscape_${tag}.jpg comes out upright`, async () => {
      const output = await render(`Landscape_${tag}.jpg`, { w: px(320) });
      await assertImage(output, { format: 'jpeg', width: 320, height: 213 });
      await assertSimilar(output, `Landscape_${tag}-out.jpg`);
    });
    test(`Portrait_${tag}.jpg comes out upright`, async () => {
      const output = await render(`Portrait_${tag}.jpg`, { w: px(320) });
      await assertImage(output, { format: 'jpeg', width: 320, height: 480 });
      await assertSimilar(output, `Portrait_${tag}-out.jpg`);
    });
  }
});

describe('sizes refer to the upright image', () => {
  test('fit=fill on a 270-degree tag', async () => {
    await assertImage(await render('Landscape_8.jpg', { w: px(320), h: px(240), fit: 'fill' }), {
      format: 'jpeg',
      width: 320,
      height: 240,
    });
  });
  test('percentages of the upright width', async () => {
    // Portrait_6 is stored 600x400 and is 400x600 upright.
    await assertImage(await render('Portrait_6.jpg', { w: pct(0.5) }), { format: 'jpeg', width: 200, height: 300 });
  });
  test('the EXIF tag is not in the output', async () => {
    const output = await render('Landscape_6.jpg', { w: px(64) });
    const { default: sharp } = await import('sharp');
    assert.equal((await sharp(output.data).metadata()).orientation, undefined);
  });
});

describe("the user's ro/flip/flop act on the upright image, whatever the tag (spec 3.6)", () => {
  const userTurns = [{ flop: true }, { flip: true }, { ro: 90 }, { ro: 90, flip: true }] as const;
  for (const turn of userTurns) {
    test(JSON.stringify(turn), async () => {
      const reference = await render('Landscape_1.jpg', { w: px(160), ...turn });
      for (const tag of [2, 5, 6, 7]) {
        const output = await render(`Landscape_${tag}.jpg`, { w: px(160), ...turn });
        const distance = await dhashDistance(output.data, reference.data);
        assert.ok(distance <= 2, `Landscape_${tag} with ${JSON.stringify(turn)}: distance ${distance}`);
      }
    });
  }
});
