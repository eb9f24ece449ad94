/**
 * Who the client is, for rate limiting and the access log: the socket's address, unless TRUST_PROXY
 * names the header a trusted CDN or load balancer sets. Only trust it when every request really
 * comes through that proxy: anyone reaching the box directly could otherwise claim any address.
 */
import { isIP } from 'node:net';
import type { Config } from '../config.js';

/**
 * `cf-connecting-ip` holds one address. For `x-forwarded-for` the rightmost entry is the address the
 * trusted proxy itself saw; entries to its left were written by the client and can be forged.
 */
export function clientIp(socketAddress: string, trust: Config['trustProxy'], headerValue: string): string {
  if (trust === undefined || headerValue === '') return socketAddress;
  const candidate = (trust === 'x-forwarded-for' ? headerValue.split(',').at(-1) ?? '' : headerValue).trim();
  return isIP(candidate) ? candidate : socketAddress;
}
