/**
 * The one error catalog. Every failure a client can see is a ServiceError carrying a stable code,
 * the HTTP status and the public message from the spec (section 5); the internal cause stays in logs.
 * Codes are plain strings so they survive structured cloning between worker threads.
 */

const catalog = {
  INVALID_URL: { status: 400, message: 'Unable to parse URI' },
  UNIX_SOCKET: { status: 400, message: 'Unix domain sockets are not supported' },
  IP_BLOCKED: { status: 400, message: 'IP address blocked by policy' },
  ORIGIN_UNRESOLVABLE: {
    status: 404,
    message: 'The hostname of the origin is unresolvable (DNS) or blocked by policy.',
  },
  ORIGIN_TIMEOUT: { status: 404, message: 'The requested URL timed out.' },
  ORIGIN_STATUS: { status: 404, message: 'The requested URL returned error: {detail}' },
  ORIGIN_413: { status: 404, message: 'Response status code: 413 Payload Too Large' },
  REDIRECT_SELF: { status: 404, message: 'Will not follow a redirection to itself' },
  REDIRECT_LIMIT: { status: 404, message: 'Will not follow more than {detail} redirects' },
  // Not in the spec: a fetch that would come back to this service (our own address, or a request
  // carrying our own Via token). 508 Loop Detected (RFC 5842) says exactly that.
  LOOP_DETECTED: { status: 508, message: 'Loop detected: the origin URL leads back to this service' },
  TOO_LARGE: {
    status: 404,
    message: 'The image is too large to be downloaded. Max image size: {detail} bytes',
  },
  NOT_AN_IMAGE: { status: 404, message: 'Invalid or unsupported image format. Is it a valid image?' },
  NOT_READABLE: { status: 404, message: 'Image not readable. Is it a valid image?' },
  INPUT_PIXELS: {
    status: 404,
    message: 'Input image exceeds pixel limit. Width x height should be less than {detail}',
  },
  OUTPUT_PIXELS: {
    status: 404,
    message: 'Output image exceeds pixel limit. Width x height should be less than {detail}',
  },
  TOO_MANY_PAGES: {
    status: 404,
    message:
      'Input image exceeds the maximum number of pages. Number of pages should be less than {detail}',
  },
  SAVER_DISABLED: { status: 400, message: 'Saving to {detail}' },
  PROCESS_TIMEOUT: { status: 400, message: 'libvips error: {detail}' },
  LIBVIPS: { status: 400, message: 'libvips error: {detail}' },
  SIGNATURE_INVALID: { status: 403, message: 'Invalid or missing signature' },
  RATE_LIMITED: { status: 429, message: 'Too many requests, please slow down' },
  OVERLOADED: { status: 503, message: 'Service is overloaded, please retry shortly' },
  // The front end's and the operator endpoints' own answers (not in the spec).
  NOT_FOUND: { status: 404, message: 'Not Found' },
  RATE_LIMIT_DISABLED: { status: 404, message: 'Rate limiting is disabled' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
  BEARER_INVALID: { status: 401, message: 'Missing or invalid bearer token' },
  URI_TOO_LONG: { status: 414, message: 'URI Too Long: the request target is over {detail} bytes' },
  HEADERS_TOO_LARGE: { status: 431, message: 'Request Header Fields Too Large: the headers are over {detail} bytes' },
  BAD_FRAMING: { status: 400, message: 'Bad Request: {detail}' },
  PURGE_FAILED: { status: 500, message: 'purge failed' },
  INTERNAL: {
    status: 500,
    message:
      "Something's wrong! It looks as though we've broken something on our system. Don't panic, we are fixing it! Please come back in a while..",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof catalog;

/** What crosses a thread boundary or gets logged: enough to rebuild the ServiceError. */
export interface ErrorShape {
  readonly code: ErrorCode;
  readonly detail?: string;
}

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(publicMessage(code, detail), options);
    this.name = 'ServiceError';
    this.code = code;
    this.status = catalog[code].status;
    this.detail = detail;
  }

  toShape(): ErrorShape {
    return this.detail === undefined ? { code: this.code } : { code: this.code, detail: this.detail };
  }

  static fromShape(shape: ErrorShape): ServiceError {
    return new ServiceError(shape.code, shape.detail);
  }
}

export function publicMessage(code: ErrorCode, detail?: string): string {
  return catalog[code].message.replace('{detail}', detail ?? '');
}

/** The spec's error body: compact, fixed key order, no trailing newline. */
export function errorBody(error: ServiceError): string {
  return JSON.stringify({ status: 'error', code: error.status, message: error.message });
}

/** Anything thrown that is not already a ServiceError is an internal failure (500). */
export function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  return new ServiceError('INTERNAL', undefined, { cause: error });
}
