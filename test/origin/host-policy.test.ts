import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostAllowed } from '../../src/origin/host-policy.js';

describe('origin host policy', () => {
  test('empty lists allow every host', () => {
    assert.equal(isHostAllowed('example.com', [], []), true);
    assert.equal(isHostAllowed('203.0.113.9', [], []), true);
  });

  test('exact names: case, trailing dot, port and userinfo do not matter', () => {
    const allow = ['img.example.com'];
    for (const host of ['img.example.com', 'IMG.Example.COM', 'img.example.com.', 'img.example.com:8080', 'user:pw@img.example.com:443']) {
      assert.equal(isHostAllowed(host, allow, []), true, host);
    }
    for (const host of ['example.com', 'a.img.example.com', 'img.example.com.evil.net', 'img-example.com', 'evilimg.example.com']) {
      assert.equal(isHostAllowed(host, allow, []), false, host);
    }
  });

  test('*.domain matches subdomains at any depth, not the apex nor look-alikes', () => {
    const allow = ['*.example.com'];
    assert.equal(isHostAllowed('a.example.com', allow, []), true);
    assert.equal(isHostAllowed('a.b.c.example.com:81', allow, []), true);
    assert.equal(isHostAllowed('A.EXAMPLE.COM.', allow, []), true);
    assert.equal(isHostAllowed('example.com', allow, []), false);
    assert.equal(isHostAllowed('badexample.com', allow, []), false);
    assert.equal(isHostAllowed('example.com.evil.net', allow, []), false);
    assert.equal(isHostAllowed('.example.com', allow, []), false);
  });

  test('deny wins over allow', () => {
    const allow = ['*.example.com'];
    const deny = ['private.example.com', '*.internal.example.com'];
    assert.equal(isHostAllowed('cdn.example.com', allow, deny), true);
    assert.equal(isHostAllowed('private.example.com', allow, deny), false);
    assert.equal(isHostAllowed('Private.Example.Com.:443', allow, deny), false);
    assert.equal(isHostAllowed('x.y.internal.example.com', allow, deny), false);
    assert.equal(isHostAllowed('internal.example.com', allow, deny), true, 'the wildcard does not cover its apex');
    assert.equal(isHostAllowed('other.net', [], ['*.example.com']), true);
    assert.equal(isHostAllowed('a.example.com', [], ['*.example.com']), false);
  });

  test('IP literals match only the same address, in any spelling', () => {
    const deny = ['203.0.113.9', '2001:db8::1'];
    for (const host of ['203.0.113.9', '203.0.113.9:8080', '3405803785', '0xcb.0.113.9', '0313.0.0161.011', '203.0.28937', '[2001:db8::1]', '[2001:DB8:0:0::1]:443', '[::ffff:203.0.113.9]']) {
      assert.equal(isHostAllowed(host, [], deny), false, host);
    }
    assert.equal(isHostAllowed('203.0.113.10', [], deny), true);
    // Wildcards never match addresses; names never match addresses.
    assert.equal(isHostAllowed('203.0.113.9', ['*.0.113.9'], []), false);
    assert.equal(isHostAllowed('203.0.113.9', ['203.0.113.9'], []), true);
    assert.equal(isHostAllowed('[2001:db8::1]', ['2001:db8::1'], []), true);
  });

  test('an empty host is never allowed', () => {
    assert.equal(isHostAllowed('', [], []), false);
    assert.equal(isHostAllowed('.', [], []), false);
  });
});
