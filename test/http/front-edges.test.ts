/**
 * The front end against requests meant to slip past it or take it down (issue 10): proxy headers sent
 * as several lines, pipelining, oversized request heads, conflicting message framing. Raw sockets on
 * loopback, since fetch neither sends nor shows these. After each, /health still answers at once
 * and a normal resize still works.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { getRequest, rawExchange } from '../helpers/raw-http.js';
import { startService, u, type TestService } from '../helpers/service.js';

let origin: OriginServer;

before(async () => {
  origin = await startOrigin();
});

after(async () => {
  await origin.close();
});

const src = (name: string): string => u(`${origin.base}/fixtures/${name}`);

/** /health answers within a second and a resize still works: the service is still up. */
async function assertStillServing(service: TestService, width: number): Promise<void> {
  const started = performance.now();
  const health = await service.request('/health');
  assert.equal(health.status, 200);
  assert.ok(performance.now() - started < 1000, 'health answered quickly');
  const image = await service.request(`/?url=${src('Landscape_1.jpg')}&w=${width}`);
  assert.equal(image.status, 200, image.body.toString().slice(0, 200));
  assert.match(image.headers.get('content-type') ?? '', /^image\//);
}

describe('X-Forwarded-For sent as several header lines', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ trustProxy: 'x-forwarded-for', rateLimitMax: 1, rateLimitWindowS: 600, rateLimitBanS: 3600 });
  });
  after(async () => service.close());

  test('the line the proxy appended decides: a banned client cannot walk past with its own first line', async () => {
    const banned = '203.0.113.9';
    const first = await rawExchange(service.app.port, getRequest(`/?url=${src('Landscape_1.jpg')}&w=31`, [['X-Forwarded-For', banned]]), { expect: 1 });
    assert.equal(first.responses[0]?.status, 200, first.raw.slice(0, 300));
    const over = await rawExchange(service.app.port, getRequest(`/?url=${src('Landscape_1.jpg')}&w=32`, [['X-Forwarded-For', banned]]), { expect: 1 });
    assert.equal(over.responses[0]?.status, 429, 'over the limit');

    // The client writes a line of its own; its proxy (HAProxy) appends the address it saw.
    const forged = getRequest(`/?url=${src('Landscape_1.jpg')}&w=33`, [['X-Forwarded-For', '198.51.100.7'], ['X-Forwarded-For', banned]]);
    const walked = await rawExchange(service.app.port, forged, { expect: 1 });
    assert.equal(walked.responses[0]?.status, 429, `still banned (got ${walked.raw.slice(0, 200)})`);
  });

  test('still serving afterwards', async () => {
    // A request without the header is the socket's address, which has its own allowance.
    await assertStillServing(service, 34);
  });
});
