/**
 * The playground (`/`), the parameter reference (`/reference`) and their static files
 * (`/assets/<name>.<hash>.<ext>`), all built once at start and kept in memory: a request is a map
 * lookup. Served by the HTTP layer for requests without `url=` (with `url=` every path is the API).
 */
import { buildAssets, REVALIDATE, type ClientSources, type StaticAsset } from './assets.js';
import { renderPlayground } from './playground-page.js';
import { renderReference } from './reference-page.js';

export type { StaticAsset } from './assets.js';

export interface StaticSite {
  /** The asset for a request path (no query string), or undefined when the site has nothing there. */
  get(path: string): StaticAsset | undefined;
  /** Every path the site serves (for tests and logs). */
  readonly paths: readonly string[];
}

export interface StaticSiteOptions {
  /** Source image of the playground's first view and of the reference's examples (`PLAYGROUND_SAMPLE_URL`). */
  readonly sampleUrl: string;
  /** Replaces the browser files (tests: fingerprints follow content). */
  readonly clientSources?: ClientSources;
}

function html(text: string): StaticAsset {
  return { contentType: 'text/html; charset=utf-8', body: Buffer.from(text, 'utf8'), cacheControl: REVALIDATE };
}

export function createStaticSite(options: StaticSiteOptions): StaticSite {
  const assets = buildAssets(options.clientSources);
  const files = new Map<string, StaticAsset>([
    ['/', html(renderPlayground(options.sampleUrl, { stylesheet: assets.urls.style, script: assets.urls.app }))],
    ['/reference', html(renderReference(options.sampleUrl, assets.urls.style))],
    ...assets.files,
  ]);
  return {
    get: (path) => files.get(path),
    paths: [...files.keys()],
  };
}
