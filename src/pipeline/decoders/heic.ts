/**
 * HEIC, i.e. HEVC-coded HEIF (spec 4.1, type `heif`; AVIF stays with sharp's own loader). Decoded
 * by libheif with libde265 compiled to WebAssembly (`libheif-js`), loaded on first use only.
 * "Pages" are the file's top-level images; without `page`/`n` the primary image is loaded, as
 * libvips does. libheif applies the file's rotation, mirror and crop itself. The primary image's
 * ICC profile (read from the container) travels with its pixels in a plain TIFF wrapper, so the
 * colours are converted from it, and `icc` can keep it, as for native inputs.
 */
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { heifIccProfile } from './heif-profile.js';
import { tiffWithProfile } from './tiff-wrap.js';
import { TRANSPARENT } from '../../plan/values.js';
import type { Size } from '../geometry.js';
import type { DecodeRequest, Decoder } from './decoder.js';
import {
  ascii,
  assertInputPixels,
  notReadable,
  pageRange,
  rawMetadata,
  rawSource,
  stackedSize,
  stackFrames,
  startsWith,
  withoutAlpha,
  type RawPixels,
} from './raw.js';

/** ISO-BMFF brands of HEVC-coded HEIF (AVIF brands are recognised, and read, natively first). */
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

function isHeic(head: Buffer): boolean {
  if (head.length < 16 || !startsWith(head, ascii('ftyp'), 4)) return false;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  for (let offset = 8; offset + 4 <= boxEnd; offset += offset === 8 ? 8 : 4) {
    if (HEIC_BRANDS.has(head.toString('latin1', offset, offset + 4))) return true;
  }
  return false;
}

/** The part of libheif-js' JavaScript API used here. */
interface HeifImage {
  get_width(): number;
  get_height(): number;
  is_primary(): boolean;
  has_alpha_channel(): boolean;
  display(target: { data: Uint8ClampedArray; width: number; height: number }, done: (result: unknown) => void): void;
  free(): void;
}

/**
 * libheif's C API as libheif-js exposes it. The container is parsed here rather than through its
 * `HeifDecoder`, which logs to the console on every unreadable file and never frees its context.
 */
interface Libheif {
  HeifImage: new (handle: unknown) => HeifImage;
  heif_context_alloc(): unknown;
  heif_context_free(context: unknown): void;
  heif_context_read_from_memory(context: unknown, input: Uint8Array): unknown;
  heif_js_context_get_list_of_top_level_image_IDs(context: unknown): unknown;
  heif_js_context_get_image_handle(context: unknown, id: number): unknown;
}

const FUNCTIONS = [
  'HeifImage',
  'heif_context_alloc',
  'heif_context_free',
  'heif_context_read_from_memory',
  'heif_js_context_get_list_of_top_level_image_IDs',
  'heif_js_context_get_image_handle',
] as const;

function isLibheif(value: unknown): value is Libheif {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return FUNCTIONS.every((name) => typeof record[name] === 'function');
}

/**
 * libheif-js returns errors as objects with a `code` (an enum object whose `value` is libheif's
 * error code, 0 for success); successful results have no `code` or a zero one.
 */
function failed(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return true;
  if (!('code' in result)) return false;
  const { code } = result;
  const value = typeof code === 'object' && code !== null && 'value' in code ? code.value : code;
  return value !== 0;
}

let libheif: Libheif | undefined;

/** The WebAssembly build with the binary inside (no file to locate at run time). */
function library(): Libheif {
  if (libheif === undefined) {
    const loaded: unknown = createRequire(import.meta.url)('libheif-js/wasm-bundle');
    if (!isLibheif(loaded)) throw new Error('libheif-js: unexpected module shape');
    libheif = loaded;
  }
  return libheif;
}

interface HeifFile {
  readonly images: readonly HeifImage[];
  readonly primary: number;
}

/** The handles of the top-level images, in file order. */
function topLevelImages(lib: Libheif, context: unknown): HeifImage[] {
  const ids = lib.heif_js_context_get_list_of_top_level_image_IDs(context);
  if (!Array.isArray(ids) || failed(ids)) throw notReadable();
  const images: HeifImage[] = [];
  for (const id of ids) {
    if (typeof id !== 'number') continue;
    const handle = lib.heif_js_context_get_image_handle(context, id);
    if (!failed(handle)) images.push(new lib.HeifImage(handle));
  }
  return images;
}

