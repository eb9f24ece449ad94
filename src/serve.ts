/**
 * Running the service as a process, shared by `npm start` (main.ts) and `pixproxy serve` (cli.ts):
 * read the configuration once (CONFIG_FILE, then the environment), open the loggers, start the app,
 * and on SIGTERM/SIGINT stop gracefully and exit.
 *
 * Exit codes: 2 for a configuration that does not validate, 1 for a start or shutdown that failed,
 * 0 after a clean stop.
 */
import type { App } from './app.js';
import type { Config } from './config.js';
import type { Loggers } from './log.js';

export interface RunningService {
  readonly config: Config;
  readonly app: App;
  readonly loggers: Loggers;
  /**
   * Graceful stop: in-flight requests get SHUTDOWN_TIMEOUT_S to finish, then everything is closed
   * and the logs are flushed. Resolves true if no request was cut off.
   */
  stop(): Promise<boolean>;
}

/** Starts the service from a validated configuration (no signal handlers: the caller decides). */
export async function startService(config: Config): Promise<RunningService> {
  const [{ createLoggers }, { startApp }] = await Promise.all([import('./log.js'), import('./app.js')]);
  const loggers = await createLoggers(config);
  let app: App;
  try {
    app = await startApp(config, loggers.log, { access: loggers.access });
  } catch (error) {
    loggers.log.fatal({ err: error }, 'failed to start');
    await loggers.close();
    throw error;
  }
  return {
    config,
    app,
    loggers,
    async stop() {
      try {
        return await app.shutdown(config.shutdownTimeoutS * 1000);
      } finally {
        await loggers.close();
      }
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * The whole life of a service process: configuration, start, signals, exit. Never rejects; it ends
 * the process itself on failure.
 *
 * The signal handlers come first and the heavy modules (sharp, uWS, the pool) are loaded after
 * them, so a SIGTERM that arrives while the service is still starting stops it cleanly once it is
 * up instead of killing it half-started.
 */
export async function runService(env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  let service: RunningService | undefined;
  let stopping = false;
  const stop = (current: RunningService, signal: NodeJS.Signals): void => {
    current.loggers.log.info({ signal }, 'shutting down');
    current.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`pixproxy: shutdown failed: ${describe(error)}\n`);
        process.exit(1);
      },
    );
  };
  let pending: NodeJS.Signals | undefined;
  // `once`: a second signal during the graceful stop gets the default action, which ends the process now.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (service) stop(service, signal);
    else pending = signal;
  };
  const { REEXEC_MARKER, planAllocator, probeSelf, reexec } = await import('./allocator.js');
  if (process.channel !== undefined && env[REEXEC_MARKER] !== undefined) {
    // Restarted as the child of a supervisor (allocator.ts, on Node without execve): the supervisor
    // passes signals on and escalates a second one itself, so a signal that reaches us twice (from
    // the supervisor and, say, systemd) is one request. When the supervisor dies, stop too.
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.channel.unref();
    process.once('disconnect', () => onSignal('SIGTERM'));
  } else {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }

  const [{ loadConfiguration }, { ConfigError }] = await Promise.all([import('./config-file.js'), import('./config.js')]);
  let config: Config;
  try {
    config = loadConfiguration(env);
  } catch (error) {
    process.stderr.write(`pixproxy: ${error instanceof ConfigError ? error.message : describe(error)}\n`);
    process.exit(2);
  }
  // Before anything heavy loads: the restart costs a few milliseconds now.
  const allocator = planAllocator(config.jemalloc, probeSelf(env));
  if (allocator.action === 'reexec' && !stopping) await reexec(allocator.env);
  try {
    service = await startService(config);
  } catch (error) {
    process.stderr.write(`pixproxy: failed to start: ${describe(error)}\n`);
    process.exit(1);
  }
  const { log } = service.loggers;
  if (allocator.action === 'loaded') log.info({ jemalloc: allocator.library }, 'allocator: jemalloc');
  else if (allocator.action === 'warn') log.warn(allocator.message);
  else if (allocator.action === 'none' && allocator.note !== undefined) log.info(allocator.note);
  if (pending !== undefined) stop(service, pending);
}
