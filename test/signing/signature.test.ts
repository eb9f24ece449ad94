import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signQuery, signatureOf, splitSignedQuery, verifySignedQuery } from '../../src/signing/signature.js';

const KEY = 'a-signing-key-of-some-length';
const QUERY = 'url=example.com%2Fcat.jpg%3Fv%3D2&w=300&h=200&fit=cover&output=webp';

describe('signed URLs', () => {
  test('the signature is base64url HMAC-SHA256 of the query as sent, without padding', () => {
    const signed = signQuery(QUERY, KEY);
    const expected = createHmac('sha256', KEY).update(QUERY).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    assert.equal(signed, `${QUERY}&s=${expected}`);
    assert.equal(expected.length, 43);
    // A fixed vector, for implementers in other languages.
    assert.equal(signatureOf('url=example.com/a.jpg&w=300', 'secret-key-0123456789'), 'dzr0CMwGcMv3ABbf7p7Im-XhogOMno9tqs4YCQ-TmbI');
    assert.equal(verifySignedQuery(signed, KEY), true);
  });

  test('a leading ? and an empty query are handled', () => {
    assert.equal(verifySignedQuery(signQuery(`?${QUERY}`, KEY), KEY), true);
    assert.ok(signQuery(`?${QUERY}`, KEY).startsWith(`?${QUERY}&s=`));
    assert.match(signQuery('', KEY), /^s=[A-Za-z0-9_-]{43}$/);
    assert.equal(verifySignedQuery(signQuery('', KEY), KEY), true);
  });

  test('s may stand anywhere; the other pairs are the message, in order', () => {
    const signature = signQuery(QUERY, KEY).split('&s=')[1] ?? '';
    assert.equal(verifySignedQuery(`s=${signature}&${QUERY}`, KEY), true);
    assert.equal(verifySignedQuery(`url=example.com%2Fcat.jpg%3Fv%3D2&s=${signature}&w=300&h=200&fit=cover&output=webp`, KEY), true);
    assert.deepEqual(splitSignedQuery(`a=1&s=${signature}&b=2`), { message: 'a=1&b=2', signature });
  });

  test('changing any character of the query breaks it', () => {
    const signed = signQuery(QUERY, KEY);
    for (let i = 0; i < signed.length; i++) {
      const char = signed[i] ?? '';
      const replacement = char === 'x' ? 'y' : 'x';
      const tampered = signed.slice(0, i) + replacement + signed.slice(i + 1);
      assert.equal(verifySignedQuery(tampered, KEY), false, `changed position ${i}`);
    }
    // Dropping or adding anything too.
    assert.equal(verifySignedQuery(signed.replace('&h=200', ''), KEY), false);
    assert.equal(verifySignedQuery(`${signed}&w=3000`, KEY), false);
    assert.equal(verifySignedQuery(signed.replace('&w=300', '&w=300&'), KEY), false);
  });

  test('the query is not re-encoded: an equivalent spelling is a different message', () => {
    const signed = signQuery(QUERY, KEY);
    assert.equal(verifySignedQuery(signed.replace('%2F', '%2f'), KEY), false);
    assert.equal(verifySignedQuery(signed.replace('%2F', '/'), KEY), false);
  });

  test('reordering pairs breaks it', () => {
    const signature = signQuery(QUERY, KEY).split('&s=')[1] ?? '';
    assert.equal(verifySignedQuery(`w=300&url=example.com%2Fcat.jpg%3Fv%3D2&h=200&fit=cover&output=webp&s=${signature}`, KEY), false);
  });

  test('a signature made with another key fails', () => {
    assert.equal(verifySignedQuery(signQuery(QUERY, 'another-key-of-some-length'), KEY), false);
    assert.equal(verifySignedQuery(signQuery(QUERY, Buffer.from(KEY)), KEY), true);
  });

  test('missing, duplicated or malformed s fails', () => {
    const signed = signQuery(QUERY, KEY);
    const signature = signed.split('&s=')[1] ?? '';
    assert.equal(verifySignedQuery(QUERY, KEY), false, 'missing');
    assert.equal(verifySignedQuery(`${signed}&s=${signature}`, KEY), false, 'twice');
    assert.equal(verifySignedQuery(`${QUERY}&s`, KEY), false, 'bare key');
    assert.equal(verifySignedQuery(`${QUERY}&s=`, KEY), false, 'empty');
    assert.equal(verifySignedQuery(`${QUERY}&s=${signature}=`, KEY), false, 'padded');
    assert.equal(verifySignedQuery(`${QUERY}&s=${signature.slice(0, -1)}`, KEY), false, 'short');
    assert.equal(verifySignedQuery(`${QUERY}&s=${signature}A`, KEY), false, 'long');
    assert.equal(verifySignedQuery(`${QUERY}&s=${signature.replace(/[-_]/g, '+')}`, KEY), signature.search(/[-_]/) === -1, 'base64 alphabet');
    // The last character carries two spare bits: other spellings of the same bytes are refused.
    const last = signature.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    assert.equal(verifySignedQuery(`${QUERY}&s=${signature.slice(0, -1)}${sibling}`, KEY), false, 'spare bits');
    assert.equal(verifySignedQuery(`${QUERY}&S=${signature}`, KEY), false, 'the key is exactly s');
  });

  test('signing a query that already has s is a mistake', () => {
    assert.throws(() => signQuery(`${QUERY}&s=abc`, KEY), RangeError);
  });
});
