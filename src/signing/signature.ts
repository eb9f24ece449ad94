/**
 * Signed URLs: with SIGNING_KEY set, an image request must carry `s=<signature>`, so only pages
 * that know the key can make the service fetch and resize (it is not an open proxy for anyone else).
 *
 * The rule, meant to be reproducible in any language in a few lines:
 *   message   = the raw query string exactly as sent (after `?`, not decoded, not re-encoded),
 *               without the `s=` pair (the pairs are split on `&`; the one whose key is exactly `s`
 *               is removed; the others are joined again with `&`, in their order);
 *   signature = base64url, without `=` padding, of HMAC-SHA256(key, message) — 43 characters.
 * For a signer this is simply: sign the query as it will be sent, then append `&s=<signature>`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_TEXT = /^[A-Za-z0-9_-]{43}$/;

function keyOf(segment: string): string {
  const equals = segment.indexOf('=');
  return equals === -1 ? segment : segment.slice(0, equals);
}

function withoutQuestionMark(query: string): string {
  return query.startsWith('?') ? query.slice(1) : query;
}

/** base64url (no padding) HMAC-SHA256 of `message`. */
export function signatureOf(message: string, key: string | Buffer): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** The signed message and the `s` value of a query; undefined when there is not exactly one `s` pair. */
export function splitSignedQuery(query: string): { message: string; signature: string } | undefined {
  const segments = withoutQuestionMark(query).split('&');
  const signatureAt = segments.flatMap((segment, index) => (keyOf(segment) === 's' ? [index] : []));
  if (signatureAt.length !== 1) return undefined;
  const index = signatureAt[0] ?? 0;
  const pair = segments[index] ?? '';
  if (!pair.startsWith('s=')) return undefined;
  segments.splice(index, 1);
  return { message: segments.join('&'), signature: pair.slice(2) };
}

/** The query with `&s=<signature>` appended (just `s=…` for an empty query). A leading `?` is kept. */
export function signQuery(query: string, key: string | Buffer): string {
  const message = withoutQuestionMark(query);
  if (message.split('&').some((segment) => keyOf(segment) === 's')) {
    throw new RangeError('the query already has an s= pair');
  }
  const signature = signatureOf(message, key);
  return message === '' ? `${query}s=${signature}` : `${query}&s=${signature}`;
}

/**
 * True only for a query carrying exactly one well-formed `s` that is the signature of the rest.
 * The comparison takes the same time wherever the first wrong byte is.
 */
export function verifySignedQuery(query: string, key: string | Buffer): boolean {
  const parts = splitSignedQuery(query);
  if (parts === undefined || !SIGNATURE_TEXT.test(parts.signature)) return false;
  const given = Buffer.from(parts.signature, 'base64url');
  // 43 characters carry 258 bits: refuse the spellings whose spare bits are set, so one
  // signature has one spelling (and one cache key).
  if (given.length !== 32 || given.toString('base64url') !== parts.signature) return false;
  const expected = createHmac('sha256', key).update(parts.message, 'utf8').digest();
  return timingSafeEqual(given, expected);
}
