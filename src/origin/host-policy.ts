/**
 * Which origin hosts may be fetched (ORIGIN_HOSTS_ALLOW / ORIGIN_HOSTS_DENY). Pure: no DNS.
 *
 * Patterns are exact names (`img.example.com`) or `*.example.com`, which matches every subdomain at
 * any depth but not `example.com` itself. Names compare case-insensitively, ignoring a trailing dot
 * and any port or userinfo. IP literals match only IP patterns, by address: `2130706433` and
 * `127.0.0.1` are the same host (and `[::ffff:127.0.0.1]` too), so no other spelling of a denied
 * address slips through.
 * Deny wins over allow; an empty allow list allows every host not denied.
 */
import { parseLiteralHost } from './address-policy.js';

/** The bare host of `[userinfo@]host[:port]` (IPv6 in brackets), lowercased, without a trailing dot. */
function bareHost(authority: string): string {
  let host = authority.slice(authority.lastIndexOf('@') + 1).trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    host = end === -1 ? host : host.slice(0, end + 1);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1 && host.indexOf(':') === colon) host = host.slice(0, colon);
  }
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

interface Host {
  readonly name: string;
  /** Canonical address when the host is an IP literal. */
  readonly ip: string | undefined;
}

/** The address an IP literal names; an IPv4-mapped IPv6 literal reaches the IPv4 address. */
function addressOf(name: string): string | undefined {
  const ip = parseLiteralHost(name);
  return ip?.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}

function hostOf(text: string): Host {
  const name = bareHost(text);
  return { name, ip: addressOf(name) };
}

function matches(host: Host, pattern: string): boolean {
  const wanted = bareHost(pattern);
  if (wanted === '') return false;
  if (wanted.startsWith('*.')) {
    // Wildcards name DNS domains; an IP literal is never "a subdomain".
    return host.ip === undefined && host.name.endsWith(wanted.slice(1)) && host.name.length > wanted.length - 1;
  }
  const wantedIp = addressOf(wanted);
  if (host.ip !== undefined || wantedIp !== undefined) return host.ip !== undefined && host.ip === wantedIp;
  return host.name === wanted;
}

export function isHostAllowed(host: string, allow: readonly string[], deny: readonly string[]): boolean {
  const parsed = hostOf(host);
  if (parsed.name === '') return false;
  if (deny.some((pattern) => matches(parsed, pattern))) return false;
  return allow.length === 0 || allow.some((pattern) => matches(parsed, pattern));
}

/**
 * The name under which downloads from `host` are counted (FETCH_CONCURRENCY_PER_HOST): lowercased,
 * without port, userinfo or trailing dot, and an IP literal in its canonical spelling so that
 * `2130706433` and `127.0.0.1` share one count. Names are not resolved: `localhost` and
 * `127.0.0.1` are two hosts, as are two names of one server.
 */
export function hostKey(host: string): string {
  const parsed = hostOf(host);
  return parsed.ip ?? parsed.name;
}
