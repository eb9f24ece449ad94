/**
 * Loads the best native uWebSockets.js build this machine can run. uWebSockets.js is not on npm under
 * its own name; two builds are:
 *  - @btc-vision/uwebsockets.js (v20.57): native on Node 20-25, needs glibc >= 2.38;
 *  - @trufflesuite/uws-js-unofficial (v20.30): native on Node <= 20 (glibc 2.34). Its own entry point
 *    silently falls back to a slow pure-JS shim, so we load its native binary directly instead.
 * Running the JS shim is never silent: it needs UWS_ALLOW_JS_FALLBACK=true and is logged as a warning.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Uws from '@btc-vision/uwebsockets.js';

export type UwsModule = typeof Uws;

/** `listen(host, port, options, callback)`: in both native builds, missing from the typings. */
export interface ListenWithOptions {
  listen(host: string, port: number, options: number, callback: (socket: Uws.us_listen_socket | false) => void): unknown;
}

export interface LoadedUws {
  readonly uws: UwsModule;
  /** Which build was loaded, for the start-up log and /health. */
  readonly build: string;
  readonly native: boolean;
}

const require = createRequire(import.meta.url);

function binaryName(): string {
  return `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
}

function loadBtcVision(): UwsModule {
  return require('@btc-vision/uwebsockets.js') as UwsModule;
}

function loadTruffleNative(): UwsModule {
  const root = dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
  return require(join(root, 'binaries', binaryName())) as UwsModule;
}

function loadTruffleShim(): UwsModule {
  const root = dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
  return require(join(root, 'dist', 'index.js')) as UwsModule;
}

/** The loader's message on one line: both the package's own words and the system's (e.g. glibc). */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' | ')
    .slice(0, 400);
}

/**
 * Tries the native builds newest first. `failures` collects why each candidate was skipped so the
 * start-up log can say why the newer build did not load (usually the glibc version).
 */
export function loadUws(options: { allowJsFallback: boolean; maxHeadBytes?: number }): LoadedUws & { failures: string[] } {
  const failures: string[] = [];
  if (options.maxHeadBytes !== undefined && process.env.UWS_HTTP_MAX_HEADERS_SIZE === undefined) {
    // 20.57 reads its hard limit on a request head once, when the native module loads, and answers
    // its own 431 (HTML) beyond it; the default is 4 KiB. Above our own limits (request line, headers,
    // 1 KiB slack) the handler sees the request and answers the spec's JSON 414/431 instead. 20.30
    // has no such setting: see the README (uWebSockets.js builds).
    process.env.UWS_HTTP_MAX_HEADERS_SIZE = String(options.maxHeadBytes + 1024);
  }
  const candidates: ReadonlyArray<readonly [string, () => UwsModule]> = [
    ['@btc-vision/uwebsockets.js@20.57 (native)', loadBtcVision],
    [`@trufflesuite/uws-js-unofficial@20.30 (native ${binaryName()})`, loadTruffleNative],
  ];
  for (const [build, load] of candidates) {
    try {
      return { uws: load(), build, native: true, failures };
    } catch (error) {
      failures.push(`${build}: ${oneLine(error)}`);
    }
  }
  if (!options.allowJsFallback) {
    throw new Error(
      `no native uWebSockets.js build loads on Node ${process.version} (${process.platform}/${process.arch}). ` +
        `Tried:\n  ${failures.join('\n  ')}\nSet UWS_ALLOW_JS_FALLBACK=true to run the slow JS shim anyway.`,
    );
  }
  return { uws: loadTruffleShim(), build: '@trufflesuite/uws-js-unofficial JS shim (slow)', native: false, failures };
}
