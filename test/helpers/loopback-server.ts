/** Small node:http servers of a test's own on a loopback address, and the allow list for two of them. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cidr } from '../../src/config.js';

/** Listens on `host` (a 127.0.0.0/8 address) at a free port; resolves to its base URL. */
export function listenOn(server: Server, host: string): Promise<string> {
  return new Promise((resolve) => server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`)));
}

/** Closes the server and every connection still open on it. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** ALLOW_PRIVATE_ORIGINS for origins on two loopback hosts: two hosts, so per-host limits apply apart. */
export const TWO_LOOPBACK_HOSTS: readonly Cidr[] = [
  { address: '127.0.0.1', prefix: 32, family: 4 },
  { address: '127.0.0.2', prefix: 32, family: 4 },
];
