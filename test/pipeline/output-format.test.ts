import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseOutput, saverDisabled } from '../../src/pipeline/output-format.js';
import type { InputType } from '../../src/pipeline/types.js';

describe('chooseOutput (spec 4.3)', () => {
  const origin: [InputType, boolean, string][] = [
    ['jpeg', false, 'jpg'],
    ['jpeg', true, 'png'],
    ['png', false, 'png'],
    ['webp', true, 'webp'],
    ['tiff', false, 'tiff'],
    ['gif', true, 'gif'],
    ['heif', false, 'avif'],
    ['svg', true, 'png'],
    ['pdf', false, 'png'],
    ['magick', false, 'png'],
    ['unknown', false, 'png'],
  ];
  for (const [input, hasAlpha, expected] of origin) {
    test(`origin ${input}${hasAlpha ? ' with alpha' : ''} -> ${expected}`, () => {
      assert.equal(chooseOutput(undefined, input, hasAlpha), expected);
      assert.equal(chooseOutput('auto', input, hasAlpha), expected);
    });
  }
  test('an explicit output wins, even jpg for an image with alpha', () => {
    assert.equal(chooseOutput('jpg', 'png', true), 'jpg');
    assert.equal(chooseOutput('json', 'gif', true), 'json');
    assert.equal(chooseOutput('jxl', 'jpeg', false), 'jxl');
  });
});

describe('saverDisabled (spec 5)', () => {
  test('lists the usable savers in the spec order', () => {
    const error = saverDisabled('webp', (format) => ['json', 'png', 'jpg'].includes(format));
    assert.equal(error.code, 'SAVER_DISABLED');
    assert.equal(error.message, 'Saving to webp is disabled. Supported savers: jpg, png, json');
  });
});
