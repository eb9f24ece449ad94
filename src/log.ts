/**
 * The process loggers: structured JSON lines (pino), so an operator's log pipeline can parse them.
 * `log` is for what the service does (modules take a child with their own `module` binding); `access`
 * gets one line per request. Client IP addresses are personal data: they belong in access lines
 * only, and `log` drops the usual IP fields should one slip into it.
 *
 * Both go to stdout, or with LOG_FILE to that file, rotated daily by pino-roll; files older than
 * LOG_RETENTION_DAYS days are deleted at start and at every roll.
 */
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pino, type DestinationStream, type Logger, type LevelWithSilent, type LoggerOptions } from 'pino';
import pinoRoll, { type PinoRollOptions, type RollingFileStream } from 'pino-roll';
import type { Config } from './config.js';

export type { Logger };

const base = { service: 'pixproxy' };

/** IP fields `log` never writes (access lines are where client addresses go). */
const IP_FIELDS = ['ip', 'clientIp', 'remoteAddress', 'remoteIp', '*.ip', '*.clientIp', '*.remoteAddress', '*.remoteIp'];

function appOptions(level: LevelWithSilent): LoggerOptions {
  return { level, base, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: IP_FIELDS, remove: true } };
}

/** The application logger alone, on stdout (tests, tools). */
export function createLogger(level: LevelWithSilent): Logger {
  return pino(appOptions(level));
}

/**
 * One access line: what the lead's HTTP layer knows when a response is finished. Times are in
 * milliseconds; `fetchMs`/`processMs` only on a miss that fetched or processed.
 */
export interface AccessEntry {
  /** The client address (after TRUST_PROXY), the only place it is logged. */
  readonly ip: string;
  readonly method: string;
  /** The route's name: image, health, metrics, purge, ... */
  readonly route: string;
  readonly status: number;
  /** Body bytes sent. */
  readonly bytes: number;
  /** Arrival to last byte handed to the socket. */
  readonly ms: number;
  /** The variant's cache key. */
  readonly key?: string;
  readonly cache?: 'HIT' | 'MISS';
  readonly tier?: 'memory' | 'disk';
  readonly fetchMs?: number;
  readonly processMs?: number;
  /** The normalised origin URL. */
  readonly url?: string;
  /** The public error code (errors.ts) of a failed image request. */
  readonly error?: string;
}

/** Where access lines go: pino's `info(object, msg)` shape, so a pino logger can stand in (tests). */
export interface AccessLog {
  info(entry: AccessEntry, msg: string): void;
}

/** Writes one access line (`msg` "request", level info). */
export function logAccess(access: AccessLog, entry: AccessEntry): void {
  access.info(entry, 'request');
}

/** `new Date(ms).toISOString()`, computed once per millisecond: hits come many to a millisecond. */
function isoTimeCache(): (ms: number) => string {
  let lastMs = -1;
  let lastText = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      lastText = new Date(ms).toISOString();
    }
    return lastText;
  };
}

function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** Strings longer than this are quoted each time rather than kept. */
const REMEMBERED_CHARS = 256;
const REMEMBERED_STRINGS = 4096;

/**
 * The JSON text of strings that come back line after line (cache keys, URLs, client addresses,
 * methods, route names), made once: JSON.stringify for each field of each line was a fifth of an
 * access line's cost. Bounded: forgotten all at once when full.
 */
class JsonStrings {
  private readonly made = new Map<string, string>();

  of(value: string): string {
    let text = this.made.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      if (value.length <= REMEMBERED_CHARS) {
        if (this.made.size >= REMEMBERED_STRINGS) this.made.clear();
        this.made.set(value, text);
      }
    }
    return text;
  }
}

/**
 * Access lines written without pino: the same JSON line pino writes (level, time, bindings, the
 * entry's fields, msg), built by concatenation. A hit is answered in a few microseconds and pino's
 * generic serialiser was about a third of that; this is a fixed shape and needs none of its options.
 */
