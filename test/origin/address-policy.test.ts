import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cidr } from '../../src/config.js';
import { isForbiddenAddress, parseLiteralHost } from '../../src/origin/address-policy.js';

// Pure functions only: nothing here opens a socket, whatever the address.

const none: readonly Cidr[] = [];

describe('parseLiteralHost', () => {
  const spellings: ReadonlyArray<readonly [host: string, canonical: string | undefined]> = [
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0X7F.0.0.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0.0.0.0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['169.254.169.254', '169.254.169.254'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['10.1', '10.0.0.1'],
    ['192.168.257', '192.168.1.1'],
    ['4294967295', '255.255.255.255'],
    ['8.8.8.8', '8.8.8.8'],
    ['[::1]', '::1'],
    ['[::]', '::'],
    ['::1', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:127.0.0.1'],
    ['[::ffff:7f00:1]', '::ffff:127.0.0.1'],
    ['[0:0:0:0:0:ffff:7f00:0001]', '::ffff:127.0.0.1'],
    ['[FE80::0001]', 'fe80::1'],
    ['[2001:db8:0:0:1:0:0:1]', '2001:db8::1:0:0:1'],
    ['[2001:0db8:0000:0000:0000:0000:0002:0001]', '2001:db8::2:1'],
    ['[1:2:3:4:5:6:7:8]', '1:2:3:4:5:6:7:8'],
    ['[1:0:3:4:5:6:7:8]', '1:0:3:4:5:6:7:8'],
    // Not addresses: names, out-of-range parts, zone identifiers, junk.
    ['localhost', undefined],
    ['example.com', undefined],
    ['4294967296', undefined],
    ['256.0.0.1', undefined],
    ['1.2.3.256', undefined],
    ['1.2.65536', undefined],
    ['1.2.3.4.5', undefined],
    ['08.0.0.1', undefined],
    ['0x7g.1', undefined],
    ['1..2', undefined],
    ['', undefined],
    ['[fe80::1%eth0]', undefined],
    ['[::1', undefined],
    ['[1:2:3:4:5:6:7:8:9]', undefined],
    ['[127.0.0.1]', undefined],
  ];
  for (const [host, canonical] of spellings) {
    test(`${JSON.stringify(host)} → ${String(canonical)}`, () => assert.equal(parseLiteralHost(host), canonical));
  }
});

describe('isForbiddenAddress with an empty allow list', () => {
  const forbidden = [
    // IPv4: this network, private, CGNAT, loopback, link-local, IETF, documentation, relay,
    // benchmarking, multicast, reserved, broadcast.
    '0.0.0.0', '0.255.255.255', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.255',
    '127.0.0.1', '127.0.0.2', '127.255.255.254', '169.254.169.254', '172.16.0.1', '172.31.255.255',
    '192.0.0.8', '192.0.2.1', '192.88.99.1', '192.168.0.1', '192.168.255.255', '198.18.0.1',
    '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1',
    '255.255.255.255',
    // The same, spelled the way a URL host may spell them.
    '2130706433', '0177.0.0.1', '0x7f.1', '127.1', '0', '0xa9fea9fe', '012.1',
    // IPv6: unspecified, loopback, IPv4-compatible, link-local, site-local, unique-local,
    // multicast, discard, documentation, IETF/Teredo, ORCHID, local NAT64, SRv6.
    '::', '[::]', '::1', '[::1]', '::127.0.0.1', '::8.8.8.8', 'fe80::1', 'febf::1', 'fec0::1',
    'fc00::1', 'fd12:3456::1', 'ff02::1', 'ff0e::1', '100::1', '2001:db8::1', '[2001:db8::1]',
    '3fff::1', '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:10::1', '2001:20::1',
    '64:ff9b:1::1', '5f00::1', '1::1',
    // IPv4 inside IPv6: mapped, NAT64 and 6to4 carrying a private address.
    '::ffff:127.0.0.1', '[::ffff:127.0.0.1]', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254',
    '::ffff:0.0.0.0', '64:ff9b::10.0.0.1', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::1', '2002:a00:1::', '2002:c0a8:101::1', '2002:a9fe:a9fe::1',
    // Not an address at all: the caller must resolve it first.
    'localhost', 'example.com', '', 'fe80::1%eth0',
  ];
  for (const address of forbidden) {
    test(`${address} is forbidden`, () => assert.equal(isForbiddenAddress(address, none), true));
  }

  const allowed = [
    '8.8.8.8', '1.1.1.1', '93.184.215.14', '100.63.255.255', '100.128.0.0', '172.15.255.255',
    '172.32.0.0', '192.0.1.255', '192.169.0.1', '198.17.255.255', '198.20.0.0', '223.255.255.255',
    '11.0.0.1', '134744072',
    '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '[2606:4700::1]', '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:200::1', '3fff:1000::1',
  ];
  for (const address of allowed) {
    test(`${address} is allowed`, () => assert.equal(isForbiddenAddress(address, none), false));
  }
});

describe('isForbiddenAddress with an allow list', () => {
  const loopbackOne: readonly Cidr[] = [{ address: '127.0.0.1', prefix: 32, family: 4 }];
  const lan: readonly Cidr[] = [
    { address: '10.0.0.0', prefix: 8, family: 4 },
    { address: 'fd00::', prefix: 8, family: 6 },
  ];

  test('exempts exactly the listed ranges', () => {
    assert.equal(isForbiddenAddress('127.0.0.1', loopbackOne), false);
    assert.equal(isForbiddenAddress('127.0.0.2', loopbackOne), true);
    assert.equal(isForbiddenAddress('::1', loopbackOne), true);
    assert.equal(isForbiddenAddress('10.20.30.40', lan), false);
    assert.equal(isForbiddenAddress('11.0.0.1', lan), false);
    assert.equal(isForbiddenAddress('192.168.1.1', lan), true);
    assert.equal(isForbiddenAddress('fd12::1', lan), false);
    assert.equal(isForbiddenAddress('fc00::1', lan), true);
  });

  test('matches every spelling of a listed address, IPv4-mapped included', () => {
    assert.equal(isForbiddenAddress('2130706433', loopbackOne), false);
    assert.equal(isForbiddenAddress('0x7f.1', loopbackOne), false);
    assert.equal(isForbiddenAddress('::ffff:127.0.0.1', loopbackOne), false);
    assert.equal(isForbiddenAddress('[::ffff:7f00:1]', loopbackOne), false);
    assert.equal(
      isForbiddenAddress('127.0.0.1', [{ address: '::ffff:127.0.0.0', prefix: 104, family: 6 }]),
      false,
    );
  });

  test('does not exempt an address only embedded by NAT64 or 6to4', () => {
    assert.equal(isForbiddenAddress('64:ff9b::10.0.0.1', lan), true);
    assert.equal(isForbiddenAddress('2002:a00:1::', lan), true);
  });

  test('true allows every address but still refuses non-addresses', () => {
    assert.equal(isForbiddenAddress('127.0.0.1', true), false);
    assert.equal(isForbiddenAddress('169.254.169.254', true), false);
    assert.equal(isForbiddenAddress('::1', true), false);
    assert.equal(isForbiddenAddress('localhost', true), true);
  });
});
