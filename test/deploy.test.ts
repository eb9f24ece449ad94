/**
 * deploy/ stays what the README says: the compose file parses and runs three named boxes sharing
 * Redis behind nginx, the nginx front hashes on `url` and speaks HTTP/1.1 upstream, and the
 * supervisors wait longer than a graceful stop takes. (test/fleet runs the nginx file for real.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config.js';
import { proxyV2Header, upgradeHead } from '../src/http/http10-bridge.js';
import { repoRoot } from './helpers/paths.js';

const read = (path: string): Promise<string> => readFile(join(repoRoot, 'deploy', path), 'utf8');

test('docker-compose: three boxes with their own cache and name, one Redis, nginx in front', async () => {
  const compose = parse(await read('docker-compose.yml'), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; volumes?: string[]; stop_grace_period?: string }> };
  const boxes = ['box1', 'box2', 'box3'].map((name) => compose.services[name]);
  const volumes = new Set<string>();
  for (const [i, box] of boxes.entries()) {
    assert.ok(box, `box${i + 1}`);
    const env = box.environment ?? {};
    assert.equal(env.INSTANCE_NAME, `box${i + 1}`);
    assert.equal(env.REDIS_URL, 'redis://redis:6379');
    // Every value is a valid setting.
    loadConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])));
    for (const volume of box.volumes ?? []) volumes.add(volume.split(':')[0] ?? '');
    const grace = Number.parseInt(box.stop_grace_period ?? '0', 10);
    assert.ok(grace > Number(env.DRAIN_DELAY_S) + Number(env.SHUTDOWN_TIMEOUT_S), 'the stop waits for the drain');
  }
  assert.equal(volumes.size, 3, 'each box has its own cache volume');
  assert.ok(compose.services.redis && compose.services.nginx);
});

test('nginx front: consistent hash on url, HTTP/1.1 with keep-alive, the uWS header hidden', async () => {
  const conf = await read('nginx/pixproxy-front.conf');
  for (const directive of ['hash $arg_url consistent;', 'proxy_http_version 1.1;', 'proxy_set_header Connection "";', 'keepalive 32;', 'proxy_hide_header uWebSockets;', 'proxy_next_upstream error timeout']) {
    assert.ok(conf.includes(directive), directive);
  }
});

test('systemd: waits longer than a graceful stop', async () => {
  const unit = await read('systemd/pixproxy.service');
  assert.match(unit, /^ExecStart=\/usr\/bin\/node dist\/src\/main\.js$/m);
  assert.match(unit, /^KillSignal=SIGTERM$/m);
  const stop = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
  assert.ok(stop > 2 + 25, 'DRAIN_DELAY_S=2 + SHUTDOWN_TIMEOUT_S=25 of the example');
});

test('HTTP/1.0 bridge: heads are rewritten only for HTTP/1.0, PROXY v2 for both families', () => {
  const eleven = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
  assert.equal(upgradeHead(eleven), eleven);
  assert.equal(upgradeHead(Buffer.from('GET / HTTP/1.0\r\nHost: a\r\n')), undefined, 'waits for the whole head');
  assert.equal(upgradeHead(Buffer.from('GET / HTTP/1.0\r\nHost: a\r\n\r\n'))?.toString(), 'GET / HTTP/1.1\r\nConnection: close\r\nHost: a\r\n\r\n');
  assert.equal(upgradeHead(Buffer.from('HEAD /x HTTP/1.0\r\n\r\n'))?.toString(), 'HEAD /x HTTP/1.1\r\nConnection: close\r\nHost:\r\n\r\n');
  const v4 = proxyV2Header('::ffff:203.0.113.9', 4000, '127.0.0.1', 80);
  assert.deepEqual([...v4.subarray(12, 16)], [0x21, 0x11, 0, 12]);
  assert.deepEqual([...v4.subarray(16, 20)], [203, 0, 113, 9]);
  const v6 = proxyV2Header('2001:db8::1', 4000, '::1', 80);
  assert.deepEqual([...v6.subarray(12, 16)], [0x21, 0x21, 0, 36]);
  assert.deepEqual([...v6.subarray(16, 32)], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
});
