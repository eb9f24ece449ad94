/**
 * Which origin connections would reach this very service: the addresses and port it listens on.
 * A fetch there is a loop (an origin redirecting back to us with a new `url=` each time nests one
 * more request per level, each holding a fetch slot), so the connector refuses it before dialling.
 * Loopback origins stay usable when ALLOW_PRIVATE_ORIGINS allows them, on every other port.
 *
 * Listening on `0.0.0.0` (or `::`) means every local address: all of 127.0.0.0/8, `0.0.0.0` itself
 * and every interface address (and, for `::`, the IPv6 ones too, IPv4 arriving dual-stack).
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parseLiteralHost } from './address-policy.js';

export interface Listener {
  /** The HOST setting: an IP address, `0.0.0.0`, `::` or `localhost`. */
  readonly host: string;
  readonly port: number;
}

/** The canonical text of an IP address; an IPv4-mapped IPv6 address becomes its IPv4 address. */
function canonical(address: string): string | undefined {
  const ip = parseLiteralHost(address);
  return ip?.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

function isLoopbackV4(ip: string): boolean {
  return isIP(ip) === 4 && ip.startsWith('127.');
}

/**
 * True if a connection to `address:port` reaches `listener`. `localAddresses` are this machine's
 * interface addresses (os.networkInterfaces). Pure: tests pass every case without a socket.
 */
export function reachesListener(address: string, port: number, listener: Listener, localAddresses: readonly string[]): boolean {
  if (port !== listener.port) return false;
  const ip = canonical(address);
  if (ip === undefined) return false;
  // Dialling the unspecified address reaches the local host, whatever it listens on.
  if (ip === '0.0.0.0' || ip === '::') return true;
  const family = isIP(ip);
  const local = (): boolean => isLoopbackV4(ip) || ip === '::1' || localAddresses.some((own) => canonical(own) === ip);
  const host = listener.host.toLowerCase();
  if (host === 'localhost') return ip === '127.0.0.1' || ip === '::1';
  const bound = canonical(host);
  if (bound === '0.0.0.0') return family === 4 && local();
  if (bound === '::') return local();
  return bound === ip;
}

/** How long the interface list is trusted before it is read again (addresses can change at run time). */
const INTERFACES_TTL_MS = 10_000;

/** The service's own listeners, filled in once the server listens (the port may be chosen by the OS). */
export class OwnListeners {
  private static nextId = 0;
  /** Tells the connection pools of different services in one process apart. */
  readonly id = `self-${OwnListeners.nextId++}`;
  private readonly listeners: Listener[] = [];
  private interfaces: readonly string[] = [];
  private interfacesRead = -Infinity;

  add(listener: Listener): void {
    this.listeners.push(Object.freeze({ ...listener }));
  }

  /** True if a connection to `address:port` would come back to this service. */
  reaches(address: string, port: number): boolean {
    if (this.listeners.length === 0) return false;
    return this.listeners.some((listener) => reachesListener(address, port, listener, this.localAddresses()));
  }

  private localAddresses(): readonly string[] {
    const now = performance.now();
    if (now - this.interfacesRead > INTERFACES_TTL_MS) {
      this.interfaces = Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
      this.interfacesRead = now;
    }
    return this.interfaces;
  }
}
