/**
 * JPEG XL output through @jsquash/jxl (libjxl compiled to WebAssembly): sharp's prebuilt libvips
 * has no JPEG XL encoder. The single-threaded build is used: the worker pool already runs one
 * image per thread. The wasm ships inside the npm package and is compiled once per worker thread,
 * on the first JPEG XL request, from the file beside the module (no fetch, no download).
 *
 * What the encoder cannot do: animation (a strip of frames is one tall image, as for AVIF) and
 * ICC profiles (the pixels are sRGB, which JPEG XL assumes without a profile).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import encode, { init } from '@jsquash/jxl/encode.js';

/** Compiled module, shared by every encode in this thread. */
let ready: Promise<unknown> | undefined;

/** Node's WebAssembly global; this project's `lib` (es2023, no DOM) does not declare it. */
interface WasmGlobal {
  compile(bytes: Uint8Array): Promise<object>;
}

async function compile(): Promise<unknown> {
  const path = fileURLToPath(import.meta.resolve('@jsquash/jxl/codec/enc/jxl_enc.wasm'));
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmGlobal };
  const module = await WebAssembly.compile(await readFile(path));
  // The typings omit the module argument that the code accepts (and needs outside browsers).
  const initWith = init as unknown as (module: object) => Promise<unknown>;
  return initWith(module);
}

export interface RgbaPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** 8-bit RGBA of `channels`-band pixels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
export function toRgba(data: Uint8Array, channels: number): Uint8ClampedArray {
  if (channels === 4) return new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const pixels = data.length / channels;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    const at = i * channels;
    const grey = channels <= 2;
    rgba[i * 4] = data[at] ?? 0;
    rgba[i * 4 + 1] = data[grey ? at : at + 1] ?? 0;
    rgba[i * 4 + 2] = data[grey ? at : at + 2] ?? 0;
    rgba[i * 4 + 3] = channels === 2 || channels === 4 ? (data[at + channels - 1] ?? 255) : 255;
  }
  return rgba;
}

/** `quality` 1-100 as the other lossy savers; `lossless` ignores it. */
export async function encodeJxl(
  pixels: RgbaPixels & { readonly channels: number },
  options: { readonly quality: number; readonly lossless: boolean },
): Promise<Buffer> {
  ready ??= compile();
  await ready;
  const image = { data: toRgba(pixels.data, pixels.channels), width: pixels.width, height: pixels.height };
  // The typings expect the DOM's ImageData; these three fields are all the encoder reads.
  const output = await encode(image as unknown as Parameters<typeof encode>[0], {
    ...(options.lossless ? { lossless: true } : { quality: options.quality }),
    effort: 7,
  });
  return Buffer.from(output);
}
