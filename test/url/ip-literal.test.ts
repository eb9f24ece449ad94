/** IP literals in any spelling a URL or resolver accepts, read as their canonical address. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLiteralHost } from '../../src/url/ip-literal.js';

test('canonical text of IP literals', () => {
  assert.equal(parseLiteralHost('2130706433'), '127.0.0.1');
  assert.equal(parseLiteralHost('0x7f.1'), '127.0.0.1');
  assert.equal(parseLiteralHost('[2001:DB8::0:1]'), '2001:db8::1');
  assert.equal(parseLiteralHost('::ffff:a00:1'), '::ffff:10.0.0.1');
  assert.equal(parseLiteralHost('example.com'), undefined);
  assert.equal(parseLiteralHost('fe80::1%eth0'), undefined);
});
