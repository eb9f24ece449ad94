/** Runs the whole service in-process on a loopback port with a throw-away cache directory. */
import { after, before } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App, type AppOptions } from '../../src/app.js';
import { configWith, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startOrigin, type OriginServer } from './origin-server.js';

export interface TestService {
  readonly app: App;
  readonly base: string;
  readonly cacheDir: string;
  /** GET (or another method) a path on the service; the body is read fully. */
  request(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Buffer }>;
  close(): Promise<void>;
}

export async function startService(overrides: Partial<Config> = {}, options: AppOptions = {}): Promise<TestService> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'pixproxy-test-'));
  const config = configWith({
    host: '127.0.0.1',
    port: 0,
    cacheDir,
    workers: 2,
    allowPrivateOrigins: [{ address: '127.0.0.1', prefix: 32, family: 4 }],
    logLevel: 'silent',
    ...overrides,
  });
  const app = await startApp(config, createLogger(config.logLevel), options);
  await app.pool.ready;
  const base = `http://127.0.0.1:${app.port}`;
  return {
    app,
    base,
    cacheDir,
    async request(path, init) {
      const response = await fetch(base + path, { redirect: 'manual', ...init });
      return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
    },
    async close() {
      await app.close();
      await rm(cacheDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

/** Encodes a source URL the way a careful page would put it in `url=`. */
export function u(url: string): string {
  return encodeURIComponent(url);
}

/** The service and a local origin, started before a file's (or suite's) tests and closed after them. */
export interface ServiceWithOrigin {
  readonly origin: OriginServer;
  readonly service: TestService;
}

/**
 * Registers the before/after hooks that start the local origin and the service with `overrides`
 * and close both; the returned object holds them once the hooks have run.
 */
export function serviceWithOrigin(overrides: Partial<Config> = {}): ServiceWithOrigin {
  let started: ServiceWithOrigin | undefined;
  before(async () => {
    const origin = await startOrigin();
    started = { origin, service: await startService(overrides) };
  });
  after(async () => {
    await started?.service.close();
    await started?.origin.close();
  });
  const get = (): ServiceWithOrigin => {
    if (!started) throw new Error('serviceWithOrigin: used before its before() hook ran');
    return started;
  };
  return {
    get origin() {
      return get().origin;
    },
    get service() {
      return get().service;
    },
  };
}
