/**
 * Tiny readers of what image containers tell a viewer about orientation, written here so that the
 * checks do not trust sharp or libvips, the code under test: the EXIF/TIFF Orientation tag (274)
 * of JPEG, PNG, WebP and TIFF, and the HEIF/AVIF `irot`/`imir` boxes. Also the format sniffing,
 * the PNG chunks and the ISOBMFF box walk that other format checks need.
 */

import { inflateSync } from 'node:zlib';

export type Sniffed = 'jpg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff' | 'jxl' | 'unknown';

export function sniff(bytes: Buffer): Sniffed {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (bytes.toString('latin1', 0, 3) === 'GIF') return 'gif';
  const tiffMagic = bytes.toString('latin1', 0, 4);
  if (tiffMagic === 'II*\0' || tiffMagic === 'MM\0*') return 'tiff';
  if ((bytes[0] === 0xff && bytes[1] === 0x0a) || bytes.toString('latin1', 4, 8) === 'JXL ') return 'jxl';
  if (bytes.toString('latin1', 4, 8) === 'ftyp') return 'avif';
  return 'unknown';
}

/** The value of a tag in the first IFD of a TIFF structure (TIFF files and EXIF blocks). */
export function tiffTag(tiff: Buffer, tag: number): number | undefined {
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) !== tag) continue;
    const type = u16(entry + 2);
    return type === 3 ? u16(entry + 8) : u32(entry + 8); // SHORT is left-justified in the field
  }
  return undefined;
}

