import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan } from '../../src/plan/parse.js';
import { PARAMETERS, SYNONYMS, MAX_KEY_LENGTH, enumValue } from '../../src/plan/parameters.js';

describe('parameter table', () => {
  test('synonyms of spec 3.11', () => {
    assert.deepEqual(Object.fromEntries(SYNONYMS), {
      width: 'w',
      height: 'h',
      t: 'fit',
      align: 'a',
      shape: 'mask',
      strim: 'mtrim',
      or: 'ro',
      level: 'l',
      quality: 'q',
      lossless: 'll',
      pages: 'n',
    });
  });
  test('every key and synonym is reachable (≤ 8 characters)', () => {
    for (const key of [...Object.keys(PARAMETERS), ...SYNONYMS.keys()]) {
      assert.ok(key.length <= MAX_KEY_LENGTH, key);
    }
  });
  test('extensions are marked', () => {
    assert.equal(PARAMETERS.icc.extension, true);
    assert.equal(PARAMETERS.icc.type, 'bool');
    assert.deepEqual(PARAMETERS.output.extensionValues, ['auto', 'blurhash']);
    const extensions = Object.entries(PARAMETERS)
      .filter(([, spec]) => 'extension' in spec)
      .map(([key]) => key);
    assert.deepEqual(extensions, ['icc']);
  });
  test('every entry has a one-line description', () => {
    for (const [key, spec] of Object.entries(PARAMETERS)) {
      assert.ok(spec.description.length > 5 && !spec.description.includes('\n'), key);
    }
  });
  test('enum spellings: exact, aliases, prefixes, case-sensitive', () => {
    assert.equal(enumValue(PARAMETERS.fit, 'cover'), 'cover');
    assert.equal(enumValue(PARAMETERS.fit, 'letterbox'), 'contain');
    assert.equal(enumValue(PARAMETERS.fit, 'cropfoo'), 'cover');
    assert.equal(enumValue(PARAMETERS.fit, 'Cover'), null);
    assert.equal(enumValue(PARAMETERS.a, 't'), 'top');
    assert.equal(enumValue(PARAMETERS.a, 'crop-1-2'), 'focal');
    assert.equal(enumValue(PARAMETERS.a, 'crop'), null);
    assert.equal(enumValue(PARAMETERS.a, 'focalpoint'), 'focal');
    assert.equal(enumValue(PARAMETERS.output, 'tif'), 'tiff');
    assert.equal(enumValue(PARAMETERS.output, 'av1'), 'avif');
    assert.equal(enumValue(PARAMETERS.output, 'jpeg'), null);
    assert.equal(enumValue(PARAMETERS.output, 'toString'), null);
    assert.equal(enumValue(PARAMETERS.mask, 'none'), null);
  });
  test('prototype property names are not parameters', () => {
    assert.deepEqual(parsePlan('valueOf=1&toString&hasOwnP=2&__proto__=x'), {});
  });
});
