/**
 * The only way the origin fetcher opens sockets: an undici Agent whose connector resolves the host
 * once, drops every address the policy forbids, and connects to one of the checked addresses by IP.
 * Nothing resolves the name again between the check and the connection, so a DNS answer that
 * changes (rebinding) cannot slip a private address in. Each new connection is checked, including
 * connections opened for redirect hops; kept-alive sockets were checked when they were opened.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Agent, buildConnector } from 'undici';
import { undici } from '../undici.js';
import { ServiceError } from '../errors.js';
import { isForbiddenAddress, type AllowList } from './address-policy.js';
import type { OwnListeners } from './self-address.js';

/** Resolves a host name to all its addresses, in the resolver's order. */
export type ResolveAll = (hostname: string) => Promise<readonly string[]>;

export interface GuardOptions {
  readonly allow: AllowList;
  readonly connectTimeoutMs: number;
  /** This service's own listening addresses: a connection there would be a loop (LOOP_DETECTED). */
  readonly self?: OwnListeners | undefined;
}

/** Spec 1.4 "Failover": connection errors and timeouts move on to the next address, 3 tries at most. */
const MAX_CONNECT_TRIES = 3;

/** The address did not answer; another address of the same host might. */
const RETRYABLE_CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const systemResolve: ResolveAll = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

function isRetryable(error: Error): boolean {
  return 'code' in error && typeof error.code === 'string' && RETRYABLE_CONNECT_ERRORS.has(error.code);
}

function portOf(target: { readonly port: string; readonly protocol: string }): number {
  return target.port === '' ? (target.protocol === 'https:' ? 443 : 80) : Number(target.port);
}

/**
 * The addresses we may connect to: IP_BLOCKED when the host has addresses but none allowed,
 * LOOP_DETECTED when every allowed one is this service itself.
 */
async function allowedAddresses(hostname: string, port: number, options: GuardOptions, resolve: ResolveAll): Promise<readonly string[]> {
  const candidates = isIP(hostname) ? [hostname] : await resolve(hostname);
  if (candidates.length === 0) throw new ServiceError('ORIGIN_UNRESOLVABLE');
  const allowed = candidates.filter((address) => !isForbiddenAddress(address, options.allow));
  if (allowed.length === 0) throw new ServiceError('IP_BLOCKED');
  const { self } = options;
  const elsewhere = self === undefined ? allowed : allowed.filter((address) => !self.reaches(address, port));
  if (elsewhere.length === 0) throw new ServiceError('LOOP_DETECTED', undefined, { cause: new Error(`${hostname}:${port} is this service`) });
  return elsewhere;
}

/**
 * An undici connector enforcing the address policy. `resolve` is replaceable for tests only.
 * Errors reach undici's callback unchanged (ServiceError for policy refusals) and so reject the
 * request that needed the connection.
 */
export function guardedConnector(options: GuardOptions, resolve: ResolveAll = systemResolve): buildConnector.connector {
  const connect = undici.buildConnector({ timeout: options.connectTimeoutMs });
  return (target, callback) => {
    // The name stays the TLS server name (SNI and certificate check) while we dial the address.
    const servername = target.servername || (isIP(target.hostname) ? undefined : target.hostname);
    const fail = (error: unknown): void => callback(error instanceof Error ? error : new Error(String(error)), null);
    const attempt = (addresses: readonly string[], index: number): void => {
      const address = addresses[index] ?? '';
      try {
        connect({ ...target, hostname: address, servername }, (...result) => {
          const [error] = result;
          const tries = Math.min(addresses.length, MAX_CONNECT_TRIES);
          if (error !== null && index + 1 < tries && isRetryable(error)) attempt(addresses, index + 1);
          else callback(...result);
        });
      } catch (error) {
        // We run outside undici's own try/catch (after an await), so a throwing connect is ours to report.
        fail(error);
      }
    };
    allowedAddresses(target.hostname, portOf(target), options, resolve).then((addresses) => attempt(addresses, 0), fail);
  };
}

/** One Agent (connection pool) per policy, connect timeout and service, shared by every fetch using them. */
const agents = new Map<string, Agent>();

export function guardedAgent(options: GuardOptions): Agent {
  const key = JSON.stringify([options.allow, options.connectTimeoutMs, options.self?.id]);
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = new undici.Agent({ connect: guardedConnector(options) });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes every pooled origin connection (shutdown, and the end of test files). */
export async function closeOriginAgents(): Promise<void> {
  const open = [...agents.values()];
  agents.clear();
  await Promise.all(open.map((agent) => agent.close()));
}
