/**
 * The playground's static files: fingerprinted with a hash of their content so they can be cached
 * forever (`immutable`), while the HTML that names them is revalidated on every load.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface StaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly cacheControl: string;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

const CONTENT_TYPES = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

export interface ClientSources {
  readonly query: string;
  readonly app: string;
  readonly style: string;
}

/**
 * The browser files, served as written (no bundling): `client/` beside this module, which is
 * src/playground/client in the sources and dist/src/playground/client once `npm run build` has
 * copied them there (scripts/copy-client.ts). Read once, at start.
 */
function clientFile(name: string): string {
  return readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8');
}

export const CLIENT_SOURCES: ClientSources = {
  query: clientFile('query.js'),
  app: clientFile('app.js'),
  style: clientFile('style.css'),
};

/** `app.js` + content → `app.3f2a9c81d0.js`: 40 bits of SHA-256 are plenty to tell versions apart. */
export function fingerprintedName(name: string, body: Buffer): string {
  const dot = name.lastIndexOf('.');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

export interface BuiltAssets {
  /** Request path (`/assets/<fingerprinted name>`) → asset. */
  readonly files: ReadonlyMap<string, StaticAsset>;
  /** Where the pages link them. */
  readonly urls: { readonly app: string; readonly query: string; readonly style: string };
}

function asset(kind: keyof typeof CONTENT_TYPES, text: string): StaticAsset {
  return { contentType: CONTENT_TYPES[kind], body: Buffer.from(text, 'utf8'), cacheControl: IMMUTABLE };
}

const QUERY_IMPORT = "from './query.js'";

export function buildAssets(sources: ClientSources = CLIENT_SOURCES): BuiltAssets {
  const query = asset('js', sources.query);
  const queryUrl = `/assets/${fingerprintedName('query.js', query.body)}`;
  if (!sources.app.includes(QUERY_IMPORT)) throw new Error(`app.js must import its helpers ${QUERY_IMPORT}`);
  // app.js names query.js by its fingerprint, so a change to query.js also changes app.js's name.
  const app = asset('js', sources.app.replace(QUERY_IMPORT, `from '${queryUrl}'`));
  const appUrl = `/assets/${fingerprintedName('app.js', app.body)}`;
  const style = asset('css', sources.style);
  const styleUrl = `/assets/${fingerprintedName('style.css', style.body)}`;
  return {
    files: new Map([
      [queryUrl, query],
      [appUrl, app],
      [styleUrl, style],
    ]),
    urls: { app: appUrl, query: queryUrl, style: styleUrl },
  };
}
