/**
 * Hit baseline: the smallest useful uWebSockets.js server, answering every request with one fixed
 * buffer of the hit's size and type. Same uWS build as pixproxy, loaded the same way.
 */
import { loadUws } from '../src/http/uws.js';

const size = Number(process.argv[2] ?? 8000);
const contentType = process.argv[3] ?? 'image/jpeg';
const body = Buffer.alloc(size, 7);
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
