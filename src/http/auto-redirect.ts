/**
 * OUTPUT_AUTO=redirect: `output=auto` answers a 302 to the same URL with the negotiated format spelled
 * out (`output=webp`, `output=avif`, or no `output` at all for the origin's format). Shared caches
 * that ignore `Vary: Accept` (Cloudflare on most plans) then only ever store explicit URLs, whose
 * bytes do not depend on the client; the redirect itself is `no-store`, so no cache replays one
 * browser's answer to another. With SIGNING_KEY the new query is signed anew (we hold the key).
 */
import type { ImageFormat } from '../plan/types.js';
import { signQuery } from '../signing/signature.js';

function keyOf(segment: string): string {
  const equals = segment.indexOf('=');
  return equals === -1 ? segment : segment.slice(0, equals);
}

/** The query with each `output=auto` replaced by the format (or dropped), re-signed when signing. */
export function explicitQuery(query: string, format: ImageFormat | undefined, signingKey: string | undefined): string {
  const segments = query.split('&').filter((segment) => segment !== '' && !(signingKey !== undefined && keyOf(segment) === 's'));
  const rewritten = segments.flatMap((segment) => {
    if (keyOf(segment) !== 'output' || decodeURIComponent(segment.slice(7)).toLowerCase() !== 'auto') return [segment];
    return format === undefined ? [] : [`output=${format}`];
  });
  const text = rewritten.join('&');
  return signingKey === undefined ? text : signQuery(text, signingKey);
}

/** The Location of the redirect for a request to `path` with `query`. */
export function explicitLocation(path: string, query: string, format: ImageFormat | undefined, signingKey: string | undefined): string {
  const rewritten = explicitQuery(query, format, signingKey);
  return rewritten === '' ? path : `${path}?${rewritten}`;
}
