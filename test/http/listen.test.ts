/**
 * One port, one service: a second instance on a taken port must fail to start and say why, instead
 * of silently taking half the connections through SO_REUSEPORT (issue 10). Sharing the port is
 * possible, but only when every instance asks for it.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { startService, type TestService } from '../helpers/service.js';

const started: TestService[] = [];
after(async () => {
  await Promise.all(started.map((service) => service.close()));
});

/**
 * Starts a service on a fixed port, as in production (a free one unless given): Linux never lets a
 * second socket share a port the kernel picked for port 0, which would hide the problem.
 */
async function start(overrides: Parameters<typeof startService>[0]): Promise<TestService> {
  const service = await startService({ workers: 1, port: await freePort(), ...overrides });
  started.push(service);
  return service;
}

/** A loopback port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function healthy(service: TestService): Promise<void> {
  const health = await service.request('/health');
  assert.equal(health.status, 200);
}

describe('a second instance on the same port', () => {
  test('fails to start, naming the taken port and the setting that would share it', async () => {
    const first = await start({});
    await assert.rejects(start({ port: first.app.port }), (error: Error) => {
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${first.app.port}: the port is already in use`));
      assert.match(error.message, /LISTEN_REUSE_PORT=true/);
      return true;
    });
    // The first one is untouched and keeps every connection.
    for (let i = 0; i < 5; i++) await healthy(first);
  });

  test('npm start exits 1 with the message on stderr', async () => {
    const first = await start({});
    const cacheDir = await mkdtemp(join(tmpdir(), 'pixproxy-listen-'));
    try {
      const child = spawn(process.execPath, [join(repoRoot, 'dist/src/main.js')], {
        env: { ...process.env, HOST: '127.0.0.1', PORT: String(first.app.port), CACHE_DIR: cacheDir, WORKERS: '1', LOG_LEVEL: 'silent', JEMALLOC: 'off' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearTimeout(timer);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /pixproxy: failed to start: .*the port is already in use/);
      await healthy(first);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  test('LISTEN_REUSE_PORT=true on both shares the port on purpose', async () => {
    const first = await start({ listenReusePort: true });
    const second = await start({ listenReusePort: true, port: first.app.port });
    assert.equal(second.app.port, first.app.port);
    await healthy(first);
  });

  test('one instance asking to share does not get into a port taken exclusively', async () => {
    const first = await start({});
    await assert.rejects(start({ listenReusePort: true, port: first.app.port }), /does not share it/);
  });
});
