/**
 * Windows icons and cursors (spec 4.1, type `magick`: the reference reads them through
 * ImageMagick). Each directory entry is a "page": a PNG (decoded by sharp) or a headerless bitmap
 * with a transparency mask (decoded by `decode-bmp`). Without `page`/`n` the largest entry is
 * loaded (the first of equals), which is what a favicon-to-thumbnail request wants; `page=N`
 * picks entry N, `page=-1/-2` the largest/smallest as for every format.
 */
import sharp from 'sharp';
import { TRANSPARENT } from '../../plan/values.js';
import type { Size } from '../geometry.js';
import { bmpModule, readBmpInfo } from './bmp.js';
import type { DecodeRequest, Decoder } from './decoder.js';
import {
  assertInputPixels,
  notReadable,
  pageRange,
  rawMetadata,
  rawSource,
  stackedSize,
  stackFrames,
  startsWith,
  type RawPixels,
} from './raw.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const DIRECTORY_START = 6;
const ENTRY_BYTES = 16;

/** Reserved 0, type 1 (icon) or 2 (cursor), at least one entry, entries starting after the directory. */
function isIco(head: Buffer): boolean {
  if (head.length < DIRECTORY_START + ENTRY_BYTES) return false;
  if (head.readUInt16LE(0) !== 0) return false;
  const type = head.readUInt16LE(2);
  const count = head.readUInt16LE(4);
  if ((type !== 1 && type !== 2) || count === 0) return false;
  const firstOffset = head.readUInt32LE(DIRECTORY_START + 12);
  return head[DIRECTORY_START + 3] === 0 && firstOffset >= DIRECTORY_START + count * ENTRY_BYTES;
}

interface Entry extends Size {
  readonly kind: 'png' | 'bmp';
  readonly bytes: Buffer;
}

/** The directory, with each entry's real size read from its own header (the directory's is 0-255). */
function directory(input: Buffer): Entry[] {
  const count = input.readUInt16LE(4);
  const entries: Entry[] = [];
  for (let index = 0; index < count; index++) {
    const at = DIRECTORY_START + index * ENTRY_BYTES;
    if (at + ENTRY_BYTES > input.length) break;
    const declared = { width: input[at] || 256, height: input[at + 1] || 256 };
    const length = input.readUInt32LE(at + 8);
    const offset = input.readUInt32LE(at + 12);
    if (offset >= input.length) continue;
    const bytes = input.subarray(offset, Math.min(offset + length, input.length));
    if (startsWith(bytes, PNG_MAGIC)) {
      if (bytes.length < 24) continue;
      entries.push({ kind: 'png', bytes, width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) });
    } else {
      const info = readBmpInfo(bytes, 0, true);
      entries.push({ kind: 'bmp', bytes, width: info.width || declared.width, height: info.height || declared.height });
    }
  }
  if (entries.length === 0) throw notReadable();
  return entries;
}

function largest(entries: readonly Entry[]): number {
  let chosen = 0;
  entries.forEach((entry, index) => {
    const best = entries[chosen];
    if (best !== undefined && entry.width * entry.height > best.width * best.height) chosen = index;
  });
  return chosen;
}

function selected(entries: readonly Entry[], request: DecodeRequest): Entry[] {
  if (request.primary) return entries.slice(largest(entries), largest(entries) + 1);
  const { first, count } = pageRange(request, entries.length);
  return entries.slice(first, first + count);
}

function parse(input: Buffer): Entry[] {
  try {
    return directory(input);
  } catch (error) {
    throw notReadable(error);
  }
}

async function decode(entry: Entry, maxInputPixels: number): Promise<RawPixels> {
  try {
    if (entry.kind === 'png') {
      const { data, info } = await sharp(entry.bytes, { failOn: 'none', limitInputPixels: maxInputPixels })
        .toColourspace('srgb')
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height, channels: 4 };
    }
    const decodeBmp = await bmpModule();
    const image = decodeBmp(entry.bytes, { width: entry.width, height: entry.height, icon: true });
    const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    return { data, width: image.width, height: image.height, channels: 4 };
  } catch (error) {
    throw notReadable(error);
  }
}

export const icoDecoder: Decoder = {
  type: 'magick',
  multiPage: true,
  uniformPages: false,
  vector: false,
  sniff: isIco,

  header: async (input, request) => {
    const entries = parse(input);
    return rawMetadata({ ...stackedSize(selected(entries, request)), channels: 4, pages: entries.length });
  },

  pageSizes: async (input) => parse(input).map(({ width, height }) => ({ width, height })),

  open: async (input, request) => {
    const chosen = selected(parse(input), request);
    assertInputPixels(stackedSize(chosen), request.maxInputPixels);
    const frames: RawPixels[] = [];
    for (const entry of chosen) frames.push(await decode(entry, request.maxInputPixels));
    return rawSource(stackFrames(frames, TRANSPARENT)); // entries of different sizes are padded with transparency
  },
};
