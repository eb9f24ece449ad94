/**
 * What a client is counted as. IPv4 clients by their address (also when a dual-stack socket shows
 * them IPv4-mapped, `::ffff:a.b.c.d`, or uWS writes the mapped form out in full). IPv6 clients by
 * their /64: a subscriber usually gets a whole /64, and counting single addresses would let one
 * client rotate through 2^64 fresh allowances.
 */
import { parseLiteralHost } from '../url/ip-literal.js';

/** Eight 16-bit words of canonical (RFC 5952) IPv6 text. */
function ipv6Words(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const headWords = head === '' ? [] : head.split(':');
  const tailWords = tail === undefined || tail === '' ? [] : tail.split(':');
  return [...headWords, ...Array<string>(8 - headWords.length - tailWords.length).fill('0'), ...tailWords];
}

/** The rate-limit key of a client IP (as `clientIp` gives it); text that is no IP is used as is. */
export function rateLimitKey(ip: string): string {
  const text = ip.trim();
  // Only dotted quads and IPv6 count as addresses here, not the lenient URL spellings (`127.1`).
  const isV6 = text.includes(':');
  if (!isV6 && !/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return text;
  const canonical = parseLiteralHost(isV6 && !text.startsWith('[') ? `[${text}]` : text);
  if (canonical === undefined) return text;
  if (!canonical.includes(':')) return canonical;
  if (canonical.startsWith('::ffff:') && canonical.includes('.')) return canonical.slice('::ffff:'.length);
  return `${ipv6Words(canonical).slice(0, 4).join(':')}::/64`;
}
