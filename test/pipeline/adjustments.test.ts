/**
 * How the adjustment steps (spec 2, steps 3 and 6-16) become sharp pipelines: which share the
 * resize pass, and where pixels are computed in between because sharp's fixed order differs from
 * the spec's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PipelineImage } from '../../src/pipeline/image.js';
import { channelsOf, spaceOf } from '../../src/pipeline/image.js';
import { STEPS } from '../../src/pipeline/index.js';
import { load } from '../../src/pipeline/steps/load.js';
import { parsePlan } from '../../src/plan/parse.js';
import { fixture, LIMITS, PHOTO } from './support.js';

async function prepare(name: string, query: string): Promise<PipelineImage> {
  const plan = parsePlan(query);
  let image = await load(fixture(name), plan, { limits: LIMITS, startedAt: performance.now() });
  for (const step of STEPS) image = await step(image, plan);
  return image;
}

const kinds = (image: PipelineImage): string[] => image.ops.map((op) => op.kind);

describe('one pass where sharp’s order is the spec’s', () => {
  test('sharpen then negate ride along with the resize and the cover crop', async () => {
    const image = await prepare(PHOTO, 'w=320&h=240&fit=cover&sharp=2&filt=negate');
    assert.equal(image.materialisations, 0);
    assert.deepEqual(kinds(image), ['resize', 'extract', 'sharpen', 'negate']);
  });
  test('modulate, then sharpen, then blur would be reordered by sharp (blur first): computed before the blur', async () => {
    const image = await prepare(PHOTO, 'w=64&mod=2&sharp=2&blur=3');
    assert.equal(image.materialisations, 1);
    assert.deepEqual(kinds(image), ['blur']);
  });
  test('a mask trimmed after a cover crop: one extract, one composite', async () => {
    const image = await prepare(PHOTO, 'w=320&h=240&fit=cover&mask=circle&mtrim=true');
    assert.equal(image.materialisations, 0);
    assert.deepEqual(kinds(image), ['resize', 'extract', 'composite']);
    // Resized to 320×261; the cover crop starts at top 10, the circle's box at left 40.
    assert.deepEqual(image.ops[1], { kind: 'extract', rect: { left: 40, top: 10, width: 240, height: 240 } });
    assert.deepEqual([image.width, image.pageHeight, image.hasAlpha], [240, 240, true]);
  });
  test('an opaque mbg on an opaque image: the composite’s alpha band is removed again', async () => {
    const image = await prepare(PHOTO, 'w=64&mask=star&mbg=red');
    assert.deepEqual(kinds(image), ['resize', 'composite', 'removeAlpha']);
    assert.equal(image.hasAlpha, false);
  });
  test('an arbitrary rotation after a resize is computed in that pass, with the size sharp reports', async () => {
    const image = await prepare(PHOTO, 'w=320&ro=30');
    assert.equal(image.materialisations, 1);
    assert.deepEqual([image.width, image.pageHeight, image.hasAlpha], [408, 386, true]);
  });
});

describe('pixels in between where sharp would reorder', () => {
  test('a rotation after an EXIF turn: sharp keeps one rotation angle', async () => {
    const image = await prepare('Landscape_6.jpg', 'w=60&ro=30&rbg=white');
    assert.equal(image.materialisations, 2);
    assert.deepEqual([image.width, image.pageHeight, image.hasAlpha], [72, 65, false]);
  });
  test('a rotation after a letterbox: sharp would rotate before extending', async () => {
    const image = await prepare(PHOTO, 'w=64&h=64&fit=contain&ro=10');
    assert.equal(image.materialisations, 2);
  });
  test('brightness before a mask: sharp composites before its linear step', async () => {
    const image = await prepare(PHOTO, 'w=64&bri=10&mask=circle');
    assert.equal(image.materialisations, 1);
    assert.deepEqual(kinds(image), ['composite']);
  });
  test('greyscale starts a pass: it converts as the pixels are read; the output space is b-w', async () => {
    const image = await prepare(PHOTO, 'w=64&filt=greyscale&blur=1');
    assert.equal(image.materialisations, 1);
    assert.deepEqual(kinds(image), ['greyscale', 'blur']);
    assert.equal(spaceOf(image), 'b-w');
    assert.equal(channelsOf(image), 1);
  });
  test('lookup tables chain in memory: contrast then gamma compute the pixels once', async () => {
    const image = await prepare(PHOTO, 'w=64&con=20&gam=2');
    assert.equal(image.materialisations, 1);
    assert.deepEqual(kinds(image), []);
  });
  test('duotone: greyscale pass, then the colour table; the output is sRGB again', async () => {
    const image = await prepare('blackbug.png', 'w=64&filt=duotone');
    assert.equal(image.materialisations, 2);
    assert.equal(spaceOf(image), 'srgb');
    assert.equal(channelsOf(image), 4);
  });
});
