/**
 * What the decoders that run in JavaScript/WebAssembly share: choosing pages, describing them the
 * way sharp describes what it reads, stacking frames into a strip and handing the pixels to sharp
 * as raw data, so the rest of the pipeline cannot tell them from native formats.
 */
import sharp, { type Metadata, type Sharp } from 'sharp';
import { ServiceError } from '../../errors.js';
import type { Size } from '../geometry.js';
import type { PageSelection } from './decoder.js';

export function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  return head.length >= at + bytes.length && bytes.every((byte, index) => head[at + index] === byte);
}

export const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

export function notReadable(cause?: unknown): ServiceError {
  return new ServiceError('NOT_READABLE', undefined, cause === undefined ? undefined : { cause });
}

/** Spec 4.2 items 2-3: the pages `selection` asks for out of `total`; beyond the end is unreadable. */
export function pageRange(selection: PageSelection, total: number): { first: number; count: number } {
  const first = selection.page;
  const count = selection.pages === -1 ? Math.max(total - first, 1) : selection.pages;
  if (first < 0 || count < 1 || first + count > total) throw notReadable();
  return { first, count };
}

/** Pixels of one frame or a strip of frames, 8 bits per sample. */
export interface RawPixels {
  readonly data: Buffer;
  readonly width: number;
  /** Whole strip. */
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  /** Set when the strip holds several frames of one size. */
  readonly pageHeight?: number;
}

/**
 * Frames on top of each other. Frames of one size become an animation-like strip; frames of
 * different sizes become one tall image as wide as the widest frame, the narrower ones
 * left-aligned on `background` (what libvips' PDF loader does).
 */
export function stackFrames(frames: readonly RawPixels[], background: readonly number[]): RawPixels {
  const [first] = frames;
  if (first === undefined) throw notReadable();
  if (frames.length === 1) return first;
  const channels = first.channels;
  if (frames.some((frame) => frame.channels !== channels)) throw new Error('frames differ in channels');
  const width = Math.max(...frames.map((frame) => frame.width));
  const height = frames.reduce((sum, frame) => sum + frame.height, 0);
  const uniform = frames.every((frame) => frame.width === first.width && frame.height === first.height);
  if (uniform) {
    return { data: Buffer.concat(frames.map((f) => f.data)), width, height, channels, pageHeight: first.height };
  }
  const data = Buffer.alloc(width * height * channels);
  const fill = Buffer.from(Array.from({ length: channels }, (_, band) => background[band] ?? 255));
  for (let offset = 0; offset < data.length; offset += channels) fill.copy(data, offset);
  let top = 0;
  for (const frame of frames) {
    const rowBytes = frame.width * channels;
    for (let y = 0; y < frame.height; y++) {
      frame.data.copy(data, ((top + y) * width) * channels, y * rowBytes, (y + 1) * rowBytes);
    }
    top += frame.height;
  }
  return { data, width, height, channels };
}

/** A factory of sharp pipelines over decoded pixels. */
export function rawSource(pixels: RawPixels): () => Sharp {
  const { data, width, height, channels, pageHeight } = pixels;
  const frames = pageHeight === undefined ? 1 : height / pageHeight;
  return () =>
    sharp(data, {
      raw: { width, height, channels, ...(frames > 1 ? { pageHeight } : {}) },
      // Per-frame operations (resize, extract, extend) need sharp to know the frame count.
      ...(frames > 1 ? { pages: -1 } : {}),
      // The load step checked the declared size before decoding.
      limitInputPixels: false,
      sequentialRead: true,
    });
}

/** Facts about decoded pages in the shape sharp's `metadata()` gives them. */
export interface RawFacts extends Size {
  /** Whole strip. */
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly pages?: number;
  readonly pageHeight?: number;
  readonly density?: number;
  readonly pagePrimary?: number;
  readonly isPalette?: boolean;
  readonly bitsPerSample?: number;
}

export function rawMetadata(facts: RawFacts): Metadata {
  const { width, height, channels } = facts;
  return {
    format: 'raw',
    width,
    height,
    autoOrient: { width, height },
    space: channels <= 2 ? 'b-w' : 'srgb',
    channels,
    depth: 'uchar',
    isProgressive: false,
    isPalette: facts.isPalette ?? false,
    hasProfile: false,
    hasAlpha: channels === 2 || channels === 4,
    ...(facts.bitsPerSample === undefined ? {} : { bitsPerSample: facts.bitsPerSample }),
    ...(facts.density === undefined ? {} : { density: facts.density }),
    ...(facts.pages === undefined ? {} : { pages: facts.pages }),
    ...(facts.pageHeight === undefined ? {} : { pageHeight: facts.pageHeight }),
    ...(facts.pagePrimary === undefined ? {} : { pagePrimary: facts.pagePrimary }),
  };
}

/** Width x strip height of pages stacked as `stackFrames` stacks them. */
export function stackedSize(sizes: readonly Size[]): Size & { pageHeight?: number } {
  const [first] = sizes;
  if (first === undefined) throw notReadable();
  const width = Math.max(...sizes.map((size) => size.width));
  const height = sizes.reduce((sum, size) => sum + size.height, 0);
  const uniform = sizes.every((size) => size.width === first.width && size.height === first.height);
  return uniform && sizes.length > 1 ? { width, height, pageHeight: first.height } : { width, height };
}

/**
 * The input limit (spec 7), for decoders to check again right before they decode: the load step
 * already refused anything larger, this keeps a decoder safe on its own.
 */
export function assertInputPixels(size: Size, maxInputPixels: number): void {
  if (size.width * size.height > maxInputPixels) throw new ServiceError('INPUT_PIXELS', String(maxInputPixels));
}

/** RGBA samples as RGB, for decoders that always produce RGBA. */
export function withoutAlpha(rgba: Buffer): Buffer {
  const pixels = rgba.length >> 2;
  const rgb = Buffer.alloc(pixels * 3);
  for (let pixel = 0; pixel < pixels; pixel++) rgba.copy(rgb, pixel * 3, pixel * 4, pixel * 4 + 3);
  return rgb;
}
