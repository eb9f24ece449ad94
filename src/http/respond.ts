/**
 * Writing responses, on uWebSockets.js or through the Bun adapter (front.ts). A response object dies when the client goes away (onAborted);
 * touching it after that crashes the process, so every write knows whether the client is still
 * there. Bodies are streamed with tryEnd/onWritable: when the socket's buffer is full we wait for it
 * to drain instead of buffering the image a second time.
 */
import type { FrontResponse } from './front.js';

export type HeaderList = ReadonlyArray<readonly [string, string]>;

interface Liveness {
  aborted: boolean;
}

/** uWS lets us attach our own data to a response object; this mark asks for `Connection: close`. */
type Markable = FrontResponse & { closeAfter?: boolean };

/**
 * Asks the client to close the connection after this response (a draining box: nginx then stops
 * reusing its kept-alive connections to us instead of finding them closed later).
 */
export function markClosing(res: FrontResponse): void {
  (res as Markable).closeAfter = true;
}

function writeHead(res: FrontResponse, status: string, headers: HeaderList, mayClose = true): void {
  res.writeStatus(status);
  for (const [name, value] of headers) res.writeHeader(name, value);
  if (mayClose && (res as Markable).closeAfter === true) res.writeHeader('Connection', 'close');
}

/**
 * A status and headers sent again and again (a memory hit's, built once a second), with their wire
 * form made once too. uWebSockets.js writes the text given to `writeStatus` onto the wire as is,
 * between `HTTP/1.1 ` and a CRLF, and its own headers (Date, Content-Length) after ours, so the
 * status and every header line joined by CRLFs go out in one native call instead of one per
 * header (thirteen calls, each converting two strings, was a tenth of a hit's main-thread time).
 * As bytes: uWS reads a Uint8Array in place, where a string is converted on every call.
 */
export interface PreparedHead {
  readonly status: string;
  readonly headers: HeaderList;
  /** `<status>\r\n<name>: <value>\r\n...<name>: <value>`, for uWS only. */
  readonly wire: Uint8Array;
}

export function prepareHead(status: string, headers: HeaderList): PreparedHead {
  let text = status;
  for (const [name, value] of headers) text += `\r\n${name}: ${value}`;
  return { status, headers, wire: Buffer.from(text, 'latin1') };
}

/** uWS's writeStatus takes bytes as well as text (its RecognizedString). */
interface WritesBytes {
  writeStatus(status: Uint8Array): unknown;
}

/**
 * Writes a prepared head: in one call on uWS (`verbatim`), header by header elsewhere (the Bun
 * adapter builds a Response from the pairs, which must not carry line breaks).
 */
function writePrepared(res: FrontResponse, head: PreparedHead, verbatim: boolean): void {
  if (!verbatim) {
    writeHead(res, head.status, head.headers);
    return;
  }
  (res as unknown as WritesBytes).writeStatus(head.wire);
  if ((res as Markable).closeAfter === true) res.writeHeader('Connection', 'close');
}

/**
 * Ends the response with `bytes`; if the socket cannot take them all now, the rest follows on
 * onWritable. Returns false when the response is still streaming.
 */
function endWith(res: FrontResponse, bytes: Uint8Array, live: Liveness): boolean {
  const total = bytes.byteLength;
  // Write offsets count body bytes of this response; remember where this body started.
  const base = res.getWriteOffset();
  const [ok, done] = res.tryEnd(bytes, total);
  if (ok || done) return true;
  res.onWritable((offset) => {
    if (live.aborted) return true;
    const [retryOk, retryDone] = res.tryEnd(bytes.subarray(offset - base), total);
    return retryOk || retryDone;
  });
  return false;
}

/**
 * Answers synchronously, inside the uWS handler (the hit fast path): no abort handler, no promise,
 * unless the body does not fit the socket at once, in which case abort handling is attached before
 * the handler returns, as uWS requires. `verbatim`: the front end is uWS (see PreparedHead).
 */
export function sendNow(res: FrontResponse, head: PreparedHead, body: Uint8Array, isHead: boolean, verbatim: boolean): void {
  if (isHead) {
    // This uWS build does not count endWithoutBody as having responded: without an abort handler
    // it throws when the handler returns.
    res.onAborted(ignoreAbort);
    writePrepared(res, head, verbatim);
    res.endWithoutBody(body.byteLength);
    return;
  }
  writePrepared(res, head, verbatim);
  const total = body.byteLength;
  const base = res.getWriteOffset();
  const [ok, done] = res.tryEnd(body, total);
  if (ok || done) return;
  // The socket took part of it (a slow reader or a big body): stream the rest with backpressure.
  // The liveness mark and the handlers are made only then, not for every hit.
  const live: Liveness = { aborted: false };
  res.onAborted(() => (live.aborted = true));
  res.onWritable((offset) => {
    if (live.aborted) return true;
    const [retryOk, retryDone] = res.tryEnd(body.subarray(offset - base), total);
    return retryOk || retryDone;
  });
}

function ignoreAbort(): void {}

/**
 * A 304: the headers and no body, so no Content-Length either (RFC 9110 8.6 allows it, and it would
 * have to be the 200's). Synchronous, for the hit path; uWS needs an abort handler here too.
 */
export function sendNotModifiedNow(res: FrontResponse, head: PreparedHead, verbatim: boolean): void {
  res.onAborted(ignoreAbort);
  writePrepared(res, head, verbatim);
  res.endWithoutBody();
}

/** For handlers that await: knows whether the client is still there and tells the work when it left. */
export class ResponseWriter {
  private readonly live: Liveness = { aborted: false };
  private finished = false;
  private controller: AbortController | undefined;

  constructor(private readonly res: FrontResponse) {
    // Must be attached before the handler's first await (uWS rule), so it lives in the constructor.
    res.onAborted(() => {
      this.live.aborted = true;
      this.controller?.abort(new Error('client went away'));
    });
  }

  /** Aborted when the client disconnects: pass it to origin fetches. Made on first use only. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.live.aborted) this.controller.abort(new Error('client went away'));
    }
    return this.controller.signal;
  }

  get gone(): boolean {
    return this.live.aborted;
  }

  /**
   * Sends a complete response. `body` is written with backpressure; for HEAD only the headers and the
   * length the body would have are sent. Content-Length is written by uWS itself.
   */
  send(status: string, headers: HeaderList, body: Uint8Array | string, head = false): void {
    if (this.live.aborted || this.finished) return;
    this.finished = true;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    this.res.cork(() => {
      writeHead(this.res, status, headers);
      if (head) this.res.endWithoutBody(bytes.byteLength);
      else endWith(this.res, bytes, this.live);
    });
  }

  /** A response without a body and without Content-Length (304). */
  sendWithoutBody(status: string, headers: HeaderList): void {
    if (this.live.aborted || this.finished) return;
    this.finished = true;
    this.res.cork(() => {
      writeHead(this.res, status, headers);
      this.res.endWithoutBody();
    });
  }

  /** A small final response, then uWS closes the connection (it adds `Connection: close`). */
  sendAndClose(status: string, headers: HeaderList, body: string): void {
    if (this.live.aborted || this.finished) return;
    this.finished = true;
    this.res.cork(() => {
      // uWS writes its own `Connection: close` here.
      writeHead(this.res, status, headers, false);
      this.res.end(body, true);
    });
  }
}
