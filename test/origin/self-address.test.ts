/** Which connections would come back to this service (pure: no socket is opened, nothing is sent). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnListeners, reachesListener } from '../../src/origin/self-address.js';
import { carriesVia, viaValue } from '../../src/origin/via.js';

const interfaces = ['127.0.0.1', '::1', '10.1.2.3', 'fe80::1', '2001:db8::7'];

describe('reachesListener', () => {
  test('only the listening port matters for a match', () => {
    assert.equal(reachesListener('127.0.0.1', 8080, { host: '127.0.0.1', port: 8080 }, interfaces), true);
    assert.equal(reachesListener('127.0.0.1', 8081, { host: '127.0.0.1', port: 8080 }, interfaces), false);
  });

  test('a specific address matches itself in every spelling, and nothing else', () => {
    const listener = { host: '127.0.0.1', port: 8080 };
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '2130706433', '0x7f.1']) {
      assert.equal(reachesListener(address, 8080, listener, interfaces), true, address);
    }
    for (const address of ['127.0.0.2', '10.1.2.3', '::1', '192.0.2.1']) {
      assert.equal(reachesListener(address, 8080, listener, interfaces), false, address);
    }
  });

  test('0.0.0.0 means every local IPv4 address: all of 127/8 and the interfaces', () => {
    const listener = { host: '0.0.0.0', port: 8080 };
    for (const address of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '10.1.2.3', '::ffff:10.1.2.3', '0.0.0.0']) {
      assert.equal(reachesListener(address, 8080, listener, interfaces), true, address);
    }
    for (const address of ['10.1.2.4', '192.0.2.1', '2001:db8::7', '::1']) {
      assert.equal(reachesListener(address, 8080, listener, interfaces), false, address);
    }
  });

  test(':: means every local address of both families', () => {
    const listener = { host: '::', port: 8080 };
    for (const address of ['::1', '::', '127.0.0.5', '10.1.2.3', 'fe80::1', '2001:db8::7', '0.0.0.0']) {
      assert.equal(reachesListener(address, 8080, listener, interfaces), true, address);
    }
    for (const address of ['2001:db8::8', '192.0.2.1', '10.1.2.4']) {
      assert.equal(reachesListener(address, 8080, listener, interfaces), false, address);
    }
  });

  test('localhost is both loopback addresses; the unspecified address reaches any listener', () => {
    const listener = { host: 'localhost', port: 8080 };
    assert.equal(reachesListener('127.0.0.1', 8080, listener, interfaces), true);
    assert.equal(reachesListener('::1', 8080, listener, interfaces), true);
    assert.equal(reachesListener('127.0.0.2', 8080, listener, interfaces), false);
    assert.equal(reachesListener('0.0.0.0', 8080, { host: '10.1.2.3', port: 8080 }, interfaces), true);
    assert.equal(reachesListener('::', 8080, { host: '127.0.0.1', port: 8080 }, interfaces), true);
  });

  test('OwnListeners matches nothing until the server listens', () => {
    const own = new OwnListeners();
    assert.equal(own.reaches('127.0.0.1', 8080), false);
    own.add({ host: '127.0.0.1', port: 8080 });
    assert.equal(own.reaches('127.0.0.1', 8080), true);
    assert.equal(own.reaches('127.0.0.1', 8081), false);
    assert.notEqual(new OwnListeners().id, own.id);
  });
});

describe('Via', () => {
  test('what origins are sent', () => {
    assert.equal(viaValue('pixproxy'), '1.1 pixproxy');
  });

  test('our pseudonym is found in any hop, ignoring case and comments', () => {
    assert.equal(carriesVia('1.1 pixproxy', 'pixproxy'), true);
    assert.equal(carriesVia('1.0 fred, 1.1 PixProxy (pixproxy/0.1)', 'pixproxy'), true);
    assert.equal(carriesVia('HTTP/1.1 cdn.example,1.1   pixproxy  ', 'pixproxy'), true);
  });

  test('other names, and our name in the wrong place, are not ours', () => {
    assert.equal(carriesVia('', 'pixproxy'), false);
    assert.equal(carriesVia('1.1 pixproxy-elsewhere', 'pixproxy'), false);
    assert.equal(carriesVia('pixproxy', 'pixproxy'), false);
    assert.equal(carriesVia('1.1 varnish (pixproxy)', 'pixproxy'), false);
  });
});
