/** parseQuery end to end: tokenisation (1.2), first occurrence wins, aliases, delivery keys, outcomes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKey } from '../../src/plan/key.js';
import { parsePlan, parseQuery } from '../../src/plan/parse.js';
import type { ParsedRequest } from '../../src/plan/types.js';

function request(query: string): ParsedRequest {
  const outcome = parseQuery(query);
  assert.equal(outcome.kind, 'request', query);
  if (outcome.kind !== 'request') throw new Error('unreachable');
  return outcome.request;
}

function keyOf(query: string): string {
  const { delivery, plan } = request(query);
  return cacheKey(delivery.url, plan);
}

/** Both queries must give deep-equal plans and the same cache key. */
function assertSameVariant(a: string, b: string): void {
  assert.deepEqual(request(a).plan, request(b).plan, `${a} vs ${b}`);
  assert.equal(keyOf(a), keyOf(b), `${a} vs ${b}`);
}

describe('aliases share one plan and one cache key', () => {
  test('parameter order and explicit defaults', () => {
    assertSameVariant('url=a.jpg&w=300&h=200', 'h=200&w=300&url=a.jpg&fit=inside');
    assertSameVariant('url=a.jpg&w=300', 'url=a.jpg&w=300&q=80&l=6&dpr=1&a=center&page=0&n=1&fsol=1&we=0');
  });
  test('deprecated and synonym spellings', () => {
    const pairs: readonly (readonly [string, string])[] = [
      ['t=square', 'fit=cover'],
      ['t=squaredown', 'fit=cover&we'],
      ['t=fit', 'fit=inside&we'],
      ['t=letterbox', 'fit=contain'],
      ['t=absolute', 'fit=fill'],
      ['width=300', 'w=300'],
      ['height=300', 'h=300'],
      ['shape=circle', 'mask=circle'],
      ['shape=circle&strim', 'mask=circle&mtrim'],
      ['or=90', 'ro=90'],
      ['ro=-270', 'ro=90'],
      ['crop=10,20,30,40', 'cw=10&ch=20&cx=30&cy=40'],
      ['align=top&fit=cover', 'a=t&fit=cover'],
      ['a=crop-10-20&fit=cover', 'a=focal&fpx=0.1&fpy=0.2&fit=cover'],
      ['quality=50', 'q=50'],
      ['level=2', 'l=2'],
      ['lossless=true', 'll'],
      ['pages=-1', 'n'],
      ['sharp=5,6,3', 'sharpf=5&sharpj=6&sharp=3'],
      ['mod=2,3,400', 'mod=2&sat=3&hue=40'],
      ['output=tif', 'output=tiff'],
      ['bg=%23ABC', 'bg=aabbcc'],
      ['bg=%23ABC', 'bg=#ABC'],
      ['w=50%25', 'w=50%'],
      ['gam', 'gam=2.2'],
      ['trim', 'trim=10'],
      ['tint=red', 'tint=f00'],
    ];
    for (const [a, b] of pairs) {
      assertSameVariant(`url=a.jpg&w=300&h=200&${a}`, `url=a.jpg&w=300&h=200&${b}`);
    }
  });
  test('dead values do not change the key', () => {
    assertSameVariant('url=a.jpg&w=300&output=png&q=50', 'url=a.jpg&w=300&output=png');
    assertSameVariant('url=a.jpg&cbg=red&a=top&fpx=0.2', 'url=a.jpg');
    assertSameVariant('url=a.jpg&v=123', 'url=a.jpg');
    assertSameVariant('url=a.jpg&w=300&maxage=2d&filename=x&encoding=base64&default=1', 'url=a.jpg&w=300');
  });
  test('different requests get different keys', () => {
    assert.notEqual(keyOf('url=a.jpg&w=300'), keyOf('url=a.jpg&w=301'));
    assert.notEqual(keyOf('url=a.jpg&w=300'), keyOf('url=b.jpg&w=300'));
    assert.notEqual(keyOf('url=a.jpg&w=300'), keyOf('url=a.jpg&h=300'));
  });
});

