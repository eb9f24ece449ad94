/** `Authorization: Bearer <token>` checks for the operator endpoints (purge, metrics). */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares digests, not the strings, so the comparison takes the same time whatever the input. */
export function bearerMatches(authorization: string, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) return false;
  const given = createHash('sha256').update(match[1]).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}
