/** Issue 13's settings: each value parsed, each bad value named, and the ones that need each other. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config.js';
import { PER_VARIANT, ServedUrls } from '../../src/cdn/served-urls.js';
import { explicitQuery } from '../../src/http/auto-redirect.js';

const cloudflare = {
  PUBLIC_URL: 'https://img.example.com/',
  CLOUDFLARE_ZONE_ID: '023e105f4ecef8ad9ca31a8372d0c353',
  CLOUDFLARE_API_TOKEN: 'token-0123456789abcdef',
  PURGE_TOKEN: 'purge-0123456789abcdef',
};

test('defaults keep the spec and today\'s behaviour', () => {
  const config = loadConfig({});
  assert.equal(config.sMaxAgeS, undefined);
  assert.equal(config.staleWhileRevalidateS, undefined);
  assert.equal(config.staleIfErrorS, undefined);
  assert.equal(config.cacheImmutable, false);
  assert.equal(config.cdnMaxAgeS, undefined);
  assert.equal(config.instanceName, undefined);
  assert.equal(config.adminHost, '127.0.0.1');
  assert.equal(config.adminPort, undefined);
  assert.equal(config.outputAuto, 'vary');
  assert.equal(config.cloudflareApiBase, 'https://api.cloudflare.com/client/v4');
  assert.deepEqual(config.purgeHttpCaches, []);
  assert.equal(config.purgeUrlsRemembered, 100_000);
  assert.equal(config.drainDelayS, 0);
});

test('values are parsed', () => {
  const config = loadConfig({
    ...cloudflare,
    CACHE_S_MAXAGE_S: '86400',
    CACHE_IMMUTABLE: 'true',
    INSTANCE_NAME: 'box-1',
    ADMIN_PORT: '9090',
    OUTPUT_AUTO: 'redirect',
    PURGE_HTTP_CACHES: 'http://127.0.0.1:6081, http://10.0.0.2:6081/',
    DRAIN_DELAY_S: '2',
  });
  assert.equal(config.sMaxAgeS, 86400);
  assert.equal(config.cacheImmutable, true);
  assert.equal(config.instanceName, 'box-1');
  assert.equal(config.adminPort, 9090);
  assert.equal(config.outputAuto, 'redirect');
  assert.equal(config.publicUrl, 'https://img.example.com', 'no trailing slash');
  assert.deepEqual(config.purgeHttpCaches, ['http://127.0.0.1:6081', 'http://10.0.0.2:6081']);
  assert.equal(config.drainDelayS, 2);
});

test('bad values and missing companions are all named', () => {
  assert.throws(
    () =>
      loadConfig({
        CACHE_S_MAXAGE_S: '-1',
        INSTANCE_NAME: 'two words',
        ADMIN_PORT: 'x',
        OUTPUT_AUTO: 'sometimes',
        PUBLIC_URL: 'ftp://x',
        CLOUDFLARE_ZONE_ID: 'not-hex',
        PURGE_HTTP_CACHES: 'http://ok:1,nope',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of ['CACHE_S_MAXAGE_S', 'INSTANCE_NAME', 'ADMIN_PORT', 'OUTPUT_AUTO', 'PUBLIC_URL', 'CLOUDFLARE_ZONE_ID', 'PURGE_HTTP_CACHES']) {
        assert.ok(error.problems.some((problem) => problem.startsWith(name)), name);
      }
      return true;
    },
  );
  assert.throws(() => loadConfig({ ...cloudflare, CLOUDFLARE_API_TOKEN: '' , CLOUDFLARE_ZONE_ID: cloudflare.CLOUDFLARE_ZONE_ID }), /set both or neither/);
  assert.throws(() => loadConfig({ ...cloudflare, PUBLIC_URL: '' }), /PUBLIC_URL: required/);
  assert.throws(() => loadConfig({ ...cloudflare, PURGE_TOKEN: '' }), /PURGE_TOKEN: required/);
});

test('remembered URLs are bounded overall and per variant', () => {
  const spelled = new ServedUrls(1000);
  for (let i = 0; i < 50; i++) spelled.record('a', 'v1', `/?url=a&w=1&x=${i}`);
  spelled.record('a', 'v2', '/?url=a&w=2');
  assert.equal(spelled.takeVariants('a', ['v1']).length, PER_VARIANT, 'one variant spelled 50 ways keeps 32');
  assert.deepEqual(spelled.takeSource('a'), ['/?url=a&w=2'], 'the other variant is still there');
  const urls = new ServedUrls(10);
  for (let i = 0; i < 20; i++) urls.record(`s${i}`, 'v', `/?url=s${i}`);
  assert.ok(urls.size <= 10);
  assert.deepEqual(urls.takeSource('s19'), ['/?url=s19'], 'the most recent are kept');
  assert.deepEqual(urls.takeSource('s0'), [], 'the oldest were forgotten');
});

test('the explicit query keeps everything but output=auto, and re-signs', () => {
  assert.equal(explicitQuery('url=a&output=auto&w=3', 'webp', undefined), 'url=a&output=webp&w=3');
  assert.equal(explicitQuery('output=auto&url=a', undefined, undefined), 'url=a');
  assert.match(explicitQuery('url=a&output=auto&s=old', 'avif', 'key-0123456789abcdef'), /^url=a&output=avif&s=[A-Za-z0-9_-]{43}$/);
});