describe('first occurrence wins (gotcha 1)', () => {
  test('plain duplicates, synonyms and invalid first values', () => {
    assert.deepEqual(parsePlan('w=100&w=200'), { w: { px: 100 } });
    assert.deepEqual(parsePlan('width=100&w=200'), { w: { px: 100 } });
    assert.deepEqual(parsePlan('w=abc&w=200'), {});
    assert.deepEqual(parsePlan('q=50&quality=60'), { q: 50 });
  });
  test('t=fit fills we', () => {
    assert.deepEqual(parsePlan('w=1&t=fit&we=false'), { w: { px: 1 }, we: true });
    assert.deepEqual(parsePlan('w=1&we=false&t=fit'), { w: { px: 1 } });
    // Each key independently: `fit` stays cover, `we` is still empty when t=fit comes (as REF).
    assert.deepEqual(parsePlan('w=1&h=1&fit=cover&t=fit'), { w: { px: 1 }, h: { px: 1 }, fit: 'cover', we: true });
  });
  test('a=focal-X-Y fills fpx/fpy', () => {
    const base = 'w=1&h=1&fit=cover&';
    const cover = { w: { px: 1 }, h: { px: 1 }, fit: 'cover', a: 'focal' } as const;
    assert.deepEqual(parsePlan(`${base}fpx=0.9&a=focal-10-10`), { ...cover, fpx: 0.9, fpy: 0.1 });
    assert.deepEqual(parsePlan(`${base}a=focal-10-10&fpx=0.9`), { ...cover, fpx: 0.1, fpy: 0.1 });
    // The shorthand stores 0.5 for a missing part, which then blocks a later fpx (as REF).
    assert.deepEqual(parsePlan(`${base}a=focal-&fpx=0.9`), cover);
  });
  test('sharp=F,J,S and mod=B,S,H fill their keys', () => {
    assert.deepEqual(parsePlan('sharpf=7&sharp=5,6,3'), { sharp: 3, sharpf: 7, sharpj: 6 });
    assert.deepEqual(parsePlan('sharp=5&sharp=1.5,6,3'), { sharp: 5, sharpf: 1.5, sharpj: 6 });
    assert.deepEqual(parsePlan('sat=0.5&mod=2,3'), { mod: 2, sat: 0.5 });
    assert.deepEqual(parsePlan('mod=2,3&sat=0.5'), { mod: 2, sat: 3 });
    assert.deepEqual(parsePlan('mod=1,1,10&hue=20'), { hue: 10 });
    assert.deepEqual(parsePlan('hue=abc&mod=1,1,10'), {});
  });
  test('crop= fills cx/cy/cw/ch', () => {
    assert.deepEqual(parsePlan('cw=5&crop=10,20,30,40'), {
      crop: { w: { px: 5 }, h: { px: 20 }, x: { px: 30 }, y: { px: 40 } },
    });
    assert.deepEqual(parsePlan('crop=10,20,30,40&cw=5'), {
      crop: { w: { px: 10 }, h: { px: 20 }, x: { px: 30 }, y: { px: 40 } },
    });
  });
});

describe('API key tokenisation (1.2)', () => {
  test('bare flags are true, only 0/false are false (gotcha 2)', () => {
    assert.deepEqual(parsePlan('flip&flop=no&il=off'), { flip: true, flop: true, il: true });
    assert.deepEqual(parsePlan('flip=0&flop=false'), {});
  });
  test('keys are case-sensitive', () => {
    assert.deepEqual(parsePlan('W=100&Fit=cover&Q=5'), {});
  });
  test('keys longer than 8 characters are ignored', () => {
    assert.deepEqual(parsePlan('lossless=1'), { ll: true });
    assert.deepEqual(parsePlan('losslessx=1&widthxxxx=5'), {});
  });
  test('unknown keys, empty keys and empty segments are ignored', () => {
    assert.deepEqual(parsePlan('v=123&&=5&w=100&&&circle'), { w: { px: 100 } });
  });
  test('delivery keys are never API keys', () => {
    assert.deepEqual(parsePlan('url=w&default=1&filename=q&encoding=x&maxage=1d'), {});
  });
  test('a value runs to the next & and may contain =', () => {
    assert.deepEqual(parsePlan('bg=red=x&w=5'), { w: { px: 5 } });
    assert.deepEqual(parsePlan('w=5=6'), { w: { px: 5 } });
  });
});