/** Parses the container (no pixels decoded), runs `use`, and frees libheif's memory. */
async function withHeif<T>(input: Buffer, use: (file: HeifFile) => T | Promise<T>): Promise<T> {
  const lib = library();
  const context = lib.heif_context_alloc();
  if (!context) throw new Error('libheif: cannot allocate a context');
  const images: HeifImage[] = [];
  try {
    const read = lib.heif_context_read_from_memory(context, new Uint8Array(input.buffer, input.byteOffset, input.length));
    if (failed(read)) throw notReadable();
    images.push(...topLevelImages(lib, context));
    if (images.length === 0) throw notReadable();
    return await use({ images, primary: Math.max(images.findIndex((image) => image.is_primary()), 0) });
  } finally {
    for (const image of images) image.free();
    lib.heif_context_free(context);
  }
}

const sizeOf = (image: HeifImage): Size => ({ width: image.get_width(), height: image.get_height() });

function selected(file: HeifFile, request: DecodeRequest): HeifImage[] {
  if (request.primary) return file.images.slice(file.primary, file.primary + 1);
  const { first, count } = pageRange(request, file.images.length);
  return file.images.slice(first, first + count);
}

async function decode(image: HeifImage): Promise<RawPixels> {
  const { width, height } = sizeOf(image);
  const data = new Uint8ClampedArray(width * height * 4);
  await new Promise<void>((resolve, reject) => {
    image.display({ data, width, height }, (result) => (result ? resolve() : reject(notReadable())));
  });
  const rgba = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return image.has_alpha_channel()
    ? { data: rgba, width, height, channels: 4 }
    : { data: withoutAlpha(rgba), width, height, channels: 3 };
}

/**
 * The profile of the loaded image, when it is the primary image alone: the container's profile
 * is looked up for the primary item only, and a strip of frames has no single profile.
 */
function profileOf(input: Buffer, file: HeifFile, images: readonly HeifImage[]): Buffer | undefined {
  const [only] = images;
  return images.length === 1 && only === file.images[file.primary] ? heifIccProfile(input) : undefined;
}

export const heicDecoder: Decoder = {
  type: 'heif',
  multiPage: true,
  uniformPages: false,
  vector: false,
  sniff: isHeic,

  header: (input, request) =>
    withHeif(input, (file) => {
      const images = selected(file, request);
      const icc = profileOf(input, file, images);
      const metadata = rawMetadata({
        ...stackedSize(images.map(sizeOf)),
        channels: images.some((image) => image.has_alpha_channel()) ? 4 : 3,
        pages: file.images.length,
        pagePrimary: file.primary,
      });
      return icc === undefined ? metadata : { ...metadata, hasProfile: true, icc };
    }),

  pageSizes: (input) => withHeif(input, (file) => file.images.map(sizeOf)),

  open: (input, request) =>
    withHeif(input, async (file) => {
      const images = selected(file, request);
      assertInputPixels(stackedSize(images.map(sizeOf)), request.maxInputPixels);
      const frames: RawPixels[] = [];
      for (const image of images) frames.push(await decode(image));
      const icc = profileOf(input, file, images);
      const [frame] = frames;
      if (icc !== undefined && frame !== undefined && (frame.channels === 3 || frame.channels === 4)) {
        const wrapped = tiffWithProfile({ ...frame, channels: frame.channels }, icc);
        return () => sharp(wrapped, { limitInputPixels: false, sequentialRead: true });
      }
      // One frame with alpha gives every frame alpha.
      const channels = frames.some((frame) => frame.channels === 4) ? 4 : 3;
      return rawSource(stackFrames(frames.map((frame) => withChannels(frame, channels)), TRANSPARENT)); // frames of different sizes: padded with transparency
    }),
};

function withChannels(frame: RawPixels, channels: 3 | 4): RawPixels {
  if (frame.channels === channels || channels === 3) return frame;
  const data = Buffer.alloc(frame.width * frame.height * 4, 255);
  for (let source = 0, target = 0; source < frame.data.length; source += 3, target += 4) {
    frame.data.copy(data, target, source, source + 3);
  }
  return { ...frame, data, channels: 4 };
}
