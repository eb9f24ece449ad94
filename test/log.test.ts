import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonAccessLog, createLoggers, logAccess, logFileParts, removeExpiredLogs, rollOptions, type AccessEntry } from '../src/log.js';

let root = '';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'pixproxy-log-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

function capture(): { readonly lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

function parsed(line: string | undefined): Record<string, unknown> {
  assert.ok(line !== undefined, 'a line was written');
  assert.ok(line.endsWith('\n'), 'one line each');
  const value: unknown = JSON.parse(line);
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
  return value as Record<string, unknown>;
}

function localDate(day: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

function daysBefore(now: Date, days: number): string {
  return localDate(new Date(now.getFullYear(), now.getMonth(), now.getDate() - days));
}

const entry: AccessEntry = {
  ip: '203.0.113.7',
  method: 'GET',
  route: 'image',
  status: 200,
  bytes: 5120,
  ms: 12.5,
  key: 'abc123',
  cache: 'MISS',
  fetchMs: 4,
  processMs: 7,
  url: 'http://example.org/a.jpg',
};

describe('loggers', () => {
  test('application and access lines are JSON with the expected fields', async () => {
    const out = capture();
    const loggers = await createLoggers({ logLevel: 'info', logFile: undefined, logRetentionDays: 7 }, { stream: out });
    loggers.log.child({ module: 'cache' }).info({ entries: 3 }, 'cache opened');
    logAccess(loggers.access, entry);
    await loggers.close();

    assert.equal(out.lines.length, 2);
    const app = parsed(out.lines[0]);
    assert.deepEqual(Object.keys(app).sort(), ['entries', 'level', 'module', 'msg', 'service', 'time']);
    assert.equal(app.level, 30);
    assert.equal(app.service, 'pixproxy');
    assert.equal(app.module, 'cache');
    assert.equal(app.msg, 'cache opened');
    assert.match(String(app.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const access = parsed(out.lines[1]);
    assert.deepEqual(access, { level: 30, time: access.time, service: 'pixproxy', log: 'access', ...entry, msg: 'request' });
  });

  test('client addresses never reach the application log', async () => {
    const out = capture();
    const loggers = await createLoggers({ logLevel: 'info', logFile: undefined, logRetentionDays: 7 }, { stream: out });
    loggers.log.warn({ ip: '198.51.100.1', clientIp: '198.51.100.2', req: { remoteAddress: '198.51.100.3', ip: '198.51.100.4' }, url: 'u' }, 'slow');
    loggers.log.child({ module: 'http' }).error({ remoteIp: '198.51.100.5' }, 'failed');
    await loggers.close();
    assert.equal(out.lines.length, 2);
    for (const line of out.lines) assert.doesNotMatch(line, /198\.51\.100/);
    assert.deepEqual(parsed(out.lines[0]).req, {});
    assert.equal(parsed(out.lines[0]).url, 'u');
  });

  test('LOG_LEVEL applies to both: warn silences access lines and info messages', async () => {
    const out = capture();
    const loggers = await createLoggers({ logLevel: 'warn', logFile: undefined, logRetentionDays: 7 }, { stream: out });
    loggers.log.info('not shown');
    logAccess(loggers.access, entry);
    loggers.log.warn('shown');
    await loggers.close();
    assert.deepEqual(out.lines.map((line) => parsed(line).msg), ['shown']);
  });

  test('logging after close() is dropped, not thrown', async () => {
    const out = capture();
    const loggers = await createLoggers({ logLevel: 'info', logFile: undefined, logRetentionDays: 7 }, { stream: out });
    await loggers.close();
    loggers.log.error('late');
    logAccess(loggers.access, entry);
    assert.deepEqual(out.lines, []);
  });
});

describe('log file', () => {
  test('LOG_FILE is split the way pino-roll names its files', () => {
    assert.deepEqual(logFileParts('/var/log/pixproxy.log'), { base: '/var/log/pixproxy', extension: 'log' });
    assert.deepEqual(logFileParts('/var/log/pixproxy'), { base: '/var/log/pixproxy', extension: 'log' });
    assert.deepEqual(logFileParts('/var/log.d/app.prod.jsonl'), { base: '/var/log.d/app.prod', extension: 'jsonl' });
    assert.deepEqual(logFileParts('/var/log/app.x'), { base: '/var/log/app.x', extension: 'log' });
  });

  test('pino-roll is asked for daily files by date, keeping LOG_RETENTION_DAYS besides today\'s', () => {
    assert.deepEqual(rollOptions('/var/log/pixproxy.log', 7), {
      file: '/var/log/pixproxy.log',
      frequency: 'daily',
      dateFormat: 'yyyy-MM-dd',
      limit: { count: 7, removeOtherLogFiles: true },
      mkdir: true,
      minLength: 4096,
      contentMode: 'buffer',
    });
    assert.equal(rollOptions('/srv/logs/pixproxy', 3).file, '/srv/logs/pixproxy.log');
  });

  test('with LOG_FILE both kinds of line go to today\'s file (directory created)', async () => {
    const dir = join(root, 'fresh', 'logs');
    const loggers = await createLoggers({ logLevel: 'info', logFile: join(dir, 'pixproxy.log'), logRetentionDays: 7 });
    loggers.log.info('started');
    logAccess(loggers.access, entry);
    await loggers.close();
    const name = `pixproxy.${localDate(new Date())}.1.log`;
    assert.deepEqual(await readdir(dir), [name]);
    const lines = (await readFile(join(dir, name), 'utf8')).split('\n').filter(Boolean);
    assert.deepEqual(lines.map((line) => parsed(`${line}\n`).msg), ['started', 'request']);
    assert.equal(parsed(`${lines[1] ?? ''}\n`).ip, '203.0.113.7');
  });

  test('lines are written in batches, and a partial batch reaches the file within a quarter second', async () => {
    const dir = join(root, 'batched');
    const loggers = await createLoggers({ logLevel: 'info', logFile: join(dir, 'pixproxy.log'), logRetentionDays: 7 });
    const file = join(dir, `pixproxy.${localDate(new Date())}.1.log`);
    const written = async (): Promise<number> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    // The first timer tick is 250 ms away: until then only full batches can have been written.
    // Enough lines for one and a half 64 KiB batches: the whole batch goes at once, the rest waits
    // for the timer.
    let line = '';
    new JsonAccessLog({ append: (text) => (line = text) }, true).info(entry, 'request');
    const perBatch = Math.ceil((64 * 1024) / line.length);
    const lines = Math.floor(perBatch * 1.5);
    for (let i = 0; i < lines; i += 1) logAccess(loggers.access, entry);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const first = await written();
    assert.ok(first >= perBatch - 1 && first < lines, `whole batches go at once (${first} of ${lines} lines written)`);
    logAccess(loggers.access, entry);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await written(), first, 'a partial batch is held back');
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await written(), lines + 1, 'the timer wrote it out without close()');
    logAccess(loggers.access, entry);
    await loggers.close();
    assert.equal(await written(), lines + 2, 'close() writes what is buffered');
  });

  test('lines are written as UTF-8 bytes, in order: non-ASCII text, and a line longer than a whole batch', async () => {
    const dir = join(root, 'bytes');
    const loggers = await createLoggers({ logLevel: 'info', logFile: join(dir, 'pixproxy.log'), logRetentionDays: 7 });
    const urls = ['http://example.org/caf\u00e9.jpg', 'http://example.org/\u65e5\u672c/\ud83d\uddbc.png', `http://example.org/${'a'.repeat(200_000)}.jpg`, 'http://example.org/last.jpg'];
    for (const url of urls) logAccess(loggers.access, { ...entry, url });
    loggers.log.info({ note: 'na\u00efve' }, 'application line');
    await loggers.close();
    const text = await readFile(join(dir, `pixproxy.${localDate(new Date())}.1.log`), 'utf8');
    const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { url?: string; note?: string });
    assert.deepEqual(lines.map((line) => line.url ?? line.note), [...urls, 'na\u00efve']);
  });

  test('files dated more than LOG_RETENTION_DAYS before today are deleted at start; others are left alone', async () => {
    const dir = join(root, 'expired');
    await mkdir(dir);
    const now = new Date();
    const dated = [0, 1, 2, 3, 4, 5, 8, 30].map((days) => `pixproxy.${daysBefore(now, days)}.1.log`);
    const others = [`other.${daysBefore(now, 30)}.1.log`, `pixproxy.${daysBefore(now, 30)}.1.txt`, 'pixproxy.notadate.1.log', 'notes.txt'];
    for (const name of [...dated, ...others, `pixproxy.${daysBefore(now, 9)}.2.log`]) await writeFile(join(dir, name), '{}\n');

    const loggers = await createLoggers({ logLevel: 'info', logFile: join(dir, 'pixproxy.log'), logRetentionDays: 3 });
    await loggers.close();
    const kept = [0, 1, 2, 3].map((days) => `pixproxy.${daysBefore(now, days)}.1.log`);
    assert.deepEqual((await readdir(dir)).sort(), [...kept, ...others].sort());
  });

  test('removeExpiredLogs counts calendar days in local time and reports what it removed', async () => {
    const dir = join(root, 'calendar');
    await mkdir(dir);
    for (const name of ['px.2030-03-01.1.log', 'px.2030-02-28.1.log', 'px.2030-02-27.1.log', 'px.2030-02-27.2.log']) await writeFile(join(dir, name), '');
    const removed = await removeExpiredLogs(join(dir, 'px.log'), 1, new Date(2030, 2, 1, 0, 30));
    assert.deepEqual(removed.sort(), [join(dir, 'px.2030-02-27.1.log'), join(dir, 'px.2030-02-27.2.log')]);
    assert.deepEqual((await readdir(dir)).sort(), ['px.2030-02-28.1.log', 'px.2030-03-01.1.log']);
    assert.deepEqual(await removeExpiredLogs(join(root, 'missing-dir', 'px.log'), 1), []);
  });

  test('a real day change: lines move to the new day\'s file and files beyond the retention go', async (t) => {
    const dir = join(root, 'rollover');
    await mkdir(dir);
    const before = new Date(2030, 5, 15, 23, 59, 58);
    for (const day of [11, 12, 13, 14]) await writeFile(join(dir, `pixproxy.2030-06-${day}.1.log`), '{"old":true}\n');
    // Only the clock is faked; file I/O is real. pino-roll schedules its roll with setTimeout.
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: before.getTime() });

    const loggers = await createLoggers({ logLevel: 'info', logFile: join(dir, 'pixproxy.log'), logRetentionDays: 2 });
    loggers.log.info('before midnight');
    // At start: older than 2030-06-13 is gone; today's file is opened asynchronously.
    await settle(async () => (await readdir(dir)).length === 3);
    assert.deepEqual((await readdir(dir)).sort(), ['pixproxy.2030-06-13.1.log', 'pixproxy.2030-06-14.1.log', 'pixproxy.2030-06-15.1.log']);
    t.mock.timers.tick(3000);
    // The roll reopens the file and prunes asynchronously.
    await settle(async () => {
      const names = await readdir(dir);
      return names.includes('pixproxy.2030-06-16.1.log') && !names.includes('pixproxy.2030-06-13.1.log');
    });
    loggers.log.info('after midnight');
    await loggers.close();

    const names = (await readdir(dir)).sort();
    assert.ok(names.includes('pixproxy.2030-06-15.1.log') && names.includes('pixproxy.2030-06-16.1.log'), names.join(' '));
    // pino-roll keeps 2 files besides the active one, or fewer when the new file already counts.
    assert.ok(names.every((name) => name >= 'pixproxy.2030-06-14'), `nothing older than 2 days before the 16th: ${names.join(' ')}`);
    const messages = async (name: string): Promise<unknown[]> =>
      (await readFile(join(dir, name), 'utf8')).split('\n').filter(Boolean).map((line) => parsed(`${line}\n`).msg);
    assert.deepEqual(await messages('pixproxy.2030-06-15.1.log'), ['before midnight']);
    assert.deepEqual(await messages('pixproxy.2030-06-16.1.log'), ['after midnight']);
  });
});

/** Lets real I/O progress (setImmediate is not faked) until `done` holds, at most `rounds` turns. */
async function settle(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let round = 0; round < 20_000; round += 1) {
    if (await done()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail('condition not reached');
}
