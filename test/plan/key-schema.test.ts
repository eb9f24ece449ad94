/** Cache keys, the plan schema / sealing, and re-canonicalisation after `output=auto` is resolved. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalise, withOutputFormat } from '../../src/plan/canonical.js';
import { cacheKey, canonicalPlanJson, sourceKey } from '../../src/plan/key.js';
import { parsePlan } from '../../src/plan/parse.js';
import { PLAN_SCHEMA, sealPlan } from '../../src/plan/schema.js';
import { ServiceError } from '../../src/errors.js';
import { PARAMETERS } from '../../src/plan/parameters.js';
import type { EnumKey, Plan } from '../../src/plan/types.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('canonicalPlanJson', () => {
  test('keys sorted at every level, compact', () => {
    const plan: Plan = { w: { px: 5 }, crop: { y: { px: 2 }, x: { pct: 0.5 } }, bg: [1, 2, 3, 4], a: 'top' };
    assert.equal(
      canonicalPlanJson(plan),
      '{"a":"top","bg":[1,2,3,4],"crop":{"x":{"pct":0.5},"y":{"px":2}},"w":{"px":5}}',
    );
  });
  test('insertion order does not matter', () => {
    const a: Plan = { h: { px: 1 }, w: { px: 2 }, sharp: 'mild', fsol: false };
    const b: Plan = { fsol: false, sharp: 'mild', w: { px: 2 }, h: { px: 1 } };
    assert.equal(canonicalPlanJson(a), canonicalPlanJson(b));
    assert.equal(canonicalPlanJson({}), '{}');
  });
});

describe('cacheKey and sourceKey', () => {
  test('exact hash inputs', () => {
    const plan: Plan = { w: { px: 300 } };
    assert.equal(cacheKey('http://a.jpg/', plan), sha256('v1\nhttp://a.jpg/\n{"w":{"px":300}}'));
    assert.equal(sourceKey('http://a.jpg/'), sha256('src\nhttp://a.jpg/'));
    assert.match(cacheKey('http://a.jpg/', {}), /^[0-9a-f]{64}$/);
  });
  test('plans that differ give different keys; source key ignores the plan', () => {
    assert.notEqual(cacheKey('http://a/', { w: { px: 1 } }), cacheKey('http://a/', { w: { pct: 1 } }));
    assert.notEqual(cacheKey('http://a/', {}), sourceKey('http://a/'));
  });
});

describe('withOutputFormat (output=auto resolved by the HTTP layer)', () => {
  test('re-applies output rules so the plan equals the explicit one', () => {
    const auto = parsePlan('w=100&output=auto&q=50&l=9&af&il&ll&n=-1&loop=1');
    assert.deepEqual(auto, {
      w: { px: 100 },
      output: 'auto',
      ...{ q: 50, l: 9, af: true, il: true, ll: true, n: -1, loop: 1 },
    });
    assert.deepEqual(withOutputFormat(auto, 'png'), parsePlan('w=100&output=png&q=50&l=9&af&il&ll&n=-1&loop=1'));
    assert.deepEqual(withOutputFormat(auto, 'png'), { w: { px: 100 }, output: 'png', l: 9, af: true, il: true, n: -1 });
    assert.deepEqual(withOutputFormat(auto, 'webp'), {
      w: { px: 100 },
      ...{ output: 'webp', q: 50, ll: true, n: -1, loop: 1 },
    });
    assert.ok(Object.isFrozen(withOutputFormat(auto, 'avif')));
  });
  test('canonicalise is idempotent', () => {
    const plan = parsePlan(
      'w=300&h=200&fit=contain&cbg=red&a=focal-10-20&ro=45&rbg=blue&output=webp&ll&n=3&delay=5',
    );
    assert.deepEqual(canonicalise(plan), plan);
  });
});

describe('plan schema', () => {
  test('covers exactly the Plan fields', () => {
    // The enum fields come from the table's enum rows; the others are listed by hand.
    const otherKeys = [
      'w', 'h', 'dpr', 'we', 'cbg', 'fpx', 'fpy', 'crop', 'precrop', 'trim', 'tbg', 'mtrim',
      'mbg', 'ro', 'rbg', 'flip', 'flop', 'bri', 'mod', 'sat', 'hue', 'con', 'gam', 'sharp', 'sharpf', 'sharpj',
      'start', 'stop', 'blur', 'tint', 'bg', 'q', 'l', 'af', 'il', 'll', 'page', 'n', 'loop',
      'delay', 'fsol', 'icc',
    ] as const satisfies readonly (keyof Plan)[];
    const enumKeys = Object.entries(PARAMETERS)
      .filter(([, spec]) => spec.type === 'enum')
      .map(([key]) => key);
    // Compile-time: every Plan key is listed above or is an enum row.
    const complete: Exclude<keyof Plan, (typeof otherKeys)[number] | EnumKey> extends never ? true : false = true;
    assert.equal(complete, true);
    const planKeys = [...otherKeys, ...enumKeys];
    const properties: unknown = PLAN_SCHEMA.properties;
    assert.ok(typeof properties === 'object' && properties !== null);
    assert.deepEqual(Object.keys(properties).sort(), [...planKeys].sort());
  });
  test('accepts a rich canonical plan', () => {
    const plan = parsePlan(
      [
        'w=50%&h=200&dpr=2&fit=contain&we&cbg=red&a=focal-10-20&cx=5&precrop&trim&tbg=blue&mask=star&mtrim',
        'mbg=0f0&ro=45&rbg=fff&flip&flop&bri=5&mod=2,3,4&con=-5&gam&sharp=1.5,3,2&filt=duotone&start=red',
        'blur&tint=red&bg=red&q=90&l=1&af&il&ll&page=-2&n=-1&loop=0&delay=1,2&icc',
      ].join('&'),
    );
    // Every plan field except output, stop and fsol (dropped: default / no output / precrop).
    assert.equal(Object.keys(plan).length, 44);
    assert.deepEqual(sealPlan({ ...plan }), plan);
  });
  test('rejects plans the pipeline could misread', () => {
    const bad: readonly unknown[] = [
      { w: { px: 0 } },
      { w: { px: 1.5 } },
      { w: { pct: 1.5 } },
      { w: { px: 5, pct: 0.5 } },
      { q: 80 },
      { q: 0 },
      { dpr: 1 },
      { fit: 'inside' },
      { a: 'center' },
      { we: false },
      { fsol: true },
      { ro: 0 },
      { ro: 360 },
      { bg: [1, 2, 3] },
      { bg: [1, 2, 3, 256] },
      { sharp: 'strong' },
      { blur: 0.1 },
      { n: 1 },
      { n: 0 },
      { page: -3 },
      { crop: {} },
      { crop: { z: { px: 1 } } },
      { delay: [] },
      { delay: [-1] },
      { output: 'jpeg' },
      { unknown: true },
    ];
    for (const plan of bad) {
      // The schema is the last line of defence: feed it what the type system would normally stop.
      assert.throws(
        () => sealPlan(plan as Plan),
        (error: unknown) => error instanceof ServiceError && error.code === 'INTERNAL',
        JSON.stringify(plan),
      );
    }
  });
});
