/**
 * What the front end refuses before routing: a request target or header block over our limits
 * (414, 431) and message framing two parsers could read differently (400), such as two different
 * Content-Length values or a Transfer-Encoding whose last coding is not `chunked` (RFC 9112 6.1,
 * 6.3). uWebSockets.js 20.30 accepts all of these and reads the first Content-Length line, so a
 * proxy in front that reads another line would see a different request boundary (smuggling).
 *
 * One pass over the header lines gathers everything, including every line of the trusted proxy
 * header (uWS's `getHeader` returns only the first line of a repeated header), and the first line of
 * each header the routes read: the pass happens anyway, and five `getHeader` calls on top of it
 * were five more native calls, each walking the header lines again, on every hit.
 *
 * uWS's own hard limit on a request head (UWS_HTTP_MAX_HEADERS_SIZE, read once when the native
 * module loads) is set above ours (see uws.ts), so a client gets our JSON answer for everything up
 * to it.
 */
import { ServiceError } from '../errors.js';
import type { FrontRequest } from './front.js';

export interface HeadLimits {
  /** Path plus query of the request target. */
  readonly maxUrlBytes: number;
  /** All header lines, names and values, as sent (`name: value\r\n`). */
  readonly maxHeaderBytes: number;
}

/** Why the head is refused, as an error of the catalog (414, 431 or 400). */
export type HeadProblem = ServiceError;

/**
 * The request headers the routes read: the first line of each, or empty when absent, as uWS's
 * `getHeader` gives them.
 */
export interface ReadHeaders {
  readonly accept: string;
  readonly authorization: string;
  readonly via: string;
  readonly ifNoneMatch: string;
  readonly ifModifiedSince: string;
}

export interface InspectedHead {
  /** Every line of the trusted proxy header, in the order received; empty without one. */
  readonly proxyLines: readonly string[];
  readonly problem: HeadProblem | undefined;
  readonly headers: ReadHeaders;
}

const none: readonly string[] = [];

function listItems(lines: readonly string[]): string[] {
  return lines.flatMap((line) => line.split(',')).map((item) => item.trim().toLowerCase());
}

/** Framing a second parser could disagree with; undefined when the framing is unambiguous. */
function framingProblem(contentLength: readonly string[], transferEncoding: readonly string[]): string | undefined {
  if (transferEncoding.length > 0) {
    if (contentLength.length > 0) return 'both Transfer-Encoding and Content-Length';
    const codings = listItems(transferEncoding).filter((item) => item !== '');
    // `chunked` must be the last coding, and it is the only one we decode.
    if (codings.length !== 1 || codings[0] !== 'chunked') return `unsupported Transfer-Encoding '${transferEncoding.join(', ')}'`;
  }
  if (contentLength.length > 0) {
    const values = listItems(contentLength);
    if (!values.every((value) => /^\d+$/.test(value))) return 'invalid Content-Length';
    if (new Set(values.map((value) => value.replace(/^0+(?=\d)/, ''))).size > 1) return 'conflicting Content-Length values';
  }
  return undefined;
}

/**
 * Reads the header lines once. `targetLength` is the length of the path and query as uWS gives
 * them; `proxyHeader` is the lower-case name of the trusted proxy header, if any.
 */
export function inspectHead(req: FrontRequest, targetLength: number, limits: HeadLimits, proxyHeader: string | undefined): InspectedHead {
  let headerBytes = 0;
  let contentLength: string[] | undefined;
  let transferEncoding: string[] | undefined;
  let proxyLines: string[] | undefined;
  // Undefined until seen, so that the first line wins even when it is empty (as with getHeader).
  let accept: string | undefined;
  let authorization: string | undefined;
  let via: string | undefined;
  let ifNoneMatch: string | undefined;
  let ifModifiedSince: string | undefined;
  req.forEach((name, value) => {
    headerBytes += name.length + value.length + 4;
    // Names arrive in lower case. The proxy header first: it may be any name, even one of these.
    if (name === proxyHeader) (proxyLines ??= []).push(value);
    switch (name) {
      case 'accept':
        accept ??= value;
        break;
      case 'authorization':
        authorization ??= value;
        break;
      case 'via':
        via ??= value;
        break;
      case 'if-none-match':
        ifNoneMatch ??= value;
        break;
      case 'if-modified-since':
        ifModifiedSince ??= value;
        break;
      case 'content-length':
        (contentLength ??= []).push(value);
        break;
      case 'transfer-encoding':
        (transferEncoding ??= []).push(value);
        break;
    }
  });
  const lines = proxyLines ?? none;
  const headers: ReadHeaders = {
    accept: accept ?? '',
    authorization: authorization ?? '',
    via: via ?? '',
    ifNoneMatch: ifNoneMatch ?? '',
    ifModifiedSince: ifModifiedSince ?? '',
  };
  if (targetLength > limits.maxUrlBytes) {
    return { proxyLines: lines, headers, problem: new ServiceError('URI_TOO_LONG', String(limits.maxUrlBytes)) };
  }
  if (headerBytes > limits.maxHeaderBytes) {
    return { proxyLines: lines, headers, problem: new ServiceError('HEADERS_TOO_LARGE', String(limits.maxHeaderBytes)) };
  }
  if (contentLength === undefined && transferEncoding === undefined) return { proxyLines: lines, headers, problem: undefined };
  const framing = framingProblem(contentLength ?? none, transferEncoding ?? none);
  return { proxyLines: lines, headers, problem: framing === undefined ? undefined : new ServiceError('BAD_FRAMING', framing) };
}
