import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { ConfigError, defaultTextOf, loadConfig, settings } from '../src/config.js';
import { repoRoot } from './helpers/paths.js';

test('defaults when the environment is empty', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.host, '0.0.0.0');
  assert.ok(config.cacheDir.endsWith('/cache'));
  assert.equal(config.cacheEnabled, true);
  assert.equal(config.workers, availableParallelism() + 1);
  assert.deepEqual(config.allowPrivateOrigins, []);
  assert.equal(config.maxDownloadBytes, 104857600);
  assert.ok(Object.isFrozen(config));
});

test('values are parsed and validated', () => {
  const config = loadConfig({
    PORT: '9000',
    CACHE_ENABLED: 'false',
    WORKERS: '3',
    ALLOW_PRIVATE_ORIGINS: '127.0.0.0/8, ::1/128,10.1.2.3',
  });
  assert.equal(config.port, 9000);
  assert.equal(config.cacheEnabled, false);
  assert.equal(config.workers, 3);
  assert.deepEqual(config.allowPrivateOrigins, [
    { address: '127.0.0.0', prefix: 8, family: 4 },
    { address: '::1', prefix: 128, family: 6 },
    { address: '10.1.2.3', prefix: 32, family: 4 },
  ]);
  assert.equal(loadConfig({ ALLOW_PRIVATE_ORIGINS: 'true' }).allowPrivateOrigins, true);
});

test('every bad value is named at once', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', WORKERS: '0', CACHE_ENABLED: 'maybe', ALLOW_PRIVATE_ORIGINS: '10.0.0.0/33' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 4);
      for (const name of ['PORT', 'WORKERS', 'CACHE_ENABLED', 'ALLOW_PRIVATE_ORIGINS']) {
        assert.ok(error.problems.some((p) => p.startsWith(`${name}=`)), `${name} is named`);
      }
      return true;
    },
  );
});

test('the README documents every setting with its default', async () => {
  const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
  for (const setting of settings) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${setting.env}\``));
    assert.ok(row, `README has a row for ${setting.env}`);
    assert.ok(row.includes(defaultTextOf(setting)), `README row of ${setting.env} shows its default ${defaultTextOf(setting)}`);
  }
});
