/**
 * Hit baseline: the smallest useful uWebSockets.js server, answering from a table of fixed
 * responses: for each path, the very bytes and headers pixproxy answered it with (any other path
 * gets the first). The load generator runs on the same cores and parses every response, and its
 * cost grows with the headers and the body, so a baseline that answered less would charge pixproxy
 * for the client's work. Same uWS build as pixproxy.
 *
 *   node fixed-server.js <directory written by bench/lib/recorded.ts>
 */
import { loadUws } from '../src/http/uws.js';
import { readRecorded } from './lib/recorded.js';

const responses = readRecorded(process.argv[2] ?? '');
const fallback = responses.values().next().value;
if (!fallback) throw new Error('no responses recorded');
const { uws } = loadUws({ allowJsFallback: false });
const app = uws.App();
app.any('/*', (res, req) => {
  const query = req.getQuery();
  const response = responses.get(query === undefined ? req.getUrl() : `${req.getUrl()}?${query}`) ?? fallback;
  res.cork(() => {
    for (const [name, value] of response.headers) res.writeHeader(name, value);
    res.end(response.body);
  });
});
app.listen('127.0.0.1', 0, (socket) => {
  if (!socket) process.exit(1);
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: uws.us_socket_local_port(socket) })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
