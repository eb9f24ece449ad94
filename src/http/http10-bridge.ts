/**
 * HTTP10_BRIDGE: answering HTTP/1.0 clients on a uWS build that cannot. uWS 20.30 accepts only
 * `HTTP/1.1` request lines (it waits forever on `HTTP/1.0`, and no JavaScript is called), and newer
 * builds answer HTTP/1.0 with their own 505 page. Nothing in uWS.js lets JavaScript see such a
 * request or adopt a socket, so the only fix in-process is a hop in front of uWS: this bridge owns
 * the public port, uWS listens on 127.0.0.1 behind it, and every connection is relayed.
 *
 * - The first request of a connection, when its request line ends in ` HTTP/1.0`, is rewritten to
 *   ` HTTP/1.1` with `Connection: close` (and an empty `Host` if it had none) added: uWS answers it with a Content-Length body (we never send chunked) and
 *   closes, which is what an HTTP/1.0 client expects. An `HTTP/1.1` status line is allowed in the
 *   answer (RFC 9110 2.5: a server sends its own version). Everything else passes untouched.
 * - Each relayed connection starts with a PROXY protocol v2 header naming the client, which uWS
 *   (built with UWS_WITH_PROXY) parses, so the rate limit and the logs still see the client.
 *
 * It costs a second socket and a copy for every connection: off by default, for a box that must
 * serve HTTP/1.0 clients directly. Behind nginx or a CDN (which speak HTTP/1.1) it is not needed.
 */
import { createServer, connect, isIPv4, type Server, type Socket } from 'node:net';

/** The longest request line looked at; past it the bytes are relayed untouched (uWS refuses them). */
const MAX_LINE = 16_384;
/** The longest HTTP/1.0 head waited for; past it the bytes are relayed untouched. */
const MAX_HEAD = 65_536;

const SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** Sixteen bytes of an IPv6 address in any valid text form. */
function ipv6Bytes(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const words = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const expand = (list: string[]): number[] =>
    list.flatMap((word) => (word.includes('.') ? ipv4Bytes(word) : [Number.parseInt(word, 16) >> 8, Number.parseInt(word, 16) & 0xff]));
  const front = expand(words(head));
  const back = tail === undefined ? [] : expand(words(tail));
  return [...front, ...Array<number>(16 - front.length - back.length).fill(0), ...back];
}

function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** A PROXY protocol v2 header for a TCP connection from `source` to `target`. */
export function proxyV2Header(source: string, sourcePort: number, target: string, targetPort: number): Buffer {
  const from = unmapped(source);
  const to = unmapped(target);
  const v4 = isIPv4(from) && isIPv4(to);
  const addresses = v4 ? [...ipv4Bytes(from), ...ipv4Bytes(to)] : [...(isIPv4(from) ? ipv6Bytes(`::ffff:${from}`) : ipv6Bytes(from)), ...(isIPv4(to) ? ipv6Bytes(`::ffff:${to}`) : ipv6Bytes(to))];
  const body = Buffer.alloc(addresses.length + 4);
  Buffer.from(addresses).copy(body);
  body.writeUInt16BE(sourcePort, addresses.length);
  body.writeUInt16BE(targetPort, addresses.length + 2);
  const head = Buffer.alloc(16);
  SIGNATURE.copy(head);
  head[12] = 0x21; // version 2, PROXY
  head[13] = v4 ? 0x11 : 0x21; // TCP over IPv4 / IPv6
  head.writeUInt16BE(body.length, 14);
  return Buffer.concat([head, body]);
}

/**
 * The first bytes of a connection, HTTP/1.0 made HTTP/1.1: `undefined` while an HTTP/1.0 head is
 * still incomplete. `Connection: close` is added, and an empty `Host` when there is none (HTTP/1.0
 * clients may omit it; uWS waits forever on an HTTP/1.1 request without one).
 */
export function upgradeHead(head: Buffer): Buffer | undefined {
  const lineEnd = head.indexOf('\r\n');
  if (lineEnd === -1) return head.length < MAX_LINE ? undefined : head;
  if (lineEnd < 9 || head.toString('latin1', lineEnd - 9, lineEnd) !== ' HTTP/1.0') return head;
  const headEnd = head.indexOf('\r\n\r\n');
  if (headEnd === -1) return head.length < MAX_HEAD ? undefined : head;
  const fields = head.toString('latin1', lineEnd + 2, headEnd + 2);
  const hasHost = /(^|\r\n)host[ \t]*:/i.test(fields);
  const added = `\r\nConnection: close${hasHost ? '' : '\r\nHost:'}`;
  return Buffer.concat([head.subarray(0, lineEnd - 9), Buffer.from(` HTTP/1.1${added}`), head.subarray(lineEnd)]);
}

export interface Bridge {
  readonly port: number;
  stopListening(): void;
  close(): void;
}

function relay(client: Socket, upstreamPort: number, sockets: Set<Socket>): void {
  const upstream = connect(upstreamPort, '127.0.0.1');
  sockets.add(client);
  sockets.add(upstream);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  const end = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', () => {
    sockets.delete(client);
    upstream.end();
  });
  upstream.on('close', () => {
    sockets.delete(upstream);
    client.end();
  });
  upstream.write(proxyV2Header(client.remoteAddress ?? '0.0.0.0', client.remotePort ?? 0, client.localAddress ?? '0.0.0.0', client.localPort ?? 0));
  let head: Buffer | undefined = Buffer.alloc(0);
  client.on('data', (chunk: Buffer) => {
    let out = chunk;
    if (head !== undefined) {
      head = Buffer.concat([head, chunk]);
      const ready = upgradeHead(head);
      if (ready === undefined) return;
      out = ready;
      head = undefined;
    }
    if (!upstream.write(out)) client.pause();
  });
  upstream.on('drain', () => client.resume());
  client.on('end', () => upstream.end());
  upstream.pipe(client);
}

/** Listens on host:port and relays every connection to uWS on 127.0.0.1:upstreamPort. */
export function startHttp10Bridge(host: string, port: number, upstreamPort: number): Promise<Bridge> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => relay(client, upstreamPort, sockets));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      const address = server.address();
      let listening = true;
      const stopListening = (): void => {
        if (!listening) return;
        listening = false;
        server.close();
      };
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : port,
        stopListening,
        close: () => {
          stopListening();
          for (const socket of sockets) socket.destroy();
        },
      });
    });
  });
}