describe('delivery keys (1.2, 3.9)', () => {
  test('url: case-insensitive key, first pair with = wins, normalised', () => {
    assert.equal(request('url=example.com/a.jpg').delivery.url, 'http://example.com/a.jpg');
    assert.equal(request('URL=example.com/a.jpg').delivery.url, 'http://example.com/a.jpg');
    assert.equal(request('w=1&Url=example.com/a.jpg').delivery.url, 'http://example.com/a.jpg');
    assert.equal(request('url&url=example.com/b.jpg&url=example.com/c.jpg').delivery.url, 'http://example.com/b.jpg');
    assert.equal(request('url=https://example.com/a%20b.jpg').delivery.url, 'https://example.com/a%20b.jpg');
    assert.equal(request('url=//example.com/a.jpg').delivery.url, 'https://example.com/a.jpg');
  });
  test('an unrelated key that ends in url does not count', () => {
    assert.deepEqual(parseQuery('xurl=example.com/a.jpg'), { kind: 'no-url' });
  });
  test('no url= pair is not an API call', () => {
    assert.deepEqual(parseQuery(''), { kind: 'no-url' });
    assert.deepEqual(parseQuery('w=100'), { kind: 'no-url' });
    assert.deepEqual(parseQuery('url'), { kind: 'no-url' });
    assert.deepEqual(parseQuery('url&w=5'), { kind: 'no-url' });
  });
  test('an unusable url is invalid-url, with a parsable default= as fallback', () => {
    assert.deepEqual(parseQuery('url='), { kind: 'invalid-url', code: 'INVALID_URL' });
    assert.deepEqual(parseQuery('url=abc'), { kind: 'invalid-url', code: 'INVALID_URL' });
    assert.deepEqual(parseQuery('url=&default=example.com/fallback.jpg'), {
      kind: 'invalid-url',
      code: 'INVALID_URL',
      fallback: 'http://example.com/fallback.jpg',
    });
    assert.deepEqual(parseQuery('url=x&errorredirect=ssl:example.com/f.png'), {
      kind: 'invalid-url',
      code: 'INVALID_URL',
      fallback: 'https://example.com/f.png',
    });
    assert.deepEqual(parseQuery('url=x&default=1'), { kind: 'invalid-url', code: 'INVALID_URL' });
    assert.deepEqual(parseQuery('url=x&default=ab'), { kind: 'invalid-url', code: 'INVALID_URL' });
    assert.deepEqual(parseQuery('url=unix:/var/run/x.sock'), { kind: 'invalid-url', code: 'UNIX_SOCKET' });
  });
  test('maxage always set, 1 day..1 year, default 1 year', () => {
    assert.equal(request('url=a.jpg').delivery.maxAge, 31_536_000);
    assert.equal(request('url=a.jpg&maxage=7d').delivery.maxAge, 604_800);
    assert.equal(request('url=a.jpg&MaxAge=1w3d').delivery.maxAge, 864_000);
    assert.equal(request('url=a.jpg&maxage=1d12h').delivery.maxAge, 129_600);
    assert.equal(request('url=a.jpg&maxage=86400').delivery.maxAge, 86_400);
    assert.equal(request('url=a.jpg&maxage=1h').delivery.maxAge, 31_536_000);
    assert.equal(request('url=a.jpg&maxage=2y').delivery.maxAge, 31_536_000);
    assert.equal(request('url=a.jpg&maxage=soon').delivery.maxAge, 31_536_000);
    assert.equal(request('url=a.jpg&maxage=1D').delivery.maxAge, 31_536_000);
  });
  test('filename: 1..78 ASCII letters and digits, raw', () => {
    assert.equal(request('url=a.jpg&filename=Photo123').delivery.filename, 'Photo123');
    assert.equal(request('url=a.jpg&FILENAME=abc').delivery.filename, 'abc');
    assert.equal(request(`url=a.jpg&filename=${'a'.repeat(78)}`).delivery.filename, 'a'.repeat(78));
    for (const bad of ['', 'a'.repeat(79), 'my-photo', 'a.jpg', 'caf%C3%A9', 'a%20b', 'a_b']) {
      assert.equal(Object.hasOwn(request(`url=a.jpg&filename=${bad}`).delivery, 'filename'), false, bad);
    }
  });
  test('encoding=base64, case-insensitive value, exact', () => {
    assert.equal(request('url=a.jpg&encoding=base64').delivery.base64, true);
    assert.equal(request('url=a.jpg&Encoding=BASE64').delivery.base64, true);
    for (const other of ['', 'base64x', 'b64', 'utf8']) {
      assert.equal(Object.hasOwn(request(`url=a.jpg&encoding=${other}`).delivery, 'base64'), false, other);
    }
  });
  test('default=1, default=URL, errorredirect only when default is absent', () => {
    assert.equal(request('url=a.jpg&default=1').delivery.fallback, 'origin');
    assert.equal(request('url=a.jpg&default=b.com/x.png').delivery.fallback, 'http://b.com/x.png');
    assert.equal(request('url=a.jpg&errorredirect=b.com/x.png').delivery.fallback, 'http://b.com/x.png');
    const both = request('url=a.jpg&default=b.com/1.png&errorredirect=c.com/2.png');
    assert.equal(both.delivery.fallback, 'http://b.com/1.png');
    assert.equal(Object.hasOwn(request('url=a.jpg&default=xy&errorredirect=c.com/2.png').delivery, 'fallback'), false);
    assert.equal(Object.hasOwn(request('url=a.jpg').delivery, 'fallback'), false);
  });
  test('the whole delivery object', () => {
    assert.deepEqual(request('url=example.com/a.jpg&w=5&maxage=2d&filename=pic&encoding=base64&default=1').delivery, {
      url: 'http://example.com/a.jpg',
      fallback: 'origin',
      filename: 'pic',
      base64: true,
      maxAge: 172_800,
    });
  });
});

describe('the outcome is frozen', () => {
  test('plan, nested values and delivery cannot be modified', () => {
    const outcome = parseQuery('url=a.jpg&w=300&bg=red&crop=1,2,3,4&n=-1&delay=5,6');
    assert.ok(Object.isFrozen(outcome));
    assert.equal(outcome.kind, 'request');
    if (outcome.kind !== 'request') return;
    const { plan, delivery } = outcome.request;
    assert.ok(Object.isFrozen(outcome.request));
    assert.ok(Object.isFrozen(plan));
    assert.ok(Object.isFrozen(plan.w));
    assert.ok(Object.isFrozen(plan.bg));
    assert.ok(Object.isFrozen(plan.crop));
    assert.ok(Object.isFrozen(plan.crop?.x));
    assert.ok(Object.isFrozen(plan.delay));
    assert.ok(Object.isFrozen(delivery));
  });
});
