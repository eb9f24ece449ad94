/**
 * Validators for a shared cache in front of us (an extension: the public service sends none).
 * The ETag is a strong tag derived from the bytes of the body: identical bytes give the identical tag
 * on a miss, a hit and a HEAD, on every box and after a restart, since the stored bytes are what it
 * hashes. Last-Modified is when the cache entry was produced. A CDN whose copy has expired then
 * revalidates with If-None-Match / If-Modified-Since and gets a 304 without the body.
 */
import { createHash } from 'node:crypto';

// Memory hits hand out the same Buffer again and again: hash it once. Disk hits read a new Buffer
// each time and are hashed each time (a fraction of the read itself).
const memo = new WeakMap<Uint8Array, string>();

/** The strong ETag of a body: 128 bits of its SHA-256, quoted. */
export function etagOf(body: Uint8Array): string {
  let tag = memo.get(body);
  if (tag === undefined) {
    tag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    memo.set(body, tag);
  }
  return tag;
}

/** The conditional request headers, copied from the request before the handler returns. */
export interface Conditions {
  readonly ifNoneMatch: string;
  readonly ifModifiedSince: string;
}

/** RFC 9110 13.1.2: does any tag of the list match (weak comparison, as GET and HEAD use)? */
function noneMatchHits(header: string, etag: string): boolean {
  const value = header.trim();
  if (value === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const part of value.split(',')) {
    const candidate = part.trim();
    if ((candidate.startsWith('W/') ? candidate.slice(2) : candidate) === opaque) return true;
  }
  return false;
}

/**
 * RFC 9110 13.2.2 for GET and HEAD: If-None-Match decides when present; otherwise If-Modified-Since
 * (a valid date) holds when the entry was not changed after it. Dates have whole seconds.
 */
export function isNotModified(conditions: Conditions, etag: string, lastModifiedMs: number): boolean {
  if (conditions.ifNoneMatch !== '') return noneMatchHits(conditions.ifNoneMatch, etag);
  if (conditions.ifModifiedSince === '') return false;
  const since = Date.parse(conditions.ifModifiedSince);
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModifiedMs / 1000) <= Math.floor(since / 1000);
}

/** The headers a 304 keeps from the 200 it stands for (RFC 9110 15.4.5), in their order. */
const kept = new Set([
  'cache-control',
  'cdn-cache-control',
  'expires',
  'etag',
  'last-modified',
  'vary',
  'x-served-by',
  // Not representation metadata: a cache that refreshes its stored headers keeps them right.
  'access-control-allow-origin',
  'cross-origin-resource-policy',
  'timing-allow-origin',
  'x-images-api',
]);

export function notModifiedHeaders(headers: ReadonlyArray<readonly [string, string]>): ReadonlyArray<readonly [string, string]> {
  return headers.filter(([name]) => kept.has(name.toLowerCase()));
}
