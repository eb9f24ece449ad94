/**
 * HTTP/1.1 on a bare loopback socket, for what fetch cannot send or cannot show: repeated header
 * lines, pipelined requests in one write, oversized heads, conflicting framing, and whether the
 * server answered, closed the connection cleanly (FIN) or reset it.
 */
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export interface RawExchange {
  /** Every complete response, in the order received. */
  readonly responses: RawResponse[];
  /** The server ended the connection (FIN or reset) before the wait was over. */
  readonly closed: boolean;
  /** The connection was reset (ECONNRESET / EPIPE) rather than closed cleanly. */
  readonly reset: boolean;
  /** Everything received, for messages. */
  readonly raw: string;
}

export interface RawOptions {
  /** Give up waiting after this long (the connection is then closed by the client). Default 3000. */
  readonly timeoutMs?: number;
  /** Stop waiting once this many complete responses arrived. Default: wait for the close or timeout. */
  readonly expect?: number;
  /** Writes after the first, each `gapMs` later. */
  readonly more?: readonly (string | Buffer)[];
  readonly gapMs?: number;
}

/** Parses as many complete responses as `data` holds (Content-Length bodies only: all we send). */
export function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  while (offset < data.length) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end < 0) break;
    const [statusLine = '', ...lines] = data.subarray(offset, end).toString('latin1').split('\r\n');
    const headers = new Map<string, string>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const length = Number(headers.get('content-length') ?? '0');
    const bodyStart = end + 4;
    if (data.length < bodyStart + length) break;
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: data.subarray(bodyStart, bodyStart + length) });
    offset = bodyStart + length;
  }
  return responses;
}

/** Connects to 127.0.0.1:`port`, writes `first` (then `more`), and collects what comes back. */
export function rawExchange(port: number, first: string | Buffer, options: RawOptions = {}): Promise<RawExchange> {
  const { timeoutMs = 3000, expect, more = [], gapMs = 50 } = options;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let reset = false;
    let closed = false;
    let settled = false;
    const socket = connect(port, '127.0.0.1');
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      resolve({ responses: parseResponses(data), closed, reset, raw: data.toString('latin1') });
    };
    socket.on('connect', () => {
      socket.write(first);
      more.forEach((chunk, index) => {
        timers.push(setTimeout(() => {
          if (!socket.destroyed) socket.write(chunk);
        }, gapMs * (index + 1)));
      });
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (expect !== undefined && parseResponses(Buffer.concat(chunks)).length >= expect) finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    timers.push(setTimeout(finish, timeoutMs));
  });
}

/** A GET request head; `headers` are written as given, one line each, so names may repeat. */
export function getRequest(target: string, headers: ReadonlyArray<readonly [string, string]> = []): string {
  return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
}
