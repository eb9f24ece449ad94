/**
 * Who the client is, for rate limiting and the access log: the socket's address, unless TRUST_PROXY
 * names the header a trusted CDN or load balancer sets. Only trust it when every request really
 * comes through that proxy: anyone reaching the box directly could otherwise claim any address.
 */
import { isIP } from 'node:net';
import type { Config } from '../config.js';

/**
 * `lines` are every line of the trusted header, in the order received: a client may send its own
 * line and a proxy such as HAProxy appends another instead of extending the first, so reading only
 * one line would let the client pick its address. `cf-connecting-ip` holds one address: the last
 * line wins. For `x-forwarded-for` the lines are one comma list, and its rightmost entry is the
 * address the trusted proxy itself saw; entries to its left were written by the client and can be
 * forged.
 */
export function clientIp(socketAddress: string, trust: Config['trustProxy'], lines: readonly string[]): string {
  if (trust === undefined || lines.length === 0) return socketAddress;
  const last = trust === 'x-forwarded-for' ? lines.join(',').split(',').at(-1) : lines.at(-1);
  const candidate = (last ?? '').trim();
  return isIP(candidate) ? candidate : socketAddress;
}
