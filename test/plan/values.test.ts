import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NAMED_COLOURS, namedColourHex } from '../../src/plan/colours.js';
import {
  boolValue,
  colourValue,
  coordinateValue,
  floatValue,
  intValue,
  listValue,
  parseCFloat,
  parseCInt,
} from '../../src/plan/values.js';

describe('boolValue', () => {
  test('only "false" and "0" are false', () => {
    assert.equal(boolValue('false'), false);
    assert.equal(boolValue('0'), false);
  });
  test('bare, empty, no, off, 1, FALSE are true', () => {
    assert.equal(boolValue(undefined), true);
    assert.equal(boolValue(''), true);
    assert.equal(boolValue('no'), true);
    assert.equal(boolValue('off'), true);
    assert.equal(boolValue('1'), true);
    assert.equal(boolValue('FALSE'), true);
    assert.equal(boolValue('00'), true);
  });
});

describe('parseCInt / intValue (C stoi)', () => {
  test('prefix parsing stops at the first non-digit', () => {
    assert.equal(parseCInt('300px'), 300);
    assert.equal(parseCInt('1.9'), 1);
    assert.equal(parseCInt('1e3'), 1);
    assert.equal(parseCInt('1e2'), 1);
    assert.equal(parseCInt('42'), 42);
  });
  test('leading whitespace and sign', () => {
    assert.equal(parseCInt('  7'), 7);
    assert.equal(parseCInt('\t-12'), -12);
    assert.equal(parseCInt('+5'), 5);
    assert.equal(parseCInt('-0'), 0);
    assert.ok(Object.is(parseCInt('-0'), 0));
    assert.equal(parseCInt('007'), 7);
  });
  test('no digits', () => {
    assert.equal(parseCInt(''), 'no-digits');
    assert.equal(parseCInt('abc'), 'no-digits');
    assert.equal(parseCInt('px300'), 'no-digits');
    assert.equal(parseCInt('-'), 'no-digits');
    assert.equal(parseCInt('.5'), 'no-digits');
    assert.equal(parseCInt('%2010'), 'no-digits');
    assert.equal(parseCInt(undefined), 'no-digits');
  });
  test('overflow and the 10000000 bound', () => {
    assert.equal(parseCInt('10000000'), 10_000_000);
    assert.equal(parseCInt('10000001'), 'out-of-range');
    assert.equal(parseCInt('2147483648'), 'out-of-range');
    assert.equal(parseCInt('99999999999999999999'), 'out-of-range');
    assert.equal(parseCInt('-2147483648'), -2_147_483_648);
    assert.equal(parseCInt('-2147483649'), 'out-of-range');
    assert.equal(parseCInt('0000000000000000042'), 42);
  });
  test('intValue maps every failure and a bare key to -1', () => {
    assert.equal(intValue('abc'), -1);
    assert.equal(intValue('100000000'), -1);
    assert.equal(intValue(undefined), -1);
    assert.equal(intValue('-1'), -1);
    assert.equal(intValue('300px'), 300);
  });
});

describe('parseCFloat / floatValue (C stof)', () => {
  test('decimal, exponent and prefix parsing', () => {
    assert.equal(parseCFloat('1.5'), 1.5);
    assert.equal(parseCFloat('1e2'), 100);
    assert.equal(parseCFloat('1E-1'), 0.1);
    assert.equal(parseCFloat('.5'), 0.5);
    assert.equal(parseCFloat('5.'), 5);
    assert.equal(parseCFloat('2.5px'), 2.5);
    assert.equal(parseCFloat('1e'), 1);
    assert.equal(parseCFloat('1e+'), 1);
    assert.equal(parseCFloat(' -3.25'), -3.25);
    assert.equal(parseCFloat('+2'), 2);
  });
  test('hex floats', () => {
    assert.equal(parseCFloat('0x10'), 16);
    assert.equal(parseCFloat('0x1p3'), 8);
    assert.equal(parseCFloat('0x.8'), 0.5);
    assert.equal(parseCFloat('-0x1.8p1'), -3);
    assert.equal(parseCFloat('0xg'), 0);
  });
  test('inf parses (and is then too big), nan is invalid', () => {
    assert.equal(parseCFloat('inf'), undefined);
    assert.equal(parseCFloat('INFINITY'), undefined);
    assert.equal(parseCFloat('-inf'), -Infinity);
    assert.equal(parseCFloat('nan'), undefined);
    assert.equal(parseCFloat('NaN(123)'), undefined);
  });
  test('garbage, float overflow/underflow and > 10000000 are invalid', () => {
    assert.equal(parseCFloat(''), undefined);
    assert.equal(parseCFloat('abc'), undefined);
    assert.equal(parseCFloat('.'), undefined);
    assert.equal(parseCFloat('1e39'), undefined);
    assert.equal(parseCFloat('-1e39'), undefined);
    assert.equal(parseCFloat('1e-50'), undefined);
    assert.equal(parseCFloat('10000000'), 10_000_000);
    assert.equal(parseCFloat('10000000.5'), undefined);
    assert.equal(parseCFloat('-20000000'), -20_000_000);
  });
  test('-0 becomes 0', () => {
    assert.ok(Object.is(parseCFloat('-0'), 0));
  });
  test('floatValue: -1 for garbage and a bare key', () => {
    assert.equal(floatValue('garbage'), -1);
    assert.equal(floatValue(undefined), -1);
    assert.equal(floatValue('nan'), -1);
    assert.equal(floatValue('0.25'), 0.25);
  });
});

