/**
 * The `Via` header (RFC 9110 7.6.3) pixproxy adds to every origin request, and the check that
 * refuses an incoming request carrying it: such a request is one of our own fetches that an origin
 * (or a CDN in between) sent back to us, and serving it would nest one more fetch per loop.
 * Instances behind one address share the pseudonym (VIA_PSEUDONYM) so a loop through any of them
 * is caught. The pseudonym is a token (config.ts checks it), so it needs no quoting.
 */

/** The header value sent to origins. */
export function viaValue(pseudonym: string): string {
  return `1.1 ${pseudonym}`;
}

/**
 * True if some hop of `header` (a comma-separated list of `protocol received-by [comment]`) was
 * received by `pseudonym`, compared case-insensitively.
 */
export function carriesVia(header: string, pseudonym: string): boolean {
  if (header === '') return false;
  const wanted = pseudonym.toLowerCase();
  return header.split(',').some((hop) => hop.trim().split(/\s+/)[1]?.toLowerCase() === wanted);
}
