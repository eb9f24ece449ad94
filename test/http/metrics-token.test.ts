/**
 * SIGNING_KEY protects the image API only; /metrics needs METRICS_TOKEN to be private (issue 10).
 * /quota stays public by design: it tells the caller its own numbers and counts nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from '../helpers/service.js';

const token = 'metrics-token-0123456789';

describe('METRICS_TOKEN', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ workers: 1, signingKey: 'signing-key-0123456789', metricsToken: token });
  });
  after(async () => service.close());

  test('/metrics without the token, or with a wrong one, gets 401 and no numbers', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', token, `Basic ${token}`]) {
      const res = await service.request('/metrics', authorization === undefined ? {} : { headers: { authorization } });
      assert.equal(res.status, 401, `authorization ${authorization ?? 'none'}`);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      assert.doesNotMatch(res.body.toString(), /pixproxy_|process_/);
    }
  });

  test('/metrics with the bearer token answers the Prometheus text', async () => {
    const res = await service.request('/metrics', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(res.body.toString(), /# TYPE /);
  });

  test('/quota and /health stay public', async () => {
    assert.equal((await service.request('/health')).status, 200);
    assert.equal((await service.request('/quota')).status, 200);
  });
});

describe('without METRICS_TOKEN', () => {
  let service: TestService;
  before(async () => {
    service = await startService({ workers: 1 });
  });
  after(async () => service.close());

  test('/metrics is public, as before', async () => {
    assert.equal((await service.request('/metrics')).status, 200);
  });
});
