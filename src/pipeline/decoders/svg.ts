/**
 * SVG, rendered by librsvg (through libvips) in a child process that can be killed (svg-process/).
 * librsvg cannot be cancelled while it renders and its cost grows much faster than the pixels it
 * writes: a 212-byte document with one blurred 8000x8000 rectangle renders for minutes and takes
 * gigabytes, long after a worker thread given up on it was terminated. So two limits apply:
 *  - before rendering, documents that use filter effects are rendered only up to
 *    MAX_FILTERED_SVG_PIXELS (libvips renders in tiles and librsvg recomputes a filter over its
 *    whole region for each one, so filtered cost grows with the square of the area: measured
 *    0.8 s at 2000x2000, 13 s at 4000x4000, minutes at 8000x8000);
 *  - while rendering, the child is killed at the job's deadline or when its memory passes a budget
 *    sized from the pixels it was asked for, and the job waits until it has exited.
 */
import { constants, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { ServiceError } from '../../errors.js';
import { fromSharpError, timeoutError } from '../sharp-errors.js';
import { RenderFailed, RenderStopped, svgRenderer } from '../svg-process/renderer.js';
import type { DecodeRequest, Decoder } from './decoder.js';
import { startsWith } from './raw.js';

/** How far into an SVG document `<svg` may appear (libvips: 1000 bytes, after an XML prolog or comment). */
const SVG_HEADER_BYTES = 1000;

/** libvips' rules: the start is plain ASCII text and `<svg` appears early. gzip-compressed SVG too. */
export function isSvg(head: Buffer): boolean {
  let text = head;
  if (startsWith(text, [0x1f, 0x8b])) {
    try {
      // The head is a truncated gzip stream: decode what is there. Only its first 512 bytes, so a
      // highly compressed start cannot inflate to more than about half a megabyte.
      text = gunzipSync(head.subarray(0, 512), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  if (startsWith(text, [0xef, 0xbb, 0xbf])) text = text.subarray(3);
  const start = text.subarray(0, 24);
  if (start.length === 0 || !start.every((byte) => byte >= 0x09 && byte <= 0x7f)) return false;
  return text.toString('latin1', 0, SVG_HEADER_BYTES).toLowerCase().includes('<svg');
}

/**
 * librsvg keeps a few kilobytes per element and accepts a million of them: 100,000 tiny elements
 * (3 MB of text) cost ~330 MB. Documents with more elements than this are refused before parsing.
 */
const MAX_SVG_ELEMENTS = 50_000;
/** A gzip-compressed SVG is inflated at most this far to count (beyond it is refused too). */
const MAX_SVG_TEXT_BYTES = 32 * 1024 * 1024;
/** Largest rendering of a document that uses filter effects (about 2800 x 2800; ~3 s per filter). */
export const MAX_FILTERED_SVG_PIXELS = 8_000_000;
/** Memory of a rendering child before the pixels: Node, sharp and librsvg's document. */
const RENDER_BASE_BYTES = 256 * 1024 * 1024;
/** Per rendered pixel: the RGBA output, its copy for the reply and libvips' tiles. */
const RENDER_BYTES_PER_PIXEL = 16;

/** The document's text (inflated when gzip-compressed), refused when it is too large or too busy. */
function documentText(input: Buffer): Buffer {
  let text = input;
  if (startsWith(input, [0x1f, 0x8b])) {
    try {
      text = gunzipSync(input, { maxOutputLength: MAX_SVG_TEXT_BYTES });
    } catch {
      throw new ServiceError('NOT_READABLE');
    }
  }
  let elements = 0;
  for (let at = text.indexOf(0x3c); at !== -1; at = text.indexOf(0x3c, at + 1)) {
    elements += 1;
    if (elements > MAX_SVG_ELEMENTS) throw new ServiceError('NOT_READABLE');
  }
  return text;
}

/**
 * Whether any filter effect may apply: a `<filter>` element, or a `filter` attribute or CSS
 * property (librsvg also renders CSS filter functions such as `filter: blur(…)`).
 */
export function usesFilters(text: Buffer): boolean {
  return /<(?:[\w-]+:)?filter[\s>/]|\bfilter\s*[=:]/i.test(text.toString('latin1'));
}

/** libvips renders SVG at 72 dpi unless told otherwise. */
const SVG_DPI = 72;

/** Why a render did not give pixels, in the spec's words. */
function renderError(error: unknown, request: DecodeRequest): ServiceError {
  const clock = request.clock;
  if (error instanceof RenderStopped) {
    if (error.reason === 'timeout' && clock) return timeoutError(clock.timeoutSeconds, clock.startedAt, 0);
    if (error.reason === 'memory') return new ServiceError('LIBVIPS', 'SVG rendering needs too much memory', { cause: error });
    return new ServiceError('NOT_READABLE', undefined, { cause: error });
  }
  if (error instanceof RenderFailed) {
    return fromSharpError(error, {
      decoding: true,
      maxInputPixels: request.maxInputPixels,
      timeoutSeconds: clock?.timeoutSeconds ?? 0,
      startedAt: clock?.startedAt ?? performance.now(),
    });
  }
  return new ServiceError('INTERNAL', undefined, { cause: error });
}

function timeLeftMs(request: DecodeRequest): number {
  const clock = request.clock;
  if (clock === undefined) return 60_000;
  return clock.timeoutSeconds * 1000 - (performance.now() - clock.startedAt);
}

export const svgDecoder: Decoder = {
  type: 'svg',
  multiPage: false,
  uniformPages: true,
  vector: true,
  sniff: isSvg,
  header: async (input, request) => {
    documentText(input);
    return sharp(input, { failOn: 'none', limitInputPixels: request.maxInputPixels }).metadata();
  },
  pageSizes: async (input) => {
    const { width, height } = await sharp(input, { failOn: 'none' }).metadata();
    return [{ width, height }];
  },
  open: async (input, request) => {
    const text = documentText(input);
    const header = await sharp(input, { failOn: 'none' }).metadata();
    const width = Math.max(1, Math.round(header.width * request.scale));
    const height = Math.max(1, Math.round(header.height * request.scale));
    const pixels = width * height;
    if (pixels > MAX_FILTERED_SVG_PIXELS && usesFilters(text)) {
      throw new ServiceError(
        'LIBVIPS',
        `SVG filter effects are rendered up to ${MAX_FILTERED_SVG_PIXELS} pixels, not ${width}x${height}; ask for a smaller w or h`,
      );
    }
    const left = timeLeftMs(request);
    if (left <= 0 && request.clock) throw timeoutError(request.clock.timeoutSeconds, request.clock.startedAt, 0);
    let rendered;
    try {
      rendered = await svgRenderer.render(
        {
          svg: input,
          density: request.scale === 1 ? SVG_DPI : SVG_DPI * request.scale,
          // At 72 dpi the input limit applies; a rendering at the output's resolution is bounded
          // by the output limit instead (checked by the resize step).
          limitInputPixels: request.scale > 1 ? false : request.maxInputPixels,
        },
        { timeoutMs: left, maxRssBytes: RENDER_BASE_BYTES + pixels * RENDER_BYTES_PER_PIXEL, threads: sharp.concurrency() },
      );
    } catch (error) {
      throw renderError(error, request);
    }
    const data = Buffer.from(rendered.data.buffer, rendered.data.byteOffset, rendered.data.byteLength);
    const raw = { width: rendered.width, height: rendered.height, channels: rendered.channels };
    return () => sharp(data, { raw });
  },
};
