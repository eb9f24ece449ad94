/**
 * `output=auto` (extension): the best format the client says it accepts. Only explicit `image/avif`
 * and `image/webp` entries count: `image/*` and `*\/*` are sent by clients that cannot decode either.
 */
import type { ImageFormat } from '../plan/types.js';

/** Media types the Accept header lists with a non-zero quality. */
function acceptedTypes(accept: string): Set<string> {
  const types = new Set<string>();
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    if (type) types.add(type);
  }
  return types;
}

/** AVIF, else WebP, else undefined (the origin's format). */
export function negotiateFormat(accept: string): ImageFormat | undefined {
  const types = acceptedTypes(accept);
  if (types.has('image/avif')) return 'avif';
  if (types.has('image/webp')) return 'webp';
  return undefined;
}
