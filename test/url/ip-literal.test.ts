/** IP literals in any spelling a URL or resolver accepts, read as their canonical address. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLiteralHost as originParse } from '../../src/origin/address-policy.js';
import { parseLiteralHost } from '../../src/url/ip-literal.js';

const SPELLINGS = [
  '127.0.0.1', '2130706433', '0177.0.0.1', '0x7f.1', '127.1', '0x7f000001', '1.2.3.4.', '256.1.1.1', '1.2.3.4.5',
  '[::1]', '::1', '[::ffff:10.0.0.1]', '::ffff:a00:1', '[2001:DB8::0:1]', '[fe80::1%25eth0]', 'fe80::1%eth0', '[::ffff:1.2.3.999]',
  'example.com', '', '[]', '0x', '08.1.1.1', '1:2:3:4:5:6:7:8',
];

test('canonical text of IP literals', () => {
  assert.equal(parseLiteralHost('2130706433'), '127.0.0.1');
  assert.equal(parseLiteralHost('0x7f.1'), '127.0.0.1');
  assert.equal(parseLiteralHost('[2001:DB8::0:1]'), '2001:db8::1');
  assert.equal(parseLiteralHost('::ffff:a00:1'), '::ffff:10.0.0.1');
  assert.equal(parseLiteralHost('example.com'), undefined);
  assert.equal(parseLiteralHost('fe80::1%eth0'), undefined);
});

test('reads every spelling as the origin address policy does', () => {
  for (const host of SPELLINGS) assert.equal(parseLiteralHost(host), originParse(host), host);
});
