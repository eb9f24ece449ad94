/**
 * The headers of a memory hit, built once per second for each request URL and cached entry rather
 * than for every response. Behind a CDN the same URLs come back all the time, and building the list
 * (eleven pairs, an Expires date, the canonical link) was a fair share of a hit's main-thread time.
 * Only `Expires` changes with time, and only once a second (it has whole seconds), so a list
 * built in the same second is the same list. The 200's head and the 304's (the headers a 304
 * keeps) are prepared together, each with its wire form (respond.ts).
 */
import type { CachedMeta } from '../cache/store.js';
import type { ResolvedRequest } from './resolve-request.js';
import { successHeaders, type SuccessOptions } from './headers.js';
import { prepareHead, type PreparedHead } from './respond.js';
import { statusLine } from './status.js';
import { notModifiedHeaders } from './validators.js';

type ImageRequest = Extract<ResolvedRequest, { kind: 'request' }>;

/** What a hit answers with: the 200's head, and the 304's for a client that has the bytes. */
export interface HitHead {
  readonly ok: PreparedHead;
  readonly notModified: PreparedHead;
}

interface Built extends HitHead {
  readonly meta: CachedMeta;
  readonly data: Uint8Array;
  readonly second: number;
}

const OK = statusLine(200);
const NOT_MODIFIED = statusLine(304);

export class HitHeaders {
  // Keyed by the resolver's memoised request object: it lives as long as its URL stays popular.
  private readonly built = new WeakMap<ImageRequest, Built>();

  get(request: ImageRequest, meta: CachedMeta, data: Uint8Array, options: SuccessOptions, now = Date.now()): HitHead {
    const second = Math.floor(now / 1000);
    const cached = this.built.get(request);
    if (cached && cached.meta === meta && cached.data === data && cached.second === second) return cached;
    const headers = [...successHeaders(meta, request.delivery, 'HIT', data, options, second * 1000), ...request.vary];
    const built: Built = { meta, data, second, ok: prepareHead(OK, headers), notModified: prepareHead(NOT_MODIFIED, notModifiedHeaders(headers)) };
    this.built.set(request, built);
    return built;
  }
}
