import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimitKey } from '../../src/ratelimit/key.js';

test('IPv4 clients are counted by address, in whatever form the socket shows them', () => {
  assert.equal(rateLimitKey('203.0.113.9'), '203.0.113.9');
  assert.equal(rateLimitKey('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(rateLimitKey('0000:0000:0000:0000:0000:ffff:cb00:7109'), '203.0.113.9');
});

test('IPv6 clients are counted by their /64', () => {
  assert.equal(rateLimitKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd'), '2001:db8:1:2::/64');
  assert.equal(rateLimitKey('2001:DB8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(rateLimitKey('2001:0db8:0001:0002:0000:0000:0000:0001'), '2001:db8:1:2::/64');
  assert.equal(rateLimitKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(rateLimitKey('::1'), '0:0:0:0::/64');
});

test('anything else is used as is', () => {
  assert.equal(rateLimitKey('127.1'), '127.1');
  assert.equal(rateLimitKey('unknown'), 'unknown');
});
