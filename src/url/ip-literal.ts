/**
 * IP address literals as URLs and resolvers read them: `2130706433`, `0177.0.0.1`, `0x7f.1` and
 * `127.1` are all 127.0.0.1 (WHATWG URL, `inet_aton`), IPv6 with or without brackets. Pure text
 * code below both its users: the origin's address policy and the rate limiter's client key.
 */
import { isIPv6 } from 'node:net';

export interface Address {
  readonly family: 4 | 6;
  /** The address as an unsigned integer of 32 or 128 bits. */
  readonly value: bigint;
}

const IPV4_MASK = 0xffff_ffffn;

/** One dotted part: decimal, octal (leading 0) or hex (0x, possibly with no digits = 0). */
function parseIpv4Part(part: string): bigint | undefined {
  if (/^0[xX][0-9a-fA-F]*$/.test(part)) return part.length === 2 ? 0n : BigInt(`0x${part.slice(2)}`);
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part);
  return undefined;
}

/** WHATWG IPv4 parser (also inet_aton): 1–4 parts, the last one filling the remaining bytes. */
function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  if (parts.length > 4) return undefined;
  const numbers: bigint[] = [];
  for (const part of parts) {
    const value = parseIpv4Part(part);
    if (value === undefined) return undefined;
    numbers.push(value);
  }
  const last = numbers.pop();
  if (last === undefined || numbers.some((value) => value > 255n)) return undefined;
  if (last >= 1n << BigInt(8 * (4 - numbers.length))) return undefined;
  return numbers.reduce((sum, value, index) => sum + (value << BigInt(8 * (3 - index))), last);
}

function parseIpv6(text: string): bigint | undefined {
  // Zone identifiers name a local interface and are never an origin.
  if (text.includes('%') || !isIPv6(text)) return undefined;
  let hex = text;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIpv4(dotted[0]);
    if (v4 === undefined) return undefined;
    hex = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = hex.split('::');
  const words = (side: string): string[] => (side === '' ? [] : side.split(':'));
  const headWords = words(head);
  const tailWords = tail === undefined ? [] : words(tail);
  const all = [...headWords, ...Array<string>(8 - headWords.length - tailWords.length).fill('0'), ...tailWords];
  return all.reduce((sum, word) => (sum << 16n) + BigInt(`0x${word}`), 0n);
}

export function parseAddress(host: string): Address | undefined {
  const bracketed = host.startsWith('[') && host.endsWith(']');
  if (bracketed || host.includes(':')) {
    const value = parseIpv6(bracketed ? host.slice(1, -1) : host);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(host);
  return value === undefined ? undefined : { family: 4, value };
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** RFC 5952: lowercase, no leading zeros, longest run of zero words as `::`, mapped IPv4 dotted. */
function formatIpv6(value: bigint): string {
  if (value >> 32n === 0xffffn) return `::ffff:${formatIpv4(value & IPV4_MASK)}`;
  const words = Array.from({ length: 8 }, (_, index) => (value >> BigInt(16 * (7 - index))) & 0xffffn);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && words[start + length] === 0n) length += 1;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = (list: bigint[]): string => list.map((word) => word.toString(16)).join(':');
  if (bestStart === -1) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

/**
 * If `host` (as found in a URL, IPv6 in brackets or not) is an IP address in any spelling, its
 * canonical text (dotted quad, or RFC 5952 IPv6 without brackets); otherwise undefined.
 */
export function parseLiteralHost(host: string): string | undefined {
  const address = parseAddress(host);
  if (address === undefined) return undefined;
  return address.family === 4 ? formatIpv4(address.value) : formatIpv6(address.value);
}

