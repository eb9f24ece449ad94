import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceError, type ErrorCode } from '../../src/errors.js';
import { normaliseSourceUrl, resolveRedirect, splitSourceUrl } from '../../src/url/normalise.js';
import { punycodeEncode } from '../../src/url/punycode.js';

function rejects(run: () => unknown, code: ErrorCode): void {
  assert.throws(run, (error: unknown) => error instanceof ServiceError && error.code === code);
}

function cases(table: ReadonlyArray<readonly [raw: string, expected: string]>): void {
  for (const [raw, expected] of table) {
    test(`${JSON.stringify(raw)} → ${expected}`, () => assert.equal(normaliseSourceUrl(raw), expected));
  }
}

describe('normaliseSourceUrl: scheme (step 2) and slashes (step 3)', () => {
  cases([
    ['https://example.org', 'https://example.org/'],
    ['http://example.org/a.jpg', 'http://example.org/a.jpg'],
    ['HTTPS://example.org/a.jpg', 'https://example.org/a.jpg'],
    ['HtTp://example.org/a.jpg', 'http://example.org/a.jpg'],
    ['ssl:example.org/a.jpg', 'https://example.org/a.jpg'],
    ['SSL:example.org/a.jpg', 'https://example.org/a.jpg'],
    ['ssl://example.org/a.jpg', 'https://example.org/a.jpg'],
    ['//example.org/a.jpg', 'https://example.org/a.jpg'],
    ['example.com/a.jpg', 'http://example.com/a.jpg'],
    ['example.com', 'http://example.com/'],
    ['https:///x.com', 'https://x.com/'],
    ['http:////x.com/a', 'http://x.com/a'],
    ['https%3A%2F%2Fexample.org%2Fa.jpg', 'https://example.org/a.jpg'],
  ]);
});

describe('normaliseSourceUrl: percent-decoding exactly once (step 1)', () => {
  cases([
    ['example.com/a%252Fb.jpg', 'http://example.com/a%2Fb.jpg'],
    ['example.com/a%2Fb.jpg', 'http://example.com/a/b.jpg'],
    ['example.com/a+b.jpg', 'http://example.com/a+b.jpg'],
    ['example.com/a%2Bb.jpg', 'http://example.com/a+b.jpg'],
    ['example.com/a%20b.jpg', 'http://example.com/a%20b.jpg'],
    ['example.com/img.jpg%3Fw%3D1%26h%3D2', 'http://example.com/img.jpg?w=1&h=2'],
    // A `%` without two hex digits is kept, and `%` itself is never escaped in the path.
    ['example.com/100%.jpg', 'http://example.com/100%.jpg'],
    ['example.com/%zz%4', 'http://example.com/%zz%4'],
    ['example.com/%e2%82%ac', 'http://example.com/%E2%82%AC'],
  ]);
});

describe('normaliseSourceUrl: host/path split (step 4) and fragments (step 5)', () => {
  cases([
    ['example.com/a.jpg#frag', 'http://example.com/a.jpg'],
    ['example.com/a.jpg%23frag', 'http://example.com/a.jpg'],
    ['example.com/a.jpg#x#y', 'http://example.com/a.jpg'],
    ['example.com/a.jpg?x=1#frag', 'http://example.com/a.jpg?x=1'],
    ['example.com?x=1', 'http://example.com/?x=1'],
    // Deliberate fix of the REF quirk: the host ends at `?` even when a `/` follows in the query.
    ['example.com?a=/b', 'http://example.com/?a=/b'],
    ['example.com#top', 'http://example.com/'],
    ['example.com/', 'http://example.com/'],
  ]);
});

