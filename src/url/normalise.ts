/**
 * Turns the `url=` (and `default=`) query value into the origin URL the service fetches (spec 1.3),
 * and resolves redirect `Location` headers against it (spec 1.4). Pure: no I/O.
 *
 * The rules are about bytes, so the work is done on "byte strings" (one char per byte, as
 * `Buffer#toString('latin1')` gives). A normalised URL is plain ASCII:
 * `http[s]://[userinfo@]host[:port]/path[?query]`, always with a path that starts with `/`.
 *
 * Deliberate differences from the reference (REF), all on inputs REF mishandled:
 * - The host ends at the first `/`, `?` or `#` (REF: first `/`, else first `?`), so
 *   `example.com?a=/b` keeps `?a=/b` as the query instead of folding it into the host (the spec's
 *   "quirk" in step 4), and `example.com#top` is `http://example.com/`.
 * - A path that starts with `?` gets its `/` here (REF added it only to the request line, step 9),
 *   so `example.com?x=1` and `example.com/?x=1` are the same URL for caching and `Link`.
 * - A `%` not followed by two hex digits stays as it is (nginx silently dropped bytes).
 * - Hosts are validated (see host.ts): bad characters, bad ports and empty hosts are INVALID_URL.
 */
import { ServiceError } from '../errors.js';
import { formatAuthority, normaliseAuthority, type Authority } from './host.js';

/** Shortest raw value worth parsing (`i.nl`), spec 1.1 and 1.3 step 1. */
const MIN_RAW_BYTES = 4;

export type OriginScheme = 'http' | 'https';

/** A normalised URL taken apart, for the fetcher (connection target and request line). */
export interface SourceUrlParts {
  readonly scheme: OriginScheme;
  readonly authority: Authority;
  /** Path and query, always starting with `/`; sent verbatim as the request target. */
  readonly path: string;
}

/** Step 2, tested case-insensitively in this order. */
const SCHEME_PREFIXES: ReadonlyArray<readonly [prefix: string, scheme: OriginScheme]> = [
  ['http://', 'http'],
  ['https://', 'https'],
  ['ssl:', 'https'],
  ['//', 'https'],
];

