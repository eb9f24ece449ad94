/**
 * What the front end's handlers share: the service's dependencies and the facts of one request.
 * Kept apart from server.ts (which routes to the handlers) so that a handler module can name these
 * types without importing the router that imports it.
 */
import type { ImageCache } from '../cache/image-cache.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { StaticSite } from '../playground/index.js';
import type { RateLimiter } from '../ratelimit/limiter.js';
import type { ImageService } from '../service/image-service.js';
import type { SuccessOptions } from './headers.js';
import type { Observer } from './observe.js';
import type { PurgeDeps } from './purge-route.js';
import type { HeadLimits } from './request-guard.js';
import type { RequestResolver } from './resolve-request.js';
import type { UwsModule } from './uws.js';
import type { Conditions } from './validators.js';

/** Who serves HTTP: uWebSockets.js (Node) or Bun.serve (Bun). */
export type Front = { readonly kind: 'uws'; readonly uws: UwsModule } | { readonly kind: 'bun' };

export interface ServerDeps {
  /** Who serves HTTP on this runtime. */
  readonly http: Front;
  readonly images: ImageService;
  readonly log: Logger;
  /** Resolves when the worker pool can take jobs; /health answers 503 until then. */
  readonly ready: () => boolean;
  readonly build: string;
  readonly cache: ImageCache | undefined;
  /** Undefined disables the purge API. */
  readonly purgeToken: string | undefined;
  readonly resolver: RequestResolver;
  readonly inFlight: InFlight;
  /** Playground, parameter reference and their assets, for requests without `url=`. */
  readonly site: StaticSite;
  readonly metrics: Metrics;
  readonly observer: Observer;
  /** Undefined when rate limiting is off. */
  readonly limiter: RateLimiter | undefined;
  readonly trustProxy: Config['trustProxy'];
  /** Undefined leaves /metrics public. */
  readonly metricsToken: string | undefined;
  readonly headLimits: HeadLimits;
  /** VIA_PSEUDONYM: an image request whose Via names it is one of our own fetches come back. */
  readonly viaPseudonym: string;
  /** The CDN and HTTP caches in front, for purges; undefined when none is configured. */
  readonly front?: PurgeDeps['front'];
  /** OUTPUT_AUTO: `redirect` sends `output=auto` to the explicit format's URL. */
  readonly outputAuto?: 'vary' | 'redirect';
  /** SIGNING_KEY, to sign the redirect of OUTPUT_AUTO=redirect. */
  readonly signingKey?: string | undefined;
  /** True once a graceful stop has begun: /health answers 503 so load balancers move traffic. */
  readonly draining?: () => boolean;
  /** Caching policy and instance name for the headers of a success. */
  readonly success: SuccessOptions;
  /** Told of each image request answered with a success, to remember its URL for CDN purges. */
  readonly served?: (request: ServedRequest, facts: RequestFacts) => void;
}

/** What `served` is told about a request: its variant and its source. */
export interface ServedRequest {
  readonly key: string;
  readonly delivery: { readonly url: string };
}

/** Counts image requests between arrival and response, for a graceful shutdown. */
export class InFlight {
  count = 0;
  track<T>(work: Promise<T>): Promise<T> {
    this.count += 1;
    return work.finally(() => {
      this.count -= 1;
    });
  }
}

/** The request facts handlers may use after the first await. */
export interface RequestFacts extends Conditions {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** The Accept header, for `output=auto`. */
  readonly accept: string;
  readonly authorization: string;
  /** The Via header, to recognise our own fetches coming back (loops). */
  readonly via: string;
}

