/**
 * Messages between a thread that needs an SVG rendered and the child process that renders it.
 * librsvg cannot be cancelled once it renders: the only way to stop a hostile document for real is
 * to kill the process it runs in, so rendering happens in a child that can be killed.
 */

export interface RenderRequest {
  readonly svg: Uint8Array;
  /** Dots per inch: 72 renders at the document's own size. */
  readonly density: number;
  /** Largest width x height to render (libvips' limitInputPixels), or false for none. */
  readonly limitInputPixels: number | false;
}

export interface RenderedPixels {
  readonly ok: true;
  /** 8-bit RGBA (sRGB, not premultiplied), row by row. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 4;
}

export interface RenderFailure {
  readonly ok: false;
  /** libvips' own words, for the logs and for mapping to a public error. */
  readonly message: string;
}

export type RenderReply = RenderedPixels | RenderFailure;

export function isRenderRequest(value: unknown): value is RenderRequest {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.svg instanceof Uint8Array &&
    typeof record.density === 'number' &&
    (record.limitInputPixels === false || typeof record.limitInputPixels === 'number')
  );
}

export function isRenderReply(value: unknown): value is RenderReply {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record.ok === false) return typeof record.message === 'string';
  return (
    record.ok === true &&
    record.data instanceof Uint8Array &&
    typeof record.width === 'number' &&
    typeof record.height === 'number' &&
    record.channels === 4
  );
}
