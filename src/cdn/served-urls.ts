/**
 * The request URLs under which each variant was served, so a purge can name them to the caches in
 * front (a CDN caches by URL, and many URLs spell one variant: parameter order, synonyms, defaults).
 * Bounded twice: at most `maxUrls` URLs overall, the sources served least recently forgotten first,
 * and at most PER_VARIANT URLs per variant (a hostile client could otherwise spell one variant a
 * million ways and push out everything else).
 */
import { LRUCache } from 'lru-cache';

export const PER_VARIANT = 32;

/** Variant key -> the path-and-query strings it was served under. */
type SourceUrls = Map<string, Set<string>>;

export class ServedUrls {
  private readonly sources: LRUCache<string, SourceUrls>;

  constructor(maxUrls: number) {
    this.sources = new LRUCache<string, SourceUrls>({
      maxSize: maxUrls,
      sizeCalculation: (urls) => Math.max(1, count(urls)),
    });
  }

  /** Remembers that `variant` of `source` was served for `target` (path and query, as received). */
  record(source: string, variant: string, target: string): void {
    let urls = this.sources.get(source);
    const known = urls?.get(variant);
    if (known?.has(target)) return;
    if (known && known.size >= PER_VARIANT) return;
    if (!urls) urls = new Map();
    if (known) known.add(target);
    else urls.set(variant, new Set([target]));
    this.restore(source, urls);
  }

  /** Forgets and returns every URL of the source. */
  takeSource(source: string): string[] {
    const urls = this.sources.get(source);
    if (!urls) return [];
    this.sources.delete(source);
    return [...urls.values()].flatMap((set) => [...set]);
  }

  /** Forgets and returns the URLs of some variants of the source. */
  takeVariants(source: string, variants: readonly string[]): string[] {
    const urls = this.sources.get(source);
    if (!urls) return [];
    const taken = variants.flatMap((variant) => {
      const set = urls.get(variant);
      urls.delete(variant);
      return set ? [...set] : [];
    });
    if (urls.size === 0) this.sources.delete(source);
    else this.restore(source, urls);
    return taken;
  }

  /** Stores a source's URLs anew: lru-cache sizes a value only when a different one is set. */
  private restore(source: string, urls: SourceUrls): void {
    this.sources.delete(source);
    this.sources.set(source, urls);
  }

  get size(): number {
    return this.sources.calculatedSize;
  }
}

function count(urls: SourceUrls): number {
  let total = 0;
  for (const set of urls.values()) total += set.size;
  return total;
}
