/**
 * How origin-side failures become the spec's errors (section 5). Every one of them is a 404 to
 * the client except the policy refusals, which are raised as ServiceErrors where they happen.
 */
import { ServiceError } from '../errors.js';

/** An origin answer that is neither 200 nor a redirect, with the reference's quirks kept. */
export function statusFailure(status: number): ServiceError {
  switch (status) {
    case 408:
    case 504:
      return new ServiceError('ORIGIN_TIMEOUT');
    case 502:
      return new ServiceError('ORIGIN_UNRESOLVABLE');
    case 413:
      return new ServiceError('ORIGIN_413');
    default:
      return new ServiceError('ORIGIN_STATUS', String(status));
  }
}

const TIMEOUTS = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The name did not resolve, or the host did not take or keep the connection. */
const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NODATA',
  'EAI_NONAME',
  'ENODATA',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'EPIPE',
  'UND_ERR_SOCKET',
  // undici refusing the origin: a host the WHATWG URL parser rejects (e.g. `1.2.3.256`) cannot be
  // reached by anyone, like a name that does not resolve.
  'UND_ERR_INVALID_ARG',
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * A failure thrown while talking to the origin, as the client should see it. Errors without a
 * code are not transport failures but bugs: they are returned unchanged to surface as 500s.
 */
export function transportFailure(error: unknown): unknown {
  if (error instanceof ServiceError) return error;
  const code = codeOf(error);
  if (code === undefined) return error;
  if (TIMEOUTS.has(code)) return new ServiceError('ORIGIN_TIMEOUT', undefined, { cause: error });
  if (UNREACHABLE.has(code)) return new ServiceError('ORIGIN_UNRESOLVABLE', undefined, { cause: error });
  // Anything else (TLS certificate, malformed HTTP…): spec 5 "other transport failure".
  return new ServiceError('ORIGIN_STATUS', code, { cause: error });
}
