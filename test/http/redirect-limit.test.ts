/**
 * MAX_REDIRECTS through HTTP (issue 10): the setting is the number of redirects followed, so with
 * the default of 10 a chain of exactly 10 redirects arrives and the 11th redirect response fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixturePath } from '../helpers/paths.js';
import { startService, u, type TestService } from '../helpers/service.js';
import { assertStillHealthy } from '../helpers/still-healthy.js';

let origin: Server;
let base: string;
let requests = 0;
let service: TestService;

before(async () => {
  const jpeg = await readFile(fixturePath('320x240.jpg'));
  // /hop/<n>/<end> redirects to /hop/<n+1>/<end> until n reaches end, which serves a JPEG.
  origin = createServer((req, res) => {
    requests += 1;
    const [n = 0, end = 0] = (req.url ?? '').split('/').slice(2).map(Number);
    if (n < end) res.writeHead(302, { Location: `/hop/${n + 1}/${end}` }).end();
    else res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': jpeg.length }).end(jpeg);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  service = await startService();
});

after(async () => {
  await service.close();
  origin.closeAllConnections();
  await new Promise<void>((resolve) => origin.close(() => resolve()));
});

test('MAX_REDIRECTS=10 follows exactly 10 redirects', async () => {
  requests = 0;
  const reply = await service.request(`/?url=${u(`${base}/hop/0/10`)}&w=20`);
  assert.equal(reply.status, 200, reply.body.toString());
  assert.equal(requests, 11, '10 redirects and the image');
});

test('the 11th redirect response fails with the spec error', async () => {
  requests = 0;
  const reply = await service.request(`/?url=${u(`${base}/hop/0/11`)}&w=20`);
  assert.equal(reply.status, 404);
  assert.equal(reply.body.toString(), JSON.stringify({ status: 'error', code: 404, message: 'Will not follow more than 10 redirects' }));
  assert.equal(requests, 11, '10 redirects followed, the 11th refused');
  await assertStillHealthy(service, `${base}/hop/0/0`, 'after-redirects');
});