describe('normaliseSourceUrl: host (step 6)', () => {
  cases([
    ['münchen.de/x.jpg', 'http://xn--mnchen-3ya.de/x.jpg'],
    ['m%C3%BCnchen.de/x.jpg', 'http://xn--mnchen-3ya.de/x.jpg'],
    ['https://中文.com/a', 'https://xn--fiq228c.com/a'],
    ['日本語.jp', 'http://xn--wgv71a119e.jp/'],
    // Case is preserved, also inside the Punycode (REF encodes code points as given).
    ['Bücher.Example', 'http://xn--Bcher-kva.Example/'],
    ['Example.COM/A.jpg', 'http://Example.COM/A.jpg'],
    // The IDN dots U+3002, U+FF0E, U+FF61 separate labels like `.`.
    ['example%E3%80%82com/x', 'http://example.com/x'],
    ['example．com/x', 'http://example.com/x'],
    ['例え｡jp/x', 'http://xn--r8jz45g.jp/x'],
    ['user@example.com/a.jpg', 'http://user@example.com/a.jpg'],
    ['user:pass@example.com:8080/a.jpg', 'http://user:pass@example.com:8080/a.jpg'],
    ['example.com:8080/a.jpg', 'http://example.com:8080/a.jpg'],
    ['https://example.com:443/a', 'https://example.com:443/a'],
    ['http://[::1]:8080/a', 'http://[::1]:8080/a'],
    ['http://[2001:DB8::1]/a', 'http://[2001:DB8::1]/a'],
    ['http://127.0.0.1/a', 'http://127.0.0.1/a'],
    ['example.com./a', 'http://example.com./a'],
    ['my_host.example/a', 'http://my_host.example/a'],
    [`${'a'.repeat(63)}.com`, `http://${'a'.repeat(63)}.com/`],
    [`${'a'.repeat(55)}ü.com`, `http://xn--${'a'.repeat(55)}-8yf.com/`],
  ]);

  test('a host of exactly 253 characters is accepted, 254 is not', () => {
    const host253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    assert.equal(host253.length, 253);
    assert.equal(normaliseSourceUrl(`${host253}/x`), `http://${host253}/x`);
    rejects(() => normaliseSourceUrl(`${host253}e/x`), 'INVALID_URL');
  });

  test('labels longer than 63 characters are refused, before and after Punycode', () => {
    rejects(() => normaliseSourceUrl(`${'a'.repeat(64)}.com`), 'INVALID_URL');
    // 56 letters + ü fits in 63 bytes but is 64 characters once encoded.
    rejects(() => normaliseSourceUrl(`${'a'.repeat(56)}ü.com`), 'INVALID_URL');
  });

  test('the port and userinfo count toward the 253 limit, as in REF', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}`;
    assert.equal(normaliseSourceUrl(`${host}:80/`), `http://${host}:80/`);
    rejects(() => normaliseSourceUrl(`${host}:8080/`), 'INVALID_URL');
  });

  test('invalid UTF-8 in the host is refused', () => {
    rejects(() => normaliseSourceUrl('http://%FF.com/a'), 'INVALID_URL');
    rejects(() => normaliseSourceUrl('http://ex%C3ample.com/a'), 'INVALID_URL');
    rejects(() => normaliseSourceUrl('http://%E3%80.com/a'), 'INVALID_URL');
  });

  test('unparsable hosts and ports are refused', () => {
    for (const raw of [
      'http://:80/a',
      'http:///',
      'http://example.com:/a',
      'http://example.com:0/a',
      'http://example.com:65536/a',
      'http://example.com:8o/a',
      'http://example.com:80:80/a',
      'http://exa mple.com/a',
      'http://exa%00mple.com/a',
      'http://exa%25mple.com/a',
      'http://a..b/a',
      'http://.example.com/a',
      'http://[::1/a',
      'http://[::1]x/a',
      'http://[not-v6]/a',
      'http://[fe80::1%25eth0]/a',
      'http://evil.com\\@good.com/a',
      'http://us er@example.com/a',
      'ftp://example.com/a',
      'file:///etc/passwd',
      'data:image/png;base64,AAAA',
      'javascript:alert(1)',
    ]) {
      rejects(() => normaliseSourceUrl(raw), 'INVALID_URL');
    }
  });

  test('values shorter than 4 bytes are refused', () => {
    rejects(() => normaliseSourceUrl(''), 'INVALID_URL');
    rejects(() => normaliseSourceUrl('a.b'), 'INVALID_URL');
    assert.equal(normaliseSourceUrl('i.nl'), 'http://i.nl/');
  });

  test('unix: targets are refused with their own error', () => {
    rejects(() => normaliseSourceUrl('unix:/var/run/docker.sock'), 'UNIX_SOCKET');
    rejects(() => normaliseSourceUrl('UNIX:/var/run/docker.sock:/info'), 'UNIX_SOCKET');
    rejects(() => normaliseSourceUrl('http://unix:/var/run/docker.sock'), 'UNIX_SOCKET');
    rejects(() => normaliseSourceUrl('//unix:/tmp/x'), 'UNIX_SOCKET');
  });
});

describe('normaliseSourceUrl: path encoding (step 7)', () => {
  cases([
    ['example.com/a b.jpg', 'http://example.com/a%20b.jpg'],
    ['example.com/"quoted".jpg', 'http://example.com/%22quoted%22.jpg'],
    ['example.com/<>\\^`{|}', 'http://example.com/%3C%3E%5C%5E%60%7B%7C%7D'],
    ['example.com/a%09b%0D%0A%7F', 'http://example.com/a%09b%0D%0A%7F'],
    ['example.com/é.jpg', 'http://example.com/%C3%A9.jpg'],
    ["example.com/!*'();:@&=+$,/?[]-._~", "http://example.com/!*'();:@&=+$,/?[]-._~"],
  ]);
});

describe('splitSourceUrl', () => {
  test('takes a normalised URL apart for the request line and connection', () => {
    assert.deepEqual(splitSourceUrl('https://user@example.com:8443/a?b=c'), {
      scheme: 'https',
      authority: { userinfo: 'user', host: 'example.com', port: '8443' },
      path: '/a?b=c',
    });
    assert.deepEqual(splitSourceUrl('http://[::1]/'), {
      scheme: 'http',
      authority: { userinfo: undefined, host: '[::1]', port: undefined },
      path: '/',
    });
  });

  test('refuses text that is not a normalised URL', () => {
    rejects(() => splitSourceUrl('example.com/a'), 'INVALID_URL');
    rejects(() => splitSourceUrl('http://example.com'), 'INVALID_URL');
  });
});

