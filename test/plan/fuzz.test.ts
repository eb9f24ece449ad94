/**
 * Property checks over many generated queries (deterministic PRNG): the parser never throws, every
 * plan passes the schema (sealPlan would throw otherwise), canonicalisation is idempotent, and
 * repeating the query changes nothing because the first occurrence wins.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalise } from '../../src/plan/canonical.js';
import { PARAMETERS, SYNONYMS } from '../../src/plan/parameters.js';
import { parsePlan } from '../../src/plan/parse.js';

const KEYS = [...Object.keys(PARAMETERS), ...SYNONYMS.keys(), 'url', 'v', 'W', 'circle', ''];
const VALUES = [
  '', '-1', '0', '1', '2', '-0', '2.5', '45.9', '-450', '80', '255', '10001', '50%', '50%25', '0%', '100%', '101%',
  'abc', 'red', 'grey', '%23abc', '#ABCD', '1234567', '80ff0000', '0fff', '1,2', '1,2,3', '1,,3,4,5', '-5,3,2,1',
  'focal-10-20', 'crop-200-x', 'focal-', 'cover', 'contain', 'fill', 'fit', 'squaredown', 'letterbox', 'circle',
  'ellipse', 'duotone', 'png', 'webp', 'auto', 'blurhash', 'json', 'gif', 'nan', 'inf', '-inf', '1e39', '1e-50',
  '99999999999', '10000000', '0x10', '0.000001', '1e-7', '300px',
];

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

test('generated queries always give valid, canonical, stable plans', () => {
  const random = prng(20_240_323);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (let round = 0; round < 4000; round += 1) {
    const pairs: string[] = [];
    const count = 1 + Math.floor(random() * 10);
    for (let i = 0; i < count; i += 1) {
      const key = pick(KEYS);
      pairs.push(random() < 0.15 ? key : `${key}=${pick(VALUES)}`);
    }
    const query = pairs.join('&');
    const plan = parsePlan(query);
    assert.ok(Object.isFrozen(plan), query);
    assert.deepEqual(canonicalise(plan), plan, query);
    assert.deepEqual(parsePlan(`${query}&${query}`), plan, query);
  }
});
