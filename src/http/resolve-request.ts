/**
 * From a raw query (and the Accept header, for `output=auto`) to what the image route needs: the
 * delivery options, the final plan, its cache key and any Vary header. The result is a pure function
 * of its inputs, so it is memoised: a repeated URL (the common case behind a CDN) skips parsing,
 * schema validation, signature checking and hashing entirely.
 */
import { LRUCache } from 'lru-cache';
import { withOutputFormat } from '../plan/canonical.js';
import { cacheKey } from '../plan/key.js';
import { parseQuery } from '../plan/parse.js';
import type { Delivery, Plan } from '../plan/types.js';
import { verifySignedQuery } from '../signing/signature.js';
import { negotiateFormat } from './negotiate.js';
import type { HeaderList } from './respond.js';

export type ResolvedRequest =
  | {
      readonly kind: 'request';
      readonly delivery: Delivery;
      readonly plan: Plan;
      readonly key: string;
      /** `Vary: Accept` when the format was negotiated. */
      readonly vary: HeaderList;
    }
  | { readonly kind: 'no-url' }
  /** SIGNING_KEY is set and the query's `s=` signature is missing or wrong. */
  | { readonly kind: 'bad-signature' }
  | { readonly kind: 'invalid-url'; readonly code: 'INVALID_URL' | 'UNIX_SOCKET'; readonly fallback?: string };

const noVary: HeaderList = [];
const varyAccept: HeaderList = [['Vary', 'Accept']];

const badSignature: ResolvedRequest = { kind: 'bad-signature' };

function resolve(query: string, accept: string, signingKey: string | undefined): ResolvedRequest {
  const outcome = parseQuery(query);
  if (outcome.kind === 'no-url') return outcome;
  // Every API call must be signed when a key is set, even one whose url is unusable.
  if (signingKey !== undefined && !verifySignedQuery(query, signingKey)) return badSignature;
  if (outcome.kind !== 'request') return outcome;
  const { delivery } = outcome.request;
  // `output=auto` becomes the concrete format before the key is computed, so the cache stores one
  // entry per format (not per Accept header) and shares it with the explicit spelling.
  const negotiated = outcome.request.plan.output === 'auto';
  const plan = negotiated ? withOutputFormat(outcome.request.plan, negotiateFormat(accept)) : outcome.request.plan;
  return { kind: 'request', delivery, plan, key: cacheKey(delivery.url, plan), vary: negotiated ? varyAccept : noVary };
}

export class RequestResolver {
  private readonly memo: LRUCache<string, ResolvedRequest>;

  constructor(
    private readonly signingKey: string | undefined = undefined,
    maxEntries = 20_000,
  ) {
    this.memo = new LRUCache({ max: maxEntries });
  }

  resolve(query: string, accept: string): ResolvedRequest {
    // The Accept header matters only for output=auto; checking the raw text first keeps it out of
    // the memo key for every other request.
    const memoKey = query.includes('output=auto') ? `${query}\n${negotiateFormat(accept) ?? ''}` : query;
    let resolved = this.memo.get(memoKey);
    if (!resolved) {
      resolved = resolve(query, accept, this.signingKey);
      this.memo.set(memoKey, resolved);
    }
    return resolved;
  }
}
