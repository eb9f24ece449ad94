/**
 * The Bun front end's reused responses (src/http/bun-responses.ts): only web-standard Response,
 * Headers and Blob, so this runs on Node and on Bun alike. A reused answer must never be the wrong
 * one: other bytes, a header list of another second, another status, or one that a client's
 * reading (or a change to its headers) spoiled for the next.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BunResponses } from '../../src/http/bun-responses.js';

const body = new Uint8Array(Array.from({ length: 1000 }, (_, i) => i % 251));
const lines = (expires: string): string[] => [
  'Content-Type',
  'image/jpeg',
  'Expires',
  expires,
  'Link',
  '<http://origin/a.jpg>; rel="canonical"',
  'Vary',
  'Accept',
  'Vary',
  'Origin',
];

async function bytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

test('every answer has the body, status and header lines it was asked for, from the first on', async () => {
  const responses = new BunResponses();
  const first = responses.build('200 OK', lines('one'), body);
  assert.equal(responses.heldBytes, 0, 'a body seen once is not copied into a Blob');
  const answers = [first, responses.build('200 OK', lines('one'), body), responses.build('200 OK', lines('one'), body)];
  assert.equal(responses.heldBytes, body.byteLength, 'the second time, its bytes are kept once');
  assert.notEqual(answers[1], answers[2], 'each request gets its own Response');
  for (const answer of answers) {
    assert.equal(answer.status, 200);
    assert.equal(answer.statusText, 'OK');
    assert.equal(answer.headers.get('content-type'), 'image/jpeg');
    assert.equal(answer.headers.get('link'), '<http://origin/a.jpg>; rel="canonical"', 'a value with , and ; stays whole');
    assert.equal(answer.headers.get('vary'), 'Accept, Origin', 'repeated lines combine as before');
    assert.deepEqual(await bytes(answer), body);
  }
});

test('a new header list (the next second) or status is built anew; a spoiled answer does not spread', async () => {
  const responses = new BunResponses();
  responses.build('200 OK', lines('one'), body);
  const spoiled = responses.build('200 OK', lines('one'), body);
  spoiled.headers.set('Expires', 'tampered');
  await spoiled.arrayBuffer();
  const again = responses.build('200 OK', lines('one'), body);
  assert.equal(again.headers.get('expires'), 'one');
  assert.deepEqual(await bytes(again), body);
  const next = responses.build('200 OK', lines('two'), body);
  assert.equal(next.headers.get('expires'), 'two');
  assert.deepEqual(await bytes(next), body);
  const other = responses.build('203 Non-Authoritative Information', lines('two'), body);
  assert.equal(other.status, 203);
  assert.equal(other.statusText, 'Non-Authoritative Information');
  assert.deepEqual(await bytes(other), body);
  assert.equal(responses.heldBytes, body.byteLength, 'the bytes are kept once, whatever the headers');
});

test('past the budget a body is copied per answer instead, and still right; no body means none', async () => {
  const responses = new BunResponses(body.byteLength - 1);
  for (let i = 0; i < 3; i++) {
    const answer = responses.build('200 OK', lines('one'), body);
    assert.equal(answer.headers.get('expires'), 'one');
    assert.deepEqual(await bytes(answer), body);
  }
  assert.equal(responses.heldBytes, 0);
  const head = responses.build('304 Not Modified', ['ETag', '"x"'], null);
  assert.equal(head.status, 304);
  assert.equal(head.headers.get('etag'), '"x"');
  assert.equal(head.body, null);
});

test('two bodies with the same bytes and headers each answer with their own', async () => {
  const responses = new BunResponses();
  const other = body.map((value) => 255 - value);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await bytes(responses.build('200 OK', lines('one'), body)), body);
    assert.deepEqual(await bytes(responses.build('200 OK', lines('one'), other)), other);
  }
});
