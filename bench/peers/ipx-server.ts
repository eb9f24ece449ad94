/**
 * Peer: ipx (unjs, sharp behind node:http), as its README sets it up, fetching from the bench origin.
 * It has no result cache, so it takes part in the miss workloads only.
 *
 *   node ipx-server.js <origin host:port>
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIPX, createIPXNodeServer, ipxHttpStorage } from 'ipx';

const originHost = process.argv[2] ?? '127.0.0.1';
const ipx = createIPX({ storage: ipxHttpStorage({ domains: [originHost.split(':')[0] ?? '127.0.0.1'] }) });
const server = createServer(createIPXNodeServer(ipx));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
