/**
 * The `pixproxy` command, run as a user would: `node dist/src/cli.js ...` in a child process.
 * Origins are on 127.0.0.1 only.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';
import { pipelineLimits } from '../../src/app.js';
import { configWith } from '../../src/config.js';
import { runPipeline } from '../../src/pipeline/index.js';
import { parsePlan } from '../../src/plan/parse.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';

const CLI = join(repoRoot, 'dist', 'src', 'cli.js');
const JPEG = fixturePath('Landscape_1.jpg');

/** The environment a child gets: ours without any pixproxy setting that could leak in. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(CONFIG_FILE|ALLOW_PRIVATE_ORIGINS|PORT|HOST|CACHE_DIR|LOG_FILE|LOG_LEVEL|WORKERS)$/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let dir = '';
let origin: OriginServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixproxy-cli-'));
  origin = await startOrigin();
});

after(async () => {
  await origin.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pixproxy process', () => {
  test('an animation is summarised by its frame size and count, not by the stacked strip', async () => {
    const out = join(dir, 'banana.webp');
    const result = await run(['process', fixturePath('dancing_banana2.lossless.webp'), 'n=-1&w=80', out]);
    assert.equal(result.code, 0, result.stderr);
    const size = (await stat(out)).size;
    assert.equal(result.stdout, `webp 80x85 8 frames ${size} bytes -> ${out}\n`);
  });

  test('resizes a JPEG to a 120 px wide WebP', async () => {
    const out = join(dir, 'small.webp');
    const result = await run(['process', JPEG, 'w=120&output=webp', out]);
    assert.equal(result.code, 0, result.stderr);
    const meta = await sharp(out).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 120);
    assert.equal(meta.height, 80);
    const size = (await stat(out)).size;
    assert.equal(result.stdout, `webp 120x80 ${size} bytes -> ${out}\n`);
    assert.equal(result.stderr, '');
  });

  test('writes exactly what the server\'s pipeline produces (same parser, same limits)', async () => {
    const query = 'w=200&h=200&fit=cover&a=attention&output=png';
    const out = join(dir, 'same.png');
    const result = await run(['process', JPEG, `?${query}`, out]);
    assert.equal(result.code, 0, result.stderr);
    const expected = await runPipeline(await readFile(JPEG), parsePlan(query), pipelineLimits(configWith({})));
    assert.ok((await readFile(out)).equals(expected.data), 'byte-identical output');
  });

  test('output=json writes the JSON text', async () => {
    const out = join(dir, 'info.json');
    const result = await run(['process', JPEG, 'w=120&output=json', out]);
    assert.equal(result.code, 0, result.stderr);
    const text = await readFile(out, 'utf8');
    const info = JSON.parse(text) as Record<string, unknown>;
    assert.equal(info.format, 'jpeg');
    assert.equal(info.width, 120);
    assert.equal(info.height, 80);
    assert.equal(result.stdout, `json 120x80 ${Buffer.byteLength(text)} bytes -> ${out}\n`);
  });

  test('output=blurhash writes the placeholder text', async () => {
    const out = join(dir, 'hash.txt');
    const result = await run(['process', JPEG, 'output=blurhash', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(await readFile(out, 'utf8'), /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);
    assert.match(result.stdout, /^blurhash \d+x\d+ \d+ bytes -> /);
  });

  test('bad query values are clamped or ignored as the server does', async () => {
    const plain = join(dir, 'plain.jpg');
    const bad = join(dir, 'bad.jpg');
    assert.equal((await run(['process', JPEG, 'w=120&output=jpg', plain])).code, 0);
    // q outside 1..100 falls back to the default 80; dpr outside 0..8 is ignored; blah is no parameter.
    const result = await run(['process', JPEG, 'w=120&q=500&dpr=20&blah=1&output=jpg', bad]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await readFile(bad)).equals(await readFile(plain)), 'same bytes as without the bad values');
    assert.equal((await sharp(bad).metadata()).width, 120);
  });

  test('- writes the image to standard output and the summary to standard error', async () => {
    const result = await run(['process', JPEG, 'w=50&output=json', '-']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as Record<string, unknown>).width, 50);
    assert.match(result.stderr, /^json 50x33 \d+ bytes -> -\n$/);
  });

  test('a missing input file: exit 1 and a message naming it', async () => {
    const missing = join(dir, 'does-not-exist.jpg');
    const result = await run(['process', missing, 'w=10', join(dir, 'never.jpg')]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `pixproxy: cannot read ${missing}: ENOENT: no such file or directory, open '${missing}'\n`);
    await assert.rejects(stat(join(dir, 'never.jpg')), { code: 'ENOENT' });
  });

  test('an input that is not an image: exit 1 with the service\'s JSON error', async () => {
    const text = join(dir, 'text.jpg');
    await writeFile(text, 'hello, not an image');
    const result = await run(['process', text, 'w=10', join(dir, 'never.jpg')]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '{"status":"error","code":404,"message":"Invalid or unsupported image format. Is it a valid image?"}\n');
  });

  test('wrong usage: exit 2 with the usage', async () => {
    const tooFew = await run(['process', JPEG, 'w=10']);
    assert.equal(tooFew.code, 2);
    assert.match(tooFew.stderr, /^pixproxy: process needs <input> "<query>" <output> \(got 2 arguments\)\n\nUsage: pixproxy process /);

    const unknownCommand = await run(['resize', JPEG]);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /^pixproxy: unknown command: resize\n\nUsage: pixproxy <command>/);

    const unknownOption = await run(['process', '--fast', JPEG, 'w=1', join(dir, 'x.jpg')]);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /Unknown option '--fast'/);

    const nothing = await run([]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /Usage: pixproxy <command>/);
  });

  test('a bad configuration is bad usage: exit 2 naming the setting', async () => {
    const result = await run(['process', JPEG, 'w=10', join(dir, 'x.jpg')], { MAX_PAGES: 'lots' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /MAX_PAGES="lots": must be a whole number/);
  });

  test('limits come from the configuration, file included', async () => {
    const config = join(dir, 'small-limits.yaml');
    await writeFile(config, 'MAX_INPUT_PIXELS: 1000\n');
    const result = await run(['process', '--config', config, JPEG, 'w=10', join(dir, 'x.jpg')]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '{"status":"error","code":404,"message":"Input image exceeds pixel limit. Width x height should be less than 1000"}\n');
  });

  test('a URL input is fetched from an allowed local origin', async () => {
    const path = '/fixtures/Landscape_1.jpg';
    const out = join(dir, 'fetched.webp');
    const result = await run(['process', `${origin.base}${path}`, 'w=120&output=webp', out], { ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32' });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(origin.hitsFor(path), 1);
    const meta = await sharp(out).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 120);
  });

  test('the same URL is refused without the allow-list, and the origin sees no request', async () => {
    const path = '/fixtures/Landscape_2.jpg';
    const result = await run(['process', `${origin.base}${path}`, 'w=120', join(dir, 'refused.jpg')]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '{"status":"error","code":400,"message":"IP address blocked by policy"}\n');
    assert.equal(origin.hitsFor(path), 0);
  });

  test('an origin error reads as the server would answer it', async () => {
    const result = await run(['process', `${origin.base}/status/500`, 'w=120', join(dir, 'x.jpg')], { ALLOW_PRIVATE_ORIGINS: '127.0.0.1/32' });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '{"status":"error","code":404,"message":"The requested URL returned error: 500"}\n');
  });
});

describe('pixproxy --help and --version', () => {
  test('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await run(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `pixproxy ${pkg.version}\n`);
  });

  test('--help for the tool and each command', async () => {
    const tool = await run(['--help']);
    assert.equal(tool.code, 0);
    assert.match(tool.stdout, /^Usage: pixproxy <command> \[options\]\n/);
    assert.match(tool.stdout, /serve \[--config <file>\]/);
    assert.match(tool.stdout, /process <input> "<query>" <output>/);
    const processHelp = await run(['process', '--help']);
    assert.equal(processHelp.code, 0);
    assert.match(processHelp.stdout, /^Usage: pixproxy process \[--config <file>\] <input> "<query>" <output>\n/);
    const serveHelp = await run(['serve', '-h']);
    assert.equal(serveHelp.code, 0);
    assert.match(serveHelp.stdout, /^Usage: pixproxy serve \[--config <file>\]\n/);
  });
});

/** Spawns `pixproxy serve` and resolves with the port from its `listening` log line. */
function serve(args: readonly string[], env: Record<string, string>): Promise<{ child: ChildProcess; port: number; exit: Promise<number | null>; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no listening line within 30 s; stderr: ${stderr}`));
    }, 30_000);
    exit.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve({ child, port: entry.port, exit, stderr: () => stderr });
      }
    });
  });
}

async function healthy(port: number): Promise<unknown> {
  // The pool may still be starting: /health answers 503 until it is ready.
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    const body: unknown = await response.json();
    if (response.status === 200) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail('/health never answered 200');
}

describe('pixproxy serve', () => {
  test('starts, answers /health, and exits 0 on SIGTERM', async () => {
    const cache = join(dir, 'serve-cache');
    const service = await serve([], { PORT: '0', HOST: '127.0.0.1', CACHE_DIR: cache, WORKERS: '1' });
    const body = await healthy(service.port);
    assert.equal((body as { status?: unknown }).status, 'ok');
    service.child.kill('SIGTERM');
    assert.equal(await service.exit, 0, service.stderr());
  });

  test('--config reads the settings file, and the environment overrides it', async () => {
    const config = join(dir, 'serve.yaml');
    await writeFile(config, `PORT: 1\nHOST: 127.0.0.1\nCACHE_DIR: ${JSON.stringify(join(dir, 'serve-cache-2'))}\nWORKERS: 1\n`);
    const service = await serve(['--config', config], { PORT: '0' });
    assert.notEqual(service.port, 1);
    await healthy(service.port);
    service.child.kill('SIGTERM');
    assert.equal(await service.exit, 0, service.stderr());
  });

  test('a bad settings file stops the start with exit 2, naming every problem', async () => {
    const config = join(dir, 'bad.json');
    await writeFile(config, JSON.stringify({ PORT: 'x', WOKERS: 2 }));
    const result = await run(['serve', '--config', config]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^pixproxy: invalid configuration:\n/);
    assert.match(result.stderr, /WOKERS \(in .*bad\.json\): unknown setting \(did you mean WORKERS\?\)/);
    assert.match(result.stderr, /PORT="x" \(in .*bad\.json\): must be a whole number from 0 to 65535/);
  });
});
