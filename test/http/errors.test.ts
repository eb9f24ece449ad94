/**
 * Every error path of the foundation through HTTP: the spec's JSON body, status and message, and the
 * `default=` redirect. The server must keep serving after each of them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { startService, u, type TestService } from '../helpers/service.js';

let origin: OriginServer;
let service: TestService;

before(async () => {
  origin = await startOrigin();
  service = await startService({ maxDownloadBytes: 512 * 1024 });
});

after(async () => {
  await service.close();
  await origin.close();
});

async function expectError(path: string, status: number, message: string): Promise<void> {
  const res = await service.request(path);
  assert.equal(res.status, status, `status of ${path}`);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.body.toString(), JSON.stringify({ status: 'error', code: status, message }));
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(res.headers.get('cache-control'), null, 'errors are not cacheable');
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('invalid requests', () => {
  test('empty or too short url', async () => {
    await expectError('/?url=', 400, 'Unable to parse URI');
    await expectError('/?url=ab', 400, 'Unable to parse URI');
  });

  test('unix socket targets', async () => {
    await expectError(`/?url=${u('unix:/var/run/docker.sock')}`, 400, 'Unix domain sockets are not supported');
  });

  test('a loopback address outside the allow list is blocked before any connection', async () => {
    // 127.0.0.2 is loopback (safe to name) but the test service only allows 127.0.0.1/32.
    await expectError(`/?url=${u(`http://127.0.0.2:${origin.port}/fixtures/320x240.jpg`)}`, 400, 'IP address blocked by policy');
  });

  // Every encoder is enabled over HTTP, so SAVER_DISABLED is reachable only through the pipeline's
  // limits (test/pipeline/steps/save.test.ts). jxl, the one format refused before, is now encoded.
  test('jxl, once refused as an unsupported output, is encoded', async () => {
    const res = await service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&output=jxl`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jxl');
  });
});

describe('origin failures', () => {
  test('origin status other than 200', async () => {
    await expectError(`/?url=${u(`${origin.base}/status/404`)}`, 404, 'The requested URL returned error: 404');
    await expectError(`/?url=${u(`${origin.base}/status/500`)}`, 404, 'The requested URL returned error: 500');
  });

  test('unreachable origin', async () => {
    const port = await closedPort();
    await expectError(
      `/?url=${u(`http://127.0.0.1:${port}/x.jpg`)}`,
      404,
      'The hostname of the origin is unresolvable (DNS) or blocked by policy.',
    );
  });

  test('not an image', async () => {
    await expectError(`/?url=${u(`${origin.base}/html`)}`, 404, 'Invalid or unsupported image format. Is it a valid image?');
    await expectError(`/?url=${u(`${origin.base}/empty`)}`, 404, 'Invalid or unsupported image format. Is it a valid image?');
  });

  test('too large (streamed, no Content-Length)', async () => {
    await expectError(
      `/?url=${u(`${origin.base}/big`)}`,
      404,
      'The image is too large to be downloaded. Max image size: 524288 bytes',
    );
  });

  test('too large (Content-Length over the cap)', async () => {
    // The 2725x2225 photo is 829 kB, over the 512 KiB cap of this service.
    await expectError(
      `/?url=${u(`${origin.base}/fixtures/2569067123_aca715a2ee_o.jpg`)}`,
      404,
      'The image is too large to be downloaded. Max image size: 524288 bytes',
    );
  });
});

describe('default= redirect', () => {
  test('an error with default=<url> answers 302 to it, keeping the JSON body with the original code', async () => {
    const res = await service.request(`/?url=${u(`${origin.base}/status/404`)}&default=${u('https://example.org/fallback.png')}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.org/fallback.png');
    assert.equal(JSON.parse(res.body.toString()).code, 404);
  });

  test('default=1 redirects to the origin URL', async () => {
    const target = `${origin.base}/status/404`;
    const res = await service.request(`/?url=${u(target)}&default=1`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), target);
  });

  test('an unparsable url still redirects to a parsable default', async () => {
    const res = await service.request(`/?url=&default=${u('example.org/x.png')}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'http://example.org/x.png');
  });
});

test('after all of that the server still serves images', async () => {
  const res = await service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=10`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/jpeg');
});
