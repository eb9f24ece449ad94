/**
 * What the routes need from the HTTP front end, whichever runtime serves it: request facts read
 * synchronously inside the handler, and a response written once, with backpressure, that says when
 * its client has gone. The shapes are uWebSockets.js's own (a subset of its HttpRequest and
 * HttpResponse), so on Node the uWS objects are passed straight through with no wrapper at all, and
 * on Bun a small adapter (bun-front.ts) gives Bun.serve's Request/Response model the same shape.
 */

/** The request, valid only until the handler returns (a uWS rule the Bun adapter keeps too). */
export interface FrontRequest {
  getMethod(): string;
  /** The path, without the query. */
  getUrl(): string;
  /** The raw query, without `?`; undefined or empty without one. */
  getQuery(): string | undefined;
  /** The first value of a header, by lower-case name; empty when absent. */
  getHeader(lowerCaseName: string): string;
  /** Every header line, lower-case names. */
  forEach(callback: (name: string, value: string) => void): void;
}

/** One response: status and headers, then a body; uWS semantics (see respond.ts). */
export interface FrontResponse {
  writeStatus(status: string): unknown;
  writeHeader(name: string, value: string): unknown;
  /** Writes as much of the body as the socket takes: [all written now, response complete]. */
  tryEnd(body: Uint8Array, totalSize: number): [boolean, boolean];
  /** Body bytes of this response written so far. */
  getWriteOffset(): number;
  /** Called when the socket can take more; returns true when it wrote everything it had. */
  onWritable(handler: (offset: number) => boolean): unknown;
  /** Called once if the client goes away before the response is complete. */
  onAborted(handler: () => void): unknown;
  /** Ends without a body: with a Content-Length of `reportedContentLength` (HEAD) or none (304). */
  endWithoutBody(reportedContentLength?: number): unknown;
  /** A small whole body; `closeConnection` closes the connection after it. */
  end(body: string, closeConnection?: boolean): unknown;
  /** Batches the writes made in `callback` into one send. */
  cork(callback: () => void): unknown;
  getRemoteAddressAsText(): ArrayBuffer;
  /** The client address from a PROXY protocol header (the HTTP/1.0 bridge); empty without one. */
  getProxiedRemoteAddressAsText(): ArrayBuffer;
}
