/**
 * Builds the running service from a configuration: worker pool, cache, origin fetcher, HTTP server.
 * main.ts uses it for the real process; tests use it to run the whole service in-process.
 */
import type { Config } from './config.js';
import { BodyMemory } from './buffers.js';
import { ImageCache } from './cache/image-cache.js';
import { InFlight, startServer, type Front, type RequestFacts, type RunningServer, type ServedRequest, type ServerDeps } from './http/server.js';
import { CdnPurger } from './cdn/purger.js';
import { ServedUrls } from './cdn/served-urls.js';
import { RequestResolver } from './http/resolve-request.js';
import { CachePolicy } from './http/cache-policy.js';
import { createStaticSite } from './playground/index.js';
import { Observer } from './http/observe.js';
import { Metrics } from './metrics.js';
import { createRateLimiter } from './ratelimit/create.js';
import { loadUws } from './http/uws.js';
import { onBun } from './runtime.js';
import { bunBuild } from './http/bun-front.js';
import type { AccessLog, Logger } from './log.js';
import { fetchOrigin, originHostKey, originOptionsFrom } from './origin/fetch.js';
import { closeOriginAgents } from './origin/guarded-agent.js';
import { OwnListeners } from './origin/self-address.js';
import type { PipelineLimits } from './pipeline/types.js';
import { Gate, KeyedGate } from './concurrency/gate.js';
import { ImageService } from './service/image-service.js';
import { ImageWorkerPool } from './workers/pool.js';
// sharp must be loaded by the main thread before worker threads load it, so glibc keeps libvips
// mapped until every worker is done (sharp's documented worker-thread rule). It decodes nothing here.
import 'sharp';

