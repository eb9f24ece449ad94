/** fetchOrigin within the download memory budget (loopback origin only). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configWith } from '../../src/config.js';
import { ServiceError } from '../../src/errors.js';
import { ByteBudget } from '../../src/origin/byte-budget.js';
import { fetchOrigin, originOptionsFrom, type OriginOptions } from '../../src/origin/fetch.js';
import { closeOriginAgents } from '../../src/origin/guarded-agent.js';

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    const body = Buffer.alloc(1000, 7);
    if (req.url === '/sized') res.writeHead(200, { 'Content-Length': body.length }).end(body);
    else if (req.url === '/liar') {
      // Declares 1000 bytes, sends 10, then nothing.
      res.on('error', () => undefined);
      res.writeHead(200, { 'Content-Length': body.length }).write(body.subarray(0, 10));
    }
    else {
      res.writeHead(200);
      res.write(body.subarray(0, 500));
      setTimeout(() => res.end(body.subarray(500)), 20);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await closeOriginAgents();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function options(budget: ByteBudget, fetchTimeoutMs = 5000): OriginOptions {
  return { ...originOptionsFrom(configWith({ allowPrivateOrigins: true })), budget, fetchTimeoutMs };
}

test('the body stays reserved until released, sized or chunked', async () => {
  for (const path of ['/sized', '/chunked']) {
    const budget = new ByteBudget(10_000);
    const response = await fetchOrigin(base + path, options(budget));
    assert.equal(response.body.length, 1000);
    assert.equal(response.body.buffer.byteLength, 1000, 'owns its memory');
    assert.ok(response.body.every((byte) => byte === 7));
    assert.equal(budget.inUse, 1000, path);
    response.release();
    assert.equal(budget.inUse, 0, path);
  }
});

test('a download still waiting for memory at the deadline is refused as an overload, and holds nothing', async () => {
  for (const path of ['/sized', '/chunked']) {
    const budget = new ByteBudget(1200);
    // An older download of unknown length holds it all (and keeps the right of way to grow).
    const held = await budget.reserve(undefined, new AbortController().signal);
    assert.equal(held.tryGrow(1200), true);
    const started = performance.now();
    await assert.rejects(fetchOrigin(base + path, options(budget, 300)), (error: unknown) => error instanceof ServiceError && error.code === 'OVERLOADED');
    assert.ok(performance.now() - started < 2000);
    held.release();
    assert.equal(budget.inUse, 0, path);
    assert.equal(budget.waiting, 0, path);
  }
});

test('a declared length is not reserved up front: an origin that declares much and sends little pins nothing', async () => {
  const budget = new ByteBudget(1200);
  const client = new AbortController();
  const liar = fetchOrigin(`${base}/liar`, options(budget), client.signal);
  liar.catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(budget.inUse, 10);
  // Another body of the same declared size still fits beside it.
  const honest = await fetchOrigin(`${base}/sized`, options(budget));
  assert.equal(honest.body.length, 1000);
  honest.release();
  client.abort(new Error('done'));
  await assert.rejects(liar, /done/);
  assert.equal(budget.inUse, 0);
});