describe('coordinateValue', () => {
  test('integers by prefix', () => {
    assert.deepEqual(coordinateValue('300'), { px: 300 });
    assert.deepEqual(coordinateValue('300px'), { px: 300 });
    assert.deepEqual(coordinateValue('1.9'), { px: 1 });
    assert.deepEqual(coordinateValue('-5'), { px: -5 });
    assert.deepEqual(coordinateValue('0'), { px: 0 });
  });
  test('percentages with % or the still-encoded %25 become fractions', () => {
    assert.deepEqual(coordinateValue('50%'), { pct: 0.5 });
    assert.deepEqual(coordinateValue('50%25'), { pct: 0.5 });
    assert.deepEqual(coordinateValue('12.5%'), { pct: 0.125 });
    assert.deepEqual(coordinateValue('100%'), { pct: 1 });
    assert.deepEqual(coordinateValue('0%'), { pct: 0 });
    assert.deepEqual(coordinateValue('1e1%'), { pct: 0.1 });
    assert.deepEqual(coordinateValue('5%25'), { pct: 0.05 });
  });
  test('invalid: empty, garbage, > 10000000, percent outside 0..100, nan', () => {
    assert.equal(coordinateValue(''), undefined);
    assert.equal(coordinateValue('abc'), undefined);
    assert.equal(coordinateValue('100000000'), undefined);
    assert.equal(coordinateValue('101%'), undefined);
    assert.equal(coordinateValue('-1%'), undefined);
    assert.equal(coordinateValue('%'), undefined);
    assert.equal(coordinateValue('nan%'), undefined);
    assert.equal(coordinateValue('%25'), undefined);
  });
  test('a bare key reads -1', () => {
    assert.deepEqual(coordinateValue(undefined), { px: -1 });
  });
});

describe('colourValue', () => {
  test('spec examples', () => {
    assert.deepEqual(colourValue('ABC'), [170, 187, 204, 255]);
    assert.deepEqual(colourValue('3ABC'), [170, 187, 204, 0x33]);
    assert.deepEqual(colourValue('3311FF33'), [17, 255, 51, 0x33]);
    assert.deepEqual(colourValue('%23ABC'), [170, 187, 204, 255]);
    assert.deepEqual(colourValue('#ABC'), [170, 187, 204, 255]);
    assert.deepEqual(colourValue('ZXCZXCMM'), [0, 0, 0, 0]);
  });
  test('6 digits are opaque RGB, 7 digits get an f prepended', () => {
    assert.deepEqual(colourValue('ff0000'), [255, 0, 0, 255]);
    assert.deepEqual(colourValue('1234567'), [0x23, 0x45, 0x67, 0xf1]);
    assert.deepEqual(colourValue('%2300ff00'), [0, 255, 0, 255]);
  });
  test('invalid lengths and characters are transparent black', () => {
    for (const raw of ['', 'ab', '12345', '123456789', 'fffg', '#', '%23', '-1', 'rgb(1,2,3)']) {
      assert.deepEqual(colourValue(raw), [0, 0, 0, 0], raw);
    }
    assert.deepEqual(colourValue(undefined), [0, 0, 0, 0]);
  });
  test('names, case-insensitive, also after # or %23', () => {
    assert.deepEqual(colourValue('red'), [255, 0, 0, 255]);
    assert.deepEqual(colourValue('RED'), [255, 0, 0, 255]);
    assert.deepEqual(colourValue('%23DarkSlateGray'), [0x2f, 0x4f, 0x4f, 255]);
    assert.deepEqual(colourValue('#rebeccapurple'), [0x66, 0x33, 0x99, 255]);
    assert.deepEqual(colourValue('gray'), [128, 128, 128, 255]);
  });
  test('grey spellings are invalid', () => {
    assert.deepEqual(colourValue('grey'), [0, 0, 0, 0]);
    assert.deepEqual(colourValue('darkslategrey'), [0, 0, 0, 0]);
  });
  test('hex digits that also spell a word stay hex', () => {
    assert.deepEqual(colourValue('bad'), [0xbb, 0xaa, 0xdd, 255]);
    assert.deepEqual(colourValue('beef'), [0xee, 0xee, 0xff, 0xbb]);
  });
});

describe('named colour table', () => {
  test('141 names, none with grey, prototype keys are not colours', () => {
    assert.equal(Object.keys(NAMED_COLOURS).length, 141);
    assert.ok(Object.keys(NAMED_COLOURS).every((name) => !name.includes('grey')));
    assert.equal(namedColourHex('constructor'), undefined);
    assert.equal(namedColourHex('yellowgreen'), '9acd32');
    assert.equal(namedColourHex('aliceblue'), 'f0f8ff');
  });
});

describe('listValue', () => {
  test('comma separated, empty items skipped, max items', () => {
    assert.deepEqual(listValue('1,2,3', 3, Number), [1, 2, 3]);
    assert.deepEqual(listValue(',1,,2,', 3, Number), [1, 2]);
    assert.deepEqual(listValue('1,2,3,4,5', 4, Number), [1, 2, 3, 4]);
    assert.deepEqual(listValue('', 3, Number), []);
    assert.deepEqual(listValue(',,,', 3, Number), []);
  });
  test('a bare key is the single value -1; unparsable items become -1 via the item parser', () => {
    assert.deepEqual(listValue(undefined, 3, floatValue), [-1]);
    assert.deepEqual(listValue('1,x,3', 3, floatValue), [1, -1, 3]);
  });
  test('other separators', () => {
    assert.deepEqual(listValue('10-20', 2, intValue, '-'), [10, 20]);
  });
});