/** Top-level PNG chunks in file order. */
export function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  const chunks = [];
  for (let at = 8; at + 8 <= png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** RIFF chunks of a WebP file. */
export function webpChunks(webp: Buffer): { type: string; data: Buffer }[] {
  const chunks = [];
  for (let at = 12; at + 8 <= webp.length; ) {
    const length = webp.readUInt32LE(at + 4);
    chunks.push({ type: webp.toString('latin1', at, at + 4), data: webp.subarray(at + 8, at + 8 + length) });
    at += 8 + length + (length % 2);
  }
  return chunks;
}

function jpegExif(jpeg: Buffer): Buffer | undefined {
  for (let at = 2; at + 4 <= jpeg.length; ) {
    if (jpeg[at] !== 0xff) return undefined;
    const marker = jpeg[at + 1] ?? 0;
    if (marker === 0xda || marker === 0xd9) return undefined; // image data: no more headers
    const length = jpeg.readUInt16BE(at + 2);
    if (marker === 0xe1 && jpeg.toString('latin1', at + 4, at + 10) === 'Exif\0\0') {
      return jpeg.subarray(at + 10, at + 2 + length);
    }
    at += 2 + length;
  }
  return undefined;
}

export interface Box {
  readonly type: string;
  /** The box's payload, after its header (and after version/flags for full boxes we descend). */
  readonly data: Buffer;
}

/** Boxes that only contain other boxes (and, for `meta`, 4 bytes of version and flags first). */
const CONTAINERS: Readonly<Record<string, number>> = { meta: 4, iprp: 0, ipco: 0, moov: 0, trak: 0, mdia: 0, minf: 0, stbl: 0, dinf: 0 };

/** Every box of an ISOBMFF file (HEIF, AVIF, JXL container), depth first. */
export function isobmffBoxes(file: Buffer, from = 0, to = file.length): Box[] {
  const boxes: Box[] = [];
  for (let at = from; at + 8 <= to; ) {
    let size = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(file.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new Error(`bad ${type} box at ${at}`);
    boxes.push({ type, data: file.subarray(at + header, at + size) });
    const skip = CONTAINERS[type];
    if (skip !== undefined) boxes.push(...isobmffBoxes(file, at + header + skip, at + size));
    at += size;
  }
  return boxes;
}

/**
 * What a viewer does to the decoded pixels, as the EXIF Orientation value (1 = nothing). HEIF's
 * `irot` (anticlockwise quarter turns) and `imir` (axis) are mapped onto the same values.
 */
export function containerOrientation(bytes: Buffer): number {
  const format = sniff(bytes);
  const fromExif = (exif: Buffer | undefined): number => (exif === undefined ? 1 : (tiffTag(exif, 274) ?? 1));
  switch (format) {
    case 'jpg':
      return fromExif(jpegExif(bytes));
    case 'tiff':
      return fromExif(bytes);
    case 'png':
      return fromExif(pngChunks(bytes).find((chunk) => chunk.type === 'eXIf')?.data);
    case 'webp': {
      const exif = webpChunks(bytes).find((chunk) => chunk.type === 'EXIF')?.data;
      return fromExif(exif?.toString('latin1', 0, 6) === 'Exif\0\0' ? exif.subarray(6) : exif);
    }
    case 'avif':
      return heifOrientation(bytes);
    default:
      return 1;
  }
}

/** `irot` then `imir`, as EXIF orientation. */
function heifOrientation(file: Buffer): number {
  const boxes = isobmffBoxes(file);
  const irot = boxes.find((box) => box.type === 'irot');
  const imir = boxes.find((box) => box.type === 'imir');
  const quarterTurnsAnticlockwise = irot === undefined ? 0 : (irot.data[0] ?? 0) & 3;
  // imir axis 0: mirror top-bottom ("vertical axis" in ISO 23008-12 v1 wording), 1: left-right.
  const mirror = imir === undefined ? undefined : ((imir.data[0] ?? 0) & 1) === 0 ? 'top-bottom' : 'left-right';
  // The EXIF value whose "how to display" is: rotate anticlockwise by n quarter turns, then mirror.
  const table: Readonly<Record<string, number>> = {
    '0:none': 1, '1:none': 8, '2:none': 3, '3:none': 6,
    '0:left-right': 2, '1:left-right': 7, '2:left-right': 4, '3:left-right': 5,
    '0:top-bottom': 4, '1:top-bottom': 5, '2:top-bottom': 2, '3:top-bottom': 7,
  };
  return table[`${quarterTurnsAnticlockwise}:${mirror ?? 'none'}`] ?? 1;
}

/** Whether an ISOBMFF file has any box that makes a viewer turn or mirror it. */
export function hasHeifTransforms(file: Buffer): boolean {
  return isobmffBoxes(file).some((box) => box.type === 'irot' || box.type === 'imir');
}

/** The ICC profile a viewer would use, read from the container; undefined when there is none. */
export function iccOf(bytes: Buffer): Buffer | undefined {
  switch (sniff(bytes)) {
    case 'jpg': {
      const parts: Buffer[] = [];
      for (let at = 2; at + 4 <= bytes.length; ) {
        const marker = bytes[at + 1] ?? 0;
        if (bytes[at] !== 0xff || marker === 0xda || marker === 0xd9) break;
        const length = bytes.readUInt16BE(at + 2);
        if (marker === 0xe2 && bytes.toString('latin1', at + 4, at + 16) === 'ICC_PROFILE\0') {
          parts[(bytes[at + 16] ?? 1) - 1] = bytes.subarray(at + 18, at + 2 + length);
        }
        at += 2 + length;
      }
      return parts.length === 0 ? undefined : Buffer.concat(parts);
    }
    case 'png': {
      const chunk = pngChunks(bytes).find((c) => c.type === 'iCCP')?.data;
      if (chunk === undefined) return undefined;
      const name = chunk.indexOf(0);
      return inflateSync(chunk.subarray(name + 2));
    }
    case 'webp':
      return webpChunks(bytes).find((c) => c.type === 'ICCP')?.data;
    case 'avif': {
      const colr = isobmffBoxes(bytes).find((box) => box.type === 'colr' && ['prof', 'rICC'].includes(box.data.toString('latin1', 0, 4)));
      return colr?.data.subarray(4);
    }
    case 'tiff':
      return tiffBlob(bytes, 34675);
    default:
      return undefined;
  }
}

/** An UNDEFINED/BYTE array tag of the first IFD (the ICC profile is tag 34675). */
function tiffBlob(tiff: Buffer, tag: number): Buffer | undefined {
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  for (let i = 0; i < u16(ifd); i++) {
    const entry = ifd + 2 + i * 12;
    if (u16(entry) !== tag) continue;
    const count = u32(entry + 4);
    const at = count <= 4 ? entry + 8 : u32(entry + 8);
    return tiff.subarray(at, at + count);
  }
  return undefined;
}

/** Pages (IFDs) of a classic TIFF. */
export function tiffPages(tiff: Buffer): number {
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  let pages = 0;
  for (let ifd = u32(4); ifd !== 0 && pages < 10_000; pages++) ifd = u32(ifd + 2 + u16(ifd) * 12);
  return pages;
}
