/** Per-parameter rules of spec section 3, through the whole parser (parsePlan). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan } from '../../src/plan/parse.js';
import type { Plan } from '../../src/plan/types.js';

type Case = readonly [query: string, plan: Plan];

function check(cases: readonly Case[]): void {
  for (const [query, expected] of cases) {
    assert.deepEqual(parsePlan(query), expected, query);
  }
}

const WH = 'w=300&h=200&';
const SIZE = { w: { px: 300 }, h: { px: 200 } } as const;

describe('size (3.1)', () => {
  test('w and h: pixels, prefix ints, percentages', () => {
    check([
      ['w=300', { w: { px: 300 } }],
      ['width=300', { w: { px: 300 } }],
      ['h=200', { h: { px: 200 } }],
      ['height=200', { h: { px: 200 } }],
      ['w=300px', { w: { px: 300 } }],
      ['w=1.9', { w: { px: 1 } }],
      ['w=50%', { w: { pct: 0.5 } }],
      ['w=50%25', { w: { pct: 0.5 } }],
      ['h=100%', { h: { pct: 1 } }],
      ['w=10000000', { w: { px: 10_000_000 } }],
    ]);
  });
  test('0, negative, garbage, bare, > 10000000 and bad percentages are "not given"', () => {
    for (const query of ['w=0', 'w=-5', 'w=abc', 'w', 'w=', 'w=10000001', 'h=100000000', 'w=0%', 'w=101%', 'w=-1%']) {
      assert.deepEqual(parsePlan(query), {}, query);
    }
  });
  test('dpr: 0..8, not 1, only with a size', () => {
    check([
      ['w=300&dpr=2', { w: { px: 300 }, dpr: 2 }],
      ['h=10%&dpr=1.5', { h: { pct: 0.1 }, dpr: 1.5 }],
      ['w=300&dpr=8', { w: { px: 300 }, dpr: 8 }],
      ['w=300&dpr=1', { w: { px: 300 } }],
      ['w=300&dpr=9', { w: { px: 300 } }],
      ['w=300&dpr=-1', { w: { px: 300 } }],
      ['w=300&dpr=abc', { w: { px: 300 } }],
      ['w=300&dpr', { w: { px: 300 } }],
      ['dpr=2', {}],
    ]);
  });
  test('dpr=0 (or a dpr that rounds a size to 0) removes the size', () => {
    check([
      ['w=300&h=200&dpr=0', {}],
      ['w=50%&dpr=0', {}],
      ['w=1&dpr=0.4', {}],
      ['w=1&h=50%&dpr=0.4', { h: { pct: 0.5 }, dpr: 0.4 }],
      ['w=2&dpr=0.25', { w: { px: 2 }, dpr: 0.25 }],
    ]);
  });
});

describe('fit and we (3.2)', () => {
  test('fit values with both sizes; inside and unknown/miscased are the default', () => {
    check([
      [`${WH}fit=cover`, { ...SIZE, fit: 'cover' }],
      [`${WH}fit=outside`, { ...SIZE, fit: 'outside' }],
      [`${WH}fit=fill`, { ...SIZE, fit: 'fill' }],
      [`${WH}fit=contain`, { ...SIZE, fit: 'contain' }],
      [`${WH}fit=inside`, SIZE],
      [`${WH}fit=Cover`, SIZE],
      [`${WH}fit=nonsense`, SIZE],
      [`${WH}fit`, SIZE],
    ]);
  });
  test('deprecated t= values (and the same spellings as fit=)', () => {
    check([
      [`${WH}t=fit`, { ...SIZE, we: true }],
      [`${WH}t=fitup`, SIZE],
      [`${WH}t=square`, { ...SIZE, fit: 'cover' }],
      [`${WH}t=squaredown`, { ...SIZE, fit: 'cover', we: true }],
      [`${WH}t=absolute`, { ...SIZE, fit: 'fill' }],
      [`${WH}t=letterbox`, { ...SIZE, fit: 'contain' }],
      [`${WH}t=crop`, { ...SIZE, fit: 'cover' }],
      [`${WH}t=crop-top`, { ...SIZE, fit: 'cover' }],
      [`${WH}fit=squaredown`, { ...SIZE, fit: 'cover', we: true }],
    ]);
  });
  test('with one size only fill (and contain with we) can differ from inside', () => {
    check([
      ['w=300&fit=cover', { w: { px: 300 } }],
      ['w=300&fit=outside', { w: { px: 300 } }],
      ['w=300&fit=contain', { w: { px: 300 } }],
      ['w=300&fit=fill', { w: { px: 300 }, fit: 'fill' }],
      ['h=200&fit=contain&we', { h: { px: 200 }, fit: 'contain', we: true }],
      ['fit=fill', {}],
      ['fit=contain&we', {}],
    ]);
  });
  test('we: bare and any value but 0/false is true; useless without a size', () => {
    check([
      ['w=300&we', { w: { px: 300 }, we: true }],
      ['w=300&we=no', { w: { px: 300 }, we: true }],
      ['w=300&we=1', { w: { px: 300 }, we: true }],
      ['w=300&we=0', { w: { px: 300 } }],
      ['w=300&we=false', { w: { px: 300 } }],
      ['we', {}],
    ]);
  });
  test('cbg: only for contain; transparent black is the default', () => {
    check([
      [`${WH}fit=contain&cbg=red`, { ...SIZE, fit: 'contain', cbg: [255, 0, 0, 255] }],
      [`${WH}fit=contain&cbg=%23abc`, { ...SIZE, fit: 'contain', cbg: [170, 187, 204, 255] }],
      [`${WH}fit=contain&cbg=0fff`, { ...SIZE, fit: 'contain', cbg: [255, 255, 255, 0] }],
      [`${WH}fit=contain&cbg=ZZZ`, { ...SIZE, fit: 'contain' }],
      [`${WH}fit=contain&cbg=00000000`, { ...SIZE, fit: 'contain' }],
      [`${WH}fit=cover&cbg=red`, { ...SIZE, fit: 'cover' }],
      ['cbg=red', {}],
    ]);
  });
});

describe('alignment and focal point (3.3)', () => {
  test('positions, short forms, case sensitivity', () => {
    check([
      [`${WH}fit=cover&a=top`, { ...SIZE, fit: 'cover', a: 'top' }],
      [`${WH}fit=cover&a=t`, { ...SIZE, fit: 'cover', a: 'top' }],
      [`${WH}fit=cover&a=b`, { ...SIZE, fit: 'cover', a: 'bottom' }],
      [`${WH}fit=cover&a=l`, { ...SIZE, fit: 'cover', a: 'left' }],
      [`${WH}fit=cover&a=r`, { ...SIZE, fit: 'cover', a: 'right' }],
      [`${WH}fit=cover&align=bottom-right`, { ...SIZE, fit: 'cover', a: 'bottom-right' }],
      [`${WH}fit=cover&a=entropy`, { ...SIZE, fit: 'cover', a: 'entropy' }],
      [`${WH}fit=contain&a=top-left`, { ...SIZE, fit: 'contain', a: 'top-left' }],
      [`${WH}fit=cover&a=center`, { ...SIZE, fit: 'cover' }],
      [`${WH}fit=cover&a=Top`, { ...SIZE, fit: 'cover' }],
      [`${WH}fit=cover&a=crop`, { ...SIZE, fit: 'cover' }],
    ]);
  });
  test('a only matters for cover and contain; smart crop only for cover', () => {
    check([
      [`${WH}a=top`, SIZE],
      [`${WH}fit=fill&a=top`, { ...SIZE, fit: 'fill' }],
      [`${WH}fit=outside&a=top`, { ...SIZE, fit: 'outside' }],
      [`${WH}fit=contain&a=entropy`, { ...SIZE, fit: 'contain' }],
      [`${WH}fit=contain&a=attention`, { ...SIZE, fit: 'contain' }],
      ['w=300&fit=cover&a=top', { w: { px: 300 } }],
    ]);
  });
  test('focal point: fpx/fpy 0..1, only with a=focal, 0.5 is the default', () => {
    const cover = { ...SIZE, fit: 'cover', a: 'focal' } as const;
    check([
      [`${WH}fit=cover&a=focal`, cover],
      [`${WH}fit=cover&a=focal&fpx=0.3&fpy=0.7`, { ...cover, fpx: 0.3, fpy: 0.7 }],
      [`${WH}fit=cover&a=focal&fpx=0&fpy=1`, { ...cover, fpx: 0, fpy: 1 }],
      [`${WH}fit=cover&a=focal&fpx=0.5&fpy=0.5`, cover],
      [`${WH}fit=cover&a=focal&fpx=2&fpy=-0.1`, cover],
      [`${WH}fit=cover&a=focal&fpx&fpy=abc`, cover],
      [`${WH}fit=cover&a=top&fpx=0.3`, { ...SIZE, fit: 'cover', a: 'top' }],
      [`${WH}fit=contain&a=focal&fpy=0.2`, { ...SIZE, fit: 'contain', a: 'focal', fpy: 0.2 }],
    ]);
  });
  test('a=focal-X-Y and a=crop-X-Y shorthands', () => {
    const cover = { ...SIZE, fit: 'cover', a: 'focal' } as const;
    check([
      [`${WH}fit=cover&a=focal-10-20`, { ...cover, fpx: 0.1, fpy: 0.2 }],
      [`${WH}fit=cover&a=crop-10-20`, { ...cover, fpx: 0.1, fpy: 0.2 }],
      [`${WH}fit=cover&a=focal-0-100`, { ...cover, fpx: 0, fpy: 1 }],
      [`${WH}fit=cover&a=focal-200-20`, { ...cover, fpy: 0.2 }],
      [`${WH}fit=cover&a=focal-10`, { ...cover, fpx: 0.1 }],
      [`${WH}fit=cover&a=focal-10.9-x`, { ...cover, fpx: 0.1 }],
      [`${WH}fit=cover&a=focal-50-50`, cover],
    ]);
  });
});

describe('rectangle crop (3.3)', () => {
  test('cx cy cw ch in pixels and percent', () => {
    check([
      ['cx=10&cy=20&cw=30&ch=40', { crop: { x: { px: 10 }, y: { px: 20 }, w: { px: 30 }, h: { px: 40 } } }],
      ['cw=50%&ch=25%25', { crop: { w: { pct: 0.5 }, h: { pct: 0.25 } } }],
      ['cx=3000&cw=10', { crop: { x: { px: 3000 }, w: { px: 10 } } }],
      ['cy=5', { crop: { y: { px: 5 } } }],
    ]);
  });
  test('values equal to the defaults drop out, a whole-image crop disappears', () => {
    check([
      ['cx=0&cy=-5&cw=0&ch=abc', {}],
      ['cx=100%&cw=100%&ch=0%', {}],
      ['cx&cw', {}],
      ['cx=10&cw=-4', { crop: { x: { px: 10 } } }],
    ]);
  });
  test('deprecated crop=W,H,X,Y', () => {
    check([
      ['crop=10,20,30,40', { crop: { w: { px: 10 }, h: { px: 20 }, x: { px: 30 }, y: { px: 40 } } }],
      ['crop=10,20,30,40,50', { crop: { w: { px: 10 }, h: { px: 20 }, x: { px: 30 }, y: { px: 40 } } }],
      ['crop=50%,20,30,40', { crop: { w: { px: 50 }, h: { px: 20 }, x: { px: 30 }, y: { px: 40 } } }],
      ['crop=10,x,30,40', { crop: { w: { px: 10 }, x: { px: 30 }, y: { px: 40 } } }],
      ['crop=10,20,30', {}],
      ['crop=', {}],
      ['crop', {}],
    ]);
  });
  test('precrop only matters with a resize', () => {
    check([
      ['w=100&precrop', { w: { px: 100 }, precrop: true }],
      ['w=100&precrop=0', { w: { px: 100 } }],
      ['cx=10&precrop', { crop: { x: { px: 10 } } }],
      ['precrop', {}],
    ]);
  });
});

describe('trim (3.4)', () => {
  test('bare, empty and non-numeric mean 10; 1..254 kept; other numbers mean off', () => {
    check([
      ['trim', { trim: 10 }],
      ['trim=', { trim: 10 }],
      ['trim=abc', { trim: 10 }],
      ['trim=50', { trim: 50 }],
      ['trim=20px', { trim: 20 }],
      ['trim=1', { trim: 1 }],
      ['trim=254', { trim: 254 }],
      ['trim=0', {}],
      ['trim=255', {}],
      ['trim=-1', {}],
      ['trim=99999999999', {}],
    ]);
  });
  test('tbg only with trim; transparent means the default', () => {
    check([
      ['trim&tbg=red', { trim: 10, tbg: [255, 0, 0, 255] }],
      ['trim=5&tbg=80ff0000', { trim: 5, tbg: [255, 0, 0, 128] }],
      ['trim&tbg=0fff', { trim: 10 }],
      ['trim&tbg=nope', { trim: 10 }],
      ['tbg=red', {}],
    ]);
  });
});

describe('mask (3.5)', () => {
  test('shapes, shape= alias, case-sensitive, none', () => {
    check([
      ['mask=circle', { mask: 'circle' }],
      ['mask=triangle-180', { mask: 'triangle-180' }],
      ['shape=heart', { mask: 'heart' }],
      ['mask=Circle', {}],
      ['mask=none', {}],
      ['mask', {}],
    ]);
  });
  test('mtrim (strim) and mbg only with a mask; never mtrim for ellipse', () => {
    check([
      ['mask=circle&mtrim', { mask: 'circle', mtrim: true }],
      ['mask=star&strim', { mask: 'star', mtrim: true }],
      ['mask=circle&mtrim=0', { mask: 'circle' }],
      ['mask=ellipse&mtrim', { mask: 'ellipse' }],
      ['mtrim', {}],
      ['mask=circle&mbg=red', { mask: 'circle', mbg: [255, 0, 0, 255] }],
      ['mask=circle&mbg=80ff0000', { mask: 'circle', mbg: [255, 0, 0, 128] }],
      ['mask=circle&mbg=0fff', { mask: 'circle' }],
      ['mask=circle&mbg=garbage', { mask: 'circle' }],
      ['mbg=red', {}],
    ]);
  });
});

describe('orientation (3.6)', () => {
  test('ro normalised to 1..359; or= alias; bare/garbage not given', () => {
    check([
      ['ro=90', { ro: 90 }],
      ['or=90', { ro: 90 }],
      ['ro=-90', { ro: 270 }],
      ['ro=-450', { ro: 270 }],
      ['ro=405', { ro: 45 }],
      ['ro=45.7', { ro: 45 }],
      ['ro=-1', { ro: 359 }],
      ['ro=360', {}],
      ['ro=0', {}],
      ['ro=-720', {}],
      ['ro', {}],
      ['ro=', {}],
      ['ro=abc', {}],
      ['ro=99999999999', {}],
    ]);
  });
  test('rbg only for angles that are not a multiple of 90', () => {
    check([
      ['ro=45&rbg=red', { ro: 45, rbg: [255, 0, 0, 255] }],
      ['ro=45&rbg=0fff', { ro: 45, rbg: [255, 255, 255, 0] }],
      ['ro=45&rbg=bad!', { ro: 45 }],
      ['ro=90&rbg=red', { ro: 90 }],
      ['ro=-450&rbg=red', { ro: 270 }],
      ['rbg=red', {}],
    ]);
  });
  test('flip and flop', () => {
    check([
      ['flip', { flip: true }],
      ['flop=1', { flop: true }],
      ['flip=0&flop=false', {}],
    ]);
  });
});

describe('adjustments (3.7)', () => {
  test('bri and con: -100..100, 0 is off, bare/garbage not given, explicit -1 kept', () => {
    check([
      ['bri=50', { bri: 50 }],
      ['bri=-100', { bri: -100 }],
      ['bri=-1', { bri: -1 }],
      ['bri=101', {}],
      ['bri=0', {}],
      ['bri', {}],
      ['bri=abc', {}],
      ['con=100', { con: 100 }],
      ['con=-30', { con: -30 }],
      ['con=-101', {}],
      ['con', {}],
      ['con=x', {}],
    ]);
  });
  test('mod, sat, hue', () => {
    check([
      ['mod=2', { mod: 2 }],
      ['mod=0', { mod: 0 }],
      ['mod=1', {}],
      ['mod=-1', {}],
      ['mod=10001', {}],
      ['mod=', {}],
      ['mod', {}],
      ['mod=2,0.5,90', { mod: 2, sat: 0.5, hue: 90 }],
      ['mod=1,1,-90', { hue: 270 }],
      ['mod=1,1,45.9', { hue: 45 }],
      ['mod=1,1,1e2', { hue: 100 }],
      ['mod=1,1,x', {}],
      ['mod=,,2', { mod: 2 }],
      ['mod=x,2', { sat: 2 }],
      ['sat=0.5', { sat: 0.5 }],
      ['sat=10001', {}],
      ['hue=90', { hue: 90 }],
      ['hue=-1', { hue: 359 }],
      ['hue=720', {}],
      ['hue', {}],
      ['hue=abc', {}],
    ]);
  });
  test('gam: 1..3; 0 off; bare, invalid and outside mean 2.2', () => {
    check([
      ['gam=2', { gam: 2 }],
      ['gam=1', { gam: 1 }],
      ['gam=3', { gam: 3 }],
      ['gam', { gam: 2.2 }],
      ['gam=0.5', { gam: 2.2 }],
      ['gam=4', { gam: 2.2 }],
      ['gam=abc', { gam: 2.2 }],
      ['gam=', { gam: 2.2 }],
      ['gam=0', {}],
      ['gam=0.0', {}],
    ]);
  });
  test('sharp: sigma, mild, off; slopes only with a sigma', () => {
    check([
      ['sharp=1.5', { sharp: 1.5 }],
      ['sharp=10', { sharp: 10 }],
      ['sharp', { sharp: 'mild' }],
      ['sharp=11', { sharp: 'mild' }],
      ['sharp=-1', { sharp: 'mild' }],
      ['sharp=abc', { sharp: 'mild' }],
      ['sharp=0', {}],
      ['sharp=', {}],
      ['sharp=1,2', {}],
      ['sharp=1,2,3', { sharp: 3 }],
      ['sharp=5,6,3', { sharp: 3, sharpf: 5, sharpj: 6 }],
      ['sharp=2&sharpf=5&sharpj=0', { sharp: 2, sharpf: 5, sharpj: 0 }],
      ['sharp=2&sharpf=-1&sharpj=1000001', { sharp: 2 }],
      ['sharp&sharpf=5', { sharp: 'mild' }],
      ['sharpf=5&sharpj=6', {}],
      ['sharp=,,4', { sharp: 4 }],
    ]);
  });
  test('filt and duotone colours', () => {
    check([
      ['filt=greyscale', { filt: 'greyscale' }],
      ['filt=negate', { filt: 'negate' }],
      ['filt=Sepia', {}],
      ['filt=none', {}],
      ['filt=duotone', { filt: 'duotone' }],
      ['filt=duotone&start=red&stop=blue', { filt: 'duotone', start: [255, 0, 0, 255], stop: [0, 0, 255, 255] }],
      ['filt=duotone&start=garbage', { filt: 'duotone', start: [0, 0, 0, 255] }],
      ['filt=duotone&start=80ff0000', { filt: 'duotone', start: [255, 0, 0, 255] }],
      ['filt=duotone&start=C83658&stop=%23D8E74F', { filt: 'duotone' }],
      ['filt=duotone&start=80C83658', { filt: 'duotone' }],
      ['filt=sepia&start=red', { filt: 'sepia' }],
    ]);
  });
  test('blur: sigma 0.3..1000, 0 off, everything else mild', () => {
    check([
      ['blur=5', { blur: 5 }],
      ['blur=0.3', { blur: 0.3 }],
      ['blur=1000', { blur: 1000 }],
      ['blur', { blur: 'mild' }],
      ['blur=0.2', { blur: 'mild' }],
      ['blur=1001', { blur: 'mild' }],
      ['blur=x', { blur: 'mild' }],
      ['blur=0', {}],
    ]);
  });
  test('tint and bg: transparent or invalid means none', () => {
    check([
      ['tint=red', { tint: [255, 0, 0, 255] }],
      ['tint=80ff0000', { tint: [255, 0, 0, 255] }],
      ['tint=00ff0000', {}],
      ['tint=garbage', {}],
      ['bg=red', { bg: [255, 0, 0, 255] }],
      ['bg=80ff0000', { bg: [255, 0, 0, 128] }],
      ['bg=0fff', {}],
      ['bg=ZXCZXCMM', {}],
      ['bg', {}],
    ]);
  });
});

describe('output (3.8, 3.10)', () => {
  test('formats, aliases, unknown = origin, extensions', () => {
    check([
      ['output=webp', { output: 'webp' }],
      ['output=jpg', { output: 'jpg' }],
      ['output=tif', { output: 'tiff' }],
      ['output=av1', { output: 'avif' }],
      ['output=jxl', { output: 'jxl' }],
      ['output=json', { output: 'json' }],
      ['output=auto', { output: 'auto' }],
      ['output=blurhash', { output: 'blurhash' }],
      ['output=jpeg', {}],
      ['output=JPG', {}],
      ['output=origin', {}],
      ['output', {}],
    ]);
  });
  test('q: 1..100, 80 default, prefix parsing, not for png/gif/json/blurhash', () => {
    check([
      ['q=50', { q: 50 }],
      ['quality=50', { q: 50 }],
      ['q=1e2', { q: 1 }],
      ['q=80', {}],
      ['q=0', {}],
      ['q=101', {}],
      ['q', {}],
      ['output=webp&q=50', { output: 'webp', q: 50 }],
      ['output=avif&q=90', { output: 'avif', q: 90 }],
      ['output=png&q=50', { output: 'png' }],
      ['output=gif&q=50', { output: 'gif' }],
      ['output=json&q=50', { output: 'json' }],
      ['output=blurhash&q=50', { output: 'blurhash' }],
      ['output=auto&q=50', { output: 'auto', q: 50 }],
    ]);
  });
  test('l, af (png), il (jpg/png/gif), ll (webp/tiff/jxl)', () => {
    check([
      ['l=9', { l: 9 }],
      ['level=0', { l: 0 }],
      ['l=6', {}],
      ['l=10', {}],
      ['l', {}],
      ['output=png&l=9&af', { output: 'png', l: 9, af: true }],
      ['output=jpg&l=9&af', { output: 'jpg' }],
      ['af', { af: true }],
      ['il', { il: true }],
      ['output=gif&il', { output: 'gif', il: true }],
      ['output=webp&il', { output: 'webp' }],
      ['ll', { ll: true }],
      ['lossless=1', { ll: true }],
      ['output=webp&ll', { output: 'webp', ll: true }],
      ['output=tiff&ll', { output: 'tiff', ll: true }],
      ['output=jxl&ll', { output: 'jxl', ll: true }],
      ['output=png&ll', { output: 'png' }],
      ['ll=false', {}],
    ]);
  });
  test('page: 0..100000, -1/-2; other numbers 0; bare/garbage -1', () => {
    check([
      ['page=2', { page: 2 }],
      ['page=100000', { page: 100_000 }],
      ['page=-1', { page: -1 }],
      ['page=-2', { page: -2 }],
      ['page', { page: -1 }],
      ['page=abc', { page: -1 }],
      ['page=0', {}],
      ['page=-3', {}],
      ['page=100001', {}],
    ]);
  });
  test('n: ≥ 1 or -1; 0 and < -1 mean 1; bare/garbage -1', () => {
    check([
      ['n=3', { n: 3 }],
      ['pages=3', { n: 3 }],
      ['n=-1', { n: -1 }],
      ['n', { n: -1 }],
      ['n=abc', { n: -1 }],
      ['n=1', {}],
      ['n=0', {}],
      ['n=-2', {}],
    ]);
  });
  test('loop and delay only with several frames saved as an animation', () => {
    check([
      ['n=-1&loop=0', { n: -1, loop: 0 }],
      ['n=5&loop=3&delay=100', { n: 5, loop: 3, delay: [100] }],
      ['n=-1&delay=100,200', { n: -1, delay: [100, 200] }],
      ['n=-1&delay=100,,200,', { n: -1, delay: [100, 200] }],
      ['n=-1&output=gif&loop=2', { n: -1, output: 'gif', loop: 2 }],
      ['n=-1&output=png&loop=2&delay=5', { n: -1, output: 'png' }],
      ['n=-1&output=json&loop=1&delay=200', { n: -1, output: 'json', loop: 1, delay: [200] }],
      ['n=-1&loop=-1', { n: -1 }],
      ['n=-1&loop', { n: -1 }],
      ['n=-1&delay=100,-5', { n: -1 }],
      ['n=-1&delay=100,abc', { n: -1 }],
      ['n=-1&delay=', { n: -1 }],
      ['n=-1&delay', { n: -1 }],
      ['loop=0&delay=100', {}],
    ]);
  });
  test('fsol=0 only when shrink-on-load can happen', () => {
    check([
      ['w=100&fsol=0', { w: { px: 100 }, fsol: false }],
      ['w=100&fsol=false', { w: { px: 100 }, fsol: false }],
      ['w=100&fsol=1', { w: { px: 100 } }],
      ['w=100&fsol', { w: { px: 100 } }],
      ['fsol=0', {}],
      ['w=100&gam=2&fsol=0', { w: { px: 100 }, gam: 2 }],
      ['w=100&precrop&fsol=0', { w: { px: 100 }, precrop: true }],
    ]);
  });
  test('icc extension', () => {
    check([
      ['icc', { icc: true }],
      ['icc=1', { icc: true }],
      ['icc=0', {}],
    ]);
  });
});
