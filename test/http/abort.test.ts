/**
 * Clients that go away: mid-response on a large body (backpressure in force), and before the response
 * starts (while the origin is fetched and the image processed). Neither may crash the server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { serviceWithOrigin, u } from '../helpers/service.js';

const env = serviceWithOrigin();

/** Opens a raw connection, sends a GET and calls `onData` with each chunk until it returns true. */
function rawGet(path: string, onData: (chunk: Buffer, socket: ReturnType<typeof connect>) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(env.service.app.port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    });
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (onData(chunk, socket)) {
        socket.pause();
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

const bigPng = () => `/?url=${u(`${env.origin.base}/fixtures/2569067123_aca715a2ee_o.jpg`)}&output=png&l=0`;

test('a client that stops reading and disconnects mid-body costs nothing and crashes nothing', async () => {
  // An uncompressed PNG of the 2725x2225 photo is about 18 MB: far beyond any socket buffer, so the
  // server is waiting on onWritable when the client leaves.
  const received = await rawGet(bigPng(), (_chunk, socket) => {
    socket.pause();
    return true;
  });
  assert.ok(received > 0, 'the response had started');

  // The same large response still streams completely to a client that reads it.
  const full = await env.service.request(bigPng());
  assert.equal(full.status, 200);
  assert.equal(full.body.length, Number(full.headers.get('content-length')));
  assert.ok(full.body.length > 10_000_000);
});

test('a client that leaves before the response starts', async () => {
  const path = `/?url=${u(`${env.origin.base}/fixtures/2569067123_aca715a2ee_o.jpg`)}&w=333`;
  const socket = connect(env.service.app.port, '127.0.0.1', () => {
    socket.write(`GET ${path}&h=99 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    setTimeout(() => socket.destroy(), 5);
  });
  await new Promise((resolve) => socket.on('close', resolve));
  // Give the abandoned jobs time to finish inside the server.
  await new Promise((resolve) => setTimeout(resolve, 500));
});

test('after aborted clients the server answers /health and a normal resize', async () => {
  const health = await env.service.request('/health');
  assert.equal(health.status, 200);
  const image = await env.service.request(`/?url=${u(`${env.origin.base}/fixtures/320x240.jpg`)}&w=32`);
  assert.equal(image.status, 200);
  assert.equal(image.headers.get('content-type'), 'image/jpeg');
});