export class JsonAccessLog implements AccessLog {
  private readonly isoTime = isoTimeCache();
  private readonly strings = new JsonStrings();
  private readonly prefix: string;

  constructor(
    private readonly sink: { append(line: string): void },
    private readonly enabled: boolean,
    bindings: Readonly<Record<string, string>> = { ...base, log: 'access' },
  ) {
    this.prefix = Object.entries(bindings).map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`).join('');
  }

  /**
   * One line, fields in a fixed order. A template over the known fields rather than a loop over the
   * entry's keys: the loop (entries, a string per field) cost ~20 µs a line in the hit path.
   */
  info(entry: AccessEntry, msg: string): void {
    if (!this.enabled) return;
    const json = this.strings;
    const optional =
      (entry.key === undefined ? '' : `,"key":${json.of(entry.key)}`) +
      (entry.url === undefined ? '' : `,"url":${json.of(entry.url)}`) +
      (entry.cache === undefined ? '' : `,"cache":"${entry.cache}"`) +
      (entry.tier === undefined ? '' : `,"tier":"${entry.tier}"`) +
      (entry.fetchMs === undefined ? '' : `,"fetchMs":${jsonNumber(entry.fetchMs)}`) +
      (entry.processMs === undefined ? '' : `,"processMs":${jsonNumber(entry.processMs)}`) +
      (entry.error === undefined ? '' : `,"error":${json.of(entry.error)}`);
    this.sink.append(
      `{"level":30,"time":"${this.isoTime(Date.now())}"${this.prefix}${optional},"ip":${json.of(entry.ip)},"method":${json.of(entry.method)},` +
        `"route":${json.of(entry.route)},"status":${jsonNumber(entry.status)},"bytes":${jsonNumber(entry.bytes)},"ms":${jsonNumber(entry.ms)},"msg":${json.of(msg)}}\n`,
    );
  }
}

/** Whether `level` lets info lines through. */
function infoEnabled(level: LevelWithSilent): boolean {
  // `silent` has no number: nothing is enabled.
  const value = pino.levels.values[level];
  return value !== undefined && value <= (pino.levels.values.info ?? 30);
}

export interface Loggers {
  readonly log: Logger;
  readonly access: AccessLog;
  /** Writes out what is buffered and releases the file; later log calls are dropped, never thrown. */
  close(): Promise<void>;
}

export interface LoggersOptions {
  /** Tests: receive the lines instead of stdout (ignored with LOG_FILE). */
  readonly stream?: DestinationStream;
}

type LogSettings = Pick<Config, 'logLevel' | 'logFile' | 'logRetentionDays'>;

/**
 * Where both loggers write. Writes after `close()` are dropped: a late log call (a request finishing
 * during shutdown) must not throw because the stream is gone.
 */
interface Sink extends DestinationStream {
  /** A line that may wait for its batch (access lines); `write` hands what is waiting over at once. */
  append(line: string): void;
  close(): Promise<void>;
}

/**
 * An access line per request is a write call per request, and under load that was the biggest cost
 * of a hit (about half of its main-thread time). Lines are gathered up to BATCH_BYTES and written
 * together; a timer writes out a partial batch, so a line waits at most FLUSH_MS.
 *
 * 64 KiB, not 4 KiB: an asynchronous write costs the main thread far more than its bytes (a
 * thread-pool hand-off: 13 µs idle, up to 60 µs on two busy cores, where waking the pool's thread
 * preempts the main one). With 4 KiB (13 lines) that was a tenth of the main thread's time under a
 * hit load; at 64 KiB (~190 lines) it is a write every few milliseconds at 30 k req/s.
 */
const BATCH_BYTES = 64 * 1024;
/** Room past BATCH_BYTES, so that the line that crosses it still fits the same batch. */
const BATCH_SLACK = 16 * 1024;
const FLUSH_MS = 250;

/** What a batching sink needs of its SonicBoom (pino's destination or pino-roll's stream), in buffer mode. */
interface BatchedStream {
  write(bytes: Buffer): unknown;
  /** Writes out a partial batch (asynchronously). */
  flush(): void;
  end(): void;
  once(event: 'close', listener: () => void): unknown;
}

/** SonicBoom takes Buffers as they are in this mode; in its default mode it makes a string of them. */
const BUFFER_MODE = 'buffer' as const;
/** SonicBoom's own threshold: batches arrive whole, so it only has to stay below its maxWrite. */
const STREAM_MIN_LENGTH = 4096;

/**
 * A sink over a SonicBoom in buffer mode: lines are encoded here, each once, into a batch Buffer
 * that is handed over whole; a timer hands over a partial batch every FLUSH_MS while lines came in,
 * and close() waits for every pending write. `beforeClose` runs once, when closing starts.
 *
 * Bytes, not a string joined line by line: such a string is a rope of hundreds of pieces, and
 * SonicBoom measured it (Buffer.byteLength: 0.8 ms for 330 lines, walking the rope), Node
 * converted it again to write it (0.25 ms) and SonicBoom copied it into a Buffer once written: about
 * 3 µs per line in all. Encoding each line into the batch as it comes costs ~0.2 µs.
 */
function batchedSink(stream: BatchedStream, beforeClose: () => void = () => undefined): Sink {
  let closed = false;
  let pending = false;
  let batch = Buffer.allocUnsafe(BATCH_BYTES + BATCH_SLACK);
  let used = 0;
  const handOver = (): void => {
    if (used === 0) return;
    const bytes = batch.subarray(0, used);
    // SonicBoom keeps the Buffer until it is written: the next batch gets its own.
    batch = Buffer.allocUnsafe(BATCH_BYTES + BATCH_SLACK);
    used = 0;
    stream.write(bytes);
  };
  const add = (line: string): void => {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (line.length * 3 > batch.length - used) {
      handOver();
      if (line.length * 3 > batch.length) {
        stream.write(Buffer.from(line));
        return;
      }
    }
    used += batch.write(line, used);
  };
  const timer = setInterval(() => {
    if (!pending) return;
    pending = false;
    try {
      handOver();
      stream.flush();
    } catch {
      // A destroyed stream: the close path reports it, a log timer must not throw.
    }
  }, FLUSH_MS);
  timer.unref();
  // Lines still gathered here when the process exits go to the stream before its own exit flush.
  const onExit = (): void => {
    try {
      handOver();
    } catch {
      // The stream is gone: nothing more can be written.
    }
  };
  process.prependListener('exit', onExit);
  return {
    // Application lines (pino): rare, and a roll to the next day's file must find them written.
    write(line) {
      if (closed) return;
      add(line);
      handOver();
      pending = true;
    },
    append(line) {
      if (closed) return;
      add(line);
      if (used >= BATCH_BYTES) handOver();
      pending = true;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      clearInterval(timer);
      process.removeListener('exit', onExit);
      handOver();
      beforeClose();
      // end() waits for pending writes; SonicBoom never closes fd 1 itself.
      return new Promise((resolve) => {
        stream.once('close', () => resolve());
        stream.end();
      });
    },
  };
}

function stdoutSink(): Sink {
  // pino's own destination: asynchronous writes, flushed synchronously if the process exits.
  // SonicBoom's types know only its default mode: in buffer mode its write() takes a Buffer.
  const destination = pino.destination({ dest: 1, sync: false, minLength: STREAM_MIN_LENGTH, contentMode: BUFFER_MODE });
  return batchedSink(destination as unknown as BatchedStream);
}

function streamSink(target: DestinationStream): Sink {
  let closed = false;
  return {
    write(line) {
      if (!closed) target.write(line);
    },
    append(line) {
      if (!closed) target.write(line);
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}

/**
 * LOG_FILE split the way pino-roll names its files (`<base>.<date>.<n>.<extension>`): a file name
 * without an extension of two or more characters gets `.log`.
 */
export function logFileParts(logFile: string): { readonly base: string; readonly extension: string } {
  const match = /^(.+)\.([A-Za-z0-9]{2,})$/.exec(basename(logFile));
  return match ? { base: join(dirname(logFile), match[1] ?? ''), extension: match[2] ?? 'log' } : { base: logFile, extension: 'log' };
}

/** The pino-roll options for a LOG_FILE: daily files named by local date, LOG_RETENTION_DAYS kept besides today's. */
export function rollOptions(logFile: string, retentionDays: number): PinoRollOptions {
  const { base, extension } = logFileParts(logFile);
  return {
    // Always with its extension, so pino-roll's own splitting gives the same base and extension.
    file: `${base}.${extension}`,
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    // removeOtherLogFiles: files left by earlier runs count too, not only this process's.
    limit: { count: retentionDays, removeOtherLogFiles: true },
    mkdir: true,
    minLength: STREAM_MIN_LENGTH,
    contentMode: BUFFER_MODE,
  };
}

function localDate(day: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Deletes the rolled files of LOG_FILE dated more than `retentionDays` days before `now` (local
 * dates, as pino-roll names them), and returns their paths. pino-roll prunes only when it rolls, by
 * count; this catches what a stopped service left behind, whatever the number of files.
 */
export async function removeExpiredLogs(logFile: string, retentionDays: number, now = new Date()): Promise<string[]> {
  const { base, extension } = logFileParts(logFile);
  const cutoff = new Date(now.getFullYear(), now.getMonth(), now.getDate() - retentionDays);
  const oldestKept = localDate(cutoff);
  const pattern = new RegExp(`^${escapeRegExp(basename(base))}\\.(\\d{4}-\\d{2}-\\d{2})\\.\\d+\\.${escapeRegExp(extension)}$`);
  const dir = dirname(base);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const expired = names.filter((name) => {
    const date = pattern.exec(name)?.[1];
    return date !== undefined && date < oldestKept;
  });
  const removed: string[] = [];
  for (const name of expired) {
    const path = join(dir, name);
    try {
      await unlink(path);
      removed.push(path);
    } catch {
      // Already gone (pino-roll's own pruning may race us): nothing to do.
    }
  }
  return removed;
}

async function fileSink(settings: LogSettings & { logFile: string }): Promise<Sink> {
  await removeExpiredLogs(settings.logFile, settings.logRetentionDays);
  const stream: RollingFileStream = await pinoRoll(rollOptions(settings.logFile, settings.logRetentionDays));
  let reported = false;
  // A full disk or a lost directory must not crash the service: say so once on stderr.
  stream.on('error', (error: unknown) => {
    if (reported) return;
    reported = true;
    process.stderr.write(`pixproxy: cannot write the log file: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  // pino-roll prunes by count when it rolls; prune by date too, in case days are missing.
  stream.on('cleanup-complete', () => {
    removeExpiredLogs(settings.logFile, settings.logRetentionDays).catch(() => undefined);
  });
  // Asynchronous writes still buffered when the process exits are written synchronously.
  const flushOnExit = (): void => {
    if (!stream.destroyed) stream.flushSync();
  };
  process.once('exit', flushOnExit);
  return batchedSink(stream, () => process.removeListener('exit', flushOnExit));
}

/**
 * The service's loggers from the configuration (LOG_LEVEL, LOG_FILE, LOG_RETENTION_DAYS). Both write
 * to the same place; access lines carry `"log":"access"`, and LOG_LEVEL above info silences them.
 */
export async function createLoggers(settings: LogSettings, options: LoggersOptions = {}): Promise<Loggers> {
  const sink =
    settings.logFile !== undefined
      ? await fileSink({ ...settings, logFile: settings.logFile })
      : options.stream !== undefined
        ? streamSink(options.stream)
        : stdoutSink();
  const log = pino(appOptions(settings.logLevel), sink);
  const access = new JsonAccessLog(sink, infoEnabled(settings.logLevel));
  return { log, access, close: () => sink.close() };
}
