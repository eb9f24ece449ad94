/**
 * Writing responses on uWebSockets.js. A response object dies when the client goes away (onAborted);
 * touching it after that crashes the process, so every write goes through a ResponseWriter that knows
 * whether the client is still there. Bodies are streamed with tryEnd/onWritable: when the socket's
 * buffer is full we wait for it to drain instead of buffering the image a second time.
 */
import type { HttpResponse } from '@btc-vision/uwebsockets.js';

export type Headers = ReadonlyArray<readonly [string, string]>;

export class ResponseWriter {
  private aborted = false;
  private finished = false;
  private readonly controller = new AbortController();

  constructor(private readonly res: HttpResponse) {
    // Must be attached before the handler's first await (uWS rule), so it lives in the constructor.
    res.onAborted(() => {
      this.aborted = true;
      this.controller.abort(new Error('client went away'));
    });
  }

  /** Aborted when the client disconnects: pass it to origin fetches. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get gone(): boolean {
    return this.aborted;
  }

  /**
   * Sends a complete response. `body` is written with backpressure; for HEAD only the headers and the
   * length the body would have are sent. Content-Length is written by uWS itself.
   */
  send(status: string, headers: Headers, body: Uint8Array | string, head = false): void {
    if (this.aborted || this.finished) return;
    this.finished = true;
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    this.res.cork(() => {
      this.res.writeStatus(status);
      for (const [name, value] of headers) this.res.writeHeader(name, value);
      if (head) {
        this.res.endWithoutBody(bytes.byteLength);
        return;
      }
      this.stream(bytes);
    });
  }

  private stream(bytes: Uint8Array): void {
    const total = bytes.byteLength;
    // Write offsets count body bytes of this response; remember where this body started.
    const base = this.res.getWriteOffset();
    const [ok, done] = this.res.tryEnd(bytes, total);
    if (ok || done) return;
    this.res.onWritable((offset) => {
      if (this.aborted) return true;
      const [retryOk, retryDone] = this.res.tryEnd(bytes.subarray(offset - base), total);
      return retryOk || retryDone;
    });
  }
}