/** Step 7: bytes that are percent-encoded in the path; everything else (even `%`) stays verbatim. */
const PATH_ESCAPED = /[\x00-\x20\x7F-\xFF"<>\\^`{|}]/g;

function invalid(): ServiceError {
  return new ServiceError('INVALID_URL');
}

function percentEncodeByte(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** `%XX` → byte, exactly once (`%252F` → `%2F`); `+` is not a space here. */
function percentDecode(byteString: string): string {
  return byteString.replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function splitScheme(text: string): { scheme: OriginScheme; rest: string } {
  const head = text.slice(0, 8).toLowerCase();
  for (const [prefix, scheme] of SCHEME_PREFIXES) {
    if (head.startsWith(prefix)) return { scheme, rest: text.slice(prefix.length) };
  }
  return { scheme: 'http', rest: text };
}

/** Steps 5, 7 and the empty-path rule: drop the fragment, escape, make sure it starts with `/`. */
function encodePath(path: string): string {
  const hash = path.indexOf('#');
  const encoded = (hash === -1 ? path : path.slice(0, hash)).replace(PATH_ESCAPED, percentEncodeByte);
  return encoded.startsWith('/') ? encoded : `/${encoded}`;
}

/** Steps 2–8 on an already decoded byte string. */
function normaliseByteString(text: string): string {
  const { scheme, rest } = splitScheme(text);
  const target = rest.replace(/^\/+/, '');
  if (/^unix:/i.test(target)) throw new ServiceError('UNIX_SOCKET');
  const hostEnd = target.search(/[/?#]/);
  const hostText = hostEnd === -1 ? target : target.slice(0, hostEnd);
  const path = hostEnd === -1 ? '' : target.slice(hostEnd);
  return `${scheme}://${formatAuthority(normaliseAuthority(hostText))}${encodePath(path)}`;
}

/**
 * Spec 1.3 steps 1–9. `raw` is the query value exactly as it appeared in the request (still
 * percent-encoded); characters outside Latin-1 are taken as their UTF-8 bytes.
 * Throws ServiceError INVALID_URL, or UNIX_SOCKET for `unix:` targets.
 */
export function normaliseSourceUrl(raw: string): string {
  const bytes = Buffer.from(raw, 'utf8');
  if (bytes.length < MIN_RAW_BYTES) throw invalid();
  return normaliseByteString(percentDecode(bytes.toString('latin1')));
}

/** Takes apart a URL produced by this module. Throws INVALID_URL for anything else. */
export function splitSourceUrl(url: string): SourceUrlParts {
  const match = /^(https?):\/\/([^/]*)(\/[^]*)$/.exec(url);
  const [, scheme, authority, path] = match ?? [];
  if ((scheme !== 'http' && scheme !== 'https') || authority === undefined || path === undefined) throw invalid();
  return { scheme, authority: normaliseAuthority(authority), path };
}

function splitQuery(pathAndQuery: string): [path: string, query: string] {
  const mark = pathAndQuery.indexOf('?');
  return mark === -1 ? [pathAndQuery, ''] : [pathAndQuery.slice(0, mark), pathAndQuery.slice(mark)];
}

/** RFC 3986 5.2.4 on a path that starts with `/`: `.` and `..` segments walk the tree, never above `/`. */
function removeDotSegments(path: string): string {
  const segments = path.split('/').slice(1);
  const output: string[] = [];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') output.pop();
      if (last) output.push('');
    } else {
      output.push(segment);
    }
  });
  return `/${output.join('/')}`;
}

/** The Location reference made absolute (not yet normalised). */
function absoluteReference(base: SourceUrlParts, reference: string): string {
  if (reference === '') throw invalid();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(reference)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    // `http:/x` and `http:x` are treated like `http://x`, as browsers do for http(s) targets.
    return `${scheme}://${reference.slice(scheme.length + 1).replace(/^\/+/, '')}`;
  }
  if (scheme === 'unix') throw new ServiceError('UNIX_SOCKET');
  // Any other scheme (ftp:, file:, data:, gopher:…) is not something we fetch.
  if (scheme !== undefined) throw invalid();

  const origin = `${base.scheme}://${formatAuthority(base.authority)}`;
  if (reference.startsWith('//')) return `${base.scheme}:${reference}`;
  if (reference.startsWith('/')) return origin + reference;
  const [basePath] = splitQuery(base.path);
  if (reference.startsWith('?')) return origin + basePath + reference;
  if (reference.startsWith('#')) return origin + base.path;
  const [refPath, refQuery] = splitQuery(reference.split('#', 1)[0] ?? '');
  const directory = basePath.slice(0, basePath.lastIndexOf('/') + 1);
  return origin + removeDotSegments(directory + refPath) + refQuery;
}

/**
 * Spec 1.4: resolves a redirect's `Location` against the URL that answered, then normalises it as
 * in 1.3. `currentUrl` is a normalised URL; `location` is the header value as undici gives it (one
 * char per byte; characters beyond Latin-1 are taken as UTF-8).
 *
 * The Location is NOT percent-decoded (REF ran it through the same decode as the query value). A
 * Location is already a URI reference carrying its own escapes: decoding it would turn `%2F`, `%3F`
 * and `%23` into real delimiters (changing the path, or cutting it at a "fragment") and `%25XX`
 * into a different escape, so the origin would be asked for another resource than it named. Steps
 * 2–8 still apply, so raw spaces or non-ASCII bytes in the header get escaped and IDN hosts punycoded.
 *
 * Relative references: `//h/p` keeps the scheme, `/p` replaces path and query, `?q` replaces the
 * query, `#f` is the same resource, anything else is merged with the current directory and its
 * `.`/`..` segments removed (RFC 3986 5.2). Throws INVALID_URL (unusable Location) or UNIX_SOCKET.
 */
export function resolveRedirect(currentUrl: string, location: string): string {
  const base = splitSourceUrl(currentUrl);
  const bytes = /[^\x00-\xFF]/.test(location) ? Buffer.from(location, 'utf8').toString('latin1') : location;
  // Surrounding spaces and controls are never part of a URL (WHATWG strips them too).
  const reference = bytes.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
  return normaliseByteString(absoluteReference(base, reference));
}