describe('resolveRedirect', () => {
  const from = 'http://example.com/a/b/c.jpg?x=1';
  const table: ReadonlyArray<readonly [location: string, expected: string]> = [
    ['https://cdn.example.net/i.png', 'https://cdn.example.net/i.png'],
    ['HTTP://cdn.example.net', 'http://cdn.example.net/'],
    ['http:/cdn.example.net/i.png', 'http://cdn.example.net/i.png'],
    ['//cdn.example.net/i.png', 'http://cdn.example.net/i.png'],
    ['/root.png', 'http://example.com/root.png'],
    ['/root.png?y=2', 'http://example.com/root.png?y=2'],
    ['?y=2', 'http://example.com/a/b/c.jpg?y=2'],
    ['d.jpg', 'http://example.com/a/b/d.jpg'],
    ['./d.jpg', 'http://example.com/a/b/d.jpg'],
    ['../d.jpg', 'http://example.com/a/d.jpg'],
    ['../../d.jpg', 'http://example.com/d.jpg'],
    ['../../../../d.jpg', 'http://example.com/d.jpg'],
    ['e/../d.jpg?z', 'http://example.com/a/b/d.jpg?z'],
    ['..', 'http://example.com/a/'],
    ['#frag', 'http://example.com/a/b/c.jpg?x=1'],
    ['/p.jpg#frag', 'http://example.com/p.jpg'],
    // Not percent-decoded: the origin's escapes reach it unchanged.
    ['/a%2Fb%3F%23.jpg', 'http://example.com/a%2Fb%3F%23.jpg'],
    ['/a%252F.jpg', 'http://example.com/a%252F.jpg'],
    // But raw bytes that are not allowed in a request line are escaped.
    // Header text is one char per byte (undici decodes headers as Latin-1)…
    ['/a b"\xC3\xA9.jpg', 'http://example.com/a%20b%22%C3%A9.jpg'],
    ['/\xE9.jpg', 'http://example.com/%E9.jpg'],
    // …and text beyond Latin-1 (not from a header) is taken as UTF-8.
    ['/中.jpg', 'http://example.com/%E4%B8%AD.jpg'],
    ['  /padded.jpg  ', 'http://example.com/padded.jpg'],
    ['https://中文.com/x', 'https://xn--fiq228c.com/x'],
    ['https://b\xC3\xBCcher.example/x', 'https://xn--bcher-kva.example/x'],
    ['//example.com:8080/x', 'http://example.com:8080/x'],
  ];
  for (const [location, expected] of table) {
    test(`${JSON.stringify(location)} → ${expected}`, () => assert.equal(resolveRedirect(from, location), expected));
  }

  test('keeps the scheme and port of the current URL for relative references', () => {
    assert.equal(resolveRedirect('https://example.com:8443/dir/x', 'y'), 'https://example.com:8443/dir/y');
    assert.equal(resolveRedirect('https://example.com:8443/dir/x', '//other.example/y'), 'https://other.example/y');
    assert.equal(resolveRedirect('http://example.com/?a=1', '?b=2'), 'http://example.com/?b=2');
    assert.equal(resolveRedirect('http://example.com/', 'x.jpg'), 'http://example.com/x.jpg');
  });

  test('refuses unusable Locations', () => {
    rejects(() => resolveRedirect(from, ''), 'INVALID_URL');
    rejects(() => resolveRedirect(from, '   '), 'INVALID_URL');
    rejects(() => resolveRedirect(from, 'ftp://example.com/x'), 'INVALID_URL');
    rejects(() => resolveRedirect(from, 'file:///etc/passwd'), 'INVALID_URL');
    rejects(() => resolveRedirect(from, 'http://exa mple.com/'), 'INVALID_URL');
    rejects(() => resolveRedirect(from, 'http://example.com:99999/'), 'INVALID_URL');
    rejects(() => resolveRedirect(from, 'unix:/var/run/docker.sock'), 'UNIX_SOCKET');
  });
});

describe('punycodeEncode (RFC 3492)', () => {
  const codePoints = (text: string): number[] => Array.from(text, (char) => char.codePointAt(0) ?? 0);
  test('RFC 3492 section 7.1 samples', () => {
    // (A) Arabic (Egyptian), (B) Chinese (simplified), (L) 3<nen>B<gumi><kinpachi><sensei>.
    assert.equal(
      punycodeEncode(codePoints('\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F')),
      'egbpdaj6bu4bxfgehfvwxn',
    );
    assert.equal(punycodeEncode(codePoints('\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587')), 'ihqwcrb4cv8a8dqg056pqjye');
    assert.equal(punycodeEncode(codePoints('3\u5E74B\u7D44\u91D1\u516B\u5148\u751F')), '3B-ww4c5e180e575a65lsy2b');
  });
  test('basic code points only', () => assert.equal(punycodeEncode(codePoints('abc')), 'abc-'));
});
