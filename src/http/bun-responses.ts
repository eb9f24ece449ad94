/**
 * Bun's `Response` objects for the Bun front end (bun-front.ts), built once per body and header list
 * and cloned per request. A memory hit sends the same bytes with the same header lines to everyone
 * within a second (hit-headers.ts), and on Bun building the answer was the largest share of a hit's
 * main-thread time: `new Response(bytes, { headers: pairs })` copies the body (Bun owns a Response's
 * bytes) and builds a Headers object from the pairs, ~2 µs for a 14.5 kB hit, where cloning a
 * Response whose body is a Blob shares the bytes and takes ~0.3 µs.
 *
 * A body seen for the first time is answered the plain way and only remembered: a miss, an error or
 * a base64 body is a new object every time and never pays for a Blob. The second time its bytes are
 * copied once into a Blob, within a budget: those copies live as long as their body (the WeakMap
 * lets go when the memory tier drops the entry), so the budget bounds how much of the memory tier is
 * held twice. Past it, a body still reuses its Headers object and only its bytes are copied per
 * request, as before.
 */

/** Bytes of bodies held a second time, as Blobs, at most. */
export const BLOB_BUDGET_BYTES = 32 * 1024 * 1024;

interface Prepared {
  /** The status line and header lines (names and values alternating) this entry was built for. */
  status: string;
  lines: readonly string[];
  headers: Headers | undefined;
  blob: Blob | undefined;
  /** Never sent itself: every answer is a clone of it. */
  response: Response | undefined;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  // Usually the very same strings (one HeaderList per URL and second): a pointer comparison each.
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function headerPairs(lines: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < lines.length; i += 2) pairs.push([lines[i] as string, lines[i + 1] as string]);
  return pairs;
}

function init(status: string, headers: Headers | Array<[string, string]>): ResponseInit {
  // `status` is uWS's status line: "200 OK".
  return { status: Number(status.slice(0, 3)), statusText: status.slice(4), headers };
}

export class BunResponses {
  private readonly prepared = new WeakMap<Uint8Array, Prepared>();
  private blobBytes = 0;
  private readonly released = new FinalizationRegistry<number>((bytes) => {
    this.blobBytes -= bytes;
  });

  constructor(private readonly budget = BLOB_BUDGET_BYTES) {}

  /** Bytes held in Blobs now (tests). */
  get heldBytes(): number {
    return this.blobBytes;
  }

  /** A Response for this status line, header lines and body (null: none). */
  build(status: string, lines: readonly string[], body: Uint8Array | null): Response {
    if (body === null) return new Response(null, init(status, headerPairs(lines)));
    const entry = this.prepared.get(body);
    if (entry === undefined) {
      this.prepared.set(body, { status, lines, headers: undefined, blob: undefined, response: undefined });
      return new Response(body, init(status, headerPairs(lines)));
    }
    if (entry.status !== status || !sameLines(entry.lines, lines)) {
      // The next second's Expires, or another status: build again from the same bytes.
      entry.status = status;
      entry.lines = lines;
      entry.headers = undefined;
      entry.response = undefined;
    }
    entry.headers ??= new Headers(headerPairs(lines));
    if (entry.blob === undefined && this.blobBytes + body.byteLength <= this.budget) {
      entry.blob = new Blob([body]);
      this.blobBytes += body.byteLength;
      this.released.register(body, body.byteLength);
    }
    if (entry.blob === undefined) return new Response(body, init(status, entry.headers));
    entry.response ??= new Response(entry.blob, init(status, entry.headers));
    return entry.response.clone();
  }
}
