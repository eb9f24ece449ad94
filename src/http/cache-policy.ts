/**
 * The caching headers of a success, from the settings for shared caches. With none of them set the
 * headers are the spec's: `Cache-Control: public, max-age=<maxage>` and `Expires`. The settings add
 * what a CDN reads: `s-maxage` (its own lifetime, browsers ignore it), `stale-while-revalidate`
 * and `stale-if-error` (RFC 5861), `immutable` (RFC 8246: browsers skip revalidation on reload), and
 * a separate `CDN-Cache-Control` (RFC 9213) that only CDNs read.
 */
import type { HeaderList } from './respond.js';

export interface CachePolicyOptions {
  readonly sMaxAgeS: number | undefined;
  readonly staleWhileRevalidateS: number | undefined;
  readonly staleIfErrorS: number | undefined;
  readonly immutable: boolean;
  readonly cdnMaxAgeS: number | undefined;
}

export const specCachePolicy: CachePolicyOptions = Object.freeze({
  sMaxAgeS: undefined,
  staleWhileRevalidateS: undefined,
  staleIfErrorS: undefined,
  immutable: false,
  cdnMaxAgeS: undefined,
});

export class CachePolicy {
  private readonly suffix: string;
  private readonly cdnValue: string | undefined;

  constructor(options: CachePolicyOptions = specCachePolicy) {
    const stale = [
      ...(options.staleWhileRevalidateS === undefined ? [] : [`stale-while-revalidate=${options.staleWhileRevalidateS}`]),
      ...(options.staleIfErrorS === undefined ? [] : [`stale-if-error=${options.staleIfErrorS}`]),
    ];
    const browser = [
      ...(options.sMaxAgeS === undefined ? [] : [`s-maxage=${options.sMaxAgeS}`]),
      ...stale,
      ...(options.immutable ? ['immutable'] : []),
    ];
    this.suffix = browser.map((directive) => `, ${directive}`).join('');
    this.cdnValue = options.cdnMaxAgeS === undefined ? undefined : [`public, max-age=${options.cdnMaxAgeS}`, ...stale].join(', ');
  }

  /** Cache-Control, Expires and, when set, CDN-Cache-Control for a response `maxAge` seconds fresh. */
  headers(maxAge: number, now = Date.now()): HeaderList {
    const headers: (readonly [string, string])[] = [
      ['Cache-Control', `public, max-age=${maxAge}${this.suffix}`],
      ['Expires', new Date(now + maxAge * 1000).toUTCString()],
    ];
    if (this.cdnValue !== undefined) headers.push(['CDN-Cache-Control', this.cdnValue]);
    return headers;
  }
}
