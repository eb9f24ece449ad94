/**
 * Which IP addresses the origin fetcher may connect to. Pure: no DNS, no sockets.
 *
 * Only globally reachable unicast addresses are allowed; everything private, loopback, link-local,
 * multicast, reserved, documentation… is forbidden unless the operator's allow list
 * (ALLOW_PRIVATE_ORIGINS) names it. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4) are
 * judged by that IPv4 address, so `::ffff:10.0.0.1` is as private as `10.0.0.1`.
 *
 * Host spellings are read the way browsers (WHATWG URL) and `inet_aton` read them: `2130706433`,
 * `0177.0.0.1`, `0x7f.1` and `127.1` are all 127.0.0.1, and a resolver given such a host would
 * connect there, so they must be recognised as that address before any connection is made.
 */
import type { Cidr, Config } from '../config.js';
import { parseAddress, type Address } from '../url/ip-literal.js';

// The literal parser lives below both its users (this policy and the rate limiter's client key).
export { parseLiteralHost } from '../url/ip-literal.js';

export type AllowList = Config['allowPrivateOrigins'];

interface Range extends Address {
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;
const IPV4_MASK = 0xffff_ffffn;

function range(text: string): Range {
  const [address = '', prefix = ''] = text.split('/');
  const parsed = parseAddress(address);
  if (parsed === undefined) throw new Error(`bad built-in range ${text}`);
  return { ...parsed, prefix: Number(prefix) };
}

function contains(net: Range, address: Address): boolean {
  if (net.family !== address.family) return false;
  const shift = BigInt(BITS[net.family] - net.prefix);
  return net.value >> shift === address.value >> shift;
}

/** IANA IPv4 special-purpose ranges that are not globally reachable (plus deprecated relays). */
const NON_GLOBAL_V4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // shared address space (CGNAT)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local (cloud metadata lives here)
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation TEST-NET-1
  '192.88.99.0/24', // 6to4 relay anycast (deprecated)
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation TEST-NET-2
  '203.0.113.0/24', // documentation TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and 255.255.255.255 broadcast
].map(range);

/** Outside global unicast 2000::/3 nothing is reachable (::, ::1, fe80::/10, fc00::/7, ff00::/8…). */
const GLOBAL_UNICAST_V6 = range('2000::/3');

/** Not globally reachable although inside 2000::/3. */
const NON_GLOBAL_V6 = [
  '2001::/23', // IETF protocol assignments, Teredo 2001::/32 included
  '2001:db8::/32', // documentation
  '3fff::/20', // documentation (RFC 9637)
].map(range);

const IPV4_MAPPED = range('::ffff:0.0.0.0/96');
const NAT64 = range('64:ff9b::/96');
const SIX_TO_FOUR = range('2002::/16');

/** The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one. */
function embeddedIpv4(address: Address): Address | undefined {
  if (address.family !== 6) return undefined;
  if (contains(IPV4_MAPPED, address) || contains(NAT64, address)) {
    return { family: 4, value: address.value & IPV4_MASK };
  }
  if (contains(SIX_TO_FOUR, address)) return { family: 4, value: (address.value >> 80n) & IPV4_MASK };
  return undefined;
}

function isNonGlobal(address: Address): boolean {
  if (address.family === 4) return NON_GLOBAL_V4.some((net) => contains(net, address));
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return isNonGlobal(v4);
  return !contains(GLOBAL_UNICAST_V6, address) || NON_GLOBAL_V6.some((net) => contains(net, address));
}

const allowRanges = new WeakMap<readonly Cidr[], readonly Range[]>();

function rangesOf(allow: readonly Cidr[]): readonly Range[] {
  let ranges = allowRanges.get(allow);
  if (ranges === undefined) {
    ranges = allow.map((cidr) => range(`${cidr.address}/${cidr.prefix}`));
    allowRanges.set(allow, ranges);
  }
  return ranges;
}

/** An address and, for IPv4 and IPv4-mapped IPv6, its other spelling: the allow list may use either. */
function spellings(address: Address): Address[] {
  if (address.family === 4) return [address, { family: 6, value: IPV4_MAPPED.value | address.value }];
  return contains(IPV4_MAPPED, address) ? [address, { family: 4, value: address.value & IPV4_MASK }] : [address];
}

/**
 * True if no request may be sent to `address` (any spelling parseLiteralHost accepts). Text that
 * is not an IP address at all is forbidden: the caller must resolve names first.
 */
export function isForbiddenAddress(address: string, allow: AllowList): boolean {
  const parsed = parseAddress(address);
  if (parsed === undefined) return true;
  if (allow === true) return false;
  const ranges = rangesOf(allow);
  if (spellings(parsed).some((form) => ranges.some((net) => contains(net, form)))) return false;
  return isNonGlobal(parsed);
}
