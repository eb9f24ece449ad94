/**
 * The headers of a memory hit, built once per second for each request URL and cached entry rather
 * than for every response. Behind a CDN the same URLs come back all the time, and building the list
 * (eleven pairs, an Expires date, the canonical link) was a fair share of a hit's main-thread time.
 * Only `Expires` changes with time, and only once a second (it has whole seconds), so a list
 * built in the same second is the same list.
 */
import type { CachedMeta } from '../cache/store.js';
import type { ResolvedRequest } from './resolve-request.js';
import { successHeaders, type SuccessOptions } from './headers.js';
import type { HeaderList } from './respond.js';

type ImageRequest = Extract<ResolvedRequest, { kind: 'request' }>;

interface Built {
  readonly meta: CachedMeta;
  readonly data: Uint8Array;
  readonly second: number;
  readonly headers: HeaderList;
}

export class HitHeaders {
  // Keyed by the resolver's memoised request object: it lives as long as its URL stays popular.
  private readonly built = new WeakMap<ImageRequest, Built>();

  get(request: ImageRequest, meta: CachedMeta, data: Uint8Array, options: SuccessOptions, now = Date.now()): HeaderList {
    const second = Math.floor(now / 1000);
    const cached = this.built.get(request);
    if (cached && cached.meta === meta && cached.data === data && cached.second === second) return cached.headers;
    const headers = [...successHeaders(meta, request.delivery, 'HIT', data, options, second * 1000), ...request.vary];
    this.built.set(request, { meta, data, second, headers });
    return headers;
  }
}