export interface App {
  readonly port: number;
  /** The admin listener's port, with ADMIN_PORT. */
  readonly adminPort: number | undefined;
  readonly pool: ImageWorkerPool;
  readonly images: ImageService;
  readonly cache: ImageCache | undefined;
  /**
   * Graceful stop: no new connections, in-flight requests get up to `timeoutMs` to finish, then
   * everything is closed (pool, cache writes, origin connections). Resolves true if nothing was cut.
   */
  shutdown(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function pipelineLimits(config: Config): PipelineLimits {
  return {
    maxInputPixels: config.maxInputPixels,
    maxOutputPixels: config.maxOutputPixels,
    maxPages: config.maxPages,
    timeoutSeconds: config.processTimeoutS,
    enabledOutputs: ['jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'json', 'jxl'],
  };
}

/** The caches in front that purges are passed on to, when any is configured. */
function frontCaches(config: Config, log: Logger, metrics: Metrics): { urls: ServedUrls; purger: CdnPurger } | undefined {
  const cloudflare =
    config.cloudflareZoneId !== undefined && config.cloudflareApiToken !== undefined
      ? { apiBase: config.cloudflareApiBase, zoneId: config.cloudflareZoneId, token: config.cloudflareApiToken }
      : undefined;
  if (config.publicUrl === undefined || (!cloudflare && config.purgeHttpCaches.length === 0)) return undefined;
  return {
    urls: new ServedUrls(config.purgeUrlsRemembered),
    purger: new CdnPurger({ publicUrl: config.publicUrl, cloudflare, httpCaches: config.purgeHttpCaches, log, metrics }),
  };
}

export interface AppOptions {
  /** The access log (one line per request); none when undefined. */
  readonly access?: AccessLog;
}

/** The HTTP front end for this runtime: Bun.serve on Bun, the best uWebSockets.js build on Node. */
function chooseFront(config: Config, log: Logger): { front: Front; build: string } {
  if (onBun) {
    const build = bunBuild();
    log.info({ front: build }, 'HTTP front end: Bun.serve');
    // Bun answers HTTP/1.0 itself; the relay exists for uWS only.
    if (config.http10Bridge) log.warn('HTTP10_BRIDGE is ignored on Bun: Bun.serve answers HTTP/1.0 itself');
    return { front: { kind: 'bun' }, build };
  }
  const loaded = loadUws({ allowJsFallback: config.uwsAllowJsFallback, maxHeadBytes: config.maxUrlBytes + config.maxHeaderBytes });
  if (loaded.native) {
    log.info({ uws: loaded.build, skipped: loaded.failures }, 'uWebSockets.js loaded');
  } else {
    log.warn({ uws: loaded.build, skipped: loaded.failures }, 'uWebSockets.js: running the slow JS shim');
  }
  return { front: { kind: 'uws', uws: loaded.uws }, build: loaded.build };
}

export async function startApp(config: Config, log: Logger, options: AppOptions = {}): Promise<App> {
  const loaded = chooseFront(config, log);

  // Bodies' memory goes to a worker and comes back for the next download (see BodyMemory): a few
  // buffers per worker's worth, never more than 32 MiB idle, none for bodies over 16 MiB.
  const bodyMemory = new BodyMemory({ buffers: config.workers + 2, bytes: 32 * 1024 * 1024, largest: 16 * 1024 * 1024 });
  const pool = new ImageWorkerPool({
    workers: config.workers,
    memory: bodyMemory,
    limits: pipelineLimits(config),
    maxQueue: config.maxQueue,
    settings: { nice: config.workerNice, ...(config.sharpConcurrency === undefined ? {} : { sharpConcurrency: config.sharpConcurrency }) },
  });
  let ready = false;
  pool.ready.then(
    () => {
      ready = true;
      log.info({ workers: config.workers }, 'worker pool ready');
    },
    (error: unknown) => log.error({ err: error }, 'worker pool failed to start'),
  );

  // Filled in once the server listens: fetches to our own address are loops and are refused.
  const self = new OwnListeners();
  const originOptions = originOptionsFrom(config, self, bodyMemory);
  const cache = config.cacheEnabled
    ? new ImageCache({
        dir: config.cacheDir,
        maxBytes: config.cacheMaxBytes,
        memoryBytes: config.cacheMemoryBytes,
        ttlMs: config.cacheTtlS * 1000,
        log,
      })
    : undefined;
  const metrics = new Metrics({ queueDepth: () => pool.queueSize });
  const limiter = createRateLimiter(config, log);
  const images = new ImageService({
    cache,
    timings: metrics,
    process: (input, plan, signal) => pool.process(input, plan, signal),
    fetchOrigin: (url, signal) => fetchOrigin(url, originOptions, signal),
    fetchGate: new Gate(config.fetchConcurrency, config.fetchConcurrency * 4),
    hostGate: {
      gate: new KeyedGate(config.fetchConcurrencyPerHost, config.fetchConcurrencyPerHost * 4),
      hostOf: originHostKey,
    },
  });

  const front = frontCaches(config, log, metrics);
  const inFlight = new InFlight();
  let draining = false;
  let server: RunningServer;
  let admin: RunningServer | undefined;
  try {
    const deps: ServerDeps = {
      http: loaded.front,
      images,
      log,
      ready: () => ready,
      build: loaded.build,
      cache,
      purgeToken: config.purgeToken,
      resolver: new RequestResolver(config.signingKey),
      inFlight,
      site: createStaticSite({ sampleUrl: config.playgroundSampleUrl }),
      metrics,
      observer: new Observer(metrics, options.access),
      limiter,
      trustProxy: config.trustProxy,
      metricsToken: config.metricsToken,
      headLimits: { maxUrlBytes: config.maxUrlBytes, maxHeaderBytes: config.maxHeaderBytes },
      viaPseudonym: config.viaPseudonym,
      ...(front
        ? {
            front,
            served: (request: ServedRequest, facts: RequestFacts) =>
              front.urls.record(request.delivery.url, request.key, facts.query === '' ? facts.path : `${facts.path}?${facts.query}`),
          }
        : {}),
      success: {
        policy: new CachePolicy({
          sMaxAgeS: config.sMaxAgeS,
          staleWhileRevalidateS: config.staleWhileRevalidateS,
          staleIfErrorS: config.staleIfErrorS,
          immutable: config.cacheImmutable,
          cdnMaxAgeS: config.cdnMaxAgeS,
        }),
        servedBy: config.instanceName,
      },
      draining: () => draining,
      outputAuto: config.outputAuto,
      signingKey: config.signingKey,
    };
    server = await startServer(deps, config.host, config.port, {
      reusePort: config.listenReusePort,
      role: config.adminPort === undefined ? 'all' : 'public',
      http10Bridge: config.http10Bridge && !onBun,
    });
    if (config.adminPort !== undefined) {
      try {
        admin = await startServer(deps, config.adminHost, config.adminPort, { reusePort: config.listenReusePort, role: 'admin' });
      } catch (error) {
        server.close();
        throw error;
      }
      log.info({ host: config.adminHost, port: admin.port }, 'admin listener (/metrics, /health, purge)');
    }
  } catch (error) {
    await pool.close();
    throw error;
  }
  self.add({ host: config.host, port: server.port });
  log.info({ host: config.host, port: server.port, cacheDir: config.cacheEnabled ? config.cacheDir : null }, 'listening');
  if (config.signingKey !== undefined && config.metricsToken === undefined) {
    // Signing protects the image API only; say so where the operator looks.
    log.warn('SIGNING_KEY is set but /metrics is public: set METRICS_TOKEN to require a bearer token');
  }

  const close = async (): Promise<void> => {
    server.close();
    admin?.close();
    await Promise.all([pool.close(), closeOriginAgents(), limiter?.close()]);
    // After the pool: jobs that were still running may have finished into the cache meanwhile.
    await cache?.close();
  };
  return {
    port: server.port,
    adminPort: admin?.port,
    pool,
    images,
    cache,
    close,
    async shutdown(timeoutMs) {
      // /health says 503 first while requests are still served, so a balancer that polls it moves
      // traffic before the port closes; one that does not sees connections refused and retries
      // elsewhere. Requests already in flight finish either way.
      draining = true;
      if (config.drainDelayS > 0) {
        log.info({ seconds: config.drainDelayS }, 'draining: /health answers 503 before the port closes');
        await new Promise((resolve) => setTimeout(resolve, config.drainDelayS * 1000));
      }
      server.stopListening();
      const deadline = Date.now() + timeoutMs;
      while (server.inFlight() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      const finished = server.inFlight() === 0;
      if (!finished) log.warn({ inFlight: server.inFlight() }, 'shutdown deadline reached with requests in flight');
      await close();
      return finished;
    },
  };
}
