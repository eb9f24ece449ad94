/** What a disk entry keeps beside its bytes (own module: the index thread needs it without cacache). */

/** What is stored beside the bytes. Versioned so a format change never misreads old entries. */
export interface CachedMeta {
  readonly v: 1;
  readonly contentType: string;
  /** Extension for Content-Disposition; absent for JSON/text outputs. */
  readonly extension?: string;
  readonly width: number;
  readonly height: number;
  /** The origin's canonical URL for the `Link` header. */
  readonly canonicalUrl: string;
  /** Bytes received from the origin, for `X-Upstream-Response-Length`. */
  readonly upstreamBytes: number;
  /** Unix milliseconds when the entry was produced. */
  readonly createdAt: number;
  /** Source URL hash, so every variant of one source can be found (purge). */
  readonly source: string;
}

export function isCachedMeta(value: unknown): value is CachedMeta {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.v === 1 &&
    typeof m.contentType === 'string' &&
    (m.extension === undefined || typeof m.extension === 'string') &&
    typeof m.width === 'number' &&
    typeof m.height === 'number' &&
    typeof m.canonicalUrl === 'string' &&
    typeof m.upstreamBytes === 'number' &&
    typeof m.createdAt === 'number' &&
    typeof m.source === 'string'
  );
}
