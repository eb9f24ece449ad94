import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientIp } from '../../src/http/client-ip.js';

test('the socket address unless a proxy header is trusted', () => {
  assert.equal(clientIp('127.0.0.1', undefined, ['203.0.113.9']), '127.0.0.1');
  assert.equal(clientIp('127.0.0.1', 'cf-connecting-ip', ['203.0.113.9']), '203.0.113.9');
  assert.equal(clientIp('127.0.0.1', 'cf-connecting-ip', []), '127.0.0.1');
  assert.equal(clientIp('127.0.0.1', 'cf-connecting-ip', ['']), '127.0.0.1');
});

test('x-forwarded-for: the rightmost entry, the one the trusted proxy added', () => {
  assert.equal(clientIp('127.0.0.1', 'x-forwarded-for', ['198.51.100.1, 203.0.113.9']), '203.0.113.9');
  assert.equal(clientIp('127.0.0.1', 'x-forwarded-for', ['2001:db8::1']), '2001:db8::1');
});

test('several header lines are one list, in order: the last line is the proxy\'s', () => {
  assert.equal(clientIp('127.0.0.1', 'x-forwarded-for', ['198.51.100.1', '203.0.113.9']), '203.0.113.9');
  assert.equal(clientIp('127.0.0.1', 'x-forwarded-for', ['10.0.0.1, 198.51.100.1', '203.0.113.9']), '203.0.113.9');
  assert.equal(clientIp('127.0.0.1', 'cf-connecting-ip', ['198.51.100.1', '203.0.113.9']), '203.0.113.9');
});

test('garbage in the header falls back to the socket address', () => {
  assert.equal(clientIp('127.0.0.1', 'cf-connecting-ip', ['not-an-ip']), '127.0.0.1');
  assert.equal(clientIp('127.0.0.1', 'x-forwarded-for', ['203.0.113.9, evil']), '127.0.0.1');
  assert.equal(clientIp('127.0.0.1', 'x-forwarded-for', ['203.0.113.9', 'evil']), '127.0.0.1');
});
