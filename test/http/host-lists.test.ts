/** ORIGIN_HOSTS_ALLOW / ORIGIN_HOSTS_DENY through HTTP, at the first hop and after a redirect. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startService, u } from '../helpers/service.js';

let origin: OriginServer;

before(async () => {
  origin = await startOrigin();
});

after(async () => {
  await origin.close();
});

const refused = JSON.stringify({
  status: 'error',
  code: 404,
  message: 'The hostname of the origin is unresolvable (DNS) or blocked by policy.',
});

test('a denied host is refused before any request reaches it', async () => {
  const service = await startService({ originHostsDeny: ['127.0.0.1'] });
  try {
    const res = await service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=10`);
    assert.equal(res.status, 404);
    assert.equal(res.body.toString(), refused);
    assert.equal(origin.hitsFor('/fixtures/320x240.jpg'), 0);
  } finally {
    await service.close();
  }
});

test('with an allow list, other hosts are refused, also when a redirect leads there', async () => {
  const service = await startService({ originHostsAllow: ['localhost', '*.example.com'] });
  try {
    const direct = await service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=10`);
    assert.equal(direct.body.toString(), refused);
  } finally {
    await service.close();
  }
  const allowed = await startService({ originHostsAllow: ['127.0.0.1'] });
  try {
    const ok = await allowed.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=10`);
    assert.equal(ok.status, 200);
    // The allowed origin redirects to a host outside the list: refused at that hop.
    const target = encodeURIComponent(`http://localhost:${origin.port}/fixtures/320x240.jpg`);
    const hop = await allowed.request(`/?url=${u(`${origin.base}/redirect/${target}`)}&w=11`);
    assert.equal(hop.status, 404);
    assert.equal(hop.body.toString(), refused);
  } finally {
    await allowed.close();
  }
});
