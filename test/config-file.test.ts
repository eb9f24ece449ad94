import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, settings } from '../src/config.js';
import { configFileSchema, fileSettingNames, loadConfiguration, readConfigFile } from '../src/config-file.js';

let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixproxy-config-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, not ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('config file', () => {
  test('the schema is generated from the settings table (every setting but CONFIG_FILE)', () => {
    const expected = settings.map((setting) => setting.env).filter((name) => name !== 'CONFIG_FILE');
    assert.deepEqual(fileSettingNames, expected);
    assert.deepEqual(Object.keys(configFileSchema.properties as object), expected);
    assert.equal(configFileSchema.additionalProperties, false);
  });

  test('a JSON file sets values, numbers and booleans through the same parsers', async () => {
    const path = await file('a.json', JSON.stringify({ PORT: 9001, CACHE_ENABLED: false, CACHE_DIR: '/var/cache/pp', ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32' }));
    const config = loadConfiguration({ CONFIG_FILE: path });
    assert.equal(config.port, 9001);
    assert.equal(config.cacheEnabled, false);
    assert.equal(config.cacheDir, '/var/cache/pp');
    assert.deepEqual(config.allowPrivateOrigins, [{ address: '127.0.0.1', prefix: 32, family: 4 }]);
    assert.equal(config.configFile, path);
    // Untouched settings keep their defaults.
    assert.equal(config.maxRedirects, 10);
  });

  test('a YAML file sets values (yes/no booleans, quoted and bare strings)', async () => {
    const path = await file('b.yaml', 'PORT: 9002\nCACHE_ENABLED: no\nLOG_LEVEL: warn\nORIGIN_USER_AGENT: "pixproxy-test/1"\nLOG_RETENTION_DAYS: 3\n');
    const config = loadConfiguration({ CONFIG_FILE: path });
    assert.equal(config.port, 9002);
    assert.equal(config.cacheEnabled, false);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.userAgent, 'pixproxy-test/1');
    assert.equal(config.logRetentionDays, 3);
  });

  test('an empty YAML file is no settings', async () => {
    const path = await file('empty.yml', '');
    assert.equal(loadConfiguration({ CONFIG_FILE: path }).port, 8080);
  });

  test('the environment overrides the file, and the file overrides the defaults', async () => {
    const path = await file('c.yaml', 'PORT: 9003\nMAX_PAGES: 12\n');
    const config = loadConfiguration({ CONFIG_FILE: path, PORT: '9100' });
    assert.equal(config.port, 9100);
    assert.equal(config.maxPages, 12);
    // An empty environment value counts as unset, as it does without a file.
    assert.equal(loadConfiguration({ CONFIG_FILE: path, PORT: '' }).port, 9003);
  });

  test('an unknown key is refused, with the closest setting suggested', async () => {
    const path = await file('d.json', JSON.stringify({ PROT: 80 }));
    assert.deepEqual(problemsOf(() => loadConfiguration({ CONFIG_FILE: path })), [`PROT (in ${path}): unknown setting (did you mean PORT?)`]);
  });

  test('a bad value is refused with the parser\'s own words and the file named', async () => {
    const path = await file('e.yaml', 'WORKERS: 0\n');
    assert.deepEqual(problemsOf(() => loadConfiguration({ CONFIG_FILE: path })), [`WORKERS="0" (in ${path}): must be from 1 to 256`]);
  });

  test('every problem of the file and the environment is named at once', async () => {
    const path = await file(
      'f.yaml',
      ['PORT: eighty', 'CACHE_ENABLED: maybe', 'COLOUR: blue', 'MAX_PAGES: [1, 2]', 'HOST: null', 'LOG_LEVEL: loud', 'CONFIG_FILE: other.yaml'].join('\n'),
    );
    const problems = problemsOf(() => loadConfiguration({ CONFIG_FILE: path, WORKERS: 'many' }));
    assert.deepEqual(
      [...problems].sort(),
      [
        `COLOUR (in ${path}): unknown setting`,
        `CONFIG_FILE (in ${path}): unknown setting`,
        `HOST (in ${path}): must be a string, a number or true/false, not null`,
        `MAX_PAGES (in ${path}): must be a string, a number or true/false, not a list`,
        `PORT="eighty" (in ${path}): must be a whole number from 0 to 65535`,
        `CACHE_ENABLED="maybe" (in ${path}): must be true or false`,
        `LOG_LEVEL="loud" (in ${path}): must be one of fatal, error, warn, info, debug, trace, silent`,
        'WORKERS="many": must be a whole number from 1 to 256',
      ].sort(),
    );
  });

  test('a bad file value is reported even when the environment overrides it', async () => {
    const path = await file('g.json', JSON.stringify({ PORT: -1 }));
    assert.deepEqual(problemsOf(() => loadConfiguration({ CONFIG_FILE: path, PORT: '9000' })), [
      `PORT="-1" (in ${path}): must be a whole number from 0 to 65535`,
    ]);
  });

  test('a fractional number is not a whole number', async () => {
    const path = await file('h.json', JSON.stringify({ MAX_REDIRECTS: 2.5 }));
    assert.deepEqual(problemsOf(() => loadConfiguration({ CONFIG_FILE: path })), [
      `MAX_REDIRECTS="2.5" (in ${path}): must be a whole number from 0 to 50`,
    ]);
  });

  test('a missing file, a syntax error and a top-level list are refused', async () => {
    const missing = join(dir, 'nope.yaml');
    const [notRead] = problemsOf(() => loadConfiguration({ CONFIG_FILE: missing }));
    assert.match(notRead ?? '', /^CONFIG_FILE=".*nope\.yaml": cannot be read: ENOENT/);

    const broken = await file('broken.json', '{"PORT": 80,');
    const [syntax] = problemsOf(() => loadConfiguration({ CONFIG_FILE: broken }));
    assert.match(syntax ?? '', /^CONFIG_FILE=".*broken\.json": cannot be read: /);

    const duplicated = await file('dup.yaml', 'PORT: 1\nPORT: 2\n');
    const [duplicate] = problemsOf(() => loadConfiguration({ CONFIG_FILE: duplicated }));
    assert.match(duplicate ?? '', /cannot be read: .*unique/i);

    const list = await file('list.yaml', '- PORT\n- 80\n');
    assert.deepEqual(problemsOf(() => loadConfiguration({ CONFIG_FILE: list })), [`${list}: must be a mapping of setting names to values`]);
  });

  test('readConfigFile turns scalars into the strings the environment would hold', async () => {
    const path = await file('i.yaml', 'PORT: 8081\nCACHE_ENABLED: true\nHOST: 127.0.0.1\n');
    const { file: values, problems } = readConfigFile(path);
    assert.deepEqual(problems, []);
    assert.deepEqual(values.values, { PORT: '8081', CACHE_ENABLED: 'true', HOST: '127.0.0.1' });
  });

  test('without CONFIG_FILE only the environment counts', () => {
    const config = loadConfiguration({ PORT: '9004' });
    assert.equal(config.port, 9004);
    assert.equal(config.configFile, undefined);
  });
});
