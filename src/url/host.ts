/**
 * The host part of an origin URL (spec 1.3 step 6, plus the "unparsable host/port" rule of step 10):
 * `[userinfo@]host[:port]` where host is a DNS name or a bracketed IPv6 literal.
 *
 * Works on "byte strings" (one char per byte, as `Buffer#toString('latin1')` gives) because the
 * spec's rules are about bytes: IDN labels are found by their non-ASCII bytes and must be valid UTF-8.
 *
 * Stricter than the reference, which copied the host text through and let DNS fail later: every
 * character that could make the URL mean something else to another parser (WHATWG's, undici's) or
 * leak into a response header (`%`, `\`, spaces, controls, quotes…) is refused here with
 * INVALID_URL, so the host we check is the host we connect to.
 */
import { isIPv6 } from 'node:net';
import { ServiceError } from '../errors.js';
import { punycodeEncode } from './punycode.js';

const MAX_LABEL = 63;
const MAX_HOST = 253;
/** A host of more bytes cannot fit in 253 characters once encoded (a code point is at most 4 bytes). */
const MAX_RAW_HOST = MAX_HOST * 4;

/** U+3002, U+FF0E and U+FF61 as UTF-8 byte strings: label separators like `.` (RFC 3490 3.1). */
const IDN_DOTS = /\xE3\x80\x82|\xEF\xBC\x8E|\xEF\xBD\xA1/g;
const NON_ASCII = /[\x80-\xFF]/;
/** What a DNS label may hold once encoded (letters, digits, hyphen; underscore is seen in the wild). */
const LABEL = /^[A-Za-z0-9_-]+$/;
/** RFC 3986 userinfo: unreserved, pct-encoded, sub-delims and `:`. */
const USERINFO = /^[A-Za-z0-9\-._~%!$&'()*+,;=:]*$/;
const PORT = /^[0-9]{1,5}$/;

export interface Authority {
  readonly userinfo: string | undefined;
  /** DNS name (ASCII) or IPv6 literal with its brackets, as written. */
  readonly host: string;
  /** Digits as written, if a port was given. */
  readonly port: string | undefined;
}

function invalid(): ServiceError {
  return new ServiceError('INVALID_URL');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function toAsciiLabel(label: string): string {
  if (!NON_ASCII.test(label)) return label;
  let text: string;
  try {
    text = utf8.decode(Buffer.from(label, 'latin1'));
  } catch {
    throw invalid();
  }
  return `xn--${punycodeEncode(Array.from(text, (char) => char.codePointAt(0) ?? 0))}`;
}

/** A DNS name: labels split on `.` and the IDN dots, non-ASCII labels punycoded, case kept. */
function toAsciiHost(host: string): string {
  if (host === '' || host.length > MAX_RAW_HOST) throw invalid();
  const labels = host.replace(IDN_DOTS, '.').split('.');
  // One trailing dot (a fully qualified name) is fine; other empty labels are not.
  const trailingDot = labels.length > 1 && labels.at(-1) === '';
  if (trailingDot) labels.pop();
  const ascii = labels.map((label) => {
    const encoded = toAsciiLabel(label);
    if (encoded.length > MAX_LABEL || !LABEL.test(encoded)) throw invalid();
    return encoded;
  });
  return ascii.join('.') + (trailingDot ? '.' : '');
}

function checkIpv6Literal(host: string): string {
  const inner = host.slice(1, -1);
  // Zone identifiers (`%eth0`) name a local interface: never meaningful for an origin.
  if (!host.endsWith(']') || inner.includes('%') || !isIPv6(inner)) throw invalid();
  return host;
}

function checkPort(port: string | undefined): string | undefined {
  if (port === undefined) return undefined;
  const value = Number(port);
  if (!PORT.test(port) || value < 1 || value > 65535) throw invalid();
  return port;
}

/** Splits `[userinfo@]host[:port]`; the host is returned as written. Throws INVALID_URL. */
function splitAuthority(text: string): Authority {
  const at = text.lastIndexOf('@');
  const userinfo = at === -1 ? undefined : text.slice(0, at);
  if (userinfo !== undefined && !USERINFO.test(userinfo)) throw invalid();
  const hostPort = text.slice(at + 1);
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw invalid();
    const rest = hostPort.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw invalid();
    return { userinfo, host: hostPort.slice(0, close + 1), port: rest === '' ? undefined : rest.slice(1) };
  }
  const colon = hostPort.indexOf(':');
  if (colon === -1) return { userinfo, host: hostPort, port: undefined };
  return { userinfo, host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

/**
 * Validates and encodes a host part (byte string) into its ASCII form.
 * Label ≤ 63 and whole host text (userinfo and port included, as in the reference) ≤ 253.
 */
export function normaliseAuthority(text: string): Authority {
  const split = splitAuthority(text);
  const host = split.host.startsWith('[') ? checkIpv6Literal(split.host) : toAsciiHost(split.host);
  const authority: Authority = { userinfo: split.userinfo, host, port: checkPort(split.port) };
  if (formatAuthority(authority).length > MAX_HOST) throw invalid();
  return authority;
}

export function formatAuthority({ userinfo, host, port }: Authority): string {
  return `${userinfo === undefined ? '' : `${userinfo}@`}${host}${port === undefined ? '' : `:${port}`}`;
}
