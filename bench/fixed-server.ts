/**
 * Hit baseline: the smallest useful uWebSockets.js server, answering every request with one fixed
 * buffer: the very bytes of the hit (the load generator decodes bodies, and its cost depends on the
 * bytes, so a baseline of filler bytes would not be the same work). Same uWS build as pixproxy.
 */
import { readFileSync } from 'node:fs';
import { loadUws } from '../src/http/uws.js';

const body = readFileSync(process.argv[2] ?? '');
const contentType = process.argv[3] ?? 'image/jpeg';
const { uws } = loadUws({ allowJsFallback: false });
const app = uws.App();
app.any('/*', (res) => {
  res.cork(() => {
    res.writeHeader('Content-Type', contentType).end(body);
  });
});
app.listen('127.0.0.1', 0, (socket) => {
  if (!socket) process.exit(1);
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: uws.us_socket_local_port(socket) })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
